// Package edit implements `kubectl hnp edit`: change one object in Git —
// in an editor or non-interactively — validate it, rewrite only its document,
// commit and push, and optionally wait for the cluster to converge.
package edit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/writeback"
)

// Options are the inputs of `edit`.
type Options struct {
	genericiooptions.IOStreams
	f *cmdutil.Factory
	cmdutil.CommitFlags

	Sets       []string
	SetStrings []string
	Patch      string
	PatchFile  string
	File       string
	cmdutil.WaitFlags

	kind *kinds.Kind
	name string
}

// NewCmd returns the edit command. runF replaces Run in tests of flag parsing.
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IOStreams: f.IOStreams, f: f}
	cmd := &cobra.Command{
		Use:   "edit KIND NAME | KIND/NAME",
		Short: "Edit an object in Git: validate, commit and push",
		Long: `Edit one object of a fabric in Git, the GitOps way: the change is validated, written
back into its file (only its document changes; comments, order and the other documents
stay byte for byte), committed and pushed. The GitOps tool deploys it; --wait watches
the cluster until it has.

Without --set, --patch or -f, the object opens in $KUBE_EDITOR, $EDITOR or vi, as
Git holds it, comments included. Saving it unchanged cancels. An invalid edit reopens
the editor with the errors at the top. Whatever fails after you edited, your edit is
saved to a file whose path is printed.`,
		Example: `  # interactive
  kubectl hnp edit vpc vpc-1 --fabric lab

  # scripted: several values in one commit
  kubectl hnp edit vpc/vpc-1 --set spec.subnets.default.vlan=1202 --set spec.subnets.default.dhcp.enable=true

  # a key holding a slash or dot goes in brackets; --set-string keeps "4x25G"-like values strings
  kubectl hnp edit sw leaf-01 --set-string 'spec.portBreakouts[E1/55]=4x25G'

  # a JSON (or YAML) merge patch, or a whole new document
  kubectl hnp edit vpc vpc-1 --patch '{"spec":{"subnets":{"web":{"subnet":"10.0.5.0/24","vlan":1005}}}}'
  kubectl hnp edit vpc vpc-1 -f vpc-1.yaml

  # review flow: commit on a new branch, push it; add to it; or look first
  kubectl hnp edit vpc vpc-1 --set spec.subnets.default.vlan=1202 --to-branch change/vlan-1202
  kubectl hnp edit vpc vpc-2 --set spec.subnets.default.vlan=1203 --to-branch change/vlan-1202 --continue
  kubectl hnp edit vpc vpc-1 --set spec.subnets.default.vlan=1202 --dry-run

  # wait until the GitOps tool has deployed the change
  kubectl hnp edit vpc vpc-1 --set spec.subnets.default.vlan=1202 --wait --timeout 5m

  # ... and until the agents of the affected switches have applied it
  kubectl hnp edit sw leaf-01 --set spec.description=rack-2 --wait --applied --timeout 10m`,
		Args: cobra.RangeArgs(1, 2),
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
	fl.StringArrayVar(&o.Sets, "set", nil, "set a field: dotted.path=VALUE, the value read as a YAML scalar (repeatable; keys with dots or slashes in [brackets])")
	fl.StringArrayVar(&o.SetStrings, "set-string", nil, "like --set, the value kept a string")
	fl.StringVar(&o.Patch, "patch", "", "a JSON merge patch (JSON or YAML)")
	fl.StringVar(&o.PatchFile, "patch-file", "", "a file holding a JSON merge patch")
	fl.StringVarP(&o.File, "filename", "f", "", "a file holding the whole new object (- for stdin)")
	o.AddWaitFlags(fl, "the cluster's object matches the new desired state")
	o.AddCommitFlags(fl, true)
	return cmd
}

// Complete parses the arguments and checks the flags.
func (o *Options) Complete(args []string) error {
	var err error
	if o.kind, o.name, err = kinds.ParseRef(args); err != nil {
		return err
	}
	sources := 0
	for _, set := range []bool{len(o.Sets)+len(o.SetStrings) > 0, o.Patch != "" || o.PatchFile != "", o.File != ""} {
		if set {
			sources++
		}
	}
	if sources > 1 {
		return fmt.Errorf("use one of --set/--set-string, --patch/--patch-file and -f")
	}
	if o.Patch != "" && o.PatchFile != "" {
		return fmt.Errorf("use --patch or --patch-file, not both")
	}
	if err := o.ValidateBranch(o.ErrOut); err != nil {
		return err
	}
	return o.ValidateWait(o.CommitFlags)
}

func (o *Options) interactive() bool {
	return len(o.Sets)+len(o.SetStrings) == 0 && o.Patch == "" && o.PatchFile == "" && o.File == ""
}

// Run edits, validates, commits and pushes.
func (o *Options) Run(ctx context.Context) error {
	t, err := o.f.LocateTarget(ctx, o.kind, o.name)
	if err != nil {
		return err
	}
	fab, ws, ns, key, loc, what := t.Fabric, t.Workspace, t.Namespace, t.Key, t.Located, t.What
	checker, err := o.f.Checker(ctx, fab, o.Validate)
	if err != nil {
		return err
	}
	// A kustomize fabric: the edit goes into the source document, and the
	// re-rendered object must show it; that object is validated and waited for.
	var rendered map[string]interface{}
	if loc.Rendered != nil {
		check := loc.RenderCheck(ws.Root)
		checker.Render = func(obj map[string]interface{}) (map[string]interface{}, error) {
			r, err := check(obj)
			rendered = r
			return r, err
		}
	}
	var newDoc []byte
	if o.interactive() {
		newDoc, err = o.editInteractive(ctx, fab, loc, checker, what)
	} else {
		newDoc, err = o.editScripted(ctx, loc, checker)
	}
	if err != nil {
		if errors.Is(err, errCancelled) {
			fmt.Fprintln(o.Out, "Edit cancelled, no changes made.")
			return nil
		}
		return err
	}
	change := &cmdutil.Change{
		Fabric: fab, Workspace: ws, Fn: loc.Replace(fab.Git.Dir, ns, newDoc), Edit: newDoc, What: what,
		Message: fmt.Sprintf("kubectl-hnp: edit %s (fabric %s)", what, fab.Name),
		Retry: func(path string) string {
			return fmt.Sprintf("kubectl hnp edit %s %s --fabric %s -f %s", strings.ToLower(o.kind.Kind), o.name, fab.Name, path)
		},
	}
	if !o.interactive() {
		// --set, --patch and -f can simply be run again: no edit is at risk,
		// so a failure saves nothing and says nothing about saving.
		change.Edit = nil
	}
	if bytes.Equal(newDoc, loc.DocBytes) {
		fmt.Fprintf(o.Out, "%s: no change, nothing committed\n", what)
		return nil
	}
	if o.DryRun {
		fmt.Fprint(o.Out, cmdutil.FileDiff(loc.File, loc.FileBytes, manifest.ReplaceDoc(loc.FileBytes, loc.Doc, newDoc)))
		fmt.Fprintf(o.ErrOut, "%s: valid (validation: %s); dry run, nothing written\n", what, checker.Mode())
		return nil
	}
	res, err := o.f.Commit(ctx, change, o.CommitFlags)
	if err != nil {
		return err
	}
	o.f.Report(change, res)
	if o.Wait && !res.Pushed && !res.NothingToDo {
		return fmt.Errorf("--wait: nothing was pushed (the working tree's branch has no upstream), so no GitOps tool can deploy the change")
	}
	if o.Wait && res.Pushed {
		obj, err := manifest.ParseDoc(newDoc)
		if err != nil {
			return err
		}
		if rendered != nil {
			obj = rendered
		}
		deadline := time.Now().Add(o.Timeout)
		if err := o.f.WaitConverged(ctx, fab, o.kind, key, obj, loc.File, o.Timeout); err != nil || !o.Applied {
			return err
		}
		return o.f.WaitApplied(ctx, fab, []*unstructured.Unstructured{{Object: obj}}, deadline)
	}
	return nil
}

// editScripted applies --set, --set-string, --patch or -f.
func (o *Options) editScripted(ctx context.Context, loc *writeback.Located, checker *cmdutil.Checker) ([]byte, error) {
	obj := runtime.DeepCopyJSON(loc.Object)
	var err error
	switch {
	case o.File != "":
		var b []byte
		if o.File == "-" {
			b, err = io.ReadAll(o.In)
		} else {
			b, err = os.ReadFile(o.File)
		}
		if err != nil {
			return nil, err
		}
		if obj, err = manifest.ParseDoc(b); err != nil {
			return nil, fmt.Errorf("%s: %w", o.File, err)
		}
	case o.Patch != "" || o.PatchFile != "":
		patch := []byte(o.Patch)
		if o.PatchFile != "" {
			if patch, err = os.ReadFile(o.PatchFile); err != nil {
				return nil, err
			}
		}
		if obj, err = writeback.MergePatch(obj, patch); err != nil {
			return nil, err
		}
	default:
		if err := applySets(obj, o.Sets, false); err != nil {
			return nil, err
		}
		if err := applySets(obj, o.SetStrings, true); err != nil {
			return nil, err
		}
	}
	if err := writeback.CheckIdentity(loc.Object, obj); err != nil {
		return nil, err
	}
	if err := checker.Check(ctx, obj); err != nil {
		return nil, err
	}
	return manifest.Rewrite(loc.DocBytes, obj)
}

func applySets(obj map[string]interface{}, sets []string, asString bool) error {
	for _, s := range sets {
		p, v, ok := strings.Cut(s, "=")
		if !ok {
			return fmt.Errorf("--set %q: expected PATH=VALUE", s)
		}
		path, err := writeback.ParsePath(p)
		if err != nil {
			return fmt.Errorf("--set %q: %w", s, err)
		}
		var value interface{} = v
		if !asString {
			if value, err = writeback.ParseScalar(v); err != nil {
				return fmt.Errorf("--set %q: %w", s, err)
			}
		}
		if err := writeback.Set(obj, path, value); err != nil {
			return fmt.Errorf("--set %q: %w", s, err)
		}
	}
	return nil
}
