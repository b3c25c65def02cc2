package writeback

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/render"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Rendered maps the objects a change writes, by the key their source
// documents give them, to the objects kustomize renders from those
// documents: what the deployer applies (names prefixed, namespaces set).
type Rendered map[resource.Key]*unstructured.Unstructured

// CaptureRendered wraps a change function for a kustomize fabric (the
// kustomization in renderPath): after fn, the tree is rendered with fn's
// files in place, and into receives, for each of keys (kind, namespace
// as the document names it or else ns, name), the object rendered from
// its document. A change function may run more than once (a push replayed
// on a moved remote): into holds the last run's.
func CaptureRendered(renderPath, ns string, keys []resource.Key, into Rendered, fn gitstate.ChangeFunc) gitstate.ChangeFunc {
	want := map[resource.Key]bool{}
	for _, k := range keys {
		want[k] = true
	}
	return func(root string) (map[string][]byte, error) {
		out, err := fn(root)
		if err != nil {
			return nil, err
		}
		res, err := render.RenderWith(root, renderPath, out)
		if err != nil {
			return nil, err
		}
		clear(into)
		docs := map[string][]manifest.Doc{}
		for _, o := range res.Objects {
			if o.Source == nil || out[o.Source.File] == nil {
				continue
			}
			src := out[o.Source.File]
			ds, ok := docs[o.Source.File]
			if !ok {
				ds = manifest.Split(src)
				docs[o.Source.File] = ds
			}
			for _, d := range ds {
				if d.Index != o.Source.Doc {
					continue
				}
				obj, err := manifest.ParseDoc(src[d.Start:d.End])
				if err != nil || obj == nil {
					break
				}
				u := &unstructured.Unstructured{Object: obj}
				key := resource.Key{Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName()}
				if key.Namespace == "" {
					key.Namespace = ns
				}
				if want[key] {
					into[key] = o.Obj
				}
			}
		}
		return out, nil
	}
}
