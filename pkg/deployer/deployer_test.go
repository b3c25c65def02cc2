package deployer

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"
)

// Narrow unit tests of the evidence rules, on client-go's fake dynamic
// client; the integration tests of sync --apply --prune read real
// Kustomizations from a real API server.

func object(u map[string]interface{}) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: u}
}

func vpc(name string, labels, annotations map[string]interface{}) *unstructured.Unstructured {
	meta := map[string]interface{}{"name": name, "namespace": "fab"}
	if labels != nil {
		meta["labels"] = labels
	}
	if annotations != nil {
		meta["annotations"] = annotations
	}
	return object(map[string]interface{}{"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPC", "metadata": meta})
}

func kustomization(ns, name string, ids ...string) *unstructured.Unstructured {
	var entries []interface{}
	for _, id := range ids {
		entries = append(entries, map[string]interface{}{"id": id, "v": "v1beta1"})
	}
	return object(map[string]interface{}{
		"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
		"metadata": map[string]interface{}{"name": name, "namespace": ns},
		"status":   map[string]interface{}{"inventory": map[string]interface{}{"entries": entries}},
	})
}

func application(ns, name string, resources ...[4]string) *unstructured.Unstructured {
	var res []interface{}
	for _, r := range resources {
		res = append(res, map[string]interface{}{"group": r[0], "kind": r[1], "namespace": r[2], "name": r[3], "version": "v1beta1"})
	}
	return object(map[string]interface{}{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
		"metadata": map[string]interface{}{"name": name, "namespace": ns},
		"status":   map[string]interface{}{"resources": res},
	})
}

func fakeClient(objs ...runtime.Object) *dynamicfake.FakeDynamicClient {
	return dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
		KustomizationGVR: "KustomizationList", ApplicationGVR: "ApplicationList",
	}, objs...)
}

func fluxLabels(ns, name string) map[string]interface{} {
	return map[string]interface{}{FluxNamespaceLabel: ns, FluxNameLabel: name}
}

func TestFindFlux(t *testing.T) {
	ctx := context.Background()
	client := fakeClient(
		kustomization("flux-system", "lab", "fab_vpc-1_vpc.githedgehog.com_VPC", "fab_vpc-2_vpc.githedgehog.com_VPCAttachment"),
		kustomization("flux-system", "other", "fab_vpc-3_vpc.githedgehog.com_VPC"),
	)
	f := &Finder{Dynamic: client}
	for _, tt := range []struct {
		obj  *unstructured.Unstructured
		want string
	}{
		{vpc("vpc-1", fluxLabels("flux-system", "lab"), nil), "flux inventory flux-system/lab"},
		// The labels alone are no evidence: the inventory must list it.
		{vpc("vpc-2", fluxLabels("flux-system", "lab"), nil), ""},
		{vpc("vpc-9", fluxLabels("flux-system", "lab"), nil), ""},
		{vpc("vpc-3", fluxLabels("flux-system", "other"), nil), "flux inventory flux-system/other"},
		{vpc("vpc-1", nil, nil), ""},
		{vpc("vpc-1", fluxLabels("flux-system", "gone"), nil), ""},
	} {
		e, ok := f.Find(ctx, tt.obj)
		if got := map[bool]string{true: e.String()}[ok]; got != tt.want {
			t.Errorf("%s %v: %q, want %q", tt.obj.GetName(), tt.obj.GetLabels(), got, tt.want)
		}
	}
	// Each Kustomization is read once.
	gets := 0
	for _, a := range client.Actions() {
		if a.GetVerb() == "get" {
			gets++
		}
	}
	if gets != 3 || len(f.Problems()) != 0 {
		t.Errorf("%d GETs (want 3: lab, other, gone), problems %v", gets, f.Problems())
	}

	// A configured Kustomization is the only one that counts.
	f = &Finder{Dynamic: client, Config: Config{FluxKustomization: "flux-system/lab"}}
	if e, ok := f.Find(ctx, vpc("vpc-1", fluxLabels("flux-system", "lab"), nil)); !ok || e.String() != "flux inventory flux-system/lab" {
		t.Errorf("configured: %v %v", e, ok)
	}
	// Listed, but without the owner labels Flux set (removed or changed
	// by hand: taken over), as Flux's garbage collection: no evidence.
	for _, labels := range []map[string]interface{}{nil, fluxLabels("flux-system", "other"), {FluxNameLabel: "lab"}} {
		if e, ok := f.Find(ctx, vpc("vpc-1", labels, nil)); ok {
			t.Errorf("configured, labels %v: %v counted", labels, e)
		}
	}
	if _, ok := f.Find(ctx, vpc("vpc-3", fluxLabels("flux-system", "other"), nil)); ok {
		t.Errorf("another Kustomization than the configured one counted")
	}
}

func TestFindFluxReadFailureIsAProblem(t *testing.T) {
	client := fakeClient()
	client.PrependReactor("get", "kustomizations", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, errors.New("forbidden, say")
	})
	f := &Finder{Dynamic: client}
	for range 2 {
		if _, ok := f.Find(context.Background(), vpc("vpc-1", fluxLabels("flux-system", "lab"), nil)); ok {
			t.Errorf("evidence without an inventory")
		}
	}
	if want := []string{"reading Kustomization flux-system/lab: forbidden, say"}; !reflect.DeepEqual(f.Problems(), want) {
		t.Errorf("problems %q, want %q", f.Problems(), want)
	}
}

func TestFindArgoTrackingID(t *testing.T) {
	ctx := context.Background()
	tracking := func(id string) map[string]interface{} { return map[string]interface{}{ArgoTrackingAnnotation: id} }
	for _, tt := range []struct {
		cfg, id, want string
	}{
		{"", "lab:vpc.githedgehog.com/VPC:fab/vpc-1", "argocd app lab"},
		{"argocd/lab", "lab:vpc.githedgehog.com/VPC:fab/vpc-1", "argocd app lab"},
		{"team/lab", "team_lab:vpc.githedgehog.com/VPC:fab/vpc-1", "argocd app team_lab"},
		{"argocd/other", "lab:vpc.githedgehog.com/VPC:fab/vpc-1", ""},
		// A tracking id copied from another object is no evidence.
		{"", "lab:vpc.githedgehog.com/VPC:fab/vpc-2", ""},
		{"", "lab:vpc.githedgehog.com/VPCAttachment:fab/vpc-1", ""},
		{"", "lab:wiring.githedgehog.com/VPC:fab/vpc-1", ""},
		{"", "lab:vpc.githedgehog.com/VPC:other/vpc-1", ""},
		{"", "garbage", ""},
	} {
		f := &Finder{Dynamic: fakeClient(), Config: Config{ArgoCDApplication: tt.cfg}}
		e, ok := f.Find(ctx, vpc("vpc-1", nil, tracking(tt.id)))
		if got := map[bool]string{true: e.String()}[ok]; got != tt.want {
			t.Errorf("config %q, id %q: %q, want %q", tt.cfg, tt.id, got, tt.want)
		}
	}
}

// Helm sets app.kubernetes.io/instance too: the label counts only when the
// Application lists the object.
func TestFindArgoInstanceLabel(t *testing.T) {
	ctx := context.Background()
	inst := func(app string) map[string]interface{} { return map[string]interface{}{ArgoInstanceLabel: app} }
	client := fakeClient(application("argocd", "lab", [4]string{"vpc.githedgehog.com", "VPC", "fab", "vpc-1"}))
	f := &Finder{Dynamic: client}
	if e, ok := f.Find(ctx, vpc("vpc-1", inst("lab"), nil)); !ok || e.String() != "argocd app lab" {
		t.Errorf("listed: %v %v", e, ok)
	}
	if _, ok := f.Find(ctx, vpc("vpc-2", inst("lab"), nil)); ok {
		t.Errorf("an object the Application does not list counted")
	}
	f = &Finder{Dynamic: client, Config: Config{ArgoCDApplication: "argocd/lab"}}
	if e, ok := f.Find(ctx, vpc("vpc-1", inst("lab"), nil)); !ok || e.String() != "argocd app lab" {
		t.Errorf("configured: %v %v", e, ok)
	}
	f = &Finder{Dynamic: client, Config: Config{ArgoCDApplication: "argocd/prod"}}
	if _, ok := f.Find(ctx, vpc("vpc-1", inst("lab"), nil)); ok {
		t.Errorf("another Application than the configured one counted")
	}
	// No Application (or no Argo CD at all): no evidence, no problem.
	f = &Finder{Dynamic: fakeClient()}
	if _, ok := f.Find(ctx, vpc("vpc-1", inst("lab"), nil)); ok || len(f.Problems()) != 0 {
		t.Errorf("without Argo CD: %v %v", ok, f.Problems())
	}
}

// With the fabric's deployer known, another tool's tracking is no evidence
// either: a Flux fabric's namespace may hold what an Argo CD Application
// of another fabric applied, and the other way round.
func TestFindKnownDeployerOnly(t *testing.T) {
	ctx := context.Background()
	client := fakeClient(
		kustomization("flux-system", "lab", "fab_vpc-1_vpc.githedgehog.com_VPC"),
		kustomization("flux-system", "other", "fab_vpc-3_vpc.githedgehog.com_VPC"),
	)
	argoTracked := vpc("vpc-2", nil, map[string]interface{}{ArgoTrackingAnnotation: "lab:vpc.githedgehog.com/VPC:fab/vpc-2"})
	fluxOther := vpc("vpc-3", fluxLabels("flux-system", "other"), nil)

	known := &Finder{Dynamic: client, Config: Config{FluxKustomization: "flux-system/lab"}}
	if e, ok := known.Find(ctx, vpc("vpc-1", fluxLabels("flux-system", "lab"), nil)); !ok || e.String() != "flux inventory flux-system/lab" {
		t.Errorf("the known Kustomization: %v %v", e, ok)
	}
	for _, obj := range []*unstructured.Unstructured{argoTracked, fluxOther} {
		if e, ok := known.Find(ctx, obj); ok {
			t.Errorf("%s: %v counted, the fabric's deployer being flux-system/lab", obj.GetName(), e)
		}
	}
	knownArgo := &Finder{Dynamic: client, Config: Config{ArgoCDApplication: "argocd/lab"}}
	if e, ok := knownArgo.Find(ctx, argoTracked); !ok || e.String() != "argocd app lab" {
		t.Errorf("the known Application: %v %v", e, ok)
	}
	if e, ok := knownArgo.Find(ctx, fluxOther); ok {
		t.Errorf("a Kustomization's inventory counted, the fabric's deployer being an Application: %v", e)
	}
	// Unknown: each object's own labels and annotations name its deployer.
	unknown := &Finder{Dynamic: client}
	for _, obj := range []*unstructured.Unstructured{argoTracked, fluxOther} {
		if _, ok := unknown.Find(ctx, obj); !ok {
			t.Errorf("%s: no evidence without a known deployer", obj.GetName())
		}
	}
}
