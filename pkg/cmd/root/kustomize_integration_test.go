package root

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// kustomizeFiles returns the files of testdata/kustomize.
func kustomizeFiles(t *testing.T) map[string]string {
	t.Helper()
	root, err := testbed.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return readFiles(t, filepath.Join(root, "testdata", "kustomize"), ".")
}

// kubectlLab runs the real kubectl against the lab control plane.
func kubectlLab(t *testing.T, args ...string) string {
	t.Helper()
	args = append([]string{"--kubeconfig", lab.KubeconfigPath, "--context", lab.Context}, args...)
	out, err := exec.Command("kubectl", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// kustomizeFabric puts testdata/kustomize in a working tree, deploys
// overlays/lab into a fresh namespace of the lab cluster with
// `kubectl apply -k`, and configures the fabric "kz" on it: dir base,
// path overlays/lab.
func kustomizeFabric(t *testing.T, ns string) (*harness, string) {
	t.Helper()
	tree := testbed.NewWorkTree(t, kustomizeFiles(t))
	kubectlLab(t, "create", "namespace", ns)
	t.Cleanup(func() {
		exec.Command("kubectl", "--kubeconfig", lab.KubeconfigPath, "--context", lab.Context, "delete", "namespace", ns, "--wait=false").Run()
	})
	kubectlLab(t, "apply", "-k", filepath.Join(tree, "overlays", "lab"), "-n", ns)
	h := newHarness(t)
	h.writeConfig(fmt.Sprintf(`apiVersion: hnp.githedgehog.com/v1alpha1
kind: Config
fabrics:
- name: kz
  git: {url: %q, dir: base, path: overlays/lab}
  cluster: {kubeconfig: %q, context: %s, namespace: %s}
`, tree, lab.KubeconfigPath, lab.Context, ns))
	return h, tree
}

func TestKustomizeFabricDriftAfterApply(t *testing.T) {
	h, _ := kustomizeFabric(t, "kz-drift")
	r := h.run("drift", "-o", "json")
	if r.code != 0 {
		t.Fatalf("after kubectl apply -k: exit %d, want 0 (in sync)\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	rep := driftReport(t, r)
	if got := rep.Fabrics[0].Summary; got.Total != 5 || got.InSync != 5 {
		t.Fatalf("summary %+v, want 5 objects in sync (the unlisted file is not deployed)", got)
	}
	vpc1 := findResource(rep, "kz", "VPC", "lab-vpc-1")
	if vpc1 == nil || vpc1.File != "base/vpcs.yaml" || vpc1.Line != 3 {
		t.Fatalf("lab-vpc-1 = %+v, want its source base/vpcs.yaml:3", vpc1)
	}

	// A real change in the cluster is found, with the right source file.
	kubectlLab(t, "-n", "kz-drift", "patch", "vpc", "lab-vpc-2", "--type", "merge", "-p", `{"spec":{"subnets":{"default":{"vlan":1099}}}}`)
	r = h.run("drift", "-o", "json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	rep = driftReport(t, r)
	vpc2 := findResource(rep, "kz", "VPC", "lab-vpc-2")
	if vpc2 == nil || vpc2.Status != drift.StatusDrifted || vpc2.File != "base/vpcs.yaml" || vpc2.Line != 16 {
		t.Fatalf("lab-vpc-2 = %+v", vpc2)
	}
	if len(vpc2.Diffs) != 1 || vpc2.Diffs[0].Path != "/spec/subnets/default/vlan" {
		t.Errorf("lab-vpc-2 diffs %+v", vpc2.Diffs)
	}
	if got := rep.Fabrics[0].Summary; got.InSync != 4 || got.Drifted != 1 {
		t.Errorf("summary %+v: the patched subnet and the common labels must not be drift", got)
	}
}

func TestKustomizeFabricListAndGet(t *testing.T) {
	h, _ := kustomizeFabric(t, "kz-read")
	r := h.run("list", "vpc", "-o", "wide")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"lab-vpc-1\tkz-read\tinSync", "base/vpcs.yaml:3", "base/vpcs.yaml:16", "base/vpcs.yaml:30"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("list -o wide lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "unlisted") {
		t.Errorf("list shows a file no kustomization lists:\n%s", r.stdout)
	}
	r = h.run("list", "vpc", "-o", "yaml", "--source", "git")
	if !strings.Contains(r.stdout, "hnp.githedgehog.com/patches: overlays/lab/vpc-1-vlan.yaml:1") {
		t.Errorf("list -o yaml lacks lab-vpc-1's patch:\n%s", r.stdout)
	}

	// -o yaml: what the deployer applies.
	r = h.run("get", "vpc", "lab-vpc-1", "-o", "yaml")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"name: lab-vpc-1", "vlan: 2001", "fabric: lab", "fabric.githedgehog.com/owner: netops"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("get -o yaml lacks %q:\n%s", want, r.stdout)
		}
	}
	// --raw: the document as written.
	r = h.run("get", "vpc", "lab-vpc-1", "--raw")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\n"
	if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "vlan: 1001 # the overlay's patch sets 2001") {
		t.Errorf("get --raw:\n%s", r.stdout)
	}
	if r := h.run("get", "vpc", "lab-vpc-1", "--raw", "--source", "cluster"); r.code != 2 || !strings.Contains(r.stderr, "--raw") {
		t.Errorf("--raw --source cluster: exit %d %s", r.code, r.stderr)
	}
}
