package watch

import (
	"context"
	"fmt"
	"testing"
	"time"

	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// marks marks the named objects pendingDeploy (when not in sync), as a
// deployer that has not applied them would.
type marks map[string]bool

func (m marks) Mark(r *driftpkg.ResourceResult) bool {
	if r.Status == driftpkg.StatusInSync || !m[r.Name] {
		return false
	}
	r.PendingDeploy, r.Reason = true, "changed in Git in abc1234"
	return true
}

func versioned(o *resource.Object, rv string) *resource.Object {
	o.Obj.SetResourceVersion(rv)
	return o
}

// testWatch is an empty, live fabric watch whose changes are kept as
// lines in the given format.
func testWatch(format func(Change) string) (*fabricWatch, *[]string) {
	lines := &[]string{}
	fw := &fabricWatch{name: "lab", statuses: map[resource.Key]driftpkg.Status{}, pendings: map[resource.Key]bool{}, live: true,
		now:      func() time.Time { return time.Unix(0, 0) },
		onChange: func(c Change) { *lines = append(*lines, format(c)) },
		desired:  resource.Set{}, actual: resource.Set{}}
	return fw, lines
}

// statusLine is "name: previous -> status".
func statusLine(c Change) string { return fmt.Sprintf("%s: %s -> %s", c.Name, c.Previous, c.Status) }

// holdFixture is a watch of vpc-2, pending in Git (VLAN 1002) and held at
// resourceVersion 5 with VLAN 1001: its first line is "drifted
// (pendingDeploy)".
func holdFixture(t *testing.T) (*fabricWatch, *[]string) {
	t.Helper()
	fw, lines := testWatch(func(c Change) string {
		prev := string(c.Previous)
		if c.PreviousPendingDeploy {
			prev += " (pendingDeploy)"
		}
		cur := string(c.Status)
		if c.PendingDeploy {
			cur += " (pendingDeploy)"
		}
		return fmt.Sprintf("%s: %s -> %s", c.Name, prev, cur)
	})
	fw.pending = marks{"vpc-2": true}
	d := viewVPC("vpc-2", nil, 1002)
	fw.desired[d.Key] = d
	a := versioned(viewVPC("vpc-2", nil, 1001), "5")
	fw.actual[a.Key] = a
	fw.compareAll()
	if len(*lines) != 1 || (*lines)[0] != "vpc-2:  -> drifted (pendingDeploy)" {
		t.Fatalf("first lines %q, want vpc-2 drifted (pendingDeploy)", *lines)
	}
	*lines = (*lines)[:0]
	return fw, lines
}

// server answers a versionOf: the object's resourceVersion on the API
// server ("" gone), or a failed read.
func server(rv string, ok bool) versionOf {
	return func(context.Context, resource.Key) (string, bool) { return rv, ok }
}

// deployed is what the watch does on a new deployer status that lifts the
// mark: judge everything again, holding new drift where the watch lags.
func deployed(fw *fabricWatch, current versionOf) {
	fw.pending = marks{}
	fw.compareChecked(context.Background(), current)
}

func event(fw *fabricWatch, o *resource.Object) {
	if o.Obj == nil {
		delete(fw.actual, o.Key)
	} else {
		fw.actual[o.Key] = o
	}
	fw.recompute(o.Key)
}

// The deployer's status arrives before the object it applied: the object
// keeps its mark (no "drifted" line) until its own event comes, and then
// goes straight to in sync.
func TestWatchHoldsMarkUntilAppliedObjectArrives(t *testing.T) {
	fw, lines := holdFixture(t)
	deployed(fw, server("6", true))
	if len(*lines) != 0 {
		t.Fatalf("after the deployer's status: %q, want no line while vpc-2's event is on its way", *lines)
	}
	fw.compareAll() // a Git read meanwhile changes nothing
	if len(*lines) != 0 {
		t.Fatalf("after a Git read: %q, want no line", *lines)
	}
	event(fw, versioned(viewVPC("vpc-2", nil, 1002), "6"))
	want := []string{"vpc-2: drifted (pendingDeploy) -> inSync"}
	if fmt.Sprint(*lines) != fmt.Sprint(want) || len(fw.holds) != 0 {
		t.Fatalf("after vpc-2's event: %q (holds %v), want %q and no hold", *lines, fw.holds, want)
	}
}

// What the deployer applied may still differ (a webhook, a field another
// manager owns): the hold ends with the object's event, and the drift is
// shown then.
func TestWatchHoldEndsWithEventStillDrifted(t *testing.T) {
	fw, lines := holdFixture(t)
	deployed(fw, server("6", true))
	event(fw, versioned(viewVPC("vpc-2", nil, 1003), "6"))
	want := []string{"vpc-2: drifted (pendingDeploy) -> drifted"}
	if fmt.Sprint(*lines) != fmt.Sprint(want) || len(fw.holds) != 0 {
		t.Fatalf("lines %q (holds %v), want %q and no hold", *lines, fw.holds, want)
	}
}

// When the server holds what the watch holds, nothing is on its way: the
// drift is the cluster's and shows at once. So does it when the server
// cannot be read (no evidence of a lag).
func TestWatchNoHoldWithoutLag(t *testing.T) {
	for name, current := range map[string]versionOf{"server agrees": server("5", true), "read failed": server("", false)} {
		t.Run(name, func(t *testing.T) {
			fw, lines := holdFixture(t)
			deployed(fw, current)
			want := []string{"vpc-2: drifted (pendingDeploy) -> drifted"}
			if fmt.Sprint(*lines) != fmt.Sprint(want) || len(fw.holds) != 0 {
				t.Fatalf("lines %q (holds %v), want %q and no hold", *lines, fw.holds, want)
			}
		})
	}
}

// An object removed from Git that the deployer prunes: gone on the server
// while the watch still holds it, it keeps its mark until its delete event,
// and is then reported deleted.
func TestWatchHoldsPrunedObject(t *testing.T) {
	fw, lines := testWatch(func(c Change) string {
		return fmt.Sprintf("%s %v -> %s %v", c.Previous, c.PreviousPendingDeploy, c.Status, c.PendingDeploy)
	})
	fw.pending = marks{"vpc-3": true}
	a := versioned(viewVPC("vpc-3", nil, 1003), "7")
	fw.actual[a.Key] = a
	fw.compareAll()
	deployed(fw, server("", true))
	event(fw, &resource.Object{Key: a.Key})
	want := []string{" false -> notInGit true", "notInGit true -> deleted false"}
	if fmt.Sprint(*lines) != fmt.Sprint(want) {
		t.Fatalf("lines %q, want %q", *lines, want)
	}
}

// The deployer's status came first and made the watch read Git: the new
// Git read differs from the watch's old copy of what the deployer has just
// applied. With the server ahead of the watch, nothing is reported, and
// the object's event brings it back in sync without a line; without a
// deployer (no check) the drift is reported at once.
func TestWatchHoldsNewDriftOfGitReadWhileClusterLags(t *testing.T) {
	for _, c := range []struct {
		name    string
		current versionOf
		want    []string
	}{
		{"deployer, watch lags", server("6", true), nil},
		{"no deployer", nil, []string{"vpc-2: inSync -> drifted", "vpc-2: drifted -> inSync"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fw, lines := testWatch(statusLine)
			a := versioned(viewVPC("vpc-2", nil, 1001), "5")
			d := viewVPC("vpc-2", nil, 1001)
			fw.actual[a.Key], fw.desired[d.Key] = a, d
			fw.compareAll()
			fw.desired[d.Key] = viewVPC("vpc-2", nil, 1002) // the Git read
			fw.compareChecked(context.Background(), c.current)
			event(fw, versioned(viewVPC("vpc-2", nil, 1002), "6"))
			if fmt.Sprint(*lines) != fmt.Sprint(c.want) || len(fw.holds) != 0 {
				t.Errorf("lines %q (holds %v), want %q", *lines, fw.holds, c.want)
			}
		})
	}
}
