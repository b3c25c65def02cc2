// Package validate implements `kubectl hnp validate`: a fabric's Git (or a
// directory) checked offline against the CRDs' schemas and the Hedgehog
// webhooks' rules, each violation named by file:line, object, rule, field,
// message and fix — the pre-merge check of a fabric pull request.
package validate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/fabriccheck"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/printers"
	"github.com/githedgehog/kubectl-hnp/pkg/render"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
	validatepkg "github.com/githedgehog/kubectl-hnp/pkg/validate"
)

// Options are the inputs of `validate`.
type Options struct {
	genericiooptions.IOStreams
	f *cmdutil.Factory
	// Fleet bounds the fabrics read at once and the time each may take.
	Fleet cmdutil.FleetOptions

	Dir       string
	Output    string
	NoHeaders bool

	kinds []*kinds.Kind
	name  string
}

// NewCmd returns the validate command. runF replaces Run in tests of flag parsing.
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IOStreams: f.IOStreams, f: f}
	cmd := &cobra.Command{
		Use:   "validate [KINDS [NAME]]",
		Short: "Check a fabric's Git offline: CRD schemas and the Hedgehog webhooks' rules",
		Long: `Check the desired state of each fabric (its Git: a cache clone, or a local working
tree with its uncommitted changes), or of a directory (-f DIR, no config file needed),
without any cluster: the pre-merge check of a fabric pull request.

Each object is checked against its CRD's structural schema (the CRDs cached from the
fabric's cluster, else the ones built into kubectl-hnp), then against the rules of
Hedgehog's validating webhooks, after the mutating webhooks' defaulting, as the
controller runs them: rules on the object alone, rules across the fabric's objects
(references, VLAN and subnet ranges, overlaps, ports used twice), and rules needing
the fabric's FabricConfig values (hedgehog.config in the fabric config; skipped
with a note when not given). Rules needing SwitchProfiles are skipped with a note.
KINDS and NAME choose the objects reported; the rules always see the whole fabric.

Each violation names file:line, the object, the rule, the field, the message and
the fix. Warnings (rules the controller accepts with a warning) are shown and do
not fail.

Exit codes: 0 valid, 1 violations, 2 an error (an unreadable file, a bad config).`,
		Example: `  # the fabrics of the config file
  kubectl hnp validate --fabric lab

  # a directory of a pull request's checkout, no config file
  kubectl hnp validate -f fabrics/lab

  # one kind, or one object
  kubectl hnp validate vpc --fabric lab
  kubectl hnp validate vpc vpc-1 --fabric lab

  # CI: annotations on the pull request's files, a test report, a comment
  kubectl hnp validate -f fabrics/lab -o github
  kubectl hnp validate -f fabrics/lab -o junit > validate.xml
  kubectl hnp validate -f fabrics/lab -o markdown > comment.md`,
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
	fl.StringVarP(&o.Dir, "filename", "f", "", "validate this directory (its YAML files, or the kustomization in it) instead of the configured fabrics")
	fl.StringVarP(&o.Output, "output", "o", "table", "output format: table, json, junit, markdown or github")
	fl.BoolVar(&o.NoHeaders, "no-headers", false, "omit table headers")
	cmdutil.AddFleetFlags(fl, &o.Fleet)
	return cmd
}

// Complete parses the arguments and checks the flags.
func (o *Options) Complete(args []string) error {
	var err error
	if o.kinds, o.name, err = cmdutil.ParseKindsAndName(args); err != nil {
		return err
	}
	if err := printers.CheckFormat(o.Output, printers.ValidateFormats...); err != nil {
		return err
	}
	return o.Fleet.Validate()
}

// Run validates and prints.
func (o *Options) Run(ctx context.Context) error {
	start := o.f.Now()
	times := map[string]time.Duration{}
	var fabs []fabriccheck.Fabric
	if o.Dir != "" {
		fc, err := o.checkDir()
		if err != nil {
			return err
		}
		times[fc.Name] = o.f.Now().Sub(start)
		fabs = append(fabs, *fc)
	} else {
		list, err := o.f.Fabrics(false)
		if err != nil {
			return err
		}
		// Every kind is read: the rules see the whole fabric.
		states := o.f.LoadFabrics(ctx, list, cmdutil.LoadOptions{Source: cmdutil.SourceGit, Kinds: kinds.All(), Fleet: o.Fleet})
		for _, st := range states {
			fs := o.f.Now()
			fabs = append(fabs, o.checkFabric(st))
			times[st.Fabric.Name] = st.Elapsed + o.f.Now().Sub(fs)
		}
	}
	rep := fabriccheck.NewReport(fabs)
	for _, f := range rep.Fabrics {
		if f.Error != "" {
			fmt.Fprintf(o.ErrOut, "Error: fabric %s: %s\n", f.Name, f.Error)
		}
	}
	if err := o.print(rep, printers.JUnitTiming{Start: start, Total: o.f.Now().Sub(start), Fabrics: times}); err != nil {
		return err
	}
	switch {
	case rep.Summary.Errors > 0:
		return cmdutil.SilentExit(cmdutil.ExitError)
	case rep.Summary.Violations > 0:
		return cmdutil.SilentExit(cmdutil.ExitDrift)
	}
	return nil
}

func (o *Options) print(rep *fabriccheck.Report, t printers.JUnitTiming) error {
	switch o.Output {
	case "json":
		return printers.WriteJSON(o.Out, rep)
	case "junit":
		return printers.WriteValidateJUnit(o.Out, rep, t)
	case "markdown":
		return printers.WriteValidateMarkdown(o.Out, rep)
	case "github":
		return printers.WriteValidateGitHub(o.Out, rep)
	}
	return printers.WriteValidateTable(o.Out, rep, printers.TableOptions{Aligned: o.f.IsTerminal(), NoHeaders: o.NoHeaders})
}

// checkFabric validates one configured fabric's Git.
func (o *Options) checkFabric(st *cmdutil.FabricState) fabriccheck.Fabric {
	if st.Err != nil {
		return fabriccheck.Fabric{Name: st.Fabric.Name, Objects: []fabriccheck.Object{}, Error: strings.TrimPrefix(st.Err.Error(), "fabric "+st.Fabric.Name+": ")}
	}
	schema, err := o.schema(&st.Fabric)
	if err != nil {
		return fabriccheck.Fabric{Name: st.Fabric.Name, Objects: []fabriccheck.Object{}, Error: err.Error()}
	}
	return fabriccheck.Check(st.Fabric.Name, st.Desired, fabriccheck.Options{Schema: schema, Config: st.Fabric.HedgehogConfig(), Select: o.selects,
		Webhooks: st.Fabric.WebhookMode() != fabric.WebhooksOff})
}

// checkDir validates a directory. Paths are relative to the current
// directory when DIR is inside it (as CI annotations want them), else to
// DIR.
func (o *Options) checkDir() (*fabriccheck.Fabric, error) {
	if _, err := os.Stat(o.Dir); err != nil {
		return nil, fmt.Errorf("-f %s: %w", o.Dir, err)
	}
	root, dir := o.Dir, "."
	if wd, err := os.Getwd(); err == nil {
		if abs, err := filepath.Abs(o.Dir); err == nil {
			if rel, err := filepath.Rel(wd, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				root, dir = wd, rel
			}
		}
	}
	d, err := render.LoadDesired(root, dir, dir)
	if err != nil {
		return nil, err
	}
	schema, err := validatepkg.Bundled()
	if err != nil {
		return nil, err
	}
	schema = schema.WithOptions(validatepkg.Options{RejectUnknownFields: true, DefaultNamespace: resource.DefaultNamespace})
	fc := fabriccheck.Check(filepath.ToSlash(o.Dir), d.Objects, fabriccheck.Options{Schema: schema, Select: o.selects, Webhooks: true})
	return &fc, nil
}

// schema returns the schema validator of a fabric: the CRDs cached from its
// cluster, else the ones built into kubectl-hnp.
func (o *Options) schema(fab *fabric.Fabric) (*validatepkg.Validator, error) {
	opts := validatepkg.Options{RejectUnknownFields: true, DefaultNamespace: o.f.Namespace(fab)}
	if v, err := validatepkg.LoadCache(filepath.Join(o.f.CacheDir(), "crds", fab.Name)); err == nil {
		return v.WithOptions(opts), nil
	}
	v, err := validatepkg.Bundled()
	if err != nil {
		return nil, err
	}
	return v.WithOptions(opts), nil
}

// selects keeps the objects of KINDS and NAME.
func (o *Options) selects(k resource.Key) bool {
	if o.name != "" && k.Name != o.name {
		return false
	}
	if len(o.kinds) == 0 {
		return true
	}
	for _, kk := range o.kinds {
		if kk.Kind == k.Kind {
			return true
		}
	}
	return false
}
