package testbed

import (
	"os/exec"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Stopping kube-apiserver alone is an outage: requests fail, and once it is
// started again the same client (address, certificates) reads the objects
// etcd kept.
func TestAPIServerStopsAndStartsAgain(t *testing.T) {
	cp := StartT(t)
	cp.Apply(t, "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata: {name: leaf-9}\nspec: {role: server-leaf}\n")
	sw := cp.Dynamic().Resource(switchGVR).Namespace(DefaultNamespace)
	if err := cp.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	if _, err := sw.Get(t.Context(), "leaf-9", metav1.GetOptions{}); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("with kube-apiserver stopped, a GET should be refused, got %v", err)
	}
	if err := cp.StartAPIServer(); err != nil {
		t.Fatal(err)
	}
	got, err := sw.Get(t.Context(), "leaf-9", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("after the restart, the same client should work: %v", err)
	}
	if got.GetName() != "leaf-9" {
		t.Errorf("got %s", got.GetName())
	}
	// The kubeconfig works as well (kubectl checks the serving certificate).
	if out := kubectl(t, nil, "--kubeconfig", cp.KubeconfigPath, "get", "switches", "-o", "name"); out != "switch.wiring.githedgehog.com/leaf-9" {
		t.Errorf("kubectl get switches: %q", out)
	}
}

// A Git remote over HTTP goes down (fetches are refused) and comes back on
// the same URL.
func TestHTTPRemoteStopsAndStartsAgain(t *testing.T) {
	remote := NewHTTPRemote(t, NewBareRemote(t, map[string]string{"a.yaml": "a: 1\n"}), "", "")
	lsRemote := func() error {
		cmd := exec.CommandContext(t.Context(), "git", "ls-remote", remote.URL, "main")
		cmd.Env = GitEnv()
		return cmd.Run()
	}
	if err := lsRemote(); err != nil {
		t.Fatalf("serving: %v", err)
	}
	remote.Stop()
	if err := lsRemote(); err == nil {
		t.Fatal("after Stop, git ls-remote should fail")
	}
	if err := remote.Start(); err != nil {
		t.Fatal(err)
	}
	if err := lsRemote(); err != nil {
		t.Fatalf("after Start: %v", err)
	}
}
