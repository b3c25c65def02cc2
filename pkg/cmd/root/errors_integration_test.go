package root

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// A fabric whose Git holds invalid YAML fails alone: the other fabric is
// still listed, the error names file and line, and the exit code is 2.
func TestInvalidYAMLFailsOnlyItsFabric(t *testing.T) {
	files := sampleFiles(t)
	files["fabrics/lab/broken.yaml"] = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: x\nspec: [unclosed\n"
	remote := testbed.NewBareRemote(t, files)
	h := newHarness(t)
	h.writeConfig("fabrics:\n" + fabricYAML("lab", remote, "fabrics/lab", lab) + fabricYAML("prod", remote, "fabrics/prod", prod))
	r := h.run("list", "vpcs", "--no-headers")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "fabric lab") || !strings.Contains(r.stderr, "fabrics/lab/broken.yaml:5") {
		t.Errorf("error should name the fabric, file and line: %s", r.stderr)
	}
	if !strings.Contains(r.stdout, "prod\tprod-web\tinSync") {
		t.Errorf("the prod fabric should still be listed:\n%s", r.stdout)
	}
}

func TestDuplicateObjectNamesBothPlaces(t *testing.T) {
	files := sampleFiles(t)
	files["fabrics/lab/again.yaml"] = "# a copy\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\n  namespace: default\nspec: {}\n"
	wt := testbed.NewWorkTree(t, files)
	h := newHarness(t)
	r := h.run("list", "vpc", "--repo", wt, "--dir", "fabrics/lab", "--source", "git")
	if r.code != 2 || !strings.Contains(r.stderr, "fabrics/lab/again.yaml:2") || !strings.Contains(r.stderr, "fabrics/lab/vpcs/vpcs.yaml:3") {
		t.Errorf("exit %d, stderr %s", r.code, r.stderr)
	}
}

func TestDirEscapingTheRepoIsRefused(t *testing.T) {
	wt := testbed.NewWorkTree(t, sampleFiles(t))
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(wt, "fabrics", "out")); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	for _, dir := range []string{"fabrics/out", "../x", "fabrics/../../x"} {
		r := h.run("list", "--repo", wt, "--dir", dir, "--source", "git")
		if r.code != 2 || !strings.Contains(r.stderr, "Error:") {
			t.Errorf("dir %q: exit %d, stderr %q", dir, r.code, r.stderr)
		}
	}
}

func TestUnreachableClusterNamesServerNotCredentials(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	const token = "s3cr3t-token-value"
	body := `apiVersion: v1
kind: Config
clusters:
- name: gone
  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}
users:
- name: u
  user: {token: ` + token + `}
contexts:
- name: gone
  context: {cluster: gone, user: u}
current-context: gone
`
	if err := os.WriteFile(kubeconfig, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	wt := testbed.NewWorkTree(t, sampleFiles(t))
	h := newHarness(t)
	r := h.run("list", "vpc", "--repo", wt, "--dir", "fabrics/lab", "--kubeconfig", kubeconfig, "--request-timeout", "5s")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2", r.code)
	}
	if !strings.Contains(r.stderr, "https://127.0.0.1:1") {
		t.Errorf("error should name the server: %s", r.stderr)
	}
	if strings.Contains(r.stderr+r.stdout, token) {
		t.Errorf("credentials leaked: %s", r.stderr)
	}
	// drift: exit 2, the report still printed, the fabric's error in it.
	r = h.run("drift", "--repo", wt, "--dir", "fabrics/lab", "--kubeconfig", kubeconfig, "--request-timeout", "5s", "-o", "json")
	if r.code != 2 || !strings.Contains(r.stderr, "https://127.0.0.1:1") || strings.Contains(r.stderr+r.stdout, token) {
		t.Errorf("drift: exit %d: %s", r.code, r.stderr)
	}
	if rep := driftReport(t, r); len(rep.Fabrics) != 1 || rep.Fabrics[0].Error == "" {
		t.Errorf("drift report: %+v", rep)
	}
}

func TestKindNotServed(t *testing.T) {
	// A control plane with every CRD but ExternalPeering's.
	crds := t.TempDir()
	root, err := testbed.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join(root, "testdata", "crds"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".yaml") || strings.HasPrefix(e.Name(), "externalpeerings.") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, "testdata", "crds", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(crds, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cp, err := testbed.Start(testbed.Options{Context: "partial", CRDDir: crds})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	wt := testbed.NewWorkTree(t, sampleFiles(t))
	h := newHarness(t)
	r := h.run("list", "extpeer,vpc", "--repo", wt, "--dir", "fabrics/lab", "--kubeconfig", cp.KubeconfigPath)
	if r.code != 2 || !strings.Contains(r.stderr, "ExternalPeering") || !strings.Contains(r.stderr, "externalpeerings.vpc.githedgehog.com") {
		t.Errorf("exit %d, stderr %s", r.code, r.stderr)
	}
	// The kinds it does serve are fine.
	r = h.run("list", "vpc", "--repo", wt, "--dir", "fabrics/lab", "--kubeconfig", cp.KubeconfigPath, "-o", "name")
	if r.code != 0 {
		t.Errorf("exit %d, stderr %s", r.code, r.stderr)
	}
}

func TestHTTPRemoteWithToken(t *testing.T) {
	remote := testbed.NewBareRemote(t, sampleFiles(t))
	const token = "tok-9f8e7d6c5b4a"
	url := testbed.ServeHTTP(t, remote, "ci", token)
	h := newHarness(t)
	h.writeConfig("fabrics:\n- name: lab\n  git: {url: " + url + ", dir: fabrics/lab, auth: {tokenEnv: LAB_TOKEN, username: ci}}\n")
	h.env["LAB_TOKEN"] = token
	r := h.run("list", "vpc", "--source", "git", "-o", "name")
	if r.code != 0 || !strings.Contains(r.stdout, "vpc-3") {
		t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	h.env["LAB_TOKEN"] = "wrong-" + token
	// A fresh cache, so that the wrong token must be used.
	h.env["XDG_CACHE_HOME"] = t.TempDir()
	r = h.run("list", "vpc", "--source", "git")
	if r.code != 2 || strings.Contains(r.stderr, token) || !strings.Contains(r.stderr, strings.TrimPrefix(url, "http://")) {
		t.Errorf("wrong token: exit %d, stderr %s", r.code, r.stderr)
	}
}

func TestFabricCommands(t *testing.T) {
	h := newHarness(t)
	r := h.run("fabric", "add", "lab", "--repo", "https://ci:tok3n@git.example.com/net/fabrics.git", "--dir", "fabrics/lab")
	if r.code != 2 || strings.Contains(r.stderr, "tok3n") || !strings.Contains(r.stderr, "--token-env") {
		t.Fatalf("a token in the URL must be refused, not stored or printed: exit %d %s", r.code, r.stderr)
	}
	for _, u := range []string{"https://ghp_tok3n@git.example.com/x.git", "https://git.example.com/x.git?access_token=tok3n"} {
		if r := h.run("fabric", "add", "lab", "--repo", u); r.code != 2 || strings.Contains(r.stderr, "tok3n") {
			t.Errorf("%s: exit %d %s", u, r.code, r.stderr)
		}
	}
	r = h.run("fabric", "add", "lab", "--repo", "https://git.example.com/net/fabrics.git", "--dir", "fabrics/lab", "--context", "lab-ctrl", "--default", "--token-env", "LAB_TOKEN")
	if r.code != 0 {
		t.Fatalf("add: exit %d %s", r.code, r.stderr)
	}
	r = h.run("fabric", "add", "prod", "--repo", "git@git.example.com:net/fabrics.git", "--dir", "fabrics/prod", "--ssh-key", "~/.ssh/id", "-n", "fab")
	if r.code != 0 {
		t.Fatalf("add: exit %d %s", r.code, r.stderr)
	}
	st, err := os.Stat(h.config)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("config file: %v %v", st, err)
	}
	r = h.run("fabric", "list")
	if r.code != 0 {
		t.Fatalf("list: exit %d %s", r.code, r.stderr)
	}
	golden(t, "fabric-list", r.stdout)
	r = h.run("fabric", "show", "prod")
	if r.code != 0 {
		t.Fatalf("show: exit %d %s", r.code, r.stderr)
	}
	golden(t, "fabric-show-prod", r.stdout)
	if r = h.run("fabric", "add", "lab", "--repo", "/x"); r.code != 2 || !strings.Contains(r.stderr, "exists already") {
		t.Errorf("duplicate add: exit %d %s", r.code, r.stderr)
	}
	if r = h.run("fabric", "remove", "lab"); r.code != 0 {
		t.Errorf("remove: exit %d %s", r.code, r.stderr)
	}
	if r = h.run("fabric", "list", "-o", "name"); r.stdout != "prod\n" {
		t.Errorf("after remove: %q", r.stdout)
	}
	if r = h.run("fabric", "remove", "lab"); r.code != 2 || !strings.Contains(r.stderr, `unknown fabric "lab"`) {
		t.Errorf("remove twice: exit %d %s", r.code, r.stderr)
	}
}
