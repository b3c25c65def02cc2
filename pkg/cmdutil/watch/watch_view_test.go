package watch

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"

	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func viewVPC(name string, lbls map[string]string, vlan int64) *resource.Object {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPC",
		"metadata": map[string]any{"name": name, "namespace": "default"},
		"spec":     map[string]any{"vlan": vlan},
	}}
	if lbls != nil {
		u.SetLabels(lbls)
	}
	return &resource.Object{Key: resource.KeyOf(u), Obj: u}
}

// With -l, the watch judges an object when either copy carries the label:
// a label on one side never makes it notInGit or missingFromCluster, and
// objects neither copy selects are not reported.
func TestWatchSelectorMatchesEitherSide(t *testing.T) {
	sel, err := labels.Parse("team=net")
	if err != nil {
		t.Fatal(err)
	}
	set := func(objs ...*resource.Object) resource.Set {
		s := resource.Set{}
		for _, o := range objs {
			s[o.Key] = o
		}
		return s
	}
	var changes []Change
	fw := &fabricWatch{name: "lab", sel: sel, statuses: map[resource.Key]driftpkg.Status{},
		now: func() time.Time { return time.Unix(0, 0) }, onChange: func(c Change) { changes = append(changes, c) }, live: true,
		desired: set(viewVPC("vpc-1", nil, 1001), viewVPC("vpc-2", map[string]string{"team": "net"}, 1002), viewVPC("vpc-3", nil, 1003)),
		actual:  set(viewVPC("vpc-1", map[string]string{"team": "net"}, 1099), viewVPC("vpc-2", nil, 1002), viewVPC("vpc-3", nil, 1099))}
	fw.compareAll()
	got := map[string]driftpkg.Status{}
	for _, c := range changes {
		got[c.Name] = c.Status
	}
	// vpc-1: the label only in the cluster, a changed VLAN; vpc-2: the
	// label only in Git (drift of the label itself); vpc-3: not selected.
	if len(got) != 2 || got["vpc-1"] != driftpkg.StatusDrifted || got["vpc-2"] != driftpkg.StatusDrifted {
		t.Errorf("changes %+v, want vpc-1 and vpc-2 drifted, vpc-3 not reported", changes)
	}
	d, a := fw.view(fw.desired, fw.actual)
	if len(d) != 2 || len(a) != 2 {
		t.Errorf("view keeps %d desired and %d actual objects, want 2 and 2", len(d), len(a))
	}
}
