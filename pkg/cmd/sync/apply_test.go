package sync

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
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
	p.evidence = gitEvidence(t, "vpc-legacy")
	o.planApply(context.Background(), p)
	if len(p.steps) != 3 || p.steps[2].Action != actionPrune || p.steps[2].Changes[0] != "delete" ||
		!strings.HasPrefix(p.steps[2].Evidence, "git history: removed in ") ||
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

// gitEvidence is the evidence of a real Git history in which the fabric's
// directory f/ held the named VPCs (in no namespace) and then lost them,
// without deployer inventories.
func gitEvidence(t *testing.T, names ...string) *evidence {
	t.Helper()
	docs := ""
	for _, n := range names {
		docs += "---\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: " + n + "}\nspec: {}\n"
	}
	remote := testbed.NewBareRemote(t, map[string]string{"f/vpcs.yaml": docs})
	testbed.CommitFiles(t, remote, map[string]string{"f/vpcs.yaml": "# none left\n"}, "remove them")
	ws, err := gitstate.Open(context.Background(), fabric.GitSpec{URL: remote}, gitstate.OpenOptions{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return &evidence{ns: "default", history: func(ctx context.Context) (*gitstate.History, error) {
		return ws.History(ctx, "f", gitstate.HistoryOptions{Deepen: true})
	}}
}

// An object not in Git is pruned only with evidence that Git deployed it;
// the others are kept and listed.
func TestPlanPruneNeedsEvidence(t *testing.T) {
	o, out, _ := testOptions(t)
	o.Prune = true
	st := applyState(t)
	for _, n := range []string{"vpc-hand", "vpc-old"} {
		st.Actual[resource.Key{Kind: "VPC", Namespace: "default", Name: n}] = obj(t, "", "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: "+n+", namespace: default}\nspec: {}\n")
	}
	p := o.compare(st)
	p.evidence = gitEvidence(t, "vpc-old")
	o.planApply(context.Background(), p)
	want := []resource.Key{{Kind: "VPC", Namespace: "default", Name: "vpc-old"}}
	if !reflect.DeepEqual(p.prune, want) || len(p.kept) != 2 || len(p.notes) != 0 {
		t.Fatalf("prune %v kept %+v notes %v", p.prune, p.kept, p.notes)
	}
	for i, name := range []string{"vpc-hand", "vpc-legacy"} {
		if k := p.kept[i]; k.Name != name || k.Action != actionKeep || !reflect.DeepEqual(k.Changes, []string{reasonNeverInGit}) {
			t.Errorf("kept %d: %+v", i, k)
		}
	}
	if err := o.printPlan(actionApply, []*fabricPlan{p}); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		": apply 2 objects, prune 1 object; 2 objects not pruned\n",
		"\nprune  VPC default/vpc-old  delete (git history: removed in ",
		"\nkeep   VPC default/vpc-hand  not pruned: never in Git (adopt it, or delete it with kubectl)\n",
		"\nkeep   VPC default/vpc-legacy  not pruned: never in Git (adopt it, or delete it with kubectl)\n",
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("plan lacks %q:\n%s", line, out)
		}
	}

	// Without the Git history, nothing is "never in Git": there is no
	// evidence, and the note says why.
	p = o.compare(applyState(t))
	p.evidence = &evidence{ns: "default", history: func(context.Context) (*gitstate.History, error) {
		return nil, errors.New("no history today")
	}}
	o.planApply(context.Background(), p)
	if len(p.prune) != 0 || len(p.kept) != 1 || p.kept[0].Changes[0] != reasonNoEvidence ||
		!reflect.DeepEqual(p.notes, []string{"Git history not read: no history today"}) {
		t.Errorf("no history: prune %v kept %+v notes %v", p.prune, p.kept, p.notes)
	}

	// Reading Git had errors: nothing is pruned at all.
	st = applyState(t)
	p = o.compare(st)
	st.Err = errors.New("fabric lab: f/x.yaml:3: bad")
	p.evidence = gitEvidence(t, "vpc-legacy")
	o.planApply(context.Background(), p)
	if len(p.prune) != 0 || len(p.kept) != 0 || !reflect.DeepEqual(p.notes, []string{"nothing pruned: reading the fabric's Git had errors"}) {
		t.Errorf("Git errors: prune %v kept %+v notes %v", p.prune, p.kept, p.notes)
	}
}
