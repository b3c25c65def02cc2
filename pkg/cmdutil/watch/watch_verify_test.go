package watch

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// verifyFixture is a watch of vpc-1, in sync at VLAN 1001 on both sides.
func verifyFixture(t *testing.T) (*fabricWatch, *[]string) {
	t.Helper()
	fw, lines := testWatch(statusLine)
	d, a := viewVPC("vpc-1", nil, 1001), viewVPC("vpc-1", nil, 1001)
	fw.desired[d.Key], fw.actual[a.Key] = d, a
	fw.compareAll()
	if len(*lines) != 0 {
		t.Fatalf("first lines %q, want none (in sync)", *lines)
	}
	return fw, lines
}

func clusterEvent(fw *fabricWatch, o *resource.Object, verify bool) {
	if o.Obj == nil {
		delete(fw.actual, o.Key)
	} else {
		fw.actual[o.Key] = o
	}
	fw.clusterChanged(o.Key, verify)
}

// A deployer applied a commit the watch had not read: the cluster's change
// waits for Git, and the read shows it in sync — no drift line at all.
func TestWatchVerifiesNewDriftAgainstGit(t *testing.T) {
	fw, lines := verifyFixture(t)
	clusterEvent(fw, viewVPC("vpc-1", nil, 1002), true)
	if len(*lines) != 0 || !fw.wantGit || !fw.unverified[viewVPC("vpc-1", nil, 0).Key] {
		t.Fatalf("after the cluster's change: lines %q, wantGit %v, unverified %v; want no line and a Git read asked for", *lines, fw.wantGit, fw.unverified)
	}
	// A second object the same deployment creates joins the same read.
	clusterEvent(fw, viewVPC("vpc-2", nil, 1003), true)
	// The deployer's status (Ready, its revision) comes before the read:
	// the objects stay held.
	fw.compareChecked(context.Background(), server("", true))
	if len(*lines) != 0 {
		t.Fatalf("after the deployer's status: lines %q, want none while Git is read", *lines)
	}
	// The Git read: the commit holds both.
	d1, d2 := viewVPC("vpc-1", nil, 1002), viewVPC("vpc-2", nil, 1003)
	fw.desired[d1.Key], fw.desired[d2.Key] = d1, d2
	fw.gitReadDone()
	fw.compareAll()
	if len(*lines) != 0 || len(fw.unverified) != 0 {
		t.Fatalf("after the Git read: lines %q, unverified %v; want none", *lines, fw.unverified)
	}
}

// A change by hand: Git, read again, still says otherwise, and the drift
// is reported then; likewise, without a Git read, when it fails.
func TestWatchReportsVerifiedDrift(t *testing.T) {
	fw, lines := verifyFixture(t)
	clusterEvent(fw, viewVPC("vpc-1", nil, 1099), true)
	fw.gitReadDone() // Git read again, unchanged
	fw.compareAll()
	if want := []string{"vpc-1: inSync -> drifted"}; fmt.Sprint(*lines) != fmt.Sprint(want) {
		t.Fatalf("lines %q, want %q", *lines, want)
	}

	fw, lines = verifyFixture(t)
	clusterEvent(fw, viewVPC("vpc-1", nil, 1099), true)
	fw.reportUnverified() // the read failed
	if want := []string{"vpc-1: inSync -> drifted"}; fmt.Sprint(*lines) != fmt.Sprint(want) || len(fw.unverified) != 0 {
		t.Fatalf("lines %q (unverified %v), want %q", *lines, fw.unverified, want)
	}
}

// What is not a new drift is reported at once: a return to sync, a change
// of an object already drifted, a pendingDeploy mark (the deployer's
// state explains it), and anything while Git is down (verify false).
func TestWatchReportsAtOnceWhatNeedsNoGitRead(t *testing.T) {
	fw, lines := verifyFixture(t)
	clusterEvent(fw, viewVPC("vpc-1", nil, 1099), false)
	clusterEvent(fw, viewVPC("vpc-1", nil, 1098), true)
	clusterEvent(fw, viewVPC("vpc-1", nil, 1001), true)
	want := []string{"vpc-1: inSync -> drifted", "vpc-1: drifted -> inSync"}
	if fmt.Sprint(*lines) != fmt.Sprint(want) || fw.wantGit {
		t.Fatalf("lines %q (wantGit %v), want %q and no Git read", *lines, fw.wantGit, want)
	}

	fw, lines = verifyFixture(t)
	fw.pending = marks{"vpc-1": true}
	clusterEvent(fw, viewVPC("vpc-1", nil, 1099), true)
	if len(*lines) != 1 || fw.wantGit {
		t.Fatalf("a pending object: lines %q (wantGit %v), want its line at once", *lines, fw.wantGit)
	}
}

func TestVerifyDelay(t *testing.T) {
	now := time.Unix(100, 0)
	for _, c := range []struct {
		last time.Time
		want time.Duration
	}{
		{time.Time{}, 0},
		{now.Add(-2 * time.Second), 0},
		{now.Add(-300 * time.Millisecond), 700 * time.Millisecond},
	} {
		if got := verifyDelay(c.last, now); got != c.want {
			t.Errorf("verifyDelay(%v) = %v, want %v", c.last, got, c.want)
		}
	}
}

// sync --watch's board (OnUpdate) waits for the check too: no picture of
// a deployment half seen.
func TestWatchUpdateWaitsForVerification(t *testing.T) {
	fw, _ := verifyFixture(t)
	updates := 0
	w := &Watcher{OnUpdate: func(string, resource.Set, resource.Set) { updates++ }}
	clusterEvent(fw, viewVPC("vpc-1", nil, 1002), true)
	w.update(fw)
	if updates != 0 {
		t.Fatalf("%d updates while vpc-1 waits for Git, want none", updates)
	}
	fw.desired[viewVPC("vpc-1", nil, 0).Key] = viewVPC("vpc-1", nil, 1002)
	fw.gitReadDone()
	fw.compareAll()
	w.update(fw)
	if updates != 1 {
		t.Fatalf("%d updates after the Git read, want 1", updates)
	}
}
