// Command demo walks through kubectl-hnp on a local control plane and a
// sample fabric repository: it starts kube-apiserver + etcd, creates a Git
// remote from testdata/sample-fabric, loads a cluster state with some drift,
// and runs `kubectl hnp` commands, printing each one first. Run it with
// `make demo`; it cleans up after itself (-keep leaves everything in place).
package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/deployer"
)

func main() {
	keep := flag.Bool("keep", false, "keep the control plane's kubeconfig, the repositories and the config after the demo (the control plane still stops)")
	flag.Parse()
	if err := run(*keep); err != nil {
		fmt.Fprintf(os.Stderr, "demo: %v\n", err)
		os.Exit(2)
	}
}

func run(keep bool) error {
	root, err := testbed.RepoRoot()
	if err != nil {
		return err
	}
	bin := filepath.Join(root, "bin")
	if _, err := os.Stat(filepath.Join(bin, "kubectl-hnp")); err != nil {
		return fmt.Errorf("bin/kubectl-hnp is missing: run `make demo` (it builds it)")
	}
	work, err := os.MkdirTemp("", "kubectl-hnp-demo-")
	if err != nil {
		return err
	}
	if keep {
		defer fmt.Printf("\nkept: %s\n", work)
	} else {
		defer os.RemoveAll(work)
	}

	step("Starting a local control plane (kube-apiserver + etcd) with the 12 Hedgehog CRDs")
	cp, err := testbed.Start(testbed.Options{Context: "lab", KubeconfigDir: work})
	if err != nil {
		return err
	}
	defer cp.Stop()

	step("Creating the sample fabric repository (testdata/sample-fabric) and its bare remote")
	remote := filepath.Join(work, "fabrics.git")
	checkout := filepath.Join(work, "checkout")
	if err := makeRepo(filepath.Join(root, "testdata", "sample-fabric"), checkout, remote); err != nil {
		return err
	}

	// Served over smart HTTP on loopback, as Flux fetches only http(s) and ssh.
	srv, err := testbed.ServeGitHTTP(remote)
	if err != nil {
		return err
	}
	defer srv.Stop()

	step("Loading the lab cluster with the fabric, plus some drift (testdata/sample-fabric/cluster/lab.yaml)")
	state, err := os.ReadFile(filepath.Join(root, "testdata", "sample-fabric", "cluster", "lab.yaml"))
	if err != nil {
		return err
	}
	if _, err := cp.CreateYAML(context.Background(), string(state)); err != nil {
		return err
	}

	env := append(os.Environ(),
		"GIT_AUTHOR_NAME=Demo Operator", "GIT_AUTHOR_EMAIL=operator@example.com",
		"GIT_COMMITTER_NAME=Demo Operator", "GIT_COMMITTER_EMAIL=operator@example.com",
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HNP_CONFIG="+filepath.Join(work, "config.yaml"),
		"XDG_CACHE_HOME="+filepath.Join(work, "cache"),
		"KUBECONFIG="+cp.KubeconfigPath,
	)
	sh := func(args ...string) { runShown(env, checkout, args...) }

	step("Registering the fabric (written to $HNP_CONFIG)")
	sh("kubectl", "hnp", "fabric", "add", "lab", "--repo", srv.URL, "--dir", "fabrics/lab", "--context", "lab", "--default")
	sh("kubectl", "hnp", "fabric", "list")

	step("Listing: Git and cluster side by side, with the SYNC column")
	sh("kubectl", "hnp", "list", "--fabric", "lab")
	sh("kubectl", "hnp", "list", "vpcs", "-o", "wide")
	sh("kubectl", "hnp", "list", "conn,sw", "--source", "git")

	step("Getting one object: desired (Git) and actual (cluster)")
	sh("kubectl", "hnp", "get", "vpc", "vpc-2", "-o", "yaml")
	sh("kubectl", "hnp", "get", "vpc/vpc-2", "--source", "cluster", "-o", "json")

	step("Without a config file, as a CI job in a checkout would run it")
	sh("kubectl", "hnp", "list", "vpcs", "--repo", ".", "--dir", "fabrics/lab", "--context", "lab", "--config", filepath.Join(work, "none.yaml"))

	step("Drift: what differs, field by field (exit 1 means drift found)")
	sh("kubectl", "hnp", "drift")
	sh("kubectl", "hnp", "drift", "vpc", "-o", "diff")
	sh("kubectl", "hnp", "sync")

	step("Edit in Git: validated, written back with comments kept, committed and pushed")
	sh("kubectl", "hnp", "edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1201", "--dry-run")
	sh("kubectl", "hnp", "edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1201")
	sh("git", "-C", remote, "log", "--oneline", "-2")

	step("Resolve drift: adopt the hand-made VPC into Git, then apply Git to the cluster")
	sh("kubectl", "hnp", "sync", "--adopt", "vpc", "vpc-legacy", "--dry-run")
	sh("kubectl", "hnp", "sync", "--adopt", "vpc", "vpc-legacy", "--yes")
	sh("kubectl", "hnp", "sync", "--apply", "--yes")

	step("In sync")
	sh("kubectl", "hnp", "drift", "--all")

	step("The GitOps loop: Flux (source-controller and kustomize-controller) deploys what kubectl-hnp pushes")
	fx, err := testbed.StartFlux(cp, testbed.FluxOptions{WorkDir: filepath.Join(work, "flux")})
	if err != nil {
		return err
	}
	defer fx.Stop()
	if err := startKustomization(fx, cp, srv.URL); err != nil {
		return err
	}
	fmt.Printf("Flux runs beside the control plane; its Kustomization flux-system/lab deploys %s, path fabrics/lab.\n", srv.URL)
	sh("kubectl", "hnp", "drift")
	sh("kubectl", "hnp", "edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1301", "--wait", "--reconcile")
	sh("kubectl", "hnp", "drift", "--all")

	step("Done")
	return nil
}

// startKustomization points Flux at the fabric's Git (a GitRepository on
// the HTTP remote, a Kustomization for fabrics/lab) and waits until Flux
// has applied it once.
func startKustomization(fx *testbed.Flux, cp *testbed.ControlPlane, url string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := fx.GitRepository(ctx, "fabrics", url, "main", time.Minute); err != nil {
		return err
	}
	if err := fx.Kustomization(ctx, "lab", "fabrics", "fabrics/lab", time.Minute); err != nil {
		return err
	}
	ref := deployer.Ref{Tool: deployer.ToolFlux, Namespace: testbed.FluxNamespace, Name: "lab"}
	_, err := deployer.WaitApplied(ctx, cp.Dynamic(), ref, func(string) bool { return true }, nil)
	return err
}

func step(s string) { fmt.Printf("\n\033[1m== %s\033[0m\n", s) }

// runShown prints a command as a user would type it, then runs it. Non-zero
// exits are shown, not fatal: drift exits 1 by design.
func runShown(env []string, dir string, args ...string) {
	fmt.Printf("\n$ %s\n", strings.Join(quote(args), " "))
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env, cmd.Dir = env, dir
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Printf("(exit: %v)\n", err)
	}
}

func quote(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \t'\"$") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return out
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
	for _, a := range [][]string{
		{"init", "-q", "--bare", "-b", "main", remote},
	} {
		if err := git(filepath.Dir(remote), a...); err != nil {
			return err
		}
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
