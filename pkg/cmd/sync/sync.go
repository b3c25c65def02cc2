// Package sync implements `kubectl hnp sync`: refresh both sides of each
// fabric and summarise them by kind; save snapshots of the actual state;
// resolve drift cluster → Git (--adopt) or Git → cluster (--apply); watch.
package sync

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/printers"
)

// Options are the inputs of `sync`.
type Options struct {
	genericiooptions.IOStreams
	f *cmdutil.Factory
	cmdutil.CommitFlags

	Output         string
	Selector       string
	SaveSnapshot   string
	Adopt          bool
	Apply          bool
	Prune          bool
	ForceConflicts bool
	Yes            bool
	Watch          bool
	GitPoll        time.Duration
	// Fleet bounds the fabrics read at once and the time each may take.
	Fleet cmdutil.FleetOptions
	// Report is the HTML drift report to write (--report FILE.html).
	Report          string
	RepoURLTemplate string

	kinds    []*kinds.Kind
	name     string
	selector labels.Selector
}

// NewCmd returns the sync command. runF replaces Run in tests of flag parsing.
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IOStreams: f.IOStreams, f: f}
	cmd := &cobra.Command{
		Use:   "sync [KINDS [NAME]]",
		Short: "Refresh Git and cluster, summarise, and resolve drift in either direction",
		Long: `Without a resolution flag, sync fetches each fabric's Git remote (fast-forward only:
a diverged clone is reported, not merged), reads the cluster and prints, per fabric, a
summary by kind. It only reports: exit 0, or 2 on an error ("drift" judges, with exit 1).

--adopt takes the cluster's side: objects only in the cluster are written to Git as new
files, drifted fields are set to the cluster's values in place (comments kept); one
commit, pushed. Objects whose Git side changed after the revision the fabric's
deployer applied (pendingDeploy) are left, with a note: the cluster has not caught
up with Git, and adopting its side would undo the commit. --apply takes Git's side:
a server-side apply (field manager
kubectl-hnp) of the objects that are drifted or missing from the cluster; --prune also
deletes the objects Git does not have but did deploy: those the fabric's directory held in
the branch's Git history, the fabric's Flux Kustomization's inventory lists, or its Argo CD
Application tracks (any deployer's, when the fabric's is unknown). The plan names each
prune's evidence and lists the objects kept for want of it (made by hand or by another
tool). What the deployer is told to leave is left too, the plan says why: not pruned
with kustomize.toolkit.fluxcd.io/prune: disabled or argocd.argoproj.io/sync-options
Prune=false or Prune=confirm (or the Application's syncOptions), not applied with
kustomize.toolkit.fluxcd.io/reconcile: disabled, ssa: Ignore, or ssa: IfNotPresent once
it exists. Both print the plan first, ask on a terminal
(--yes for scripts) and, with --dry-run, print the plan and exit 1 when there is
something to do. Their writes are guarded by the read the plan was made from: an
object changed in the cluster since is left alone and named. Afterwards they
compare again and print the result.

--save-snapshot FILE writes the normalised actual state, for "drift --snapshot" and
"list --snapshot" where there is no cluster access. --watch keeps running.`,
		Example: `  kubectl hnp sync                                   # summary of every fabric
  kubectl hnp sync --fabric lab --save-snapshot lab.json
  kubectl hnp sync --adopt vpc --fabric lab --dry-run    # what would Git get from the cluster?
  kubectl hnp sync --adopt vpc vpc-legacy --fabric lab --yes
  kubectl hnp sync --apply --fabric lab --yes            # make the cluster match Git
  kubectl hnp sync --apply --prune --fabric lab --dry-run
  kubectl hnp sync --report drift.html                 # and a self-contained HTML report
  kubectl hnp sync --watch`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(args); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return o.Run(cmd.Context())
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&o.Output, "output", "o", "table", "output format of the summary: table or json")
	fl.StringVarP(&o.Selector, "selector", "l", "", "label selector")
	fl.StringVar(&o.SaveSnapshot, "save-snapshot", "", "write the normalised actual state of the selected fabrics to FILE")
	fl.BoolVar(&o.Adopt, "adopt", false, "cluster → Git: write objects only in the cluster, and drifted fields, to Git (one commit, pushed)")
	fl.BoolVar(&o.Apply, "apply", false, "Git → cluster: server-side apply the objects that are drifted or missing from the cluster")
	fl.BoolVar(&o.Prune, "prune", false, "with --apply: also delete the objects not in Git that Git deployed (Git history, Flux inventory, Argo CD tracking)")
	fl.BoolVar(&o.ForceConflicts, "force-conflicts", true, "with --apply: take ownership of fields other managers own; false stops at conflicts and names the manager")
	fl.BoolVarP(&o.Yes, "yes", "y", false, "do not ask for confirmation")
	fl.BoolVarP(&o.Watch, "watch", "w", false, "keep running: redraw the summary (terminal) or print a line per change")
	fl.DurationVar(&o.GitPoll, "git-poll", 30*time.Second, "with --watch: how often to fetch Git")
	fl.StringVar(&o.Report, "report", "", "also write the drift as a self-contained HTML report to FILE.html (status, topology, diffs; after acting with --adopt/--apply)")
	fl.StringVar(&o.RepoURLTemplate, "repo-url-template", "", "with --report: link each object's source to the repository's web view, {rev}, {file} and {line} filled in; default: the fabric's git.webURL")
	o.AddCommitFlags(fl, true)
	cmdutil.AddFleetFlags(fl, &o.Fleet)
	return cmd
}

// Complete parses the arguments and checks the flags.
func (o *Options) Complete(args []string) error {
	var err error
	if o.kinds, o.name, err = cmdutil.ParseKindsAndName(args); err != nil {
		return err
	}
	if o.selector, err = labels.Parse(o.Selector); err != nil {
		return fmt.Errorf("invalid label selector %q: %w", o.Selector, err)
	}
	if err := printers.CheckFormat(o.Output, "table", "json"); err != nil {
		return err
	}
	if err := o.Fleet.Validate(); err != nil {
		return err
	}
	if err := o.ValidateBranch(o.ErrOut); err != nil {
		return err
	}
	if err := fabric.ValidateWebURL(o.RepoURLTemplate); err != nil {
		return fmt.Errorf("--repo-url-template: %w", err)
	}
	modes := 0
	for _, m := range []bool{o.Adopt, o.Apply, o.Watch} {
		if m {
			modes++
		}
	}
	switch {
	case modes > 1:
		return fmt.Errorf("use one of --adopt, --apply and --watch")
	case o.Prune && !o.Apply:
		return fmt.Errorf("--prune goes with --apply")
	case !o.Adopt && (o.Message != "" || o.NoPush || o.NewBranch != "" || o.Continue || o.Validate != ""):
		return fmt.Errorf("-m, --no-push, --to-branch, --continue and --validate go with --adopt")
	case o.DryRun && !o.Adopt && !o.Apply:
		return fmt.Errorf("--dry-run goes with --adopt or --apply")
	case o.Watch && o.GitPoll <= 0:
		return fmt.Errorf("--git-poll must be positive")
	case o.SaveSnapshot != "" && (len(args) > 0 || o.Selector != ""):
		// A snapshot stands in for the whole cluster; a partial one would
		// make later drift report what it left out as missing.
		return fmt.Errorf("--save-snapshot records whole fabrics: drop KINDS, NAME and -l (choose fabrics with --fabric)")
	case o.Report != "" && o.Watch:
		return fmt.Errorf("--report cannot go with --watch: a watch never ends with a report")
	case o.RepoURLTemplate != "" && o.Report == "":
		return fmt.Errorf("--repo-url-template goes with --report")
	case o.SaveSnapshot != "" && modes > 0:
		return fmt.Errorf("--save-snapshot goes with the plain summary, not --adopt, --apply or --watch")
	}
	return nil
}

// Run refreshes and reports, or resolves, or watches.
func (o *Options) Run(ctx context.Context) error {
	switch {
	case o.Adopt:
		return o.runAdopt(ctx)
	case o.Apply:
		return o.runApply(ctx)
	case o.Watch:
		return o.runWatch(ctx)
	}
	return o.runSummary(ctx)
}
