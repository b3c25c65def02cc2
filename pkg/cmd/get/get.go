// Package get implements `kubectl hnp get`: one object of one fabric, as Git
// holds it (desired) or as the cluster holds it (actual).
package get

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/cmd/list"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
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

	kind   *kinds.Kind
	name   string
	source cmdutil.Source
}

// NewCmd returns the get command. runF replaces Run in tests of flag parsing.
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IOStreams: f.IOStreams, f: f}
	cmd := &cobra.Command{
		Use:   "get KIND NAME | KIND/NAME",
		Short: "Show one object as Git (desired) or the cluster (actual) holds it",
		Example: `  # desired state, from Git
  kubectl hnp get vpc vpc-1 --fabric lab -o yaml

  # actual state, from the cluster
  kubectl hnp get vpc/vpc-1 --fabric lab --source cluster -o json

  # a kustomize fabric: -o yaml prints the rendered object, --raw its source document
  kubectl hnp get vpc lab-vpc-1 --fabric lab --raw`,
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
	cmd.Flags().StringVar(&o.Source, "source", "git", "where to read the object: git or cluster")
	cmd.Flags().StringVarP(&o.Output, "output", "o", "table", "output format: table, wide, yaml or json")
	cmd.Flags().BoolVar(&o.NoHeaders, "no-headers", false, "omit table headers")
	cmd.Flags().BoolVar(&o.Raw, "raw", false, "print the object's source document in Git as written (for a kustomize fabric: before patches and transformers)")
	cmd.Flags().BoolVar(&o.ShowManagedFields, "show-managed-fields", false, "keep metadata.managedFields in json and yaml output")
	return cmd
}

// Complete parses the arguments and checks the flags.
func (o *Options) Complete(args []string) error {
	var err error
	if o.kind, o.name, err = kinds.ParseRef(args); err != nil {
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
	return printers.CheckFormat(o.Output, "table", "wide", "yaml", "json")
}

// Run finds the object and prints it.
func (o *Options) Run(ctx context.Context) error {
	fabs, err := o.f.Fabrics(true)
	if err != nil {
		return err
	}
	fab := &fabs[0]
	item, root, err := o.find(ctx, fab)
	if err != nil {
		return err
	}
	// Git's copy is printed as written (comments, order and all), unless
	// it was rendered from a kustomization: then -o yaml shows what the
	// deployer applies and --raw the source document.
	asWritten := o.Raw || (o.Output == "yaml" && !item.Rendered)
	if asWritten && item.Origin != nil && root != "" {
		doc, err := document(root, item.Origin)
		if err == nil {
			_, err = o.Out.Write(doc)
			return err
		}
		if o.Raw {
			return fmt.Errorf("--raw: %w", err)
		}
	}
	switch o.Output {
	case "json", "yaml":
		obj := item.Obj
		if !o.ShowManagedFields {
			obj = obj.DeepCopy()
			obj.SetManagedFields(nil)
		}
		return printers.WriteData(o.Out, o.Output, obj.Object)
	}
	return list.WriteTables(o.Out, []list.Item{item}, list.TableOptions{
		Wide: o.Output == "wide", NoHeaders: o.NoHeaders, Aligned: o.f.IsTerminal(),
	})
}

// find reads the object; root is the Git workspace's root for Git objects.
func (o *Options) find(ctx context.Context, fab *fabric.Fabric) (list.Item, string, error) {
	item := list.Item{Fabric: fab.Name, Kind: o.kind}
	if o.source == cmdutil.SourceCluster {
		c, err := o.f.Cluster(fab)
		if err != nil {
			return item, "", err
		}
		r := c.Reader()
		ks, err := r.Resolve(ctx, []*kinds.Kind{o.kind})
		if err != nil {
			return item, "", fmt.Errorf("fabric %s: %w", fab.Name, err)
		}
		u, err := r.Get(ctx, ks[0], o.name)
		if apierrors.IsNotFound(err) {
			return item, "", fmt.Errorf("%s %q not found in namespace %q of fabric %s's cluster", o.kind.Kind, o.name, c.Namespace, fab.Name)
		}
		if err != nil {
			return item, "", fmt.Errorf("fabric %s: %w", fab.Name, err)
		}
		item.Kind, item.Obj, item.Key = ks[0], u, resource.KeyOf(u)
		return item, "", nil
	}
	states := o.f.LoadFabrics(ctx, []fabric.Fabric{*fab}, cmdutil.LoadOptions{Source: cmdutil.SourceGit, Kinds: []*kinds.Kind{o.kind}})
	st := states[0]
	if st.Err != nil {
		return item, "", st.Err
	}
	obj := findByName(st.Desired, o.kind.Kind, o.name, fab.Namespace())
	if obj == nil {
		return item, "", fmt.Errorf("%s %q not found in Git for fabric %s (directory %q)", o.kind.Kind, o.name, fab.Name, fab.Git.Dir)
	}
	item.Obj, item.Key, item.Origin, item.Rendered, item.Patches = obj.Obj, obj.Key, obj.Origin, obj.Rendered, obj.Patches
	return item, st.Workspace.Root, nil
}

// document returns the YAML document of a Git object as it is written in
// its file; JSON files have no such document.
func document(root string, origin *resource.Origin) ([]byte, error) {
	if strings.HasSuffix(origin.File, ".json") {
		return nil, fmt.Errorf("%s is JSON", origin.File)
	}
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(origin.File)))
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
