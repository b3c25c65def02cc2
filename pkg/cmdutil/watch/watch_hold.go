package watch

import (
	"context"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/githedgehog/kubectl-hnp/pkg/clusterstate"
	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// A deployer applies an object, then writes its own status; the two reach
// --watch through different informers, in either order. When the status
// comes first, the new deployed revision lifts the object's pendingDeploy
// mark (or, when the status made the watch read Git, the new Git read
// differs from the object) while the watch still holds the object's old
// copy: the object would show as drifted for a moment though the deployer
// has just changed it. So after a new deployer status or Git read of a
// fabric with a deployer, each object that would newly show drift no
// pendingDeploy mark explains (it leaves inSync or its mark, or is first
// seen out of sync) is read once from the API server: one whose
// resourceVersion there differs from the copy held (or that is there and
// not held, or held and gone) has an event on its way, and is held — its
// status and mark stay as they were, and nothing is reported — until its
// copy changes. An object the server holds as the watch does is reported
// at once: whatever drift it shows is the cluster's.

// maxLagChecks bounds the objects read per check, and lagCheckTimeout
// the time spent reading them; objects beyond either are reported at
// once, as without holds.
const (
	maxLagChecks    = 64
	lagCheckTimeout = 5 * time.Second
	lagCheckWorkers = 8
)

// versionOf is an object's resourceVersion on the server ("" when it does
// not exist); ok is false when it could not be read.
type versionOf func(ctx context.Context, k resource.Key) (version string, ok bool)

// heldVersion is the resourceVersion of the watch's copy of k ("" none).
func (fw *fabricWatch) heldVersion(k resource.Key) string {
	if o := fw.actual[k]; o != nil && o.Obj != nil {
		return o.Obj.GetResourceVersion()
	}
	return ""
}

// compareChecked compares every object again, as compareAll, except that
// with current (a live cluster and a deployer) new drifts are checked for
// a watch lagging behind the server first, and held when it does.
func (fw *fabricWatch) compareChecked(ctx context.Context, current versionOf) {
	if current == nil || !fw.comparable() {
		fw.compareAll()
		return
	}
	fw.suspects = []resource.Key{}
	fw.compareAll()
	suspects := fw.suspects
	fw.suspects = nil
	fw.holdLagging(ctx, current, suspects)
	for _, k := range suspects {
		fw.recompute(k)
	}
}

// suspect reports whether res, the new result of k, is a new drift to
// check for lag first, collecting it when compareChecked collects.
func (fw *fabricWatch) suspect(k resource.Key, res *driftpkg.ResourceResult, prev driftpkg.Status, seen, prevPending bool) bool {
	if fw.suspects == nil || res.Status == driftpkg.StatusInSync || res.PendingDeploy || (seen && prev != driftpkg.StatusInSync && !prevPending) {
		return false
	}
	fw.suspects = append(fw.suspects, k)
	return true
}

// holdLagging reads the suspects' resourceVersions from the server (at
// most maxLagChecks of them, within lagCheckTimeout) and holds each whose
// copy on the server differs from the watch's.
func (fw *fabricWatch) holdLagging(ctx context.Context, current versionOf, suspects []resource.Key) {
	keys := suspects[:min(len(suspects), maxLagChecks)]
	if len(keys) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, lagCheckTimeout)
	defer cancel()
	versions := make([]string, len(keys))
	read := make([]bool, len(keys))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(lagCheckWorkers, len(keys)) {
		wg.Go(func() {
			for i := range next {
				versions[i], read[i] = current(ctx, keys[i])
			}
		})
	}
	for i := range keys {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, k := range keys {
		if held := fw.heldVersion(k); read[i] && versions[i] != held {
			if fw.holds == nil {
				fw.holds = map[resource.Key]string{}
			}
			fw.holds[k] = held
		}
	}
}

// held reports whether k is held: its copy is still the one held when it
// was, and res does not show it in sync. A hold that no longer applies
// ends.
func (fw *fabricWatch) held(k resource.Key, res *driftpkg.ResourceResult) bool {
	v, ok := fw.holds[k]
	if !ok {
		return false
	}
	if res.Status == driftpkg.StatusInSync || fw.heldVersion(k) != v {
		delete(fw.holds, k)
		return false
	}
	return true
}

// serverVersions reads objects' resourceVersions from the API server, at
// the versions the watch's informers serve.
func serverVersions(r *clusterstate.Reader, served []*kinds.Kind) versionOf {
	byKind := map[string]*kinds.Kind{}
	for _, k := range served {
		byKind[k.Kind] = k
	}
	return func(ctx context.Context, key resource.Key) (string, bool) {
		k := byKind[key.Kind]
		if k == nil {
			return "", false
		}
		u, err := r.GetIn(ctx, k, key.Namespace, key.Name)
		switch {
		case apierrors.IsNotFound(err):
			return "", true
		case err != nil:
			return "", false
		}
		return u.GetResourceVersion(), true
	}
}
