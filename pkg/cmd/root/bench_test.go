package root

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
)

const benchVPCs = 1000

// benchFixture puts benchVPCs VPCs into namespace "bench" of the lab control
// plane and the same VPCs into a Git working tree, once per test binary.
var benchFixture = sync.OnceValues(func() (string, error) {
	ctx := context.Background()
	cs, err := kubernetes.NewForConfig(lab.RestConfig)
	if err != nil {
		return "", err
	}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "bench"}}, metav1.CreateOptions{}); err != nil {
		return "", err
	}
	gvr := schema.GroupVersionResource{Group: "vpc.githedgehog.com", Version: "v1beta1", Resource: "vpcs"}
	var b strings.Builder
	errs := make(chan error, benchVPCs)
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for i := 0; i < benchVPCs; i++ {
		doc := fmt.Sprintf("apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-%04d\n  namespace: bench\nspec:\n  ipv4Namespace: default\n  vlanNamespace: default\n  subnets:\n    default:\n      subnet: 10.%d.%d.0/24\n      vlan: %d\n", i, i/256, i%256, 1000+i)
		b.WriteString("---\n" + doc)
		u := &unstructured.Unstructured{Object: map[string]interface{}{
			"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPC",
			"metadata": map[string]interface{}{"name": fmt.Sprintf("vpc-%04d", i), "namespace": "bench"},
			"spec": map[string]interface{}{"ipv4Namespace": "default", "vlanNamespace": "default", "subnets": map[string]interface{}{
				"default": map[string]interface{}{"subnet": fmt.Sprintf("10.%d.%d.0/24", i/256, i%256), "vlan": int64(1000 + i)}}},
		}}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if _, err := lab.Dynamic().Resource(gvr).Namespace("bench").Create(ctx, u, metav1.CreateOptions{}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return "", err
	}
	dir := filepath.Join(scratch, "bench-repo")
	if err := os.MkdirAll(filepath.Join(dir, "fabrics", "bench"), 0o755); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "fabrics", "bench", "vpcs.yaml"), []byte(b.String()), 0o644)
})

// BenchmarkListBothVsKubectl measures `kubectl hnp list vpcs --source both
// -o json` end to end (a process, Git read, discovery, LIST, compare, print)
// side by side with `kubectl get vpcs -o json` on the same control plane.
func BenchmarkListBothVsKubectl(b *testing.B) {
	repo, err := benchFixture()
	if err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(b.TempDir(), "kubectl-hnp")
	if out, err := exec.Command("go", "build", "-o", bin, "../../../cmd/kubectl-hnp").CombinedOutput(); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		b.Fatal(err)
	}
	env := append(os.Environ(), "HOME="+b.TempDir(), "HNP_CONFIG=", "HNP_FABRIC=")
	runs := map[string][]string{
		"kubectl-hnp": {bin, "list", "vpcs", "--source", "both", "-o", "json", "--repo", repo, "--dir", "fabrics/bench",
			"--kubeconfig", lab.KubeconfigPath, "-n", "bench"},
		"kubectl": {kubectl, "get", "vpcs", "-o", "json", "--kubeconfig", lab.KubeconfigPath, "-n", "bench"},
	}
	for _, name := range []string{"kubectl-hnp", "kubectl"} {
		args := runs[name]
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command(args[0], args[1:]...)
				cmd.Env = env
				out, err := cmd.Output()
				if err != nil {
					b.Fatalf("%s: %v", name, err)
				}
				if n := strings.Count(string(out), `"kind": "VPC"`); n != benchVPCs {
					b.Fatalf("%s printed %d VPCs, want %d", name, n, benchVPCs)
				}
			}
		})
	}
}

// TestBenchFixtureInSync checks the benchmark's premise: Git and cluster
// hold the same VPCs, so the benchmark measures a full, in-sync listing.
func TestBenchFixtureInSync(t *testing.T) {
	repo, err := benchFixture()
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	r := h.run("list", "vpcs", "--repo", repo, "--dir", "fabrics/bench", "--kubeconfig", lab.KubeconfigPath, "-n", "bench", "--no-headers")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if n := strings.Count(r.stdout, "\tinSync\t"); n != benchVPCs {
		t.Errorf("%d of %d VPCs in sync", n, benchVPCs)
	}
}
