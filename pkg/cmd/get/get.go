// Package get implements `kubectl hnp get`: objects of one fabric named by
// kind and name, as Git holds them (desired) or as the cluster holds them
// (actual).
package get

import (
	"context"
	"fmt"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/cmd/list"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/printers"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Options are the inputs of `get`.
type Options struct {
	genericiooptions.IOStreams
	f *cmdutil.Factory

	Source    string
	Output    string
	NoHeaders bool
	// ShowManagedFields keeps metadata.managedFields in json and yaml output.
	ShowManagedFields bool
	// Raw prints Git's source document as written, also for an object
	// rendered from a kustomization.
	Raw bool
	// SortBy is a JSONPath whose value orders the objects, as kubectl's --sort-by.
	SortBy string

	refs   []kinds.Ref
	format printers.ObjectFormat
	source cmdutil.Source
}

// NewCmd returns the get command. runF replaces Run in tests of flag parsing.
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IOStreams: f.IOStreams, f: f}
	cmd := &cobra.Command{
		Use:   "get KIND NAME [NAME...] | KIND/NAME [KIND/NAME...]",
		Short: "Show objects as Git (desired) or the cluster (actual) holds them",
		Example: `  # desired state, from Git
  kubectl hnp get vpc vpc-1 --fabric lab -o yaml

  # actual state, from the cluster
  kubectl hnp get vpc/vpc-1 --fabric lab --source cluster -o json

  # several objects, and kubectl's templates
  kubectl hnp get vpc vpc-1 vpc-2 --fabric lab -o name
  kubectl hnp get vpc/vpc-1 sw/leaf-1 --fabric lab -o jsonpath='{.items[*].metadata.name}'

  # a kustomize fabric: -o yaml prints the rendered object, --raw its source document
  kubectl hnp get vpc lab-vpc-1 --fabric lab --raw`,
		Args: cobra.MinimumNArgs(1),
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
	cmd.Flags().StringVar(&o.Source, "source", "git", "where to read the object: git or cluster")
	cmd.Flags().StringVarP(&o.Output, "output", "o", "table", list.OutputUsage)
	cmd.Flags().StringVar(&o.SortBy, "sort-by", "", "sort by the value at a JSONPath, as kubectl (e.g. .metadata.name)")
	cmd.Flags().BoolVar(&o.NoHeaders, "no-headers", false, "omit table headers")
	cmd.Flags().BoolVar(&o.Raw, "raw", false, "print the object's source document in Git as written (for a kustomize fabric: before patches and transformers)")
	cmd.Flags().BoolVar(&o.ShowManagedFields, "show-managed-fields", false, "keep metadata.managedFields in json and yaml output")
	return cmd
}

// Complete parses the arguments and checks the flags.
func (o *Options) Complete(args []string) error {
	var err error
	if o.refs, err = kinds.ParseRefs(args); err != nil {
		return err
	}
	if o.source, err = cmdutil.ParseSource(o.Source, cmdutil.SourceGit, cmdutil.SourceCluster); err != nil {
		return err
	}
	if o.Raw && o.source != cmdutil.SourceGit {
		return fmt.Errorf("--raw prints the document in Git; it goes with --source git")
	}
	if o.Raw && o.Output != "table" && o.Output != "yaml" {
		return fmt.Errorf("--raw prints the document as written (YAML); it does not go with -o %s", o.Output)
	}
	if o.SortBy != "" {
		if err := printers.CheckSortBy(o.SortBy); err != nil {
			return err
		}
	}
	o.format, err = printers.ParseObjectFormat(o.Output, "table", "wide", "yaml", "json", "name")
	return err
}

// Run finds the objects and prints them. Objects that are not found are
// reported after the others are printed, and make the command fail.
func (o *Options) Run(ctx context.Context) error {
	fabs, err := o.f.Fabrics(true)
	if err != nil {
		return err
	}
	fab := &fabs[0]
	items, ws, missing, err := o.find(ctx, fab)
	if err != nil {
		return err
	}
	if items, err = list.SortItems(items, o.SortBy); err != nil {
		return err
	}
	if err := o.print(items, ws); err != nil {
		return err
	}
	if len(missing) == 1 {
		return missing[0]
	}
	if len(missing) > 1 {
		for _, m := range missing {
			fmt.Fprintf(o.ErrOut, "Error: %v\n", m)
		}
		return cmdutil.SilentExit(cmdutil.ExitError)
	}
	return nil
}

func (o *Options) print(items []list.Item, ws *gitstate.Workspace) error {
	// Git's copy is printed as written (comments, order and all), unless
	// it was rendered from a kustomization: then -o yaml shows what the
	// deployer applies and --raw the source document.
	if o.Raw || (o.format.Name == "yaml" && len(items) == 1 && !items[0].Rendered) {
		docs, err := documents(items, ws)
		if err == nil {
			_, err = o.Out.Write(docs)
			return err
		}
		if o.Raw {
			return fmt.Errorf("--raw: %w", err)
		}
	}
	many := map[string]bool{}
	for _, it := range items {
		many[it.Kind.Kind] = true
	}
	return list.Print(o.Out, items, list.PrintOptions{
		Format:            o.format,
		Single:            len(o.refs) == 1,
		ShowManagedFields: o.ShowManagedFields,
		Table: list.TableOptions{
			Wide: o.format.Name == "wide", ManyKinds: len(many) > 1,
			NoHeaders: o.NoHeaders, Aligned: o.f.IsTerminal(),
			Agents: o.source == cmdutil.SourceCluster,
		},
	})
}

// documents returns the Git documents of the items as written, separated
// by "---" lines, read from the workspace ws (nil for cluster objects).
func documents(items []list.Item, ws *gitstate.Workspace) ([]byte, error) {
	var out []byte
	var files fs.FS
	for i, it := range items {
		if it.Origin == nil || ws == nil {
			return nil, fmt.Errorf("%s %s has no source document", it.Kind.Kind, it.Key.Name)
		}
		if files == nil {
			fsys, release, err := cmdutil.Files(ws)
			if err != nil {
				return nil, err
			}
			defer release()
			files = fsys
		}
		doc, err := document(files, it.Origin)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			out = append(out, "---\n"...)
		}
		out = append(out, doc...)
	}
	return out, nil
}

// find reads the objects; ws is the Git workspace of Git objects (nil for
// the cluster's). missing holds one error per object not found.
func (o *Options) find(ctx context.Context, fab *fabric.Fabric) (items []list.Item, ws *gitstate.Workspace, missing []error, err error) {
	if o.source == cmdutil.SourceCluster {
		c, err := o.f.Cluster(fab)
		if err != nil {
			return nil, nil, nil, err
		}
		r := c.Reader()
		var agents *hedgehog.Agents
		for _, ref := range o.refs {
			ks, err := r.Resolve(ctx, []*kinds.Kind{ref.Kind})
			if err != nil {
				return nil, nil, nil, fmt.Errorf("fabric %s: %w", fab.Name, err)
			}
			u, err := r.Get(ctx, ks[0], ref.Name)
			if apierrors.IsNotFound(err) {
				missing = append(missing, fmt.Errorf("%s %q not found in namespace %q of fabric %s's cluster", ref.Kind.Kind, ref.Name, c.Namespace, fab.Name))
				continue
			}
			if err != nil {
				return nil, nil, nil, fmt.Errorf("fabric %s: %w", fab.Name, err)
			}
			it := list.Item{Fabric: fab.Name, Kind: ks[0], Obj: u, Key: resource.KeyOf(u), Values: list.ValuesCluster}
			if it.Kind.Kind == "Switch" {
				if agents == nil {
					// One LIST of the fabric's Agents, however many switches.
					if agents = r.Agents(ctx); agents.Note != "" {
						fmt.Fprintf(o.ErrOut, "fabric %s: %s\n", fab.Name, agents.Note)
					}
				}
				it.Agent = list.NewAgentView(agents.For(it.Key.Namespace, it.Key.Name), o.f.Now())
			}
			items = append(items, it)
		}
		return items, nil, missing, nil
	}
	var ks []*kinds.Kind
	for _, ref := range o.refs {
		ks = append(ks, ref.Kind)
	}
	st := o.f.LoadFabrics(ctx, []fabric.Fabric{*fab}, cmdutil.LoadOptions{Source: cmdutil.SourceGit, Kinds: ks})[0]
	if st.Err != nil {
		return nil, nil, nil, st.Err
	}
	for _, ref := range o.refs {
		obj := findByName(st.Desired, ref.Kind.Kind, ref.Name, fab.Namespace())
		if obj == nil {
			missing = append(missing, fmt.Errorf("%s %q not found in Git for fabric %s (directory %q)", ref.Kind.Kind, ref.Name, fab.Name, fab.Git.Dir))
			continue
		}
		items = append(items, list.Item{Fabric: fab.Name, Kind: ref.Kind, Obj: obj.Obj, Key: obj.Key, Origin: obj.Origin,
			Rendered: obj.Rendered, Patches: obj.Patches, Values: list.ValuesGit})
	}
	return items, st.Workspace, missing, nil
}

// document returns the YAML document of a Git object as it is written in
// its file; JSON files have no such document.
func document(files fs.FS, origin *resource.Origin) ([]byte, error) {
	if strings.HasSuffix(origin.File, ".json") {
		return nil, fmt.Errorf("%s is JSON", origin.File)
	}
	src, err := fs.ReadFile(files, origin.File)
	if err != nil {
		return nil, err
	}
	docs := manifest.Split(src)
	if origin.Doc >= len(docs) {
		return nil, fmt.Errorf("%s: no document %d", origin.File, origin.Doc)
	}
	doc := src[docs[origin.Doc].Start:docs[origin.Doc].End]
	if len(doc) > 0 && doc[len(doc)-1] != '\n' {
		doc = append(doc[:len(doc):len(doc)], '\n')
	}
	return doc, nil
}

// findByName looks an object up by kind and name, preferring the fabric's
// namespace, else the first namespace in sorted order.
func findByName(set resource.Set, kind, name, ns string) *resource.Object {
	if o, ok := set[resource.Key{Kind: kind, Namespace: ns, Name: name}]; ok {
		return o
	}
	for _, k := range set.Keys() {
		if k.Kind == kind && k.Name == name {
			return set[k]
		}
	}
	return nil
}
