package snapshot

import (
	"path/filepath"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func TestCleanKeepsWhatDriftJudgesBy(t *testing.T) {
	u := &unstructured.Unstructured{Object: map[string]interface{}{
		"kind":   "VPC",
		"status": map[string]interface{}{"state": "ready"},
		"metadata": map[string]interface{}{
			"name": "v", "uid": "u", "resourceVersion": "7", "generation": int64(2), "creationTimestamp": "t",
			"labels":      map[string]interface{}{"team": "a"},
			"annotations": map[string]interface{}{"kubectl.kubernetes.io/last-applied-configuration": "{}"},
			"managedFields": []interface{}{map[string]interface{}{
				"manager": "kustomize-controller", "operation": "Apply", "time": "2026-01-01T00:00:00Z",
				"fieldsV1": map[string]interface{}{"f:spec": map[string]interface{}{}},
			}},
		},
	}}
	c := Clean(u)
	md := c["metadata"].(map[string]interface{})
	for _, gone := range []string{"uid", "resourceVersion", "generation", "creationTimestamp"} {
		if _, ok := md[gone]; ok {
			t.Errorf("%s kept", gone)
		}
	}
	if _, ok := c["status"]; ok {
		t.Error("status kept")
	}
	mf, _ := md["managedFields"].([]interface{})
	if len(mf) != 1 {
		t.Fatalf("managedFields = %v, want the entry", md["managedFields"])
	}
	e := mf[0].(map[string]interface{})
	if _, ok := e["time"]; ok || e["manager"] != "kustomize-controller" || e["fieldsV1"] == nil {
		t.Errorf("entry = %v, want it without its time", e)
	}
	if md["labels"] == nil || md["annotations"] == nil {
		t.Error("labels or annotations dropped")
	}
	if _, ok := u.Object["metadata"].(map[string]interface{})["managedFields"].([]interface{})[0].(map[string]interface{})["time"]; !ok {
		t.Error("Clean modified its input")
	}
}

// A snapshot keeps each fabric's Agents as they were judged, a note when
// they could not be read, and says when it holds none.
func TestSnapshotAgents(t *testing.T) {
	hb := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)
	s := New(hb.Add(time.Minute))
	s.Add("lab", "https://10.0.0.1:6443", "default", resource.Set{})
	s.Add("prod", "https://10.0.0.2:6443", "default", resource.Set{})
	s.Add("old", "https://10.0.0.3:6443", "default", resource.Set{})
	s.AddAgents("lab", &hedgehog.Agents{ByName: map[hedgehog.AgentKey]hedgehog.AgentStatus{
		{Namespace: "default", Name: "sw-2"}: {Applied: hedgehog.AppliedPending, Generation: 3, LastAppliedGen: 1, Heartbeat: hb},
		{Namespace: "default", Name: "sw-1"}: {Applied: hedgehog.AppliedYes, Generation: 2, LastAppliedGen: 2, LastAttemptGen: 2, Heartbeat: hb},
		{Namespace: "other", Name: "sw-0"}:   {Applied: hedgehog.AppliedFailing, Generation: 4, LastAppliedGen: 3, LastAttemptGen: 4},
	}})
	s.AddAgents("prod", hedgehog.UnknownAgents("switch agents unknown: not allowed"))
	s.AddAgents("old", nil)
	got := roundTrip(t, s)

	lab := got.Agents("lab")
	if lab == nil || lab.Note != "" || len(lab.ByName) != 3 {
		t.Fatalf("lab's Agents: %+v", lab)
	}
	for key, want := range map[hedgehog.AgentKey]hedgehog.AgentStatus{
		{Namespace: "default", Name: "sw-1"}: {Applied: hedgehog.AppliedYes, Generation: 2, LastAppliedGen: 2, LastAttemptGen: 2, Heartbeat: hb},
		{Namespace: "default", Name: "sw-2"}: {Applied: hedgehog.AppliedPending, Generation: 3, LastAppliedGen: 1, Heartbeat: hb},
		{Namespace: "other", Name: "sw-0"}:   {Applied: hedgehog.AppliedFailing, Generation: 4, LastAppliedGen: 3, LastAttemptGen: 4},
	} {
		if g := lab.ByName[key]; g.Applied != want.Applied || g.Generation != want.Generation || g.LastAppliedGen != want.LastAppliedGen ||
			g.LastAttemptGen != want.LastAttemptGen || !g.Heartbeat.Equal(want.Heartbeat) {
			t.Errorf("%s: %+v, want %+v", key, g, want)
		}
	}
	if names := got.Fabrics[0].Agents.Items; names[0].Name != "sw-1" || names[1].Name != "sw-2" || names[2].Namespace != "other" {
		t.Errorf("Agents not sorted: %+v", names)
	}
	if prod := got.Agents("prod"); prod == nil || prod.Note != "switch agents unknown: not allowed" {
		t.Errorf("prod's Agents: %+v", prod)
	}
	if old := got.Agents("old"); old == nil || old.Note != NoAgentsNote || old.For("default", "sw-1").Applied != hedgehog.AppliedUnknown {
		t.Errorf("a fabric without Agents: %+v", old)
	}
	if got.Agents("missing") != nil {
		t.Error("Agents of a fabric the snapshot does not hold")
	}
}

// A snapshot keeps each fabric's deployer without Behind, which is counted
// against Git when the snapshot is read.
func TestSnapshotDeployer(t *testing.T) {
	s := New(time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC))
	s.Add("lab", "https://10.0.0.1:6443", "default", resource.Set{})
	s.Add("none", "https://10.0.0.1:6443", "other", resource.Set{})
	p := &drift.Pipeline{Tool: "flux", Name: "flux-system/lab", Revision: "abc", Ready: "True", Suspended: true, Behind: 2}
	s.AddDeployer("lab", p, []fabric.IgnoreRule{{Kind: "VPC", Namespace: "lab", Paths: []string{"/spec/x"}}})
	s.AddDeployer("none", nil, nil)
	got := roundTrip(t, s)
	want := *p
	want.Behind = 0
	if d := got.Deployer("lab"); d == nil || *d != want {
		t.Errorf("lab's deployer %+v, want %+v", d, want)
	}
	if p.Behind != 2 {
		t.Error("AddDeployer changed the caller's pipeline")
	}
	if d := got.Deployer("none"); d != nil {
		t.Errorf("a fabric without a deployer has %+v", d)
	}
	if ig := got.DeployerIgnores("lab"); len(ig) != 1 || ig[0].Namespace != "lab" || ig[0].Kind != "VPC" || len(ig[0].Paths) != 1 || ig[0].Paths[0] != "/spec/x" {
		t.Errorf("lab's deployer ignores %+v", ig)
	}
	if ig := got.DeployerIgnores("none"); ig != nil {
		t.Errorf("a fabric without a deployer has ignores %+v", ig)
	}
}

// roundTrip writes s to a file and reads it back.
func roundTrip(t *testing.T, s *Snapshot) *Snapshot {
	t.Helper()
	path := filepath.Join(t.TempDir(), "snap.json")
	if err := Write(path, s); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return got
}
