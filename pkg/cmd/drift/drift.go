// Package drift implements `kubectl hnp drift`: desired (Git) against actual
// (cluster) for one or more fabrics, with field-level diffs, in formats for
// people and for CI, and exit codes that CI jobs can act on.
package drift

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/judge"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/printers"
	"github.com/githedgehog/kubectl-hnp/pkg/snapshot"
)

// Options are the inputs of `drift`.
type Options struct {
	genericiooptions.IOStreams
	f *cmdutil.Factory
	// Fleet bounds the fabrics read at once and the time each may take.
	Fleet cmdutil.FleetOptions

	Selector         string
	Output           string
	All              bool
	ExitCode         bool
	Strict           bool
	ServerSide       bool
	Ignores          []string
	NoBuiltinIgnores bool
	// NoDeployerIgnores compares what the deployer leaves out of its own
	// comparison too (an Argo CD Application's ignoreDifferences).
	NoDeployerIgnores bool
	NoHeaders         bool
	Watch             bool
	GitPoll           time.Duration
	Snapshot          string
	OutputFiles       []string
	// FailOn names findings besides real drift that exit 1 (pending,
	// unapplied).
	FailOn          []string
	RepoURLTemplate string

	files  []outputFile
	failOn map[string]bool

	kinds    []*kinds.Kind
	name     string
	selector labels.Selector
	rules    []driftpkg.Rule
}

var formats = []string{"table", "wide", "json", "yaml", "diff", "junit", "markdown", "sarif", "github", "html"}

// NewCmd returns the drift command. runF replaces Run in tests of flag parsing.
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IOStreams: f.IOStreams, f: f}
	cmd := &cobra.Command{
		Use:   "drift [KINDS [NAME]]",
		Short: "Compare desired state (Git) with actual state (cluster), field by field",
		Long: `Compare each fabric's desired state in Git with the actual state in its cluster.

Every object gets a status: inSync, drifted, missingFromCluster (in Git only),
notInGit (in the cluster only), or error (--server-side: the server refused the
deployer's apply of it). Drifted objects list their differing fields as JSON
pointers with the Git and cluster values.

Drift is what deploying Git would change, as kubectl diff judges it. Git is read
as kubectl and Argo CD read it (YAML 1.1; a warning names every scalar Flux would
read otherwise), then the API server's write path is modelled from the CRDs'
schemas: unknown fields pruned, defaults applied, lists replaced whole. A field
only in the cluster is left alone by an apply, unless the deployer applied it
before and Git has removed it since (last-applied-configuration for client-side
apply, the deployer's managedFields for server-side apply) or it sits in a list
Git sets; a removed field the schema defaults back to the same value is in sync.
--strict compares everything; --server-side asks the API server instead: each
object is dry-run applied the way its deployer applies it.

Switches whose agent has not applied the latest generation of their config, or
whose heartbeat is older than 5 minutes, are listed apart as "unapplied" (a block
after the table, "unapplied" per fabric in JSON and YAML, warnings in SARIF,
GitHub and JUnit): not a drift status, and exit 1 only with --fail-on unapplied.

An object not in sync that Flux is told not to apply (kustomize.toolkit.fluxcd.io/
reconcile: disabled or ssa: Ignore, in Git or the cluster, or ssa: IfNotPresent in
Git once it exists) keeps its status and is marked "deployerSkips" with the reason
("skipped by Flux" in the table): Flux's own diff skips it, so drift exits 1 on it
only with --fail-on skipped (--no-deployer-ignores counts it as drift).

Exit codes: 0 every selected object in sync, 1 drift found (unless --exit-code=false),
2 an error (with several fabrics, the others are still reported).`,
		Example: `  # a CI job: fail when the prod fabric drifted
  kubectl hnp drift --fabric prod

  # what differs, as a unified diff (Git ---, cluster +++)
  kubectl hnp drift vpc --fabric lab -o diff

  # one object, every status shown
  kubectl hnp drift vpc vpc-1 --all

  # machine-readable, for a pipeline or a pull-request comment
  kubectl hnp drift -o json
  kubectl hnp drift -o junit > drift.xml
  kubectl hnp drift -o markdown --exit-code=false > comment.md

  # CI: annotations in the job's log, and files for code scanning and the
  # test report, all from one read of the cluster
  kubectl hnp drift -o github --output-file sarif=drift.sarif --output-file junit=drift.xml

  # CI: fail also when a switch has not applied its latest config
  kubectl hnp drift --fabric prod --fail-on unapplied

  # a self-contained HTML page: status, topology, diffs, links to the source
  kubectl hnp drift -o html --repo-url-template 'https://github.com/org/repo/blob/{rev}/{file}#L{line}' > drift.html

  # ignore a field the controller owns on some switches
  kubectl hnp drift sw --ignore 'Switch/leaf-*:/spec/boot/mac'

  # keep watching, a line per status change
  kubectl hnp drift --watch`,
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
	fl.StringVarP(&o.Selector, "selector", "l", "", "label selector (e.g. -l key=value)")
	fl.StringVarP(&o.Output, "output", "o", "table", "output format: table, wide, json, yaml, diff, junit, markdown, sarif, github or html")
	fl.StringArrayVar(&o.OutputFiles, "output-file", nil, "also write the report as FORMAT to PATH (FORMAT=PATH, e.g. sarif=drift.sarif; repeatable): several formats from one read, each file written whole or not at all")
	_ = cmd.RegisterFlagCompletionFunc("output-file", completeOutputFile)
	fl.StringVar(&o.RepoURLTemplate, "repo-url-template", "", "html: link each object's source to the repository's web view, {rev}, {file} and {line} filled in (e.g. https://github.com/org/repo/blob/{rev}/{file}#L{line}); default: the fabric's git.webURL")
	fl.BoolVar(&o.All, "all", false, "table: show in-sync objects too")
	fl.BoolVar(&o.ExitCode, "exit-code", true, "exit 1 when drift is found (see --fail-on)")
	fl.StringSliceVar(&o.FailOn, "fail-on", nil, "also exit 1 on these findings, comma-separated or repeated: pending (objects whose Git change the deployer has not applied yet: pendingDeploy), unapplied (a switch's agent has not applied its latest config, or its heartbeat is older than 5 minutes), skipped (objects not in sync that Flux is told not to apply: deployerSkips); drifted (real drift) always counts")
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions(failOnValues, cobra.ShellCompDirectiveNoFileComp))
	fl.BoolVar(&o.Strict, "strict", false, "compare everything left after normalisation: fields only in the cluster and labels Git does not mention are drift too")
	fl.BoolVar(&o.ServerSide, "server-side", false, "ask the API server: dry-run apply each Git object as its deployer does (client-side apply's patch, or server-side apply under the deployer's field manager) and compare (one request per object)")
	fl.StringArrayVar(&o.Ignores, "ignore", nil, "ignore a field: KIND:/json/pointer or KIND/NAME-GLOB:/pointer, '*' for all kinds or any key/index (repeatable)")
	fl.BoolVar(&o.NoBuiltinIgnores, "no-builtin-ignores", false, "turn off the built-in Hedgehog ignore profile (fabric controller labels and annotations)")
	fl.BoolVar(&o.NoDeployerIgnores, "no-deployer-ignores", false, "also compare the fields the fabric's Argo CD Application leaves out of its own diff (spec.ignoreDifferences, argocd-cm), which drift follows by default, and count objects Flux is told not to apply as drift")
	fl.BoolVar(&o.NoHeaders, "no-headers", false, "omit table headers")
	fl.BoolVarP(&o.Watch, "watch", "w", false, "keep running: watch the clusters and poll Git, printing a line per status change")
	fl.DurationVar(&o.GitPoll, "git-poll", 30*time.Second, "with --watch: how often to fetch Git")
	fl.StringVar(&o.Snapshot, "snapshot", "", "compare with a snapshot file (sync --save-snapshot) instead of the live clusters")
	cmdutil.AddFleetFlags(cmd.Flags(), &o.Fleet)
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
	o.rules = nil
	for _, s := range o.Ignores {
		r, err := driftpkg.ParseIgnore(s)
		if err != nil {
			return fmt.Errorf("--ignore %q: %w", s, err)
		}
		o.rules = append(o.rules, r)
	}
	if err := printers.CheckFormat(o.Output, formats...); err != nil {
		return err
	}
	if err := o.Fleet.Validate(); err != nil {
		return err
	}
	if o.files, err = parseOutputFiles(o.OutputFiles); err != nil {
		return err
	}
	if o.failOn, err = parseFailOn(o.FailOn); err != nil {
		return err
	}
	if err := fabric.ValidateWebURL(o.RepoURLTemplate); err != nil {
		return fmt.Errorf("--repo-url-template: %w", err)
	}
	if o.Snapshot != "" && (o.Watch || o.ServerSide) {
		return fmt.Errorf("--snapshot cannot go with --watch or --server-side: they need the live cluster")
	}
	if o.Watch {
		if o.Output != "table" && o.Output != "wide" && o.Output != "json" {
			return fmt.Errorf("--watch prints lines (table, wide) or JSON lines (json), not %q", o.Output)
		}
		if len(o.files) > 0 {
			return fmt.Errorf("--output-file cannot go with --watch: a watch never ends with a report")
		}
		if o.GitPoll <= 0 {
			return fmt.Errorf("--git-poll must be positive, got %s", o.GitPoll)
		}
	}
	return nil
}

// Run compares and prints, or watches.
func (o *Options) Run(ctx context.Context) error {
	fabs, err := o.f.Fabrics(false)
	if err != nil {
		return err
	}
	if o.Watch {
		return o.watch(ctx, fabs)
	}
	start := o.f.Now()
	var comps []*comparison
	// Each fabric is compared in its own turn on the fleet's workers (in
	// parallel with the others, within its --fabric-timeout), and the
	// comparisons are gathered in the fabrics' order.
	var mu sync.Mutex
	compared := map[*cmdutil.FabricState]*comparison{}
	lo := cmdutil.LoadOptions{Source: cmdutil.SourceBoth, Kinds: o.kinds, Selector: o.selector, Fleet: o.Fleet, Agents: true, Deployer: true,
		NoDeployerIgnores: o.NoDeployerIgnores,
		Then: func(ctx context.Context, st *cmdutil.FabricState) {
			c := o.compare(ctx, st)
			mu.Lock()
			compared[st] = c
			mu.Unlock()
		},
		// Drift found: was Git's branch moved while the cluster was read?
		Recheck: func(st *cmdutil.FabricState) bool {
			mu.Lock()
			c := compared[st]
			mu.Unlock()
			return c != nil && c.err == nil && c.result.HasDrift()
		},
		Each: func(st *cmdutil.FabricState) {
			mu.Lock()
			c := compared[st]
			mu.Unlock()
			if c == nil {
				// The fabric ran out of time in its turn: a fresh state
				// with the timeout error.
				c = o.compare(ctx, st)
			}
			c.elapsed = st.Elapsed // reading and comparing
			if c.warning != "" {
				fmt.Fprint(o.ErrOut, c.warning)
			}
			comps = append(comps, c)
		}}
	if o.Snapshot != "" {
		if lo.Snapshot, err = snapshot.Read(o.Snapshot); err != nil {
			return err
		}
	}
	states := o.f.LoadFabrics(ctx, fabs, lo)
	rep := report(comps)
	for i, c := range comps {
		if c.err == nil {
			rep.Fabrics[i].Unapplied = cmdutil.Unapplied(c.state, o.name, o.f.Now())
		}
	}
	timing := timingOf(start, o.f.Now(), comps)
	for _, st := range states {
		for _, n := range st.Scalars {
			fmt.Fprintf(o.ErrOut, "Warning: fabric %s: %s\n", st.Fabric.Name, n)
		}
		if st.Agents != nil && st.Agents.Note != "" {
			fmt.Fprintf(o.ErrOut, "fabric %s: %s\n", st.Fabric.Name, st.Agents.Note)
		}
		if st.DeployerErr != nil {
			fmt.Fprintf(o.ErrOut, "Warning: fabric %s: %v\n", st.Fabric.Name, st.DeployerErr)
		}
		if d := st.Deployer; d != nil && d.Status != nil && !o.NoDeployerIgnores {
			for _, n := range d.Status.IgnoreNotes {
				fmt.Fprintf(o.ErrOut, "Warning: fabric %s: %s\n", st.Fabric.Name, n)
			}
		}
	}
	for _, fr := range rep.Fabrics {
		if fr.Error != "" {
			fmt.Fprintf(o.ErrOut, "Error: fabric %s: %s\n", fr.Name, fr.Error)
		}
	}
	if err := o.print(o.Out, o.Output, o.f.IsTerminal(), rep, comps, timing); err != nil {
		return err
	}
	if err := o.writeFiles(rep, comps, timing); err != nil {
		return err
	}
	switch {
	case rep.HasErrors():
		return cmdutil.SilentExit(cmdutil.ExitError)
	case o.ExitCode && fails(o.failOn, rep):
		return cmdutil.SilentExit(cmdutil.ExitDrift)
	}
	return nil
}

// settings are the comparison choices of the flags.
func (o *Options) settings() judge.Settings {
	return judge.Settings{Strict: o.Strict, Ignores: o.rules, NoBuiltinIgnores: o.NoBuiltinIgnores}
}

// print writes the report in format; tty is false for files, which get
// neither alignment nor colour.
func (o *Options) print(w io.Writer, format string, tty bool, rep *driftpkg.Report, comps []*comparison, timing printers.JUnitTiming) error {
	color := tty && o.f.Color()
	popts := printers.DriftOptions{Aligned: tty, Color: color, All: o.All, Wide: format == "wide", NoHeaders: o.NoHeaders}
	switch format {
	case "json", "yaml":
		return printers.WriteDriftData(w, format, rep)
	case "junit":
		return printers.WriteDriftJUnit(w, rep, timing)
	case "markdown":
		return printers.WriteDriftMarkdown(w, rep)
	case "sarif":
		return printers.WriteDriftSARIF(w, rep, printers.DriftTool)
	case "github":
		return printers.WriteDriftGitHub(w, rep)
	case "html":
		in, err := o.htmlInput(rep, comps)
		if err != nil {
			return err
		}
		return printers.WriteDriftHTML(w, in)
	case "diff":
		diffs, err := unifiedDiffs(comps)
		if err != nil {
			return err
		}
		return printers.WriteDriftDiff(w, diffs, color)
	}
	return printers.WriteDriftTable(w, rep, popts)
}
