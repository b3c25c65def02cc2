package root

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// kustomizeEditFabric is kustomizeFabric with a Git identity for commits.
func kustomizeEditFabric(t *testing.T, ns string) (*harness, string) {
	h, tree := kustomizeFabric(t, ns)
	for k, v := range map[string]string{"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com", "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.com"} {
		h.env[k] = v
	}
	return h, tree
}

func readTree(t *testing.T, tree, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(tree, file))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// kustomizeBuild renders the tree's overlay with the kustomize in kubectl.
func kustomizeBuild(t *testing.T, tree string) string {
	t.Helper()
	out, err := exec.Command("kubectl", "kustomize", filepath.Join(tree, "overlays", "lab")).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl kustomize: %v\n%s", err, out)
	}
	return string(out)
}

func TestKustomizeEditWritesTheSourceDocument(t *testing.T) {
	h, tree := kustomizeEditFabric(t, "kz-edit")
	r := h.run("edit", "vpc", "lab-vpc-3", "--set", "spec.subnets.default.vlan=1303", "--validate", "strict")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	vpcs := readTree(t, tree, "base/vpcs.yaml")
	if !strings.Contains(vpcs, "      vlan: 1303\n") || !strings.Contains(vpcs, "# Tenant VPCs.\n") {
		t.Errorf("base/vpcs.yaml after the edit:\n%s", vpcs)
	}
	if got := testbed.Git(t, tree, "log", "-1", "--format=%s"); !strings.Contains(got, "edit VPC kz-edit/lab-vpc-3") {
		t.Errorf("commit %q", got)
	}
	// The edit renders as intended, judged by the real kustomize.
	out := kustomizeBuild(t, tree)
	if !strings.Contains(out, "vlan: 1303") || strings.Count(out, "kind: VPC") != 3 {
		t.Errorf("kubectl kustomize after the edit:\n%s", out)
	}
	// Applying it leaves no drift.
	kubectlLab(t, "apply", "-k", filepath.Join(tree, "overlays", "lab"), "-n", "kz-edit")
	if r := h.run("drift"); r.code != 0 {
		t.Errorf("drift after apply -k of the edit: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestKustomizeEditRefusedWherePatched(t *testing.T) {
	h, tree := kustomizeEditFabric(t, "kz-refuse")
	before := readTree(t, tree, "base/vpcs.yaml")
	r := h.run("edit", "vpc", "lab-vpc-1", "--set", "spec.subnets.default.vlan=1999", "--validate", "none")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2: %s", r.code, r.stderr)
	}
	for _, want := range []string{"/spec/subnets/default/vlan", "overlays/lab/vpc-1-vlan.yaml:1", "base/vpcs.yaml:3"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q: %s", want, r.stderr)
		}
	}
	// A label the overlay's labels: transformer sets.
	r = h.run("edit", "vpc", "lab-vpc-3", "--set", "metadata.labels.fabric=other", "--validate", "none")
	if r.code != 2 || !strings.Contains(r.stderr, "/metadata/labels/fabric") || !strings.Contains(r.stderr, "transformer") {
		t.Errorf("label set by a transformer: exit %d: %s", r.code, r.stderr)
	}
	// Adopting would write rendered values into source documents.
	kubectlLab(t, "-n", "kz-refuse", "patch", "vpc", "lab-vpc-3", "--type", "merge", "-p", `{"spec":{"subnets":{"default":{"vlan":1399}}}}`)
	if r := h.run("sync", "--adopt", "--yes"); r.code != 2 || !strings.Contains(r.stderr, "does not write into kustomize fabrics") {
		t.Errorf("sync --adopt: exit %d: %s", r.code, r.stderr)
	}
	if got := readTree(t, tree, "base/vpcs.yaml"); got != before {
		t.Errorf("a refused edit changed base/vpcs.yaml:\n%s", got)
	}
}

func TestKustomizeDeleteAndCreate(t *testing.T) {
	h, tree := kustomizeEditFabric(t, "kz-create")
	if r := h.run("delete", "switch", "lab-leaf-01", "--yes"); r.code != 0 {
		t.Fatalf("delete: exit %d: %s", r.code, r.stderr)
	}
	if got := readTree(t, tree, "base/wiring/switches.yaml"); strings.Contains(got, "leaf-01") || !strings.Contains(got, "mclag-1") {
		t.Errorf("switches.yaml after delete:\n%s", got)
	}
	if out := kustomizeBuild(t, tree); strings.Contains(out, "lab-leaf-01") {
		t.Errorf("still rendered:\n%s", out)
	}

	newVPC := filepath.Join(t.TempDir(), "vpc-4.yaml")
	if err := os.WriteFile(newVPC, []byte("apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-4\nspec:\n  ipv4Namespace: default\n  vlanNamespace: default\n  subnets:\n    default:\n      subnet: 10.0.4.0/24\n      vlan: 1004\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := h.run("create", "-f", newVPC, "--validate", "none"); r.code != 0 {
		t.Fatalf("create: exit %d: %s", r.code, r.stderr)
	}
	kust := readTree(t, tree, "base/kustomization.yaml")
	if !strings.HasSuffix(kust, "resources:\n- vpcs.yaml\n- wiring\n- vpcs/vpc-4.yaml\n") {
		t.Errorf("base/kustomization.yaml after create:\n%s", kust)
	}
	if out := kustomizeBuild(t, tree); !strings.Contains(out, "name: lab-vpc-4") {
		t.Errorf("the new VPC is not rendered:\n%s", out)
	}
	r := h.run("list", "vpc", "--source", "git", "-o", "wide")
	if !strings.Contains(r.stdout, "lab-vpc-4") || !strings.Contains(r.stdout, "base/vpcs/vpc-4.yaml:1") {
		t.Errorf("list after create:\n%s\n%s", r.stdout, r.stderr)
	}

	// Deleting the file's only object removes the file and its entry.
	if r := h.run("delete", "vpc", "lab-vpc-4", "--yes"); r.code != 0 {
		t.Fatalf("delete: exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(tree, "base", "vpcs", "vpc-4.yaml")); !os.IsNotExist(err) {
		t.Errorf("base/vpcs/vpc-4.yaml still there: %v", err)
	}
	if got := readTree(t, tree, "base/kustomization.yaml"); got != kustomizeFiles(t)["base/kustomization.yaml"] {
		t.Errorf("base/kustomization.yaml after deleting the created VPC:\n%s", got)
	}
	kustomizeBuild(t, tree)
}
