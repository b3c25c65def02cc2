package root

import (
	goldenfile "github.com/githedgehog/kubectl-hnp/internal/golden"

	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
)

// Control planes shared by the package's tests: lab holds the sample lab
// fabric with drift, prod the sample prod fabric in sync.
var lab, prod *testbed.ControlPlane

// scratch is a directory for the package's shared fixtures, removed at exit.
var scratch string

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	var err error
	if scratch, err = os.MkdirTemp("", "hnp-root-test-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(scratch)
	if lab, err = testbed.Start(testbed.Options{Context: "lab"}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer lab.Stop()
	if prod, err = testbed.Start(testbed.Options{Context: "prod"}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer prod.Stop()
	ctx := context.Background()
	if _, err := lab.CreateYAML(ctx, readSample("cluster/lab.yaml")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if _, err := prod.CreateYAML(ctx, readSample("fabrics/prod/fabric.yaml")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	return m.Run()
}

func sampleDir() string {
	root, err := testbed.RepoRoot()
	if err != nil {
		panic(err)
	}
	return filepath.Join(root, "testdata", "sample-fabric")
}

func readSample(rel string) string {
	b, err := os.ReadFile(filepath.Join(sampleDir(), rel))
	if err != nil {
		panic(err)
	}
	return string(b)
}

// sampleFiles returns the sample fabric repository's files (without the
// cluster state, which is not part of the Git repository).
func sampleFiles(t *testing.T) map[string]string {
	t.Helper()
	return readFiles(t, sampleDir(), "fabrics")
}

// readFiles returns the files below base/sub, keyed by their slash paths
// relative to base.
func readFiles(t *testing.T, base, sub string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(filepath.Join(base, sub), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(base, p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// harness runs kubectl-hnp in-process with its own HOME, config and cache.
type harness struct {
	t      *testing.T
	env    map[string]string
	config string
	// now, when set, is the commands' clock (ages in output).
	now func() time.Time
	// waitProgress, when set, follows the commands' waits for agents.
	waitProgress func(line string)
}

func newHarness(t *testing.T) *harness {
	home := t.TempDir()
	h := &harness{t: t, env: map[string]string{
		"HOME":            home,
		"XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"XDG_CACHE_HOME":  filepath.Join(home, ".cache"),
	}}
	h.config = filepath.Join(home, ".config", "kubectl-hnp", "config.yaml")
	return h
}

// writeConfig writes the config file.
func (h *harness) writeConfig(body string) {
	h.t.Helper()
	if err := os.MkdirAll(filepath.Dir(h.config), 0o700); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(h.config, []byte(body), 0o600); err != nil {
		h.t.Fatal(err)
	}
}

// fabricYAML renders one fabric entry of the config file.
func fabricYAML(name, url, dir string, cp *testbed.ControlPlane) string {
	return fmt.Sprintf(`- name: %s
  git: {url: %q, dir: %s}
  cluster: {kubeconfig: %q, context: %s}
`, name, url, dir, cp.KubeconfigPath, cp.Context)
}

type result struct {
	stdout, stderr string
	code           int
}

func (h *harness) run(args ...string) result {
	h.t.Helper()
	var out, errOut bytes.Buffer
	f := cmdutil.NewFactory(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	f.Getenv = func(k string) string { return h.env[k] }
	if h.now != nil {
		f.Now = h.now
	}
	f.WaitProgress = h.waitProgress
	code := Run(context.Background(), f, args)
	return result{out.String(), errOut.String(), code}
}

// golden compares got with testdata/<name>.golden, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name+".golden"), []byte(got))
}
