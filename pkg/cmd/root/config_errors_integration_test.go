package root

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// A config file named by --config or HNP_CONFIG must exist; the default
// location may be missing. `fabric add` creates the file it is pointed at.
func TestNamedConfigFileMissing(t *testing.T) {
	h := newHarness(t)
	missing := filepath.Join(t.TempDir(), "fabrics.yaml")
	want := "Error: config file " + missing + " not found"

	r := h.run("list", "vpc", "--config", missing)
	if r.code != 2 || !strings.HasPrefix(r.stderr, want) || !strings.Contains(r.stderr, "--config") {
		t.Errorf("--config: exit %d, stderr %q", r.code, r.stderr)
	}
	h.env["HNP_CONFIG"] = missing
	r = h.run("fabric", "list")
	if r.code != 2 || !strings.HasPrefix(r.stderr, want) || !strings.Contains(r.stderr, "HNP_CONFIG") {
		t.Errorf("HNP_CONFIG: exit %d, stderr %q", r.code, r.stderr)
	}
	delete(h.env, "HNP_CONFIG")
	r = h.run("list", "vpc")
	if r.code != 2 || !strings.Contains(r.stderr, "no fabrics configured") {
		t.Errorf("default location missing: exit %d, stderr %q", r.code, r.stderr)
	}

	r = h.run("fabric", "add", "lab", "--repo", "https://git.example.com/net/fabrics.git", "--dir", "fabrics/lab", "--config", missing)
	if r.code != 0 {
		t.Fatalf("fabric add --config NEW: exit %d %s", r.code, r.stderr)
	}
	if st, err := os.Stat(missing); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("created config: %v %v", st, err)
	}
	if r = h.run("fabric", "list", "-o", "name", "--config", missing); r.code != 0 || r.stdout != "lab\n" {
		t.Errorf("fabric list of the new file: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
}

// A kubeconfig without a current context (and no --context) is explained,
// not reported as a refused connection to localhost:8080.
func TestKubeconfigWithoutCurrentContext(t *testing.T) {
	wt := testbed.NewWorkTree(t, sampleFiles(t))
	raw, err := os.ReadFile(lab.KubeconfigPath)
	if err != nil {
		t.Fatal(err)
	}
	noCurrent := filepath.Join(t.TempDir(), "kubeconfig")
	body := strings.Replace(string(raw), "current-context: lab", "current-context: \"\"", 1)
	if body == string(raw) {
		t.Fatal("the testbed kubeconfig has no current-context line to remove")
	}
	if err := os.WriteFile(noCurrent, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	for _, tt := range []struct{ kubeconfig, want string }{
		{noCurrent, "no current context in kubeconfig " + noCurrent + ": pick one with --context NAME"},
		{empty, "no current context: kubeconfig " + empty + " defines no contexts"},
	} {
		r := h.run("list", "vpc", "--repo", wt, "--dir", "fabrics/lab", "--kubeconfig", tt.kubeconfig)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) || strings.Contains(r.stderr, "localhost:8080") {
			t.Errorf("%s: exit %d, stderr %q", tt.kubeconfig, r.code, r.stderr)
		}
	}
	// With --context the same kubeconfig works.
	r := h.run("list", "vpc", "--repo", wt, "--dir", "fabrics/lab", "--kubeconfig", noCurrent, "--context", "lab", "--no-headers")
	if r.code != 0 || !strings.Contains(r.stdout, "vpc-2\tdrifted") {
		t.Errorf("--context: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
