package writeback

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/render"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// NoEffectError says that an edit of a rendered object's source document
// does not show in the rendered object: a patch or a transformer of the
// kustomization sets the fields.
type NoEffectError struct {
	Key resource.Key
	// Source is the document the edit was written to.
	Source resource.Origin
	// Paths are the fields (JSON pointers) that do not come out as asked.
	Paths []string
	// Patches are the patches that select the object.
	Patches []resource.Origin
}

// Error names the fields and the patches (file:line) that set them.
func (e *NoEffectError) Error() string {
	by := "no patch selects it, so a transformer of the kustomization (labels, annotations, namespace, name prefix or suffix) sets them"
	if len(e.Patches) > 0 {
		ps := make([]string, len(e.Patches))
		for i, p := range e.Patches {
			ps[i] = p.String()
		}
		by = "the patches selecting it are " + strings.Join(ps, ", ") + "; change the value there"
	}
	return fmt.Sprintf("%s: writing %s into its source %s would not change what is deployed: %s",
		e.Key, strings.Join(e.Paths, ", "), e.Source, by)
}

// findRendered returns the rendered object of key (an object that names
// no namespace matches any).
func findRendered(res *render.Result, key resource.Key) *render.Object {
	for _, o := range res.Objects {
		ns := o.Obj.GetNamespace()
		if o.Obj.GetName() == key.Name && o.Obj.GetKind() == key.Kind && (ns == "" || ns == key.Namespace) {
			return o
		}
	}
	return nil
}

// RenderCheck is the check an edit of a rendered object goes through
// before anything is written: the tree at root is rendered again with the
// edited document in place, and the rendered object must have changed
// exactly as the document did (else a NoEffectError naming the patches).
// It returns the new rendered object, which is what is validated.
func (l *Located) RenderCheck(root string) func(obj map[string]interface{}) (map[string]interface{}, error) {
	return func(obj map[string]interface{}) (map[string]interface{}, error) {
		newDoc, err := manifest.Rewrite(l.DocBytes, obj)
		if err != nil {
			return nil, err
		}
		res, err := render.RenderWith(root, l.renderPath, map[string][]byte{l.File: manifest.ReplaceDoc(l.FileBytes, l.Doc, newDoc)})
		if err != nil {
			return nil, fmt.Errorf("after the edit the kustomization does not build: %w", err)
		}
		got := findRendered(res, l.Key)
		if got == nil {
			return nil, fmt.Errorf("after the edit the kustomization no longer renders %s", l.Key)
		}
		want, err := expectRendered(l.Object, obj, l.Rendered.Obj.Object)
		if err != nil {
			return nil, err
		}
		gotJSON, err := canonicalJSON(got.Obj.Object)
		if err != nil {
			return nil, err
		}
		if paths := diffPaths("", want, gotJSON); len(paths) > 0 {
			return nil, &NoEffectError{Key: l.Key, Source: resource.Origin{File: l.File, Doc: l.Doc.Index, Line: l.Rendered.Origin.Line}, Paths: paths, Patches: l.Rendered.Patches}
		}
		return got.Obj.Object, nil
	}
}

// expectRendered applies the change from before to after (a merge patch
// of the source document) to the rendered object.
func expectRendered(before, after, rendered map[string]interface{}) (interface{}, error) {
	b, err := json.Marshal(before)
	if err != nil {
		return nil, err
	}
	a, err := json.Marshal(after)
	if err != nil {
		return nil, err
	}
	delta, err := jsonpatch.CreateMergePatch(b, a)
	if err != nil {
		return nil, err
	}
	r, err := json.Marshal(rendered)
	if err != nil {
		return nil, err
	}
	merged, err := jsonpatch.MergePatch(r, delta)
	if err != nil {
		return nil, err
	}
	var out interface{}
	return out, json.Unmarshal(merged, &out)
}

func canonicalJSON(v interface{}) (interface{}, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out interface{}
	return out, json.Unmarshal(b, &out)
}

// diffPaths lists the JSON pointers where a and b differ.
func diffPaths(at string, a, b interface{}) []string {
	am, aok := a.(map[string]interface{})
	bm, bok := b.(map[string]interface{})
	if !aok || !bok {
		if reflect.DeepEqual(a, b) {
			return nil
		}
		if at == "" {
			at = "/"
		}
		return []string{at}
	}
	keys := map[string]bool{}
	for k := range am {
		keys[k] = true
	}
	for k := range bm {
		keys[k] = true
	}
	var out []string
	for k := range keys {
		out = append(out, diffPaths(at+"/"+strings.NewReplacer("~", "~0", "/", "~1").Replace(k), am[k], bm[k])...)
	}
	sort.Strings(out)
	return out
}

// DeleteRendered returns the change function that removes a rendered
// object's source document; a file left empty is removed and its entry
// taken out of the resources: list that names it. The tree is rendered
// again first: the object must be gone and the build still succeed.
func (l *Located) DeleteRendered(dir, ns string) gitstate.ChangeFunc {
	return func(root string) (map[string][]byte, error) {
		cur, err := l.relocate(root, dir, ns)
		if err != nil {
			return nil, err
		}
		before, err := render.RenderWith(root, l.renderPath, nil)
		if err != nil {
			return nil, err
		}
		out := map[string][]byte{}
		rest := manifest.DeleteDoc(cur.FileBytes, cur.Doc)
		if manifest.IsEmpty(rest) {
			out[cur.File] = nil
			if at, ok := before.Listed[cur.File]; ok {
				kb, err := readFile(root, at.File)
				if err != nil {
					return nil, err
				}
				out[at.File] = removeLine(kb, at.Line)
			}
		} else {
			out[cur.File] = rest
		}
		after, err := render.RenderWith(root, l.renderPath, out)
		if err != nil {
			return nil, fmt.Errorf("after deleting %s from %s the kustomization does not build (a patch may name it): %w", l.Key, cur.File, err)
		}
		if findRendered(after, l.Key) != nil {
			return nil, fmt.Errorf("%s is still rendered after deleting its document in %s", l.Key, cur.File)
		}
		return out, nil
	}
}

// removeLine drops the 1-based line n of src.
func removeLine(src []byte, n int) []byte {
	lines := bytes.SplitAfter(src, []byte("\n"))
	if n < 1 || n > len(lines) {
		return src
	}
	return bytes.Join(append(lines[:n-1:n-1], lines[n:]...), nil)
}

// readFile reads a repository-relative file of the tree at root.
func readFile(root, file string) ([]byte, error) {
	return os.ReadFile(filepath.Join(root, filepath.FromSlash(file)))
}
