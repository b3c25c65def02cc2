// Package push implements `kubectl hnp push`: push the commits that edit,
// create, delete and sync --adopt made with --no-push, kept in the cache
// clone on each fabric's pending ref.
package push

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
)

// Options are the inputs of `push`.
type Options struct {
	genericiooptions.IOStreams
	f *cmdutil.Factory
	// RetryTimeout is how long to keep replaying on a remote that moves on.
	RetryTimeout time.Duration
}

// NewCmd returns the push command. runF replaces Run in tests of flag parsing.
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IOStreams: f.IOStreams, f: f}
	cmd := &cobra.Command{
		Use:   "push",
		Short: "Push the commits made with --no-push",
		Long: `Push the commits that edit, create, delete and sync --adopt made with --no-push to
each fabric's branch. They are kept in the fabric's cache clone on the ref
refs/hnp/pending/<fabric>, which no refresh resets; read commands say how many
there are. When the remote branch has moved on, they are replayed on its tip:
a file changed on the remote too is a conflict, and the commits stay where
they are. A local working tree is pushed with git itself.`,
		Example: `  # push the unpushed commits of every fabric
  kubectl hnp push

  # one fabric, giving a busy remote more time
  kubectl hnp push --fabric lab --retry-timeout 5m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(o)
			}
			return o.Run(cmd.Context())
		},
	}
	cmdutil.AddRetryTimeoutFlag(cmd.Flags(), &o.RetryTimeout)
	return cmd
}

// Run pushes the pending commits of each selected fabric; a failing fabric
// does not stop the others.
func (o *Options) Run(ctx context.Context) error {
	if o.f.Offline {
		return fmt.Errorf("push needs the remote: drop --offline")
	}
	fabs, err := o.f.Fabrics(false)
	if err != nil {
		return err
	}
	var errs []error
	for i := range fabs {
		if err := o.pushFabric(ctx, &fabs[i]); err != nil {
			errs = append(errs, fmt.Errorf("fabric %s: %w", fabs[i].Name, err))
		}
	}
	return errors.Join(errs...)
}

func (o *Options) pushFabric(ctx context.Context, fab *fabric.Fabric) error {
	ws, err := o.f.Workspace(ctx, fab)
	if err != nil {
		return err
	}
	if ws.Local {
		fmt.Fprintf(o.Out, "fabric %s: a local working tree; push it with git (git -C %s push)\n", fab.Name, ws.Root)
		return nil
	}
	if ws.Pending == 0 {
		fmt.Fprintf(o.Out, "fabric %s: nothing to push\n", fab.Name)
		return nil
	}
	timeout := o.RetryTimeout
	if timeout <= 0 {
		timeout = -1
	}
	res, err := ws.Change(ctx, func(string) (map[string][]byte, error) { return nil, nil }, gitstate.ChangeOptions{
		Push: true, Getenv: o.f.Getenv, Dir: fab.Git.Dir, RetryTimeout: timeout,
	})
	if err != nil {
		var moved *gitstate.MovedError
		if errors.As(err, &moved) {
			return fmt.Errorf("%w\nthe %s stay in the cache clone on %s; try again later: kubectl hnp push --fabric %s (add --retry-timeout 5m to keep trying longer)",
				err, cmdutil.Commits(ws.Pending), ws.PendingRef, fab.Name)
		}
		return err
	}
	if !res.Pushed {
		fmt.Fprintf(o.Out, "fabric %s: nothing to push\n", fab.Name)
		return nil
	}
	short := res.Commit
	if len(short) > 7 {
		short = short[:7]
	}
	fmt.Fprintf(o.Out, "fabric %s: pushed %s to branch %s (now at %s)\n", fab.Name, cmdutil.Commits(res.Carried), res.Branch, short)
	return nil
}
