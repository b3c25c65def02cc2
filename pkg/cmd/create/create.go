// Package create implements `kubectl hnp create`: add new objects to a
// fabric's Git directory, validated, committed and pushed.
package create

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/fabriccheck"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/render"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
	"github.com/githedgehog/kubectl-hnp/pkg/writeback"
)

// Options are the inputs of `create`.
type Options struct {
	genericiooptions.IOStreams
	f *cmdutil.Factory
	cmdutil.CommitFlags
	cmdutil.WaitFlags

	File string
	Into string
}

// NewCmd returns the create command. runF replaces Run in tests of flag parsing.
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IOStreams: f.IOStreams, f: f}
	cmd := &cobra.Command{
		Use:   "create -f FILE",
		Short: "Add new objects to a fabric in Git: validate, commit and push",
		Long: `Add the objects of FILE (one or more YAML documents) to a fabric's Git directory.
Each object goes to <dir>/<plural>/<name>.yaml, or is appended to --into. An object
that exists in Git already is refused.`,
		Example: `  kubectl hnp create -f vpc-4.yaml --fabric lab
  kubectl hnp create -f attachments.yaml --into vpcs/attachments.yaml -m "Attach server-03"
  cat vpc-5.yaml | kubectl hnp create -f - --dry-run
  kubectl hnp create -f attachments.yaml --wait --applied --timeout 10m   # deployed, and the switches applied it`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.File == "" {
				return fmt.Errorf("-f FILE is required")
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
	cmd.Flags().StringVarP(&o.File, "filename", "f", "", "file holding the new objects (- for stdin)")
	cmd.Flags().StringVar(&o.Into, "into", "", "append to this file, relative to the fabric's directory, instead of <plural>/<name>.yaml")
	o.AddCommitFlags(cmd.Flags(), true)
	o.AddWaitFlags(cmd.Flags(), "the cluster's objects match the new desired state")
	return cmd
}

// Run validates the new objects and commits them.
func (o *Options) Run(ctx context.Context) error {
	var src []byte
	var err error
	if o.File == "-" {
		src, err = io.ReadAll(o.In)
	} else {
		src, err = os.ReadFile(o.File)
	}
	if err != nil {
		return err
	}
	fabs, err := o.f.Fabrics(true)
	if err != nil {
		return err
	}
	fab := &fabs[0]
	ns := o.f.Namespace(fab)
	checker, err := o.f.Checker(ctx, fab, o.Validate)
	if err != nil {
		return err
	}
	// Group the new documents by the file they go to.
	type group struct {
		keys []resource.Key
		docs [][]byte
	}
	groups := map[string]*group{}
	seen := map[resource.Key]int{}
	var order, names []string
	var targets []cmdutil.WaitTarget
	var rendered writeback.Rendered // a kustomize fabric's, with --wait
	var puts []*unstructured.Unstructured
	for _, d := range manifest.Split(src) {
		doc := src[d.Start:d.End]
		if manifest.IsEmpty(doc) {
			continue
		}
		obj, err := manifest.ParseDoc(doc)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", o.File, d.Line, err)
		}
		u := &unstructured.Unstructured{Object: obj}
		k := kinds.ForObject(u.GetAPIVersion(), u.GetKind())
		if k == nil {
			return fmt.Errorf("%s:%d: %s %s is not one of the 12 fabric kinds kubectl-hnp manages", o.File, d.Line, u.GetAPIVersion(), u.GetKind())
		}
		if u.GetName() == "" {
			return fmt.Errorf("%s:%d: %s has no metadata.name", o.File, d.Line, k.Kind)
		}
		if err := checker.Check(ctx, obj); err != nil {
			return fmt.Errorf("%s:%d: %w", o.File, d.Line, err)
		}
		key := resource.KeyOf(u)
		if u.GetNamespace() == "" {
			key.Namespace = ns
		}
		if prev, dup := seen[key]; dup {
			return fmt.Errorf("%s:%d: %s is defined twice in the input (line %d too)", o.File, d.Line, key, prev)
		}
		seen[key] = d.Line
		puts = append(puts, u)
		file := writeback.NewPath(fab.Git.Dir, k, u.GetName())
		if o.Into != "" {
			file = path.Join(filepath.ToSlash(fab.Git.Dir), filepath.ToSlash(o.Into))
			if ext := path.Ext(file); ext != ".yaml" && ext != ".yml" {
				return fmt.Errorf("--into %s: objects can only be appended to a .yaml or .yml file", o.Into)
			}
		}
		g := groups[file]
		if g == nil {
			g = &group{}
			groups[file] = g
			order = append(order, file)
		}
		g.keys = append(g.keys, key)
		g.docs = append(g.docs, append(bytes(doc), '\n'))
		names = append(names, fmt.Sprintf("%s %s/%s", key.Kind, key.Namespace, key.Name))
		targets = append(targets, cmdutil.WaitTarget{Kind: k, Key: key, Desired: obj, File: file})
	}
	if len(names) == 0 {
		return fmt.Errorf("%s holds no objects", o.File)
	}
	fns := make([]gitstate.ChangeFunc, 0, len(order))
	for _, file := range order {
		fns = append(fns, writeback.Create(fab.Git.Dir, ns, file, groups[file].keys, groups[file].docs))
	}
	ws, err := o.f.ChangeWorkspace(ctx, fab)
	if err != nil {
		return err
	}
	what := strings.Join(names, ", ")
	fn := merge(fns)
	if renders, err := render.HasKustomization(ws.Root, fab.Git.RenderPath()); err != nil {
		return err
	} else if renders {
		fn = writeback.ListNewFiles(fab.Git.RenderPath(), fn)
		if o.Wait {
			// kustomize changes what it renders (name prefixes, namespaces,
			// labels): --wait follows the rendered objects.
			keys := make([]resource.Key, len(targets))
			for i, t := range targets {
				keys[i] = t.Key
			}
			rendered = writeback.Rendered{}
			fn = writeback.CaptureRendered(fab.Git.RenderPath(), ns, keys, rendered, fn)
		}
	}
	change := &cmdutil.Change{Fabric: fab, Workspace: ws, Fn: fn, Edit: stdinOnly(o.File, src), What: what,
		Message: fmt.Sprintf("kubectl-hnp: create %s (fabric %s)", what, fab.Name),
		Retry: func(path string) string {
			into := ""
			if o.Into != "" {
				into = " --into " + o.Into
			}
			return fmt.Sprintf("kubectl hnp create --fabric %s -f %s%s", fab.Name, path, into)
		}}
	if checker.Mode() != cmdutil.ValidateNone {
		// The new objects together, as a change of the whole fabric.
		before, err := o.f.FabricDesired(ws.Root, fab)
		if err != nil {
			return o.f.Keep(change, fmt.Errorf("reading fabric %s for the Hedgehog rules (--validate none skips them): %w", fab.Name, err))
		}
		if err := o.f.CheckRules(fab, before, fabriccheck.Change{Put: puts}, checker.Mode()); err != nil {
			return o.f.Keep(change, fmt.Errorf("%s: %w", o.File, err))
		}
	}
	if o.DryRun {
		files, err := change.Fn(ws.Root)
		if err != nil {
			return err
		}
		for _, file := range order {
			before, _ := os.ReadFile(filepath.Join(ws.Root, filepath.FromSlash(file)))
			fmt.Fprint(o.Out, cmdutil.FileDiff(file, before, files[file]))
		}
		fmt.Fprintf(o.ErrOut, "%s: valid (validation: %s); dry run, nothing written\n", what, checker.Mode())
		return nil
	}
	res, err := o.f.Commit(ctx, change, o.CommitFlags)
	if err != nil {
		return err
	}
	o.f.Report(change, res)
	if rendered != nil {
		targets = renderedTargets(targets, rendered, ns)
	}
	return o.f.WaitPushed(ctx, fab, ws, res, targets, o.WaitFlags)
}

// bytes trims a document's trailing blank lines; the caller adds one newline.
func bytes(doc []byte) []byte {
	return []byte(strings.TrimRight(string(doc), "\n"))
}

// merge runs several change functions on one tree.
func merge(fns []gitstate.ChangeFunc) gitstate.ChangeFunc {
	return func(root string) (map[string][]byte, error) {
		out := map[string][]byte{}
		for _, fn := range fns {
			m, err := fn(root)
			if err != nil {
				return nil, err
			}
			for k, v := range m {
				out[k] = v
			}
		}
		return out, nil
	}
}

// stdinOnly returns src when it was read from standard input, the only
// input a failure could lose; a file given with -f is still there.
func stdinOnly(file string, src []byte) []byte {
	if file == "-" {
		return src
	}
	return nil
}

// renderedTargets are the objects to wait for when kustomize renders the
// new documents: each target as rendered (its name and namespace after
// the kustomization's transformers), in the fabric's namespace when the
// rendered object names none.
func renderedTargets(targets []cmdutil.WaitTarget, rendered writeback.Rendered, ns string) []cmdutil.WaitTarget {
	out := make([]cmdutil.WaitTarget, 0, len(targets))
	for _, t := range targets {
		r := rendered[t.Key]
		if r == nil {
			continue // ListNewFiles made sure each new file renders; a document it drops has nothing to wait for
		}
		key := resource.Key{Kind: t.Key.Kind, Namespace: r.GetNamespace(), Name: r.GetName()}
		if key.Namespace == "" {
			key.Namespace = ns
		}
		out = append(out, cmdutil.WaitTarget{Kind: t.Kind, Key: key, Desired: r.Object, File: t.File})
	}
	return out
}
