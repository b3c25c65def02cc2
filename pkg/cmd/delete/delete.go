// Package delete implements `kubectl hnp delete`: remove an object's
// document from Git (and its file when nothing else is left), commit, push.
package delete

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/fabriccheck"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
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
from the cluster. On a terminal it asks first; --yes skips the question.

First the Hedgehog webhooks' delete guards run against the rest of the fabric in
Git, as the fabric controller would: a VPC that attachments or peerings still name,
a Switch or Server that Connections still use, a namespace that VPCs or Switches
still list, and so on, is refused (exit 2, nothing committed), naming what still
refers to it. Other rules the removal breaks (a reference that no longer resolves)
refuse it too. --validate none skips the check.`,
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
	cmd.Flags().StringVar(&o.Validate, "validate", "", "none skips the Hedgehog delete guards and rules; strict or schema (the default) checks them")
	return cmd
}

// Run removes the object and commits.
func (o *Options) Run(ctx context.Context) error {
	t, err := o.f.LocateTarget(ctx, o.kind, o.name)
	if err != nil {
		return err
	}
	fab, ws, ns, loc, what := t.Fabric, t.Workspace, t.Namespace, t.Located, t.What
	switch o.Validate {
	case "", cmdutil.ValidateStrict, cmdutil.ValidateSchema:
		before, err := o.f.FabricDesired(ws.Root, fab)
		if err != nil {
			return fmt.Errorf("reading fabric %s for the Hedgehog delete guards (--validate none skips them): %w", fab.Name, err)
		}
		if err := o.f.CheckRules(fab, before, fabriccheck.Change{Delete: []resource.Key{t.Key}}, o.Validate); err != nil {
			return fmt.Errorf("%s cannot be deleted: %w", what, err)
		}
	case cmdutil.ValidateNone:
	default:
		return fmt.Errorf("unknown --validate mode %q; allowed: strict, schema, none", o.Validate)
	}
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
	return o.f.WaitPushed(ctx, fab, ws, res, []cmdutil.WaitTarget{{Kind: o.kind, Key: t.Key, Old: loc.Object}}, o.WaitFlags)
}
