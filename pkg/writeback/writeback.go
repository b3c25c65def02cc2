package writeback

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"

	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/render"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Located is an object's document in the repository.
type Located struct {
	Key resource.Key
	// File is repo-relative, with forward slashes.
	File string
	Doc  manifest.Doc
	// FileBytes and DocBytes are the file and the document as read.
	FileBytes []byte
	DocBytes  []byte
	// Object is the document parsed.
	Object map[string]interface{}
	// Rendered is the object as kustomize renders it, with its patches,
	// when the fabric is a kustomization (nil for a plain directory).
	Rendered *resource.Object
	// renderPath is the directory whose kustomization was rendered.
	renderPath string
}

// NotFoundError says the object is not in the fabric's directory.
type NotFoundError struct {
	Key resource.Key
	Dir string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s %q not found in Git (directory %q)", e.Key.Kind, e.Key.Name, e.Dir)
}

// Locate finds the document of key among the fabric's files under root/dir.
// Objects that name no namespace are in ns (the fabric's namespace).
func Locate(root, dir string, key resource.Key, ns string) (*Located, error) {
	return LocateIn(root, dir, dir, key, ns)
}

// LocateIn finds the source document of key in the fabric's desired state
// as render.LoadDesired reads it: rendered from the kustomization in
// renderPath when there is one (key is then the rendered identity), else
// the raw files of dir.
func LocateIn(root, dir, renderPath string, key resource.Key, ns string) (*Located, error) {
	d, err := render.LoadDesired(root, dir, renderPath)
	if err != nil {
		return nil, err
	}
	var obj *resource.Object
	for _, o := range d.Objects {
		k := o.Key
		if o.Obj.GetNamespace() == "" {
			k.Namespace = ns
		}
		if k == key {
			obj = o
			break
		}
	}
	if obj == nil {
		return nil, &NotFoundError{Key: key, Dir: dir}
	}
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(obj.Origin.File)))
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(obj.Origin.File, ".json") {
		return nil, fmt.Errorf("%s is defined in %s: editing JSON files is not supported; edit the file by hand", key, obj.Origin)
	}
	docs := manifest.Split(src)
	if obj.Origin.Doc >= len(docs) {
		return nil, fmt.Errorf("%s: document %d of %s not found", key, obj.Origin.Doc, obj.Origin.File)
	}
	doc := docs[obj.Origin.Doc]
	l := &Located{Key: key, File: obj.Origin.File, Doc: doc, FileBytes: src, DocBytes: src[doc.Start:doc.End], renderPath: renderPath}
	if obj.Rendered {
		l.Rendered = obj
	}
	if l.Object, err = manifest.ParseDoc(l.DocBytes); err != nil {
		return nil, fmt.Errorf("%s: %w", obj.Origin, err)
	}
	return l, nil
}

// Line returns the line of the located document.
func (l *Located) Line() int { return l.Doc.Line }

// CheckIdentity refuses an edit that changes what the object is: its group,
// kind, name or namespace.
func CheckIdentity(before, after map[string]interface{}) error {
	b, a := &unstructured.Unstructured{Object: before}, &unstructured.Unstructured{Object: after}
	bgv, _ := schema.ParseGroupVersion(b.GetAPIVersion())
	agv, err := schema.ParseGroupVersion(a.GetAPIVersion())
	if err != nil {
		return fmt.Errorf("apiVersion: %w", err)
	}
	var errs []error
	if bgv.Group != agv.Group {
		errs = append(errs, fmt.Errorf("apiVersion may not change group (%s → %s)", b.GetAPIVersion(), a.GetAPIVersion()))
	}
	if b.GetKind() != a.GetKind() {
		errs = append(errs, fmt.Errorf("kind may not change (%s → %s)", b.GetKind(), a.GetKind()))
	}
	if b.GetName() != a.GetName() {
		errs = append(errs, fmt.Errorf("metadata.name may not change (%s → %s)", b.GetName(), a.GetName()))
	}
	if b.GetNamespace() != a.GetNamespace() {
		errs = append(errs, fmt.Errorf("metadata.namespace may not change (%q → %q)", b.GetNamespace(), a.GetNamespace()))
	}
	return errors.Join(errs...)
}

// MergePatch applies a JSON merge patch (RFC 7386), given as JSON or YAML.
func MergePatch(obj map[string]interface{}, patch []byte) (map[string]interface{}, error) {
	pj, err := yaml.YAMLToJSON(patch)
	if err != nil {
		return nil, fmt.Errorf("the patch is neither JSON nor YAML: %w", err)
	}
	if !bytes.HasPrefix(bytes.TrimSpace(pj), []byte("{")) {
		return nil, fmt.Errorf("a merge patch must be a JSON object")
	}
	oj, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	merged, err := jsonpatch.MergePatch(oj, pj)
	if err != nil {
		return nil, fmt.Errorf("applying the patch: %w", err)
	}
	return ParseJSONObject(merged)
}

// ParseJSONObject decodes JSON into an unstructured map (int64 numbers).
func ParseJSONObject(b []byte) (map[string]interface{}, error) {
	var out map[string]interface{}
	if err := utiljson.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// ConflictError says that the remote changed the document the edit was
// based on.
type ConflictError = gitstate.ConflictError

// Replace returns the change function that puts newDoc in place of the
// located document, after checking that the tree at root still holds the
// document as it was read (else a ConflictError).
func (l *Located) Replace(dir, ns string, newDoc []byte) gitstate.ChangeFunc {
	return func(root string) (map[string][]byte, error) {
		cur, err := l.relocate(root, dir, ns)
		if err != nil {
			return nil, err
		}
		return map[string][]byte{cur.File: manifest.ReplaceDoc(cur.FileBytes, cur.Doc, newDoc)}, nil
	}
}

// Delete returns the change function that removes the located document,
// and the file when nothing but blanks is left (for a rendered object, see
// DeleteRendered).
func (l *Located) Delete(dir, ns string) gitstate.ChangeFunc {
	if l.Rendered != nil {
		return l.DeleteRendered(dir, ns)
	}
	return func(root string) (map[string][]byte, error) {
		cur, err := l.relocate(root, dir, ns)
		if err != nil {
			return nil, err
		}
		rest := manifest.DeleteDoc(cur.FileBytes, cur.Doc)
		if manifest.IsEmpty(rest) {
			return map[string][]byte{cur.File: nil}, nil
		}
		return map[string][]byte{cur.File: rest}, nil
	}
}

// relocate finds the object again in the tree at root (which may be a newer
// tip than the one it was read from) and checks that its document is the
// one the change was based on.
func (l *Located) relocate(root, dir, ns string) (*Located, error) {
	cur, err := LocateIn(root, dir, l.renderPath, l.Key, ns)
	if err != nil {
		var nf *NotFoundError
		if errors.As(err, &nf) {
			return nil, &gitstate.ConflictError{File: l.File, Msg: fmt.Sprintf("%s was deleted or moved on the remote", l.Key)}
		}
		return nil, err
	}
	if !bytes.Equal(cur.DocBytes, l.DocBytes) {
		return nil, &gitstate.ConflictError{File: cur.File, Msg: fmt.Sprintf("%s was changed on the remote too", l.Key)}
	}
	return cur, nil
}

// NewPath is where create writes a new object: <dir>/<plural>/<name>.yaml.
func NewPath(dir string, k *kinds.Kind, name string) string {
	return path.Join(filepath.ToSlash(dir), k.Plural, name+".yaml")
}

// Create returns the change function that writes new documents: a new file
// at file, or appended to it when it exists. Objects that exist already in
// the fabric (by key) are refused.
func Create(dir, ns, file string, keys []resource.Key, docs [][]byte) gitstate.ChangeFunc {
	return func(root string) (map[string][]byte, error) {
		d, err := desired.Load(root, dir)
		if err != nil {
			return nil, err
		}
		for _, want := range keys {
			for _, o := range d.Objects {
				k := o.Key
				if o.Obj.GetNamespace() == "" {
					k.Namespace = ns
				}
				if k == want {
					return nil, fmt.Errorf("%s exists already in %s", want, o.Origin)
				}
			}
		}
		abs := filepath.Join(root, filepath.FromSlash(file))
		src, err := os.ReadFile(abs)
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		for _, doc := range docs {
			if len(src) == 0 {
				src = append([]byte(nil), doc...)
				continue
			}
			src = manifest.AppendDoc(src, doc)
		}
		return map[string][]byte{file: src}, nil
	}
}
