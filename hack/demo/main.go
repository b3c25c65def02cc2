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
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/githedgehog/kubectl-hnp/internal/demo"
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
	cp, err := testbed.Start(demo.ControlPlaneOptions(work))
	if err != nil {
		return err
	}
	defer cp.Stop()

	step("Creating the sample fabric repository (testdata/sample-fabric) and its bare remote, and loading the cluster:\n" +
		"   lab in namespace lab, with some drift (cluster/lab.yaml); prod in namespace default, in sync (cluster/prod.yaml)")
	env, err := demo.Setup(context.Background(), cp, work)
	if err != nil {
		return err
	}
	environ := env.Environ(os.Environ(), bin)
	sh := func(args ...string) { runShown(environ, env.Checkout, args...) }

	step("Registering the fabrics (written to $HNP_CONFIG), and deploying kz, a kustomize fabric, to its empty namespace")
	for _, add := range env.SetupCommands() {
		sh(add...)
	}
	sh("kubectl", "hnp", "fabric", "list")

	step("Listing: Git and cluster side by side, with the SYNC column")
	sh("kubectl", "hnp", "list", "--fabric", "lab")
	sh("kubectl", "hnp", "list", "vpcs", "-o", "wide")
	sh("kubectl", "hnp", "list", "conn,sw", "--fabric", "lab", "--source", "git")

	step("Getting one object: desired (Git) and actual (cluster)")
	sh("kubectl", "hnp", "get", "vpc", "vpc-2", "-o", "yaml")
	sh("kubectl", "hnp", "get", "vpc/vpc-2", "--source", "cluster", "-o", "json")

	step("Without a config file, as a CI job in a checkout would run it")
	sh("kubectl", "hnp", "list", "vpcs", "--repo", ".", "--dir", "fabrics/lab", "--context", "lab", "-n", demo.LabNamespace, "--config", filepath.Join(work, "none.yaml"))

	step("Drift: what differs, field by field (exit 1 means drift found)")
	sh("kubectl", "hnp", "drift")
	sh("kubectl", "hnp", "drift", "vpc", "--fabric", "lab", "-o", "diff")
	sh("kubectl", "hnp", "sync")

	step("Edit in Git: validated, written back with comments kept, committed and pushed")
	sh("kubectl", "hnp", "edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1201", "--dry-run")
	sh("kubectl", "hnp", "edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1201")
	sh("git", "-C", env.Remote, "log", "--oneline", "-2")

	step("Resolve drift: adopt the hand-made VPC into Git, then apply Git to the cluster")
	sh("kubectl", "hnp", "sync", "--adopt", "vpc", "vpc-legacy", "--dry-run")
	sh("kubectl", "hnp", "sync", "--adopt", "vpc", "vpc-legacy", "--yes")
	sh("kubectl", "hnp", "sync", "--apply", "--yes")

	step("In sync")
	sh("kubectl", "hnp", "drift", "--all")

	step("The GitOps loop: Flux (source-controller and kustomize-controller) deploys what kubectl-hnp pushes")
	// Served over smart HTTP on loopback, as Flux fetches only http(s) and ssh.
	srv, err := testbed.ServeGitHTTP(env.Remote)
	if err != nil {
		return err
	}
	defer srv.Stop()
	fx, err := testbed.StartFlux(cp, testbed.FluxOptions{WorkDir: filepath.Join(work, "flux")})
	if err != nil {
		return err
	}
	defer fx.Stop()
	if err := startKustomization(fx, cp, srv.URL); err != nil {
		return err
	}
	fmt.Printf("Flux runs beside the control plane; its Kustomization flux-system/prod deploys %s, path fabrics/prod.\n", srv.URL)
	fmt.Println("The fabric prod-http reads the same repository over HTTP, so kubectl-hnp finds that Kustomization by URL, branch and path.")
	sh("kubectl", "hnp", "fabric", "add", "prod-http", "--repo", srv.URL, "--dir", "fabrics/prod", "--context", "prod")
	sh("kubectl", "hnp", "drift", "--fabric", "prod-http")
	sh("kubectl", "hnp", "edit", "vpc", "prod-web", "--fabric", "prod-http", "--set", "spec.subnets.default.vlan=1011", "--wait", "--reconcile")
	sh("kubectl", "hnp", "drift", "--fabric", "prod-http", "--all")

	step("Done")
	return nil
}

// startKustomization points Flux at the fabric's Git (a GitRepository on
// the HTTP remote, a Kustomization for fabrics/prod, which lives in the
// namespace default) and waits until Flux has applied it once.
func startKustomization(fx *testbed.Flux, cp *testbed.ControlPlane, url string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := fx.GitRepository(ctx, "fabrics", url, "main", time.Minute); err != nil {
		return err
	}
	if err := fx.Kustomization(ctx, "prod", "fabrics", "fabrics/prod", time.Minute); err != nil {
		return err
	}
	ref := deployer.Ref{Tool: deployer.ToolFlux, Namespace: testbed.FluxNamespace, Name: "prod"}
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
