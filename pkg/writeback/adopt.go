package writeback

// Adoption: writing what the cluster holds back to Git (`sync --adopt`).
// Objects only in the cluster become new documents, cleaned of what the
// server and the fabric controller own, placed where the repository keeps
// that kind; drifted fields of objects already in Git are set to the
// cluster's values in their documents, comments and layout kept.

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// GetPointer returns the value at a JSON pointer (RFC 6901) in obj; list
// elements are addressed by index. ok is false when there is no such field.
func GetPointer(obj map[string]interface{}, ptr string) (value interface{}, ok bool, err error) {
	segs, err := drift.ParsePointer(ptr)
	if err != nil {
		return nil, false, err
	}
	var cur interface{} = obj
	for _, seg := range segs {
		switch c := cur.(type) {
		case map[string]interface{}:
			if cur, ok = c[seg]; !ok {
				return nil, false, nil
			}
		case []interface{}:
			i, ok := listIndex(seg, len(c))
			if !ok {
				return nil, false, nil
			}
			cur = c[i]
		default:
			return nil, false, nil
		}
	}
	return cur, true, nil
}

// SetPointer sets the value at a JSON pointer in obj, creating the maps
// that lead to it. A segment that meets a list must be the index of one of
// its elements. The empty pointer (the whole object) is refused.
func SetPointer(obj map[string]interface{}, ptr string, value interface{}) error {
	segs, err := drift.ParsePointer(ptr)
	if err != nil {
		return err
	}
	if len(segs) == 0 {
		return fmt.Errorf("cannot replace the whole object")
	}
	return setPath(obj, segs, value, drift.FormatPointer)
}

// RemovePointer removes the field at a JSON pointer from obj: a map key, or
// a list element (the elements after it move up). A field that is not
// there is not an error. The empty pointer is refused.
func RemovePointer(obj map[string]interface{}, ptr string) error {
	segs, err := drift.ParsePointer(ptr)
	if err != nil {
		return err
	}
	if len(segs) == 0 {
		return fmt.Errorf("cannot remove the whole object")
	}
	// parent is the container holding the field; set replaces it in its
	// own parent, as removing a list element makes a new slice.
	var parent interface{} = obj
	set := func(interface{}) {}
	for i, seg := range segs {
		last := i == len(segs)-1
		switch c := parent.(type) {
		case map[string]interface{}:
			next, ok := c[seg]
			if !ok {
				return nil
			}
			if last {
				delete(c, seg)
				return nil
			}
			set = func(v interface{}) { c[seg] = v }
			parent = next
		case []interface{}:
			idx, ok := listIndex(seg, len(c))
			if !ok {
				return nil
			}
			if last {
				set(append(c[:idx:idx], c[idx+1:]...))
				return nil
			}
			set = func(v interface{}) { c[idx] = v }
			parent = c[idx]
		default:
			return nil
		}
	}
	return nil
}

func listIndex(seg string, n int) (int, bool) {
	if seg == "" || (len(seg) > 1 && seg[0] == '0') {
		return 0, false
	}
	i, err := strconv.Atoi(seg)
	if err != nil || i < 0 || i >= n {
		return 0, false
	}
	return i, true
}

func typeName(v interface{}) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case int64, float64, int:
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

// AdoptFields sets the drifted fields of doc, the object as Git holds it,
// to the cluster's values: a changed field or one only in the cluster takes
// the live object's value (the diff's normalised value when the live
// object has none at that path), a field only in Git is removed. doc is
// modified in place.
func AdoptFields(doc map[string]interface{}, diffs []drift.FieldDiff, live map[string]interface{}) error {
	for _, d := range diffs {
		switch d.Type {
		case drift.DiffOnlyInGit:
			if err := RemovePointer(doc, d.Path); err != nil {
				return fmt.Errorf("%s: %w", d.Path, err)
			}
		default:
			v, ok, err := GetPointer(live, d.Path)
			if err != nil {
				return err
			}
			if !ok {
				v = d.Actual
			}
			if err := SetPointer(doc, d.Path, deepCopy(v)); err != nil {
				return fmt.Errorf("%s: %w", d.Path, err)
			}
		}
	}
	return nil
}

// keptMetadata are the metadata fields an adopted object keeps; the others
// (uid, resourceVersion, generation, creationTimestamp, managedFields,
// selfLink, ownerReferences, finalizers, ...) belong to the server or to
// controllers and mean nothing in another cluster.
var keptMetadata = []string{"name", "namespace", "labels", "annotations"}

// ForGit returns a copy of a live object fit to be written to Git: no
// status; of its metadata only the name, the namespace when it is not
// fabricNS (objects without one are deployed into the fabric's namespace),
// and the labels and annotations that no rule ignores (rules name fields
// Git does not manage, such as the built-in profile's fabric controller
// labels), without the last-applied-configuration annotation; no empty
// label or annotation maps.
func ForGit(live map[string]interface{}, fabricNS string, rules []drift.Rule) map[string]interface{} {
	out := deepCopy(live).(map[string]interface{})
	delete(out, "status")
	md, _ := out["metadata"].(map[string]interface{})
	kind, _ := out["kind"].(string)
	name, _ := md["name"].(string)
	ns, _ := md["namespace"].(string)
	clean := map[string]interface{}{}
	for _, k := range keptMetadata {
		v, ok := md[k]
		if !ok || v == nil {
			continue
		}
		switch k {
		case "namespace":
			if ns, _ := v.(string); ns == "" || ns == fabricNS {
				continue
			}
		case "labels", "annotations":
			m, _ := v.(map[string]interface{})
			kept := map[string]interface{}{}
			for key, val := range m {
				if k == "annotations" && key == drift.LastAppliedAnnotation {
					continue
				}
				if ignored(rules, kind, ns, name, []string{"metadata", k, key}) {
					continue
				}
				kept[key] = val
			}
			if len(kept) == 0 {
				continue
			}
			v = kept
		}
		clean[k] = v
	}
	out["metadata"] = clean
	return out
}

// ignored reports whether a rule covers the field at path (the rule's
// pointer names the field or one of its parents) for an object of this kind
// and name in namespace ns.
func ignored(rules []drift.Rule, kind, ns, name string, p []string) bool {
	for _, r := range rules {
		if r.Namespace != "" && r.Namespace != ns {
			continue
		}
		if r.Kind != "" && r.Kind != "*" {
			k, ok := kinds.Lookup(r.Kind)
			if !ok || k.Kind != kind {
				continue
			}
		}
		if r.Name != "" && r.Name != "*" {
			if ok, err := path.Match(r.Name, name); err != nil || !ok {
				continue
			}
		}
		segs, err := drift.ParsePointer(r.Pointer)
		if err != nil || len(segs) == 0 || len(segs) > len(p) {
			continue
		}
		match := true
		for i, s := range segs {
			if !globMatch(s, p[i]) {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// globMatch matches s against a pattern in which "*" stands for any run of
// characters ("/" included), as drift's ignore rules do.
func globMatch(pat, s string) bool {
	if !strings.Contains(pat, "*") {
		return pat == s
	}
	parts := strings.Split(pat, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return strings.HasSuffix(s, last)
}

// deepCopy copies a generic value: maps and lists are copied, scalars
// shared.
func deepCopy(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		m := make(map[string]interface{}, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []interface{}:
		l := make([]interface{}, len(t))
		for i, e := range t {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// Layout is how a fabric's repository places its objects: the files that
// hold the objects of each kind, and how many documents each file holds.
type Layout struct {
	dir string
	// kindFiles counts, per kind and file, the objects of that kind.
	kindFiles map[string]map[string]int
	docs      map[string]int
}

// NewLayout describes the layout of a fabric's directory dir from its
// desired objects (their origins) and the number of documents each file
// holds (docs; a file it does not name counts its objects).
func NewLayout(dir string, objs resource.Set, docs map[string]int) *Layout {
	l := &Layout{dir: filepath.ToSlash(dir), kindFiles: map[string]map[string]int{}, docs: map[string]int{}}
	perFile := map[string]int{}
	for _, o := range objs {
		if o.Origin == nil {
			continue
		}
		m := l.kindFiles[o.Key.Kind]
		if m == nil {
			m = map[string]int{}
			l.kindFiles[o.Key.Kind] = m
		}
		m[o.Origin.File]++
		perFile[o.Origin.File]++
	}
	for f, n := range perFile {
		l.docs[f] = n
		if d, ok := docs[f]; ok && d > n {
			l.docs[f] = d
		}
	}
	return l
}

// LoadLayout reads the layout of the fabric directory dir of the working
// tree at root.
func LoadLayout(root, dir string) (*Layout, error) {
	d, err := desired.Load(root, dir)
	if err != nil {
		return nil, err
	}
	docs := map[string]int{}
	for _, o := range d.Objects {
		f := o.Origin.File
		if _, done := docs[f]; done || strings.HasSuffix(f, ".json") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			return nil, err
		}
		n := 0
		for _, doc := range manifest.Split(src) {
			if hasContent(src[doc.Start:doc.End]) {
				n++
			}
		}
		docs[f] = n
	}
	return NewLayout(dir, d.Objects, docs), nil
}

// hasContent reports whether a document holds more than comments and blanks.
func hasContent(doc []byte) bool {
	for _, line := range bytes.Split(doc, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] != '#' {
			return true
		}
	}
	return false
}

// Place returns the file (repository-relative) where a new object of kind
// k named name goes, following the layout the repository already uses for
// that kind:
//
//   - all objects of the kind in one YAML file that holds several documents
//     (a shared file such as vpcs.yaml): that file, to append to;
//   - each object of the kind in a file of its own, all in one directory:
//     <that directory>/<name>.yaml;
//   - otherwise (no object of the kind yet, or a mixed layout):
//     <dir>/<plural>/<name>.yaml, as create does.
func (l *Layout) Place(k *kinds.Kind, name string) string {
	files := l.kindFiles[k.Kind]
	if len(files) == 1 {
		for f, n := range files {
			if n > 1 || l.docs[f] > 1 {
				if strings.HasSuffix(f, ".json") {
					break
				}
				return f
			}
			return path.Join(path.Dir(f), name+".yaml")
		}
	}
	if len(files) > 1 {
		dir := ""
		ownFiles := true
		for f, n := range files {
			d := path.Dir(f)
			if n != 1 || l.docs[f] > 1 || (dir != "" && d != dir) {
				ownFiles = false
				break
			}
			dir = d
		}
		if ownFiles {
			return path.Join(dir, name+".yaml")
		}
	}
	return NewPath(l.dir, k, name)
}

// LocateOrigin reads the document of the object key at origin in the
// working tree at root, without reading the rest of the fabric.
func LocateOrigin(root string, key resource.Key, origin *resource.Origin) (*Located, error) {
	if origin == nil {
		return nil, fmt.Errorf("%s is not in Git", key)
	}
	if strings.HasSuffix(origin.File, ".json") {
		return nil, fmt.Errorf("%s is defined in %s: editing JSON files is not supported; edit the file by hand", key, origin)
	}
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(origin.File)))
	if err != nil {
		return nil, err
	}
	docs := manifest.Split(src)
	if origin.Doc >= len(docs) {
		return nil, fmt.Errorf("%s: document %d of %s not found", key, origin.Doc, origin.File)
	}
	doc := docs[origin.Doc]
	l := &Located{Key: key, File: origin.File, Doc: doc, FileBytes: src, DocBytes: src[doc.Start:doc.End]}
	if l.Object, err = manifest.ParseDoc(l.DocBytes); err != nil {
		return nil, fmt.Errorf("%s: %w", origin, err)
	}
	return l, nil
}

// DocEdit replaces an object's document with new text.
type DocEdit struct {
	// Loc is the document as it was read.
	Loc *Located
	// Text is its new text.
	Text []byte
}

// NewDoc is a new object's document, to be written to File (created, or
// appended to when it exists).
type NewDoc struct {
	Key  resource.Key
	File string
	Text []byte
}

// Adopt returns the change function that writes an adoption in one go:
// the edited documents replaced in their files (each after checking that
// the tree still holds it as it was read, else a ConflictError) and the new
// documents written to their files, in order. A new object that the tree
// holds already is a conflict too. Objects that name no namespace are in
// ns, the fabric's namespace.
func Adopt(dir, ns string, edits []DocEdit, adds []NewDoc) gitstate.ChangeFunc {
	return func(root string) (map[string][]byte, error) {
		d, err := desired.Load(root, dir)
		if err != nil {
			return nil, err
		}
		index := make(map[resource.Key]*resource.Object, len(d.Objects))
		for _, o := range d.Objects {
			k := o.Key
			if o.Obj.GetNamespace() == "" {
				k.Namespace = ns
			}
			index[k] = o
		}
		out := map[string][]byte{}
		read := func(file string) ([]byte, error) {
			if b, ok := out[file]; ok {
				return b, nil
			}
			b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(file)))
			if os.IsNotExist(err) {
				return nil, nil
			}
			return b, err
		}
		type replacement struct {
			doc  manifest.Doc
			text []byte
		}
		byFile := map[string][]replacement{}
		var order []string
		for _, e := range edits {
			o := index[e.Loc.Key]
			if o == nil || o.Origin.File != e.Loc.File {
				return nil, &gitstate.ConflictError{File: e.Loc.File, Msg: fmt.Sprintf("%s was deleted or moved on the remote", e.Loc.Key)}
			}
			src, err := read(e.Loc.File)
			if err != nil {
				return nil, err
			}
			docs := manifest.Split(src)
			if o.Origin.Doc >= len(docs) || !bytes.Equal(src[docs[o.Origin.Doc].Start:docs[o.Origin.Doc].End], e.Loc.DocBytes) {
				return nil, &gitstate.ConflictError{File: e.Loc.File, Msg: fmt.Sprintf("%s was changed on the remote too", e.Loc.Key)}
			}
			if _, seen := byFile[e.Loc.File]; !seen {
				order = append(order, e.Loc.File)
			}
			byFile[e.Loc.File] = append(byFile[e.Loc.File], replacement{docs[o.Origin.Doc], e.Text})
		}
		for _, file := range order {
			src, err := read(file)
			if err != nil {
				return nil, err
			}
			reps := byFile[file]
			// From the last document to the first: replacing one leaves
			// the offsets of those before it valid.
			sort.Slice(reps, func(i, j int) bool { return reps[i].doc.Start > reps[j].doc.Start })
			for _, r := range reps {
				src = manifest.ReplaceDoc(src, r.doc, r.text)
			}
			out[file] = src
		}
		for _, a := range adds {
			if o := index[a.Key]; o != nil {
				return nil, &gitstate.ConflictError{File: o.Origin.File, Msg: fmt.Sprintf("%s was added to Git meanwhile, in %s", a.Key, o.Origin)}
			}
			src, err := read(a.File)
			if err != nil {
				return nil, err
			}
			if len(src) == 0 {
				out[a.File] = append([]byte(nil), a.Text...)
				continue
			}
			out[a.File] = manifest.AppendDoc(src, a.Text)
		}
		return out, nil
	}
}
