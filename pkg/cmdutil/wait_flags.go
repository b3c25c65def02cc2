package cmdutil

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// WaitTarget is an object a pushed change should bring about: Desired is
// its new desired state, nil when the change deleted it.
type WaitTarget struct {
	Kind    *kinds.Kind
	Key     resource.Key
	Desired map[string]interface{}
	// File is the Git file of the object (for messages), "" when unknown.
	File string
	// Old is the object as Git had it before a delete: with --applied, the
	// switches it was on are waited for.
	Old map[string]interface{}
}

// WaitPushed follows a pushed change: the deployer applies the commit
// (WaitDeployed), then each target converges in the cluster (or is gone),
// then, with --applied, the affected switches' agents apply it; all
// within w.Timeout.
func (f *Factory) WaitPushed(ctx context.Context, fab *fabric.Fabric, ws *gitstate.Workspace, res *gitstate.ChangeResult, targets []WaitTarget, w WaitFlags) error {
	if !w.Wait {
		return nil
	}
	if !res.Pushed {
		if res.NothingToDo {
			return nil
		}
		return fmt.Errorf("--wait: nothing was pushed (the working tree's branch has no upstream), so no GitOps tool can deploy the change")
	}
	start := f.Now()
	if err := f.WaitDeployed(ctx, fab, ws, res.Commit, w.Timeout, w.Reconcile); err != nil {
		return err
	}
	var objs []*unstructured.Unstructured
	for _, t := range targets {
		left := max(w.Timeout-f.Now().Sub(start), time.Second)
		if err := f.WaitConverged(ctx, fab, t.Kind, t.Key, t.Desired, t.File, left); err != nil {
			return err
		}
		switch {
		case t.Desired != nil:
			objs = append(objs, &unstructured.Unstructured{Object: t.Desired})
		case t.Old != nil:
			objs = append(objs, &unstructured.Unstructured{Object: t.Old})
		}
	}
	if !w.Applied {
		return nil
	}
	return f.WaitApplied(ctx, fab, objs, time.Now().Add(max(w.Timeout-f.Now().Sub(start), time.Second)))
}
