package clusterstate

import (
	"context"
	"errors"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// Probe asks the API server whether it is ready (GET /readyz), waiting at
// most timeout: a cheap check that the cluster still answers, also when a
// watch stream hangs on a dead connection.
func (r *Reader) Probe(ctx context.Context, timeout time.Duration) error {
	if r.Discovery == nil || r.Discovery.RESTClient() == nil {
		return errors.New("no client to probe the cluster with")
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err := r.Discovery.RESTClient().Get().AbsPath("/readyz").Timeout(timeout).Do(ctx).Error()
	// A cluster whose RBAC hides /readyz from this user still answered.
	if err != nil && !apierrors.IsForbidden(err) {
		return r.wrap(err, "probing readiness")
	}
	return nil
}
