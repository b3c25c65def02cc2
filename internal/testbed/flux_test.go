package testbed

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
)

var kustomizationGVR = schema.GroupVersionResource{Group: "kustomize.toolkit.fluxcd.io", Version: "v1", Resource: "kustomizations"}

// The real Flux applies a commit served by the smart-HTTP remote, and
// records it: lastAppliedRevision, Ready, the inventory.
func TestFluxAppliesTheRemote(t *testing.T) {
	cp := StartT(t)
	fx := StartFluxT(t, cp)
	bare := NewBareRemote(t, map[string]string{"fabric/vpc-1.yaml": `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: vpc-1}
spec:
  subnets:
    default: {subnet: 10.0.1.0/24, vlan: 1001}
`})
	url := ServeHTTP(t, bare, "", "")
	head := Git(t, bare, "rev-parse", "main")
	ctx := t.Context()
	if err := fx.GitRepository(ctx, "fabrics", url, "main", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := fx.Kustomization(ctx, "lab", "fabrics", "fabric", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	var ks *unstructured.Unstructured
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		var err error
		ks, err = cp.Dynamic().Resource(kustomizationGVR).Namespace(FluxNamespace).Get(ctx, "lab", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		rev, _, _ := unstructured.NestedString(ks.Object, "status", "lastAppliedRevision")
		return rev == "main@sha1:"+head, nil
	})
	if err != nil {
		t.Fatalf("Flux did not apply %s: %v\n%v", head, err, ks)
	}
	entries, _, _ := unstructured.NestedSlice(ks.Object, "status", "inventory", "entries")
	if len(entries) != 1 || entries[0].(map[string]interface{})["id"] != "default_vpc-1_vpc.githedgehog.com_VPC" {
		t.Errorf("inventory %v", entries)
	}
	vpc, err := cp.Dynamic().Resource(schema.GroupVersionResource{Group: "vpc.githedgehog.com", Version: "v1beta1", Resource: "vpcs"}).
		Namespace(DefaultNamespace).Get(ctx, "vpc-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m := vpc.GetManagedFields(); len(m) == 0 || m[0].Manager != "kustomize-controller" {
		t.Errorf("managed fields %v", m)
	}
}

// Without the binaries, starting Flux fails (tests never skip) and says
// how to build them.
func TestStartFluxWithoutBinaries(t *testing.T) {
	_, err := StartFlux(nil, FluxOptions{Dir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "run `make flux`") || !strings.Contains(err.Error(), "source-controller") {
		t.Errorf("err %v", err)
	}
	t.Setenv(fluxDirEnv, "/elsewhere")
	if d, err := FluxDir(); err != nil || d != "/elsewhere" {
		t.Errorf("FluxDir %q %v", d, err)
	}
}
