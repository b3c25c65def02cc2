// Package demo builds the environment of `make demo` and of the test that runs
// the documentation's examples (internal/docexamples), so that the two cannot
// diverge: a Git remote and a working tree made from testdata/sample-fabric
// (fabrics lab and prod) and testdata/kustomize (fabric kz), their cluster
// state loaded into a running control plane (lab in namespace lab, with some
// drift; prod in namespace default, in sync; kz in namespace kz, deployed by
// SetupCommands), a kubeconfig with a context per fabric, and the environment variables
// under which `kubectl hnp` reads all of this.
package demo

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// Namespaces of the demo's fabrics on the shared control plane.
const (
	LabNamespace  = "lab"
	ProdNamespace = "default"
	KzNamespace   = "kz"
)

// KzDir is where the kustomize fabric kz (a copy of testdata/kustomize) lives
// in the demo's repository; its overlay fabrics/kz/overlays/lab is what the
// deployer would build.
const KzDir = "fabrics/kz"

// Env is one prepared demo environment. Its files live under Dir.
type Env struct {
	// Dir holds everything below.
	Dir string
	// Remote is the bare repository the fabrics are registered with.
	Remote string
	// Checkout is a working tree of Remote, on main; commands run in it.
	Checkout string
	// Config is the kubectl-hnp config file (HNP_CONFIG); SetupCommands
	// write it.
	Config string
	// Kubeconfig has the contexts lab (current) and prod, both on the control plane.
	Kubeconfig string
	// Editor is a non-interactive $EDITOR for `kubectl hnp edit`: it sets the
	// first VLAN of the file to 1301.
	Editor string
	// Root is the repository root the sample fabric was read from.
	Root string
}

// Setup prepares a fresh environment in dir (which must exist) on the
// running control plane cp: it removes every object of the managed kinds
// from the fabrics' namespaces, loads the sample cluster state again, and
// creates the repositories, the kubeconfig and the editor. The config file is
// not written: run SetupCommands.
func Setup(ctx context.Context, cp *testbed.ControlPlane, dir string) (*Env, error) {
	root, err := testbed.RepoRoot()
	if err != nil {
		return nil, err
	}
	e := &Env{
		Dir:        dir,
		Root:       root,
		Remote:     filepath.Join(dir, "fabrics.git"),
		Checkout:   filepath.Join(dir, "checkout"),
		Config:     filepath.Join(dir, "config", "kubectl-hnp", "config.yaml"),
		Kubeconfig: filepath.Join(dir, "kubeconfig"),
		Editor:     filepath.Join(dir, "bin", "demo-editor"),
	}
	for _, d := range []string{"home", "cache", "config", "tmp", "bin"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	if err := resetCluster(ctx, cp); err != nil {
		return nil, err
	}
	sample := filepath.Join(root, "testdata", "sample-fabric")
	if err := loadState(ctx, cp, filepath.Join(sample, "cluster", "lab.yaml"), LabNamespace); err != nil {
		return nil, err
	}
	if err := loadState(ctx, cp, filepath.Join(sample, "cluster", "prod.yaml"), ProdNamespace); err != nil {
		return nil, err
	}
	if err := copyTree(filepath.Join(root, "testdata", "kustomize"), filepath.Join(e.Checkout, filepath.FromSlash(KzDir))); err != nil {
		return nil, err
	}
	if err := makeRepo(sample, e.Checkout, e.Remote); err != nil {
		return nil, err
	}
	if err := writeKubeconfig(cp.KubeconfigPath, e.Kubeconfig, cp.Context); err != nil {
		return nil, err
	}
	if err := os.WriteFile(e.Editor, []byte(editorScript), 0o755); err != nil {
		return nil, err
	}
	return e, nil
}

// editorScript stands in for a person in `kubectl hnp edit`: it changes the
// first VLAN in the file it is given.
const editorScript = `#!/bin/sh
# The demo's editor: sets the first VLAN of the object to 1301, then saves.
sed -i -E '0,/vlan: [0-9]+/s//vlan: 1301/' "$1"
`

// SetupCommands returns the commands that finish the environment: they
// register the fabrics in the config file — lab (the default), prod, and kz,
// a kustomize fabric — and deploy kz, whose cluster side starts empty, with
// `kubectl hnp sync --apply`.
func (e *Env) SetupCommands() [][]string {
	return [][]string{
		{"kubectl", "hnp", "fabric", "add", "lab", "--repo", e.Remote, "--dir", "fabrics/lab", "--context", "lab", "-n", LabNamespace, "--default"},
		{"kubectl", "hnp", "fabric", "add", "prod", "--repo", e.Remote, "--dir", "fabrics/prod", "--context", "prod"},
		{"kubectl", "hnp", "fabric", "add", "kz", "--repo", e.Remote, "--dir", KzDir + "/overlays/lab", "--context", "lab", "-n", KzNamespace},
		{"kubectl", "hnp", "sync", "--apply", "--fabric", "kz", "--yes"},
	}
}

// Environ is the process environment for running kubectl hnp in e: base
// (typically os.Environ()) with binDir first on PATH, and HOME, the XDG
// directories, TMPDIR, KUBECONFIG, HNP_CONFIG, the editor and a Git identity
// pointing into e. Variables that would change what the commands read
// (HNP_FABRIC, KUBE_EDITOR, NO_COLOR, ...) are dropped.
func (e *Env) Environ(base []string, binDir string) []string {
	drop := map[string]bool{"HNP_FABRIC": true, "HNP_CONFIG": true, "KUBECONFIG": true, "KUBE_EDITOR": true,
		"EDITOR": true, "VISUAL": true, "NO_COLOR": true, "HNP_GIT_TOKEN": true, "GIT_DIR": true, "GIT_WORK_TREE": true}
	var env []string
	path := ""
	for _, kv := range base {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case k == "PATH":
			path = v
		case drop[k], k == "HOME", strings.HasPrefix(k, "XDG_"), k == "TMPDIR", strings.HasPrefix(k, "GIT_AUTHOR_"), strings.HasPrefix(k, "GIT_COMMITTER_"):
		default:
			env = append(env, kv)
		}
	}
	return append(env,
		"PATH="+binDir+string(os.PathListSeparator)+path,
		"HOME="+filepath.Join(e.Dir, "home"),
		"XDG_CONFIG_HOME="+filepath.Join(e.Dir, "config"),
		"XDG_CACHE_HOME="+filepath.Join(e.Dir, "cache"),
		"TMPDIR="+filepath.Join(e.Dir, "tmp"),
		"KUBECONFIG="+e.Kubeconfig,
		"HNP_CONFIG="+e.Config,
		"EDITOR="+e.Editor,
		"GIT_AUTHOR_NAME=Demo Operator", "GIT_AUTHOR_EMAIL=operator@example.com",
		"GIT_COMMITTER_NAME=Demo Operator", "GIT_COMMITTER_EMAIL=operator@example.com",
		"GIT_CONFIG_NOSYSTEM=1",
	)
}

// makeRepo copies the sample fabric into a new working tree, commits it and
// pushes it to a new bare remote.
func makeRepo(src, checkout, remote string) error {
	if err := copyTree(src, checkout); err != nil {
		return err
	}
	git := func(dir string, args ...string) error {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Demo", "GIT_AUTHOR_EMAIL=demo@example.com",
			"GIT_COMMITTER_NAME=Demo", "GIT_COMMITTER_EMAIL=demo@example.com", "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := git(filepath.Dir(remote), "init", "-q", "--bare", "-b", "main", remote); err != nil {
		return err
	}
	for _, a := range [][]string{
		{"init", "-q", "-b", "main"},
		{"add", "-A"},
		{"commit", "-q", "-m", "Sample fabrics"},
		{"remote", "add", "origin", remote},
		{"push", "-q", "-u", "origin", "main"},
	} {
		if err := git(checkout, a...); err != nil {
			return err
		}
	}
	return nil
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// Context is the name of the control plane's kubeconfig context, the lab fabric's.
const Context = "lab"

// ControlPlaneOptions are the testbed options for the demo's control plane,
// its kubeconfig written into kubeconfigDir.
func ControlPlaneOptions(kubeconfigDir string) testbed.Options {
	return testbed.Options{Context: Context, KubeconfigDir: kubeconfigDir}
}
