package clusterstate

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Applying the real server's objects is tested on a real control plane in
// pkg/cmd/root (sync --apply); these are the pure parts.

func TestForApplyStripsWhatTheServerOwns(t *testing.T) {
	vpc, _ := kinds.Lookup("vpc")
	obj := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPC",
		"metadata": map[string]interface{}{
			"name": "vpc-1", "resourceVersion": "7", "uid": "u", "generation": int64(2),
			"creationTimestamp": "2026-01-01T00:00:00Z", "managedFields": []interface{}{map[string]interface{}{"manager": "x"}},
			"ownerReferences": []interface{}{map[string]interface{}{"name": "o"}},
			"labels":          map[string]interface{}{"team": "db"},
		},
		"spec":   map[string]interface{}{"subnets": map[string]interface{}{}},
		"status": map[string]interface{}{"x": "y"},
	}}
	key := resource.Key{Kind: "VPC", Namespace: "fab", Name: "vpc-1"}
	got := ForApply(vpc.WithVersion("v1beta2"), &resource.Object{Key: key, Obj: obj})
	want := map[string]interface{}{
		"apiVersion": "vpc.githedgehog.com/v1beta2", "kind": "VPC",
		"metadata": map[string]interface{}{"name": "vpc-1", "namespace": "fab", "labels": map[string]interface{}{"team": "db"}},
		"spec":     map[string]interface{}{"subnets": map[string]interface{}{}},
	}
	if !reflect.DeepEqual(got.Object, want) {
		t.Errorf("got  %v\nwant %v", got.Object, want)
	}
	if obj.GetResourceVersion() != "7" || obj.Object["status"] == nil {
		t.Errorf("ForApply modified its input")
	}
}

func TestAsConflictReadsTheServersCauses(t *testing.T) {
	key := resource.Key{Kind: "VPC", Namespace: "fab", Name: "vpc-2"}
	// The shape of the API server's answer to an apply without force.
	err := apierrors.NewApplyConflict([]metav1.StatusCause{
		{Type: metav1.CauseTypeFieldManagerConflict, Message: `conflict with "hand-editor" using vpc.githedgehog.com/v1beta1`, Field: ".spec.subnets.default.vlan"},
		{Type: metav1.CauseTypeFieldManagerConflict, Message: `conflict with "kubectl-edit" with subresource "status"`, Field: ".spec.x"},
		{Type: metav1.CauseTypeFieldManagerConflict, Message: `conflict with "hand-editor"`, Field: ".spec.y"},
	}, "Apply failed with 3 conflicts")
	ce := asConflict(key, fmt.Errorf("wrapped: %w", err))
	if ce == nil {
		t.Fatal("not read as a conflict")
	}
	want := []FieldConflict{{"hand-editor", ".spec.subnets.default.vlan"}, {"kubectl-edit", ".spec.x"}, {"hand-editor", ".spec.y"}}
	if !reflect.DeepEqual(ce.Conflicts, want) {
		t.Errorf("conflicts %+v", ce.Conflicts)
	}
	if got := ce.Managers(); !reflect.DeepEqual(got, []string{"hand-editor", "kubectl-edit"}) {
		t.Errorf("managers %v", got)
	}
	msg := ce.Error()
	for _, w := range []string{"VPC fab/vpc-2", `.spec.subnets.default.vlan (field manager "hand-editor")`, `.spec.x (field manager "kubectl-edit")`} {
		if !strings.Contains(msg, w) {
			t.Errorf("%q lacks %q", msg, w)
		}
	}
	if asConflict(key, apierrors.NewNotFound(kinds.All()[0].GVR().GroupResource(), "x")) != nil || asConflict(key, errors.New("x")) != nil {
		t.Errorf("other errors are not conflicts")
	}
	plain := asConflict(key, apierrors.NewConflict(kinds.All()[0].GVR().GroupResource(), "vpc-2", errors.New("busy")))
	if plain == nil || len(plain.Conflicts) != 0 || !strings.Contains(plain.Error(), "busy") {
		t.Errorf("a conflict without causes: %v", plain)
	}
}

func TestEachBoundsConcurrencyAndJoinsErrorsInOrder(t *testing.T) {
	var r Reader
	var running, peak atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{}, 100)
	done := make(chan error)
	go func() {
		done <- r.each(40, func(i int) error {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			started <- struct{}{}
			<-release
			running.Add(-1)
			if i%10 == 3 {
				return fmt.Errorf("object %d", i)
			}
			return nil
		})
	}()
	// DefaultConcurrency calls start; the next waits for one to end.
	for i := 0; i < DefaultConcurrency; i++ {
		<-started
	}
	close(release)
	err := <-done
	if p := peak.Load(); p != DefaultConcurrency {
		t.Errorf("peak concurrency %d, want %d", p, DefaultConcurrency)
	}
	if err == nil || err.Error() != "object 3\nobject 13\nobject 23\nobject 33" {
		t.Errorf("err = %v", err)
	}
}

func TestRemovalPatch(t *testing.T) {
	live := &unstructured.Unstructured{Object: map[string]interface{}{
		"metadata": map[string]interface{}{"name": "v", "resourceVersion": "12", "labels": map[string]interface{}{"a/b": "x"}},
		"spec": map[string]interface{}{
			"defaultIsolated": true,
			"list":            []interface{}{map[string]interface{}{"x": int64(1)}, "b", "c"},
		},
	}}
	patch, n, err := removalPatch(live, []string{"/spec/list/0/x", "/spec/nope", "/spec/list/1", "/spec/defaultIsolated", "/spec/list/2", "/metadata/labels/a~1b", "/spec/list/01"})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"op":"test","path":"/metadata/resourceVersion","value":"12"},` +
		`{"op":"remove","path":"/spec/list/2"},{"op":"remove","path":"/spec/list/1"},{"op":"remove","path":"/spec/list/0/x"},` +
		`{"op":"remove","path":"/spec/defaultIsolated"},{"op":"remove","path":"/metadata/labels/a~1b"}]`
	if n != 5 || string(patch) != want {
		t.Errorf("n %d patch\n%s\nwant\n%s", n, patch, want)
	}
	if patch, n, err := removalPatch(live, []string{"/spec/gone"}); patch != nil || n != 0 || err != nil {
		t.Errorf("nothing to remove: %s %d %v", patch, n, err)
	}
	if _, _, err := removalPatch(live, []string{"spec"}); err == nil {
		t.Errorf("a bad pointer is an error")
	}
}
