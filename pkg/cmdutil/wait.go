package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/clusterstate"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/judge"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// WaitConverged watches the fabric's cluster until the object's actual
// state matches desired by the drift engine's rules (desired nil: until the
// object is gone), printing progress on stderr. It returns nil when
// converged and an exit-1 error when the timeout passes first.
func (f *Factory) WaitConverged(ctx context.Context, fab *fabric.Fabric, k *kinds.Kind, key resource.Key, desired map[string]interface{}, file string, timeout time.Duration) error {
	cl, err := f.Cluster(fab)
	if err != nil {
		return err
	}
	r := cl.Reader()
	served, err := r.Resolve(ctx, []*kinds.Kind{k})
	if err != nil {
		return err
	}
	model := f.WriteModel(ctx, fab, true)
	opts, err := judge.Options(fab, model, judge.Settings{})
	if err != nil {
		return err
	}
	want := resource.Set{}
	if desired != nil {
		want[key] = &resource.Object{Key: key, Obj: &unstructured.Unstructured{Object: desired}}
	}

	start := f.Now()
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	events := make(chan clusterstate.Event, 64)
	actual, err := r.Watch(wctx, served, "", events)
	if err != nil {
		if errors.Is(wctx.Err(), context.DeadlineExceeded) {
			return f.waitTimedOut(key, timeout, "not seen")
		}
		return err
	}
	errOut := f.IOStreams.ErrOut
	fmt.Fprintf(errOut, "waiting up to %s for %s to converge in fabric %s's cluster...\n", timeout.Round(time.Second), key, fab.Name)
	var last string
	// The webhook evidence of the fabric: the other objects of the kind.
	hooks := judge.NewWebhooks(fab, model, actual)
	judgeOne := func(a *resource.Object) bool {
		if want[key] == nil && a == nil {
			// Deleted from Git, and gone from the cluster.
			if last != "gone" {
				fmt.Fprintf(errOut, "  %s: gone\n", key)
				last = "gone"
			}
			return true
		}
		res := judge.One(opts, hooks, key, want[key], a)
		state := string(res.Status)
		if len(res.Diffs) > 0 {
			var paths []string
			for _, d := range res.Diffs {
				paths = append(paths, d.Path)
			}
			state += " (" + strings.Join(paths, ", ") + ")"
		}
		if state != last {
			fmt.Fprintf(errOut, "  %s: %s\n", key, state)
			last = state
		}
		return res.Status == drift.StatusInSync
	}
	if judgeOne(actual[key]) {
		f.waitDone(key, want[key] == nil, start)
		return nil
	}
	for {
		select {
		case <-wctx.Done():
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return f.waitTimedOut(key, timeout, last)
		case ev := <-events:
			if ev.Key != key {
				continue
			}
			var a *resource.Object
			if ev.Obj != nil {
				a = &resource.Object{Key: key, Obj: ev.Obj}
			}
			if judgeOne(a) {
				f.waitDone(key, want[key] == nil, start)
				return nil
			}
		}
	}
}

// waitDone says that the object converged (gone: was deleted, as Git has it).
func (f *Factory) waitDone(key resource.Key, gone bool, start time.Time) {
	what := "converged"
	if gone {
		what = "is gone from the cluster"
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "%s %s after %s\n", key, what, f.Now().Sub(start).Round(time.Second))
}

func (f *Factory) waitTimedOut(key resource.Key, timeout time.Duration, state string) error {
	fmt.Fprintf(f.IOStreams.ErrOut, "timed out after %s: %s is still %s in the cluster (is the GitOps tool syncing?)\n", timeout.Round(time.Second), key, state)
	return SilentExit(ExitDrift)
}
