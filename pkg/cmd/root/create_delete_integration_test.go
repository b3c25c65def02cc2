package root

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

const newVPC = `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-4
spec:
  ipv4Namespace: default
  vlanNamespace: default
  subnets:
    default:
      subnet: 10.0.4.0/24
      vlan: 1004
`

func writeTemp(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "obj.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCreateNewFileAndInto(t *testing.T) {
	h, remote := editFabric(t)
	r := h.run("create", "-f", writeTemp(t, newVPC))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if got := remoteFile(t, remote, "main", "fabrics/lab/vpcs/vpc-4.yaml"); got != newVPC {
		t.Errorf("new file:\n%s", got)
	}
	// Appending to an existing file keeps it byte for byte.
	before := remoteFile(t, remote, "main", "fabrics/lab/vpcs/attachments.yaml")
	att := "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCAttachment\nmetadata:\n  name: vpc-4--server-02\nspec:\n  subnet: vpc-4/default\n  connection: server-02--unbundled--leaf-01\n"
	r = h.run("create", "-f", writeTemp(t, att), "--into", "vpcs/attachments.yaml", "-m", "Attach server-02 to vpc-4")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if got := remoteFile(t, remote, "main", "fabrics/lab/vpcs/attachments.yaml"); got != before+"---\n"+att {
		t.Errorf("appended file:\n%s", got)
	}
	// Creating it again is refused.
	r = h.run("create", "-f", writeTemp(t, newVPC))
	if r.code != 2 || !strings.Contains(r.stderr, "exists already") {
		t.Errorf("duplicate: exit %d: %s", r.code, r.stderr)
	}
	// Invalid objects and unmanaged kinds are refused with file:line.
	r = h.run("create", "-f", writeTemp(t, strings.Replace(newVPC, "vlan: 1004", "vlan: x", 1)))
	if r.code != 2 || !strings.Contains(r.stderr, "obj.yaml:1") || !strings.Contains(r.stderr, "spec.subnets.default.vlan") {
		t.Errorf("invalid: exit %d: %s", r.code, r.stderr)
	}
	r = h.run("create", "-f", writeTemp(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"))
	if r.code != 2 || !strings.Contains(r.stderr, "not one of the 12 fabric kinds") {
		t.Errorf("unmanaged: exit %d: %s", r.code, r.stderr)
	}
	// The same object twice in the input, and YAML into a JSON file.
	two := strings.Replace(newVPC, "vpc-4", "vpc-6", 1)
	r = h.run("create", "-f", writeTemp(t, two+"---\n"+two))
	if r.code != 2 || !strings.Contains(r.stderr, "defined twice in the input") {
		t.Errorf("duplicate input: exit %d: %s", r.code, r.stderr)
	}
	r = h.run("create", "-f", writeTemp(t, two), "--into", "wiring/servers.json")
	if r.code != 2 || !strings.Contains(r.stderr, ".yaml or .yml") {
		t.Errorf("--into JSON: exit %d: %s", r.code, r.stderr)
	}
	// --into may not leave the fabric's directory.
	r = h.run("create", "-f", writeTemp(t, strings.Replace(newVPC, "vpc-4", "vpc-5", 1)), "--into", "../prod/x.yaml")
	if r.code != 2 {
		t.Errorf("--into outside the fabric: exit %d: %s", r.code, r.stderr)
	}
}

func TestDelete(t *testing.T) {
	h, remote := editFabric(t)
	before := remoteFile(t, remote, "main", "fabrics/lab/vpcs/vpcs.yaml")
	r := h.run("delete", "vpc", "vpc-3")
	if r.code != 2 || !strings.Contains(r.stderr, "pass --yes") {
		t.Errorf("without --yes and a terminal: exit %d: %s", r.code, r.stderr)
	}
	r = h.run("delete", "vpc", "vpc-3", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "-  name: vpc-3") {
		t.Errorf("dry run: exit %d: %s", r.code, r.stdout)
	}
	r = h.run("delete", "vpc/vpc-3", "--yes")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	after := remoteFile(t, remote, "main", "fabrics/lab/vpcs/vpcs.yaml")
	i := strings.Index(before, "---\n# vpc-3")
	j := strings.Index(before, "---\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCPeering")
	if i < 0 || j < 0 || after != before[:i]+before[j:] {
		t.Errorf("delete is not byte-exact:\n%s", after)
	}
	// The last object of a file: the file goes. (The Hedgehog delete
	// guards would refuse it, as switches and VPCs use it: not this test.)
	r = h.run("delete", "vlanns", "default", "--yes", "--validate", "none")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.Contains(remoteFile(t, remote, "main", "fabrics/lab/namespaces.yaml"), "VLANNamespace") {
		t.Errorf("VLANNamespace still there")
	}
	files := testbed.Git(t, remote, "ls-tree", "-r", "--name-only", "main")
	wt := testbed.NewWorkTree(t, map[string]string{"f/only.yaml": newVPC})
	h2 := newHarness(t)
	for k, v := range h.env {
		if strings.HasPrefix(k, "GIT_") {
			h2.env[k] = v
		}
	}
	r = h2.run("delete", "vpc", "vpc-4", "--yes", "--repo", wt, "--dir", "f")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(wt, "f", "only.yaml")); !os.IsNotExist(err) {
		t.Errorf("the emptied file should be removed: %v", err)
	}
	if !strings.Contains(files, "fabrics/lab/vpcs/attachments.yaml") {
		t.Errorf("unrelated files lost: %s", files)
	}
}

// A local working tree is edited and committed in place; a file with the
// user's uncommitted changes is refused and left alone.
func TestEditLocalWorkTree(t *testing.T) {
	wt := testbed.NewWorkTree(t, sampleFiles(t))
	h := newHarness(t)
	for k, v := range map[string]string{"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com", "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.com"} {
		h.env[k] = v
	}
	args := []string{"--repo", wt, "--dir", "fabrics/lab", "--kubeconfig", lab.KubeconfigPath}
	r := h.run(append([]string{"edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1101"}, args...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "not pushed") {
		t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	if msg := testbed.Git(t, wt, "log", "-1", "--format=%s"); !strings.Contains(msg, "edit VPC default/vpc-1") {
		t.Errorf("last commit %q", msg)
	}
	if st := testbed.Git(t, wt, "status", "--porcelain"); st != "" {
		t.Errorf("tree not clean: %s", st)
	}
	// The user's own uncommitted change in the same file.
	p := filepath.Join(wt, "fabrics/lab/vpcs/vpcs.yaml")
	b, _ := os.ReadFile(p)
	mine := strings.Replace(string(b), "# Tenant VPCs", "# My tenant VPCs", 1)
	if err := os.WriteFile(p, []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	r = h.run(append([]string{"edit", "vpc", "vpc-2", "--set", "spec.subnets.default.vlan=1102"}, args...)...)
	// --set is on the command line: no edit was at risk, none is "saved".
	if r.code != 2 || !strings.Contains(r.stderr, "fabrics/lab/vpcs/vpcs.yaml") || strings.Contains(r.stderr, "Your edit was saved") {
		t.Errorf("dirty file: exit %d: %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(p); string(b) != mine {
		t.Errorf("the user's uncommitted change was touched")
	}
	testbed.Git(t, wt, "checkout", "--", "fabrics/lab/vpcs/vpcs.yaml")
	// --wait with nothing pushed: said, exit 2.
	r = h.run(append([]string{"edit", "vpc", "vpc-2", "--set", "spec.subnets.default.vlan=1103", "--wait"}, args...)...)
	if r.code != 2 || !strings.Contains(r.stderr, "nothing was pushed") {
		t.Errorf("--wait without upstream: exit %d: %s", r.code, r.stderr)
	}
	// An upstream that cannot be reached: the commit stays, and the error says so.
	testbed.Git(t, wt, "remote", "add", "origin", filepath.Join(t.TempDir(), "gone.git"))
	testbed.Git(t, wt, "config", "branch.main.remote", "origin")
	testbed.Git(t, wt, "config", "branch.main.merge", "refs/heads/main")
	r = h.run(append([]string{"edit", "vpc", "vpc-2", "--set", "spec.subnets.default.vlan=1104"}, args...)...)
	if r.code != 2 || !strings.Contains(r.stderr, "but not pushed") || strings.Contains(r.stderr, "Your edit was saved") {
		t.Errorf("push failure in a local tree: exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(testbed.Git(t, wt, "show", "HEAD:fabrics/lab/vpcs/vpcs.yaml"), "vlan: 1104") {
		t.Errorf("the commit should stay")
	}
}

func TestEditWithoutIdentityIsRefused(t *testing.T) {
	remote := testbed.NewBareRemote(t, sampleFiles(t))
	h := newHarness(t)
	h.writeConfig("fabrics:\n" + fabricYAML("lab", remote, "fabrics/lab", lab))
	// No global git config with an identity either.
	t.Setenv("HOME", h.env["HOME"])
	t.Setenv("XDG_CONFIG_HOME", h.env["XDG_CONFIG_HOME"])
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(t.TempDir(), "none"))
	r := h.run("edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1101")
	if r.code != 2 || !strings.Contains(r.stderr, "user.name") || strings.Contains(r.stderr, "Your edit was saved") {
		t.Errorf("exit %d: %s", r.code, r.stderr)
	}
}
