package clusterstate

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// guardVPC is a VPC of the default namespace with one subnet's VLAN.
func guardVPC(t *testing.T, name string, vlan int) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	doc := fmt.Sprintf("apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: %s, namespace: default}\nspec:\n  subnets:\n    default: {subnet: 10.0.1.0/24, vlan: %d}\n", name, vlan)
	if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
		t.Fatal(err)
	}
	return u
}

// A change planned against a read is made only to the object read: an
// apply or a delete of an object changed since (its spec or labels, or
// deleted, or deleted and created again) is refused with a ChangedError
// naming who changed it, and the object is left as it is; one whose
// change touched nothing of the object itself (here a manager's empty
// status write, which bumps its resourceVersion) goes ahead.
func TestChangesAreGuardedByTheRead(t *testing.T) {
	cp := testbed.StartT(t)
	r := newReader(t, cp)
	ctx := t.Context()
	vpcKind, _ := kinds.Lookup("vpc")
	served := map[string]*kinds.Kind{"VPC": vpcKind}
	vpcs := cp.Dynamic().Resource(vpcKind.GVR()).Namespace("default")
	names := []string{"hand", "same", "status", "gone", "apply-new", "recreated", "relabelled", "del-same", "del-status", "del-gone"}
	for _, n := range names {
		if _, err := vpcs.Create(ctx, guardVPC(t, n, 1001), metav1.CreateOptions{FieldManager: "kubectl-client-side-apply"}); err != nil {
			t.Fatal(err)
		}
	}
	read, err := r.Load(ctx, []*kinds.Kind{vpcKind}, "")
	if err != nil {
		t.Fatal(err)
	}
	key := func(n string) resource.Key { return resource.Key{Kind: "VPC", Namespace: "default", Name: n} }
	if len(read) != len(names) || read[key("hand")].Obj.GetResourceVersion() == "" || read[key("hand")].Obj.GetUID() == "" {
		t.Fatalf("read %d objects, hand = %v", len(read), read[key("hand")])
	}

	// What happens after the read.
	patch := func(n, manager, body string) {
		t.Helper()
		if _, err := vpcs.Patch(ctx, n, types.MergePatchType, []byte(body), metav1.PatchOptions{FieldManager: manager}); err != nil {
			t.Fatal(err)
		}
	}
	patch("hand", "hand-editor", `{"spec":{"subnets":{"default":{"vlan":1099}}}}`)
	patch("relabelled", "hand-editor", `{"metadata":{"labels":{"team":"db"}}}`)
	for _, n := range []string{"status", "del-status"} {
		before := read[key(n)].Obj.GetResourceVersion()
		st := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPC",
			"metadata": map[string]any{"name": n, "namespace": "default"}, "status": map[string]any{}}}
		u, err := vpcs.ApplyStatus(ctx, n, st, metav1.ApplyOptions{FieldManager: "fabric-controller", Force: true})
		if err != nil {
			t.Fatal(err)
		}
		if u.GetResourceVersion() == before {
			t.Fatalf("%s: the status write did not change the resourceVersion (%s): the test would prove nothing", n, before)
		}
	}
	for _, n := range []string{"gone", "recreated", "del-gone"} {
		if err := vpcs.Delete(ctx, n, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := vpcs.Create(ctx, guardVPC(t, "recreated", 1001), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	desired := func(n string) *resource.Object { return &resource.Object{Key: key(n), Obj: guardVPC(t, n, 1002)} }
	vlan := func(n string) int64 {
		t.Helper()
		u, err := vpcs.Get(ctx, n, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		v, _, _ := unstructured.NestedInt64(u.Object, "spec", "subnets", "default", "vlan")
		return v
	}
	changed := func(err error, n string) *ChangedError {
		t.Helper()
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			var ce *ChangedError
			if errors.As(e, &ce) && ce.Key.Name == n {
				return ce
			}
		}
		return nil
	}

	t.Run("apply", func(t *testing.T) {
		err := r.Apply(ctx, served, []*resource.Object{desired("hand"), desired("same"), desired("status"), desired("gone"), desired("apply-new")}, true, read)
		if err == nil {
			t.Fatal("no error")
		}
		// Created and changed in the same second: both managers are named.
		if ce := changed(err, "hand"); ce == nil || !slices.Contains(ce.Managers, "hand-editor") || ce.Time.IsZero() ||
			!strings.Contains(ce.Error(), "VPC default/hand changed in the cluster since it was read (last written by ") ||
			!strings.Contains(ce.Error(), `"hand-editor"`) ||
			!strings.HasSuffix(ce.Error(), "not applied; run sync again to plan against what it holds now") {
			t.Errorf("hand: %v", err)
		}
		if got := vlan("hand"); got != 1099 {
			t.Errorf("hand's VLAN is %d: the hand change was overwritten", got)
		}
		// The API server creates an applied object that is gone, whatever
		// resourceVersion the apply names: as one missing from the cluster
		// would be (sync --apply's purpose), nothing is lost.
		for _, n := range []string{"same", "status", "gone"} {
			if changed(err, n) != nil || vlan(n) != 1002 {
				t.Errorf("%s: VLAN %d, %v", n, vlan(n), err)
			}
		}
		if got := strings.Count(err.Error(), "\n") + 1; got != 1 {
			t.Errorf("%d errors, want hand's: %v", got, err)
		}
	})

	t.Run("apply of an object not read", func(t *testing.T) {
		// Planned as a create (missing from the cluster): nothing to guard.
		if err := r.Apply(ctx, served, []*resource.Object{desired("created")}, true, read); err != nil || vlan("created") != 1002 {
			t.Errorf("created: %v", err)
		}
	})

	t.Run("delete", func(t *testing.T) {
		err := r.Delete(ctx, served, []resource.Key{key("recreated"), key("relabelled"), key("del-same"), key("del-status"), key("del-gone")}, read)
		if err == nil {
			t.Fatal("no error")
		}
		if ce := changed(err, "recreated"); ce == nil || !ce.Recreated || !strings.Contains(ce.Error(), "was deleted and created again in the cluster since it was read") ||
			!strings.Contains(ce.Error(), "not deleted") {
			t.Errorf("recreated: %v", err)
		}
		if ce := changed(err, "relabelled"); ce == nil || !slices.Contains(ce.Managers, "hand-editor") {
			t.Errorf("relabelled: %v", err)
		}
		for _, n := range []string{"recreated", "relabelled"} {
			if _, err := vpcs.Get(ctx, n, metav1.GetOptions{}); err != nil {
				t.Errorf("%s was deleted: %v", n, err)
			}
		}
		for _, n := range []string{"del-same", "del-status"} {
			if _, err := vpcs.Get(ctx, n, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("%s was not deleted: %v", n, err)
			}
		}
		if got := strings.Count(err.Error(), "\n") + 1; got != 2 {
			t.Errorf("%d errors, want recreated's and relabelled's (del-gone was gone already): %v", got, err)
		}
	})
}
