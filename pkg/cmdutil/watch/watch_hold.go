package watch

import (
	"context"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"

	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// A deployer applies an object, then writes its own status; the two reach
// --watch through different informers, in either order. When the status
// comes first, the new deployed revision lifts the object's pendingDeploy
// mark while the watch still holds the object's old copy, and the object
// would show as drifted for a moment though the deployer has just
// changed it. So when a status lifts marks, the objects still not in sync
// are read once from the API server: an object whose resourceVersion there
// differs from the copy held (or that is there and not held, or held and
// gone) has an event on its way, and keeps its mark — a hold — until its
// copy changes. An object the server holds as the watch does is judged at
// once: whatever drift it shows is the cluster's.

// maxLagChecks bounds the objects read per deployer status, and
// lagCheckTimeout the time spent reading them; objects beyond either are
// judged at once, as without holds.
const (
	maxLagChecks    = 64
	lagCheckTimeout = 5 * time.Second
	lagCheckWorkers = 8
)

// hold keeps an object's pendingDeploy mark while the watch's copy of it
// is the one it held when its mark was lifted.
type hold struct {
	// version is that copy's resourceVersion ("" when it held none).
	version string
	reason  string
}

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

// holdLagging runs after a new deployer status and before the objects are
// judged again: each object the watch last reported pendingDeploy whose
// mark the new status lifts, and whose copy on the server differs from
// the watch's, is held.
func (fw *fabricWatch) holdLagging(ctx context.Context, current versionOf) {
	var keys []resource.Key
	for k := range fw.pendings {
		if _, held := fw.holds[k]; held {
			continue
		}
		r := driftpkg.ResourceResult{Kind: k.Kind, Namespace: k.Namespace, Name: k.Name, Status: fw.statuses[k]}
		if !fw.mark(&r) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return
	}
	resource.SortKeys(keys)
	if len(keys) > maxLagChecks {
		keys = keys[:maxLagChecks]
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
				fw.holds = map[resource.Key]hold{}
			}
			fw.holds[k] = hold{version: held, reason: fw.pendings[k]}
		}
	}
}

// applyHold keeps res pendingDeploy while k is held and its copy is the
// one held; a hold ends when the copy changed or the object is in sync or
// marked anyway.
func (fw *fabricWatch) applyHold(k resource.Key, res *driftpkg.ResourceResult) {
	h, ok := fw.holds[k]
	if !ok {
		return
	}
	if res.Status == driftpkg.StatusInSync || res.PendingDeploy || fw.heldVersion(k) != h.version {
		delete(fw.holds, k)
		return
	}
	res.PendingDeploy, res.Reason = true, h.reason
}

// serverVersions reads objects' resourceVersions from the API server, at
// the versions the watch's informers serve.
func serverVersions(client dynamic.Interface, served []*kinds.Kind) versionOf {
	byKind := map[string]*kinds.Kind{}
	for _, k := range served {
		byKind[k.Kind] = k
	}
	return func(ctx context.Context, key resource.Key) (string, bool) {
		k := byKind[key.Kind]
		if k == nil {
			return "", false
		}
		u, err := client.Resource(k.GVR()).Namespace(key.Namespace).Get(ctx, key.Name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			return "", true
		case err != nil:
			return "", false
		}
		return u.GetResourceVersion(), true
	}
}
