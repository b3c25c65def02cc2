package clusterstate

import (
	"context"
	"errors"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	fakediscovery "k8s.io/client-go/discovery/fake"
	clienttesting "k8s.io/client-go/testing"

	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// Narrow unit test of version resolution; reading real objects is covered by
// the integration tests on a real control plane.
func TestResolvePrefersServedVersion(t *testing.T) {
	disc := &fakediscovery.FakeDiscovery{Fake: &clienttesting.Fake{}}
	disc.Resources = []*metav1.APIResourceList{
		{GroupVersion: "vpc.githedgehog.com/v1beta2", APIResources: []metav1.APIResource{{Name: "vpcs", Kind: "VPC", Namespaced: true}}},
		{GroupVersion: "vpc.githedgehog.com/v1beta1", APIResources: []metav1.APIResource{
			{Name: "vpcs", Kind: "VPC", Namespaced: true}, {Name: "vpcattachments", Kind: "VPCAttachment", Namespaced: true},
		}},
		{GroupVersion: "wiring.githedgehog.com/v1beta1", APIResources: []metav1.APIResource{{Name: "switches", Kind: "Switch", Namespaced: true}}},
	}
	r := &Reader{Discovery: disc, Host: "https://cp.example:6443"}
	vpc, _ := kinds.Lookup("vpc")
	att, _ := kinds.Lookup("vpcattach")
	sw, _ := kinds.Lookup("sw")
	peer, _ := kinds.Lookup("extpeer")
	got, err := r.Resolve(context.Background(), []*kinds.Kind{vpc, att, sw, peer})
	// The fake lists group versions in the order given; the first is the
	// preferred one. VPC is served at v1beta2, VPCAttachment only at v1beta1.
	if len(got) != 3 || got[0].Version != "v1beta2" || got[1].Version != "v1beta1" || got[2].Version != "v1beta1" {
		t.Fatalf("resolved %v", got)
	}
	if vpc.Version != "v1beta1" {
		t.Errorf("Resolve changed the registry's kind")
	}
	var nse *NotServedError
	if !errors.As(err, &nse) || nse.Kind.Kind != "ExternalPeering" {
		t.Fatalf("want NotServedError for ExternalPeering, got %v", err)
	}
	for _, want := range []string{"https://cp.example:6443", "externalpeerings.vpc.githedgehog.com"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q should contain %q", err, want)
		}
	}
}

// sortItems orders by namespace, then name, whatever the input's order.
func TestSortItems(t *testing.T) {
	item := func(ns, name string) unstructured.Unstructured {
		u := unstructured.Unstructured{Object: map[string]interface{}{}}
		u.SetNamespace(ns)
		u.SetName(name)
		return u
	}
	keys := func(items []unstructured.Unstructured) string {
		var out []string
		for _, u := range items {
			out = append(out, u.GetNamespace()+"/"+u.GetName())
		}
		return strings.Join(out, " ")
	}
	want := "a/x a/y b/a b/x c/b"
	for _, in := range [][]unstructured.Unstructured{
		{item("b", "x"), item("a", "y"), item("c", "b"), item("a", "x"), item("b", "a")},
		{item("c", "b"), item("b", "x"), item("b", "a"), item("a", "y"), item("a", "x")},
		{item("a", "x"), item("a", "y"), item("b", "a"), item("b", "x"), item("c", "b")},
	} {
		sortItems(in)
		if got := keys(in); got != want {
			t.Errorf("sorted: %s, want %s", got, want)
		}
	}
	sortItems(nil)
}
