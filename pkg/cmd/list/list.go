// Package list implements `kubectl hnp list`: the managed objects of one or
// more fabrics, from Git, the cluster or both, with their sync status.
package list

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/printers"
	"github.com/githedgehog/kubectl-hnp/pkg/snapshot"
)

// Options are the inputs of `list`.
type Options struct {
	genericiooptions.IOStreams
	f *cmdutil.Factory

	KindsArg  string
	Source    string
	Selector  string
	Output    string
	NoHeaders bool
	// ShowManagedFields keeps metadata.managedFields in json and yaml output.
	ShowManagedFields bool
	// Snapshot is a file written by `sync --save-snapshot`, read instead of the clusters.
	Snapshot string
	// SortBy is a JSONPath whose value orders the objects, as kubectl's --sort-by.
	SortBy string
	// Fleet bounds the fabrics read at once and the time each may take.
	Fleet cmdutil.FleetOptions

	format   printers.ObjectFormat
	kinds    []*kinds.Kind
	source   cmdutil.Source
	selector labels.Selector
}

var formats = []string{"table", "wide", "json", "yaml", "name"}

// OutputUsage is the usage of -o for list and get; it ends in the formats'
// names, which completion offers.
const OutputUsage = "output format (jsonpath=TEMPLATE and custom-columns=SPEC as in kubectl): table, wide, json, yaml, name, jsonpath or custom-columns"

// NewCmd returns the list command. runF replaces Run in tests of flag parsing.
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IOStreams: f.IOStreams, f: f}
	cmd := &cobra.Command{
		Use:     "list [KINDS]",
		Aliases: []string{"ls"},
		Short:   "List the managed objects of fabrics, from Git, the cluster or both",
		Long: `List the Hedgehog objects of one fabric or of every configured fabric.

KINDS is a kind, singular, plural or short name (vpc, vpcattach, vpcpeer, ipns,
ext, extattach, extpeer, conn, sw, srv, sg, vlanns), a comma-separated list of
them, or "all" (the default). With --source both (the default) the SYNC column
compares Git with the cluster: inSync, drifted, missingFromCluster, notInGit.`,
		Example: `  # VPCs of one fabric, from Git and the cluster
  kubectl hnp list vpcs --fabric lab

  # every managed kind of every configured fabric
  kubectl hnp list

  # connections and switches, with more columns and file:line
  kubectl hnp list conn,sw --fabric lab -o wide

  # names only, as kubectl prints them (vpc.vpc.githedgehog.com/vpc-1)
  kubectl hnp list vpcs --fabric lab -o name

  # kubectl's templates and sorting
  kubectl hnp list vpcs --fabric lab -o custom-columns=NAME:.metadata.name,SUBNETS:.spec.subnets --sort-by .metadata.name
  kubectl hnp list vpcs --fabric lab -o jsonpath='{.items[*].metadata.name}'

  # no config file: a CI job in a checkout of the fabric repository
  kubectl hnp list vpcs --repo . --dir fabrics/lab --context lab`,
		Args: cobra.MaximumNArgs(1),
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
	cmd.Flags().StringVar(&o.Source, "source", "both", "where to read objects: git, cluster or both")
	cmd.Flags().StringVarP(&o.Selector, "selector", "l", "", "label selector (e.g. -l key=value,key2!=v)")
	cmd.Flags().StringVarP(&o.Output, "output", "o", "table", OutputUsage)
	cmd.Flags().StringVar(&o.SortBy, "sort-by", "", "sort by the value at a JSONPath, as kubectl (e.g. .metadata.name, .spec.role)")
	cmd.Flags().BoolVar(&o.NoHeaders, "no-headers", false, "omit table headers")
	cmd.Flags().StringVar(&o.Snapshot, "snapshot", "", "read the actual state from a snapshot file (sync --save-snapshot) instead of the clusters")
	cmd.Flags().BoolVar(&o.ShowManagedFields, "show-managed-fields", false, "keep metadata.managedFields in json and yaml output")
	cmdutil.AddFleetFlags(cmd.Flags(), &o.Fleet)
	return cmd
}

// Complete parses and checks the arguments and flags.
func (o *Options) Complete(args []string) error {
	if len(args) == 1 {
		o.KindsArg = args[0]
	}
	var err error
	if o.kinds, err = kinds.Parse(o.KindsArg); err != nil {
		return err
	}
	if o.source, err = cmdutil.ParseSource(o.Source, cmdutil.SourceGit, cmdutil.SourceCluster, cmdutil.SourceBoth); err != nil {
		return err
	}
	if o.selector, err = labels.Parse(o.Selector); err != nil {
		return fmt.Errorf("invalid label selector %q: %w", o.Selector, err)
	}
	if o.SortBy != "" {
		if err := printers.CheckSortBy(o.SortBy); err != nil {
			return err
		}
	}
	if err := o.Fleet.Validate(); err != nil {
		return err
	}
	o.format, err = printers.ParseObjectFormat(o.Output, formats...)
	return err
}

// Run reads the fabrics and prints the objects.
func (o *Options) Run(ctx context.Context) error {
	fabs, err := o.f.Fabrics(false)
	if err != nil {
		return err
	}
	failed := 0
	lo := cmdutil.LoadOptions{Source: o.source, Kinds: o.kinds, Selector: o.selector, Fleet: o.Fleet, Agents: true,
		// The SYNC column judges as drift does: with the deployer's ignore
		// rules (Argo CD's ignoreDifferences).
		Deployer: o.source == cmdutil.SourceBoth,
		// Errors are told as soon as a fabric and those before it are read.
		Each: func(st *cmdutil.FabricState) {
			if st.Err != nil {
				failed++
				fmt.Fprintf(o.ErrOut, "Error: %v\n", st.Err)
			}
		}}
	if o.Snapshot != "" {
		if lo.Snapshot, err = snapshot.Read(o.Snapshot); err != nil {
			return err
		}
	}
	states := o.f.LoadFabrics(ctx, fabs, lo)
	items := Items(states, o.source)
	AttachAgents(items, states, o.f.Now())
	// Nothing read at all is told by the errors alone, as kubectl does.
	if err := o.print(items, len(fabs) > 1, AgentsRead(states), failed == len(fabs)); err != nil {
		return err
	}
	if o.format.Name == "table" || o.format.Name == "wide" {
		for _, st := range states {
			if line := printers.SkippedLine(st.Skipped); line != "" {
				fmt.Fprintf(o.ErrOut, "fabric %s: %s\n", printers.Sanitize(st.Fabric.Name), line)
			}
		}
	}
	for _, note := range AgentNotes(states) {
		fmt.Fprintf(o.ErrOut, "%s\n", printers.Sanitize(note))
	}
	if failed > 0 {
		return cmdutil.SilentExit(cmdutil.ExitError)
	}
	return nil
}

func (o *Options) print(items []Item, manyFabrics, agents, allFailed bool) error {
	var err error
	if items, err = SortItems(items, o.SortBy); err != nil {
		return err
	}
	if len(items) == 0 && (o.format.Name == "table" || o.format.Name == "wide") {
		if !allFailed {
			fmt.Fprintln(o.ErrOut, "No resources found.")
		}
		return nil
	}
	return Print(o.Out, items, PrintOptions{
		Format:            o.format,
		Annotate:          true,
		ShowManagedFields: o.ShowManagedFields,
		Table: TableOptions{
			Wide:        o.format.Name == "wide",
			ManyFabrics: manyFabrics,
			ManyKinds:   len(o.kinds) > 1,
			Sync:        o.source == cmdutil.SourceBoth,
			NoHeaders:   o.NoHeaders,
			Aligned:     o.f.IsTerminal(),
			Agents:      agents,
		},
	})
}
