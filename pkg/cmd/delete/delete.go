// Package delete implements `kubectl hnp delete`: remove an object's
// document from Git (and its file when nothing else is left), commit, push.
package delete

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
)

// Options are the inputs of `delete`.
type Options struct {
	genericiooptions.IOStreams
	f *cmdutil.Factory
	cmdutil.CommitFlags
	cmdutil.WaitFlags

	Yes bool

	kind *kinds.Kind
	name string
}

// NewCmd returns the delete command. runF replaces Run in tests of flag parsing.
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IOStreams: f.IOStreams, f: f}
	cmd := &cobra.Command{
		Use:   "delete KIND NAME | KIND/NAME",
		Short: "Remove an object from a fabric in Git: commit and push",
		Long: `Remove an object's document from its file in Git (the file too, when nothing but
comments or blanks would be left), then commit and push; the GitOps tool prunes it
from the cluster. On a terminal it asks first; --yes skips the question.`,
		Example: `  kubectl hnp delete vpc vpc-3 --fabric lab
  kubectl hnp delete vpcattach/vpc-3--server-01 --yes -m "Detach server-01"
  kubectl hnp delete vpcattach/vpc-3--server-01 --yes --wait --applied   # pruned, and the leaves applied it`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if o.kind, o.name, err = kinds.ParseRef(args); err != nil {
				return err
			}
			if err := o.ValidateBranch(o.ErrOut); err != nil {
				return err
			}
			if err := o.ValidateWait(o.CommitFlags); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().BoolVarP(&o.Yes, "yes", "y", false, "do not ask for confirmation")
	o.AddCommitFlags(cmd.Flags(), false)
	o.AddWaitFlags(cmd.Flags(), "the GitOps tool has pruned the object from the cluster")
	return cmd
}

// Run removes the object and commits.
func (o *Options) Run(ctx context.Context) error {
	t, err := o.f.LocateTarget(ctx, o.kind, o.name)
	if err != nil {
		return err
	}
	fab, ws, ns, loc, what := t.Fabric, t.Workspace, t.Namespace, t.Located, t.What
	if o.DryRun {
		rest := manifest.DeleteDoc(loc.FileBytes, loc.Doc)
		if manifest.IsEmpty(rest) {
			rest = nil
		}
		fmt.Fprint(o.Out, cmdutil.FileDiff(loc.File, loc.FileBytes, rest))
		fmt.Fprintf(o.ErrOut, "%s: dry run, nothing written\n", what)
		return nil
	}
	if !o.Yes {
		in, ok := o.In.(*os.File)
		if !ok || !term.IsTerminal(int(in.Fd())) {
			return fmt.Errorf("refusing to delete %s without confirmation: stdin is not a terminal; pass --yes", what)
		}
		fmt.Fprintf(o.ErrOut, "Delete %s from %s:%d in fabric %s? [y/N] ", what, loc.File, loc.Line(), fab.Name)
		answer, _ := bufio.NewReader(o.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(o.Out, "Deletion cancelled, no changes made.")
			return nil
		}
	}
	change := &cmdutil.Change{Fabric: fab, Workspace: ws, Fn: loc.Delete(fab.Git.Dir, ns), What: what,
		Message: fmt.Sprintf("kubectl-hnp: delete %s (fabric %s)", what, fab.Name)}
	res, err := o.f.Commit(ctx, change, o.CommitFlags)
	if err != nil {
		return err
	}
	o.f.Report(change, res)
	if !o.Wait {
		return nil
	}
	if !res.Pushed {
		return fmt.Errorf("--wait: nothing was pushed (the working tree's branch has no upstream), so no GitOps tool can deploy the change")
	}
	deadline := time.Now().Add(o.Timeout)
	if err := o.f.WaitGone(ctx, fab, o.kind, t.Key, o.Timeout); err != nil || !o.Applied {
		return err
	}
	// The switches that held the object, as Git had it.
	return o.f.WaitApplied(ctx, fab, []*unstructured.Unstructured{{Object: loc.Object}}, deadline)
}
