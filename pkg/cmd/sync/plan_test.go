package sync

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// obj parses one YAML document into an object with its key (namespace
// defaulted to ns when it names none).
func obj(t *testing.T, ns, doc string) *resource.Object {
	t.Helper()
	m, err := manifest.ParseDoc([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: m}
	k := resource.KeyOf(u)
	if u.GetNamespace() == "" {
		k.Namespace = ns
	}
	return &resource.Object{Key: k, Obj: u}
}

func setOf(objs ...*resource.Object) resource.Set {
	s := resource.Set{}
	for _, o := range objs {
		s[o.Key] = o
	}
	return s
}

// testOptions returns sync options on buffers, for plans that need no
// cluster.
func testOptions(t *testing.T) (*Options, *strings.Builder, *strings.Builder) {
	t.Helper()
	var out, errOut strings.Builder
	streams := genericiooptions.IOStreams{In: strings.NewReader("y\n"), Out: &out, ErrOut: &errOut}
	f := cmdutil.NewFactory(streams)
	f.Getenv = func(string) string { return "" }
	o := &Options{IOStreams: streams, f: f, Output: "table"}
	return o, &out, &errOut
}

func TestPlanValue(t *testing.T) {
	for _, tt := range []struct {
		in   interface{}
		want string
	}{
		{int64(1002), "1002"},
		{"1002", `"1002"`},
		{"default", "default"},
		{"10.0.1.0/24", "10.0.1.0/24"},
		{"two words", `"two words"`},
		{true, "true"},
		{"true", `"true"`},
		{nil, "null"},
		{map[string]interface{}{"enable": true}, `{"enable":true}`},
		{[]interface{}{"a", int64(1)}, `["a",1]`},
		{strings.Repeat("x", 80), strings.Repeat("x", 59) + "…"},
		{"a\tb<c>", `"a\tb<c>"`},
	} {
		if got := planValue(tt.in); got != tt.want {
			t.Errorf("planValue(%#v) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if got := fieldChange("/spec/x", nil, int64(1), false, true); got != "/spec/x: (absent) → 1" {
		t.Errorf("fieldChange = %s", got)
	}
	if got := fieldChange("/a\nb", "v", nil, true, false); got != `/a\nb: v → (absent)` {
		t.Errorf("fieldChange = %s", got)
	}
}

func samplePlans() []*fabricPlan {
	ws := &gitstate.Workspace{Revision: "0123456789abcdef"}
	ok := &fabricPlan{
		state: &cmdutil.FabricState{Fabric: fabric.Fabric{Name: "lab"}, Workspace: ws},
		steps: []Step{
			{Action: actionApply, Kind: "VPC", Namespace: "default", Name: "vpc-2", Status: drift.StatusDrifted,
				Changes: []string{"/spec/a: 1 → 2", "/spec/b: x → y"}},
			{Action: actionApply, Kind: "VPC", Namespace: "default", Name: "vpc-3", Status: drift.StatusMissingFromCluster, Changes: []string{"create"}},
			{Action: actionPrune, Kind: "VPC", Namespace: "default", Name: "vpc-legacy", Status: drift.StatusNotInGit, Changes: []string{"delete"},
				Evidence: "flux inventory flux-system/lab"},
		},
		kept:  []Step{{Action: actionKeep, Kind: "VPC", Namespace: "default", Name: "vpc-hand", Status: drift.StatusNotInGit, Changes: []string{reasonNeverInGit}}},
		notes: []string{"something left alone"},
	}
	empty := &fabricPlan{state: &cmdutil.FabricState{Fabric: fabric.Fabric{Name: "prod"}, Workspace: ws}}
	failed := &fabricPlan{state: &cmdutil.FabricState{Fabric: fabric.Fabric{Name: "edge"}}, err: errors.New("fabric edge: unreachable")}
	return []*fabricPlan{ok, empty, failed}
}

func TestPrintPlanText(t *testing.T) {
	o, out, _ := testOptions(t)
	if err := o.printPlan(actionApply, samplePlans()); err != nil {
		t.Fatal(err)
	}
	want := `fabric lab (revision 0123456): apply 2 objects, prune 1 object; 1 object not pruned
apply  VPC default/vpc-2  /spec/a: 1 → 2
apply  VPC default/vpc-2  /spec/b: x → y
apply  VPC default/vpc-3  create
prune  VPC default/vpc-legacy  delete (flux inventory flux-system/lab)
keep   VPC default/vpc-hand  not pruned: never in Git (adopt it, or delete it with kubectl)
note: something left alone
fabric prod (revision 0123456): nothing to do
fabric edge: error: unreachable
`
	if out.String() != want {
		t.Errorf("--- want\n%s--- got\n%s", want, out.String())
	}
}

func TestPrintPlanJSON(t *testing.T) {
	o, out, _ := testOptions(t)
	o.Output, o.DryRun = "json", true
	if err := o.printPlan(actionApply, samplePlans()); err != nil {
		t.Fatal(err)
	}
	var p Plan
	if err := json.Unmarshal([]byte(out.String()), &p); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if p.Kind != PlanKind || p.APIVersion != PlanAPIVersion || p.Mode != "apply" || !p.DryRun || len(p.Fabrics) != 3 {
		t.Fatalf("plan %+v", p)
	}
	lab, prod, edge := p.Fabrics[0], p.Fabrics[1], p.Fabrics[2]
	if lab.GitRevision != "0123456789abcdef" || len(lab.Steps) != 3 || lab.Steps[0].Status != drift.StatusDrifted || len(lab.Notes) != 1 ||
		lab.Steps[2].Evidence != "flux inventory flux-system/lab" || len(lab.NotPruned) != 1 || lab.NotPruned[0].Changes[0] != reasonNeverInGit {
		t.Errorf("lab %+v", lab)
	}
	if prod.Steps == nil || len(prod.Steps) != 0 || prod.Notes == nil || prod.Error != "" {
		t.Errorf("prod: steps and notes are empty lists, not null: %+v", prod)
	}
	if edge.Error != "fabric edge: unreachable" {
		t.Errorf("edge %+v", edge)
	}
	if !strings.Contains(out.String(), `"steps": []`) || !strings.Contains(out.String(), `"notPruned": []`) {
		t.Errorf("empty steps are [] in JSON:\n%s", out)
	}
}

func TestExitFor(t *testing.T) {
	for _, tt := range []struct {
		failed, todo bool
		want         int
	}{{false, false, 0}, {false, true, 1}, {true, false, 2}, {true, true, 2}} {
		if got := cmdutil.ExitCode(exitFor(tt.failed, tt.todo)); got != tt.want {
			t.Errorf("exitFor(%v, %v) = %d, want %d", tt.failed, tt.todo, got, tt.want)
		}
	}
}

func TestConfirmNeedsATerminal(t *testing.T) {
	o, _, errOut := testOptions(t)
	ok, err := o.confirm("change 2 objects in the cluster")
	if ok || err == nil || err.Error() != "refusing to change 2 objects in the cluster without confirmation: stdin is not a terminal; pass --yes (or --dry-run to only see the plan)" {
		t.Errorf("confirm = %v, %v", ok, err)
	}
	if errOut.Len() != 0 {
		t.Errorf("asked anyway: %q", errOut.String())
	}
}

func TestCompareRestrictsToName(t *testing.T) {
	o, _, _ := testOptions(t)
	o.name = "vpc-2"
	st := &cmdutil.FabricState{
		Fabric:  fabric.Fabric{Name: "lab"},
		Desired: setOf(obj(t, "default", "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-2}\n"), obj(t, "default", "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-3}\n")),
		Actual:  setOf(obj(t, "default", "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-legacy, namespace: default}\n")),
	}
	p := o.compare(st)
	if p.err != nil || len(p.result.Resources) != 1 || p.result.Resources[0].Name != "vpc-2" {
		t.Errorf("compare: %v %+v", p.err, p.result)
	}
	bad := &cmdutil.FabricState{Fabric: fabric.Fabric{Name: "lab", Ignore: []fabric.IgnoreRule{{Kind: "nope", Paths: []string{"/x"}}}}}
	if p := o.compare(bad); p.err == nil || !strings.Contains(p.err.Error(), "ignore rules in the config file") {
		t.Errorf("bad rules: %v", p.err)
	}
}
