package writeback

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// A create on a kustomize fabric: the new documents are found in the
// build with their transformed names and namespaces, and only they.
func TestCaptureRendered(t *testing.T) {
	root := testbed.NewWorkTree(t, map[string]string{
		"fabrics/kz/kustomization.yaml": "namePrefix: kz-\nnamespace: fab\nresources:\n- vpcs/old.yaml\n",
		"fabrics/kz/vpcs/old.yaml":      "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: old\n",
	})
	newKey := resource.Key{Kind: "VPC", Namespace: "default", Name: "new"}
	second := resource.Key{Kind: "VPC", Namespace: "default", Name: "second"}
	create := Create("fabrics/kz", "default", "fabrics/kz/vpcs/new.yaml", []resource.Key{newKey, second}, [][]byte{
		[]byte("apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: new\nspec: {vlan: 7}\n"),
		[]byte("apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: second\n"),
	})
	got := Rendered{{Kind: "VPC", Namespace: "x", Name: "stale"}: nil}
	out, err := CaptureRendered("fabrics/kz", "default", []resource.Key{newKey, second}, got, ListNewFiles("fabrics/kz", create))(root)
	if err != nil {
		t.Fatal(err)
	}
	if out["fabrics/kz/vpcs/new.yaml"] == nil {
		t.Fatalf("the change lost its files: %v", out)
	}
	if len(got) != 2 {
		t.Fatalf("captured %v, want the two new objects alone", got)
	}
	for key, want := range map[resource.Key]string{newKey: "kz-new", second: "kz-second"} {
		u := got[key]
		if u == nil || u.GetName() != want || u.GetNamespace() != "fab" {
			t.Errorf("%s rendered as %v, want fab/%s", key, u, want)
		}
	}
	if v, _, _ := unstructured.NestedInt64(got[newKey].Object, "spec", "vlan"); v != 7 {
		t.Errorf("kz-new's spec not the document's: %v", got[newKey].Object)
	}
}
