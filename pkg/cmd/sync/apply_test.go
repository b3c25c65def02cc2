package sync

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func applyState(t *testing.T) *cmdutil.FabricState {
	vpc := func(name, spec string) string {
		return "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: " + name + ", namespace: default}\nspec: " + spec + "\n"
	}
	return &cmdutil.FabricState{
		Fabric: fabric.Fabric{Name: "lab"},
		Desired: setOf(
			obj(t, "", vpc("vpc-1", "{ipv4Namespace: default}")),
			obj(t, "", vpc("vpc-2", "{ipv4Namespace: default, defaultIsolated: true}")),
			obj(t, "", vpc("vpc-3", "{ipv4Namespace: default}")),
		),
		Actual: setOf(
			obj(t, "", vpc("vpc-1", "{ipv4Namespace: default}")),
			obj(t, "", vpc("vpc-2", "{ipv4Namespace: other}")),
			obj(t, "", vpc("vpc-legacy", "{ipv4Namespace: default}")),
		),
	}
}

func keysOf(objs []*resource.Object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.Key.Name)
	}
	return out
}

func TestPlanApply(t *testing.T) {
	o, _, _ := testOptions(t)
	p := o.compare(applyState(t))
	o.planApply(context.Background(), p)
	if p.err != nil || !reflect.DeepEqual(keysOf(p.apply), []string{"vpc-2", "vpc-3"}) || len(p.prune) != 0 || len(p.notes) != 0 {
		t.Fatalf("%v apply %v prune %v notes %v", p.err, keysOf(p.apply), p.prune, p.notes)
	}
	want := [][]string{
		{"/spec/defaultIsolated: (absent) → true", "/spec/ipv4Namespace: other → default"},
		{"create"},
	}
	for i, s := range p.steps {
		if s.Action != actionApply || !reflect.DeepEqual(s.Changes, want[i]) {
			t.Errorf("step %d: %+v", i, s)
		}
	}
	// The apply sends Git's objects themselves.
	if p.apply[0] != p.state.Desired[p.apply[0].Key] {
		t.Errorf("not the desired object")
	}

	o.Prune = true
	p = o.compare(applyState(t))
	o.planApply(context.Background(), p)
	if len(p.steps) != 3 || p.steps[2].Action != actionPrune || p.steps[2].Changes[0] != "delete" ||
		!reflect.DeepEqual(p.prune, []resource.Key{{Kind: "VPC", Namespace: "default", Name: "vpc-legacy"}}) {
		t.Errorf("prune: %+v %v", p.steps, p.prune)
	}

	o.Prune, o.name = false, "vpc-legacy"
	p = o.compare(applyState(t))
	o.planApply(context.Background(), p)
	if len(p.steps) != 0 || len(p.notes) != 1 || !strings.Contains(p.notes[0], "VPC default/vpc-legacy is not in Git: --apply leaves it in the cluster (--prune deletes it)") {
		t.Errorf("named object not in Git: %+v %v", p.steps, p.notes)
	}
}

// A field only in the cluster that Git once applied is drift that a
// server-side apply cannot undo: the plan removes it afterwards.
func TestPlanApplyRemovesFieldsGitNoLongerSets(t *testing.T) {
	o, _, _ := testOptions(t)
	st := &cmdutil.FabricState{
		Fabric:  fabric.Fabric{Name: "lab"},
		Desired: setOf(obj(t, "", "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: v, namespace: default}\nspec: {ipv4Namespace: default}\n")),
		Actual: setOf(obj(t, "", `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: v
  namespace: default
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"spec":{"ipv4Namespace":"default","defaultIsolated":true}}'
spec: {ipv4Namespace: default, defaultIsolated: true, vlanNamespace: default}
`)),
	}
	p := o.compare(st)
	o.planApply(context.Background(), p)
	key := resource.Key{Kind: "VPC", Namespace: "default", Name: "v"}
	if len(p.steps) != 1 || !reflect.DeepEqual(p.steps[0].Changes, []string{"/spec/defaultIsolated: true → (absent)"}) ||
		!reflect.DeepEqual(p.removals, map[resource.Key][]string{key: {"/spec/defaultIsolated"}}) {
		t.Errorf("steps %+v removals %v", p.steps, p.removals)
	}
}

// With -l, an object whose cluster labels match and whose Git labels do not
// looks "not in Git"; it is in Git, so it is neither pruned nor adopted.
func TestSelectorNeverPrunesOrAdoptsWhatGitHas(t *testing.T) {
	git := "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\n  labels: {team: web}\nspec: {ipv4Namespace: default}\n"
	live := obj(t, "", "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-1, namespace: fab, labels: {team: db}}\nspec: {ipv4Namespace: default}\n")
	sel, err := labels.Parse("team=db")
	if err != nil {
		t.Fatal(err)
	}
	for _, adopt := range []bool{false, true} {
		st := adoptState(t, map[string]string{"f/vpcs.yaml": git}, live)
		st.Desired = cmdutil.Filter(st.Desired, kinds.All(), sel) // as LoadFabrics does
		o, _, _ := testOptions(t)
		o.selector, o.Prune, o.Validate = sel, true, cmdutil.ValidateNone
		p := o.compare(st)
		if adopt {
			o.planAdopt(context.Background(), p)
		} else {
			o.planApply(context.Background(), p)
		}
		if p.err != nil || len(p.steps) != 0 || len(p.notes) != 1 || p.notes[0] != "VPC fab/vpc-1 is in Git with labels that do not match -l: left alone" {
			t.Errorf("adopt=%v: %v steps %+v notes %v", adopt, p.err, p.steps, p.notes)
		}
	}
}
