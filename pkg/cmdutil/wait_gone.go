package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/clusterstate"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// WaitGone watches the fabric's cluster until the object is gone (the
// GitOps tool pruned it after its deletion from Git), printing progress on
// stderr. It returns nil when gone and an exit-1 error when the timeout
// passes first.
func (f *Factory) WaitGone(ctx context.Context, fab *fabric.Fabric, k *kinds.Kind, key resource.Key, timeout time.Duration) error {
	cl, err := f.Cluster(fab)
	if err != nil {
		return err
	}
	r := cl.Reader()
	served, err := r.Resolve(ctx, []*kinds.Kind{k})
	if err != nil {
		return err
	}
	start := f.Now()
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	events := make(chan clusterstate.Event, 64)
	actual, err := r.Watch(wctx, served, "", events)
	if err != nil {
		if errors.Is(wctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			return f.waitTimedOut(key, timeout, "not seen")
		}
		return err
	}
	errOut := f.IOStreams.ErrOut
	gone := func() error {
		fmt.Fprintf(errOut, "%s is gone from the cluster after %s\n", key, f.Now().Sub(start).Round(time.Second))
		return nil
	}
	if actual[key] == nil {
		return gone()
	}
	fmt.Fprintf(errOut, "waiting up to %s for %s to be pruned from fabric %s's cluster...\n", timeout, key, fab.Name)
	for {
		select {
		case <-wctx.Done():
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return f.waitTimedOut(key, timeout, "present")
		case ev := <-events:
			if ev.Key == key && ev.Obj == nil {
				return gone()
			}
		}
	}
}
