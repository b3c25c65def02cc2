package sync

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

const gitVPCs = `# Tenants.
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
spec:
  subnets:
    default:
      subnet: 10.0.1.0/24
      vlan: 1001 # access
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-3
spec:
  subnets:
    default: {subnet: 10.0.3.0/24, vlan: 1003}
`

// adoptState is fabric "lab" in a working tree on disk (namespace fab),
// with the given cluster objects.
func adoptState(t *testing.T, files map[string]string, actual ...*resource.Object) *cmdutil.FabricState {
	t.Helper()
	root := t.TempDir()
	for p, body := range files {
		abs := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err := desired.Load(root, "f")
	if err != nil {
		t.Fatal(err)
	}
	fab := fabric.Fabric{Name: "lab", Git: fabric.GitSpec{Dir: "f"}, Cluster: fabric.ClusterSpec{Namespace: "fab"}}
	return &cmdutil.FabricState{
		Fabric: fab, Workspace: &gitstate.Workspace{Root: root, Revision: "abc", Local: true},
		Desired: cmdutil.InNamespace(d.Objects, "fab"), Actual: setOf(actual...), Kinds: kinds.All(),
	}
}

func TestPlanAdopt(t *testing.T) {
	st := adoptState(t, map[string]string{"f/vpcs.yaml": gitVPCs},
		obj(t, "", "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-1, namespace: fab, uid: x}\nspec:\n  subnets:\n    default: {subnet: 10.0.1.0/24, vlan: 1101}\n"),
		obj(t, "", "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-legacy\n  namespace: fab\n  resourceVersion: \"5\"\n  labels: {fabric.githedgehog.com/vpc: vpc-legacy}\nspec:\n  subnets:\n    default: {subnet: 10.0.9.0/24, vlan: 1009}\nstatus: {x: 1}\n"),
	)
	o, _, _ := testOptions(t)
	o.Validate = cmdutil.ValidateNone
	p := o.compare(st)
	o.planAdopt(context.Background(), p)
	if p.err != nil {
		t.Fatal(p.err)
	}
	if len(p.steps) != 2 || len(p.edits) != 1 || len(p.adds) != 1 || len(p.notes) != 0 {
		t.Fatalf("steps %+v edits %d adds %d notes %v", p.steps, len(p.edits), len(p.adds), p.notes)
	}
	if s := p.steps[0]; s.Name != "vpc-1" || len(s.Changes) != 1 || s.Changes[0] != "/spec/subnets/default/vlan: 1001 → 1101 (f/vpcs.yaml:2)" {
		t.Errorf("drifted step %+v", s)
	}
	// VPCs share one file: the new one is appended there.
	if s := p.steps[1]; s.Name != "vpc-legacy" || s.File != "f/vpcs.yaml" || s.Changes[0] != "→ appended to f/vpcs.yaml" {
		t.Errorf("new step %+v", s)
	}
	wantEdit := "# Tenants.\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1101 # access\n"
	if got := string(p.edits[0].Text); got != wantEdit {
		t.Errorf("edited document:\n--- want\n%s--- got\n%s", wantEdit, got)
	}
	wantNew := "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-legacy\nspec:\n  subnets:\n    default:\n      subnet: 10.0.9.0/24\n      vlan: 1009\n"
	if got := string(p.adds[0].Text); got != wantNew {
		t.Errorf("new document:\n--- want\n%s--- got\n%s", wantNew, got)
	}

	// Naming an object missing from the cluster: a note, nothing to do.
	st = adoptState(t, map[string]string{"f/vpcs.yaml": gitVPCs})
	o.name = "vpc-3"
	p = o.compare(st)
	o.planAdopt(context.Background(), p)
	if p.err != nil || len(p.steps) != 0 || len(p.notes) != 1 || !strings.Contains(p.notes[0], "VPC fab/vpc-3 is missing from the cluster: --adopt leaves it in Git") {
		t.Errorf("named missing object: %v %+v %v", p.err, p.steps, p.notes)
	}
}

// Objects with no layout to follow go to <dir>/<plural>/<name>.yaml.
func TestPlanAdoptDefaultPlaces(t *testing.T) {
	st := adoptState(t, map[string]string{"f/readme.yaml": "# nothing\n"},
		obj(t, "", "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata: {name: leaf-1, namespace: other}\nspec: {role: server-leaf}\n"),
	)
	o, _, _ := testOptions(t)
	o.Validate = cmdutil.ValidateNone
	p := o.compare(st)
	o.planAdopt(context.Background(), p)
	if p.err != nil || len(p.adds) != 1 || p.adds[0].File != "f/switches/leaf-1.yaml" || p.steps[0].Changes[0] != "→ new file f/switches/leaf-1.yaml" {
		t.Fatalf("%v %+v", p.err, p.steps)
	}
	// Another namespace than the fabric's stays in the document.
	if !strings.Contains(string(p.adds[0].Text), "  namespace: other\n") {
		t.Errorf("namespace dropped:\n%s", p.adds[0].Text)
	}
}

// A drifted object defined in a JSON file cannot be written back: the
// fabric fails, naming it, and nothing of it is planned.
func TestPlanAdoptJSONFails(t *testing.T) {
	st := adoptState(t, map[string]string{
		"f/servers.json": `{"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "Server", "metadata": {"name": "s1"}, "spec": {"description": "a"}}`,
	},
		obj(t, "", "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata: {name: s1, namespace: fab}\nspec: {description: b}\n"),
		obj(t, "", "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata: {name: s2, namespace: fab}\nspec: {description: c}\n"),
	)
	o, _, _ := testOptions(t)
	o.Validate = cmdutil.ValidateNone
	p := o.compare(st)
	o.planAdopt(context.Background(), p)
	if p.err == nil || !strings.Contains(p.err.Error(), "fabric lab: cannot adopt") || !strings.Contains(p.err.Error(), "Server fab/s1 is defined in f/servers.json:1: editing JSON files is not supported") {
		t.Errorf("err = %v", p.err)
	}
	if len(p.steps)+len(p.adds)+len(p.edits) != 0 {
		t.Errorf("a failed fabric has no plan: %+v", p.steps)
	}
}
