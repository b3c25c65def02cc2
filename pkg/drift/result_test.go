package drift

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func TestCompareStatusesSummaryAndOrder(t *testing.T) {
	inSync := obj(t, `{kind: VPC, metadata: {name: b}, spec: {x: 1}}`)
	drifted := obj(t, `{kind: VPC, metadata: {name: a}, spec: {x: 1}}`)
	driftedActual := obj(t, `{kind: VPC, metadata: {name: a}, spec: {x: 2}}`)
	missing := obj(t, `{kind: Switch, metadata: {name: s1, namespace: fab}}`)
	notInGit := obj(t, `{kind: Connection, metadata: {name: c1}}`)
	drifted.Origin = &resource.Origin{File: "vpcs/a.yaml", Doc: 1, Line: 12}
	missing.Origin = &resource.Origin{File: "switches.yaml", Line: 3}

	res := Compare(set(inSync, drifted, missing), set(inSync, driftedActual, notInGit), Options{})

	want := []ResourceResult{
		{Kind: "Connection", Namespace: "default", Name: "c1", Status: StatusNotInGit},
		{Kind: "Switch", Namespace: "fab", Name: "s1", Status: StatusMissingFromCluster, File: "switches.yaml", Line: 3},
		{Kind: "VPC", Namespace: "default", Name: "a", Status: StatusDrifted, File: "vpcs/a.yaml", Line: 12,
			Diffs: []FieldDiff{{Path: "/spec/x", Desired: int64(1), Actual: int64(2), Type: DiffChanged}}},
		{Kind: "VPC", Namespace: "default", Name: "b", Status: StatusInSync},
	}
	if d := cmp.Diff(want, res.Resources); d != "" {
		t.Errorf("resources (-want +got):\n%s", d)
	}
	wantSum := Summary{Total: 4, InSync: 1, Drifted: 1, MissingFromCluster: 1, NotInGit: 1}
	if res.Summary != wantSum {
		t.Errorf("summary = %+v, want %+v", res.Summary, wantSum)
	}
	if !res.HasDrift() {
		t.Error("HasDrift() = false with drift")
	}
	if Compare(set(inSync), set(inSync), Options{}).HasDrift() {
		t.Error("HasDrift() = true without drift")
	}
	if got := Compare(nil, nil, Options{}); len(got.Resources) != 0 || got.Summary != (Summary{}) {
		t.Errorf("Compare(nil, nil) = %+v", got)
	}
}

func TestCompareDiffOrderIsDeterministic(t *testing.T) {
	d := map[string]interface{}{"kind": "VPC", "metadata": map[string]interface{}{"name": "v"}}
	a := map[string]interface{}{"kind": "VPC", "metadata": map[string]interface{}{"name": "v"}}
	ds, as := map[string]interface{}{}, map[string]interface{}{}
	list := []interface{}{}
	alist := []interface{}{}
	for i := 0; i < 12; i++ {
		ds[fmt.Sprintf("k%d", i)] = i
		as[fmt.Sprintf("k%d", i)] = i + 1
		list = append(list, i)
		alist = append(alist, -i-1)
	}
	ds["l"], as["l"] = list, alist
	d["spec"], a["spec"] = ds, as
	first := compareOne(t, object(d), object(a), Options{})
	var paths []string
	for _, fd := range first.Diffs {
		paths = append(paths, fd.Path)
	}
	want := []string{"/spec/k0", "/spec/k1", "/spec/k10", "/spec/k11", "/spec/k2", "/spec/k3", "/spec/k4",
		"/spec/k5", "/spec/k6", "/spec/k7", "/spec/k8", "/spec/k9"}
	for i := 0; i < 12; i++ {
		want = append(want, fmt.Sprintf("/spec/l/%d", i))
	}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	for i := 0; i < 20; i++ {
		if diff := cmp.Diff(first, compareOne(t, object(d), object(a), Options{})); diff != "" {
			t.Fatalf("run %d differs:\n%s", i, diff)
		}
	}
}

func TestCompareLargeSetMatchesOneByOne(t *testing.T) {
	desired, actual := benchSets(3000, 7)
	res := Compare(desired, actual, Options{BuiltinIgnores: true})
	if len(res.Resources) != len(desired)+countOnly(actual, desired) {
		t.Fatalf("got %d resources", len(res.Resources))
	}
	if res.Summary.Drifted == 0 || res.Summary.InSync == 0 || res.Summary.NotInGit == 0 || res.Summary.MissingFromCluster == 0 {
		t.Fatalf("benchmark data lacks a status: %+v", res.Summary)
	}
	for i, r := range res.Resources {
		if i > 0 && !res.Resources[i-1].Key().Less(r.Key()) {
			t.Fatalf("resources out of order at %d: %s after %s", i, r.Key(), res.Resources[i-1].Key())
		}
		k := r.Key()
		var d, a resource.Set
		if o := desired[k]; o != nil {
			d = set(o)
		}
		if o := actual[k]; o != nil {
			a = set(o)
		}
		one := Compare(d, a, Options{BuiltinIgnores: true}).Resources[0]
		if diff := cmp.Diff(one, r); diff != "" {
			t.Fatalf("%s differs when compared alone:\n%s", k, diff)
		}
	}
}

func countOnly(a, b resource.Set) int {
	n := 0
	for k := range a {
		if _, ok := b[k]; !ok {
			n++
		}
	}
	return n
}

func TestResultJSON(t *testing.T) {
	res := &Result{
		Resources: []ResourceResult{
			{Kind: "VPC", Namespace: "default", Name: "a", Status: StatusDrifted, File: "a.yaml", Line: 2, Diffs: []FieldDiff{
				{Path: "/spec/on", Desired: false, Actual: true, Type: DiffChanged},
				{Path: "/spec/n", Desired: int64(0), Type: DiffOnlyInGit},
				{Path: "/spec/m", Actual: false, Type: DiffOnlyInCluster},
				{Path: "/spec/null", Desired: nil, Actual: "x", Type: DiffChanged},
			}},
			{Kind: "VPC", Namespace: "default", Name: "b", Status: StatusNotInGit},
		},
		Summary: Summary{Total: 2, Drifted: 1, NotInGit: 1},
	}
	got, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"resources":[` +
		`{"kind":"VPC","namespace":"default","name":"a","status":"drifted","file":"a.yaml","line":2,"diffs":[` +
		`{"path":"/spec/on","desired":false,"actual":true,"type":"changed"},` +
		`{"path":"/spec/n","desired":0,"type":"onlyInGit"},` +
		`{"path":"/spec/m","actual":false,"type":"onlyInCluster"},` +
		`{"path":"/spec/null","desired":null,"actual":"x","type":"changed"}]},` +
		`{"kind":"VPC","namespace":"default","name":"b","status":"notInGit"}],` +
		`"summary":{"total":2,"inSync":0,"drifted":1,"missingFromCluster":0,"notInGit":1}}`
	if string(got) != want {
		t.Errorf("JSON:\n got %s\nwant %s", got, want)
	}
}
