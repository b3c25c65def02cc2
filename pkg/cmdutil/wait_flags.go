package cmdutil

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// WaitFlags are the flags of create and delete that follow a pushed
// change into the cluster.
type WaitFlags struct {
	Wait      bool
	Timeout   time.Duration
	Reconcile bool
}

// AddWaitFlags binds --wait, --timeout and --reconcile to fs; until says
// what --wait waits for.
func (w *WaitFlags) AddWaitFlags(fs *pflag.FlagSet, until string) {
	fs.BoolVar(&w.Wait, "wait", false, "after the push, wait until the fabric's deployer (Flux, Argo CD) has applied the commit and "+until)
	fs.DurationVar(&w.Timeout, "timeout", 5*time.Minute, "with --wait: how long to wait (exit 1 when it passes)")
	fs.BoolVar(&w.Reconcile, "reconcile", false, "with --wait: ask the deployer to deploy now (Flux: reconcile the Kustomization and its GitRepository; Argo CD: refresh the Application)")
}

// ValidateWait checks the wait flags against the commit flags: waiting
// needs a push to the fabric's branch.
func (w *WaitFlags) ValidateWait(c CommitFlags) error {
	switch {
	case w.Reconcile && !w.Wait:
		return fmt.Errorf("--reconcile goes with --wait")
	case w.Wait && (c.NoPush || c.NewBranch != "" || c.DryRun):
		return fmt.Errorf("--wait needs the change pushed to the fabric's branch (not --no-push, --branch or --dry-run)")
	case w.Wait && w.Timeout <= 0:
		return fmt.Errorf("--timeout must be positive")
	}
	return nil
}

// WaitTarget is an object a pushed change should bring about: Desired is
// its new desired state, nil when the change deleted it.
type WaitTarget struct {
	Kind    *kinds.Kind
	Key     resource.Key
	Desired map[string]interface{}
}

// WaitPushed follows a pushed change: the deployer applies the commit
// (WaitDeployed), then each target converges in the cluster (or is gone),
// all within w.Timeout.
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
	for _, t := range targets {
		left := max(w.Timeout-f.Now().Sub(start), time.Second)
		if err := f.WaitConverged(ctx, fab, t.Kind, t.Key, t.Desired, "", left); err != nil {
			return err
		}
	}
	return nil
}
