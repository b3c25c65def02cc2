package watch

import (
	"time"

	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// A deployer may fetch and apply a commit before the watch's next Git
// poll: the objects it changes then arrive judged against the Git read
// before that commit, and would show as drift — a false alarm on every
// deployment for a script that alerts on drift lines. So a cluster event
// that makes an object newly differ from Git (it leaves inSync, or is
// first seen out of sync, and no pendingDeploy mark explains it) is not
// reported at once: the object is held unverified, and Git is read again
// first (at most once per verifyEvery). After that read the object is
// judged against the Git it came from: in sync if the deployer applied
// it, drift if someone changed the cluster by hand. A read that fails
// reports the held objects as they are, against the Git last read.

// verifyEvery is the least time between the starts of two Git reads made
// to verify new drift (a flapping object must not make the watch fetch
// without pause).
const verifyEvery = time.Second

// clusterChanged judges k after a cluster event; with verify, a new
// drift waits for the next Git read (fw.wantGit asks for it).
func (fw *fabricWatch) clusterChanged(k resource.Key, verify bool) {
	fw.gitCheck = verify
	defer func() { fw.gitCheck = false }()
	fw.recompute(k)
}

// unverifiedDrift reports whether res, the new result of k, is a new
// drift to verify against Git first; if so it holds k unverified and asks
// for a Git read.
//
// An object held unverified stays so, whatever else makes the watch
// judge it again (a deployer's status, a reconnect), until the Git read
// (gitReadDone), a failed read (reportUnverified) or its own return to
// sync or pendingDeploy.
func (fw *fabricWatch) unverifiedDrift(k resource.Key, res *driftpkg.ResourceResult, prev driftpkg.Status, seen bool) bool {
	if !fw.gitCheck && fw.unverified[k] && res.Status != driftpkg.StatusInSync && !res.PendingDeploy {
		return true
	}
	if !fw.gitCheck || res.Status == driftpkg.StatusInSync || res.PendingDeploy || (seen && prev != driftpkg.StatusInSync) {
		delete(fw.unverified, k)
		return false
	}
	if fw.unverified == nil {
		fw.unverified = map[resource.Key]bool{}
	}
	fw.unverified[k] = true
	fw.wantGit = true
	return true
}

// gitReadDone ends every wait for a Git read: the comparison that follows
// the read judges the objects against the Git it brought.
func (fw *fabricWatch) gitReadDone() {
	fw.unverified = nil
}

// reportUnverified judges the objects held unverified as they are, when
// Git could not be read again.
func (fw *fabricWatch) reportUnverified() {
	keys := make([]resource.Key, 0, len(fw.unverified))
	for k := range fw.unverified {
		keys = append(keys, k)
	}
	fw.unverified = nil
	resource.SortKeys(keys)
	for _, k := range keys {
		fw.recompute(k)
	}
}

// verifyDelay is how long to wait before a Git read that verifies new
// drift, the last read having started at last.
func verifyDelay(last, now time.Time) time.Duration {
	return max(0, last.Add(verifyEvery).Sub(now))
}
