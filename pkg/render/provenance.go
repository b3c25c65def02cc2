package render

import (
	"io/fs"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// sourceDoc is one object document of a source file.
type sourceDoc struct {
	origin         resource.Origin
	kind, name, ns string
}

// docIndex maps rendered objects back to the documents of their source
// files, reading each file once.
type docIndex struct {
	src   fs.FS
	files map[string][]sourceDoc
	names map[resource.Origin]string
}

func newDocIndex(src fs.FS) *docIndex {
	return &docIndex{src: src, files: map[string][]sourceDoc{}, names: map[resource.Origin]string{}}
}

// find returns the document of file that u was rendered from: the one of
// u's kind whose name u's name is or contains (name prefixes and
// suffixes), preferring the same namespace and the longest name.
func (x *docIndex) find(file string, u *unstructured.Unstructured) *resource.Origin {
	docs, ok := x.files[file]
	if !ok {
		docs = x.read(file)
		x.files[file] = docs
	}
	var best *sourceDoc
	score := -1
	for i := range docs {
		d := &docs[i]
		if d.kind != u.GetKind() || !strings.Contains(u.GetName(), d.name) {
			continue
		}
		s := 2 * len(d.name)
		if d.ns == "" || d.ns == u.GetNamespace() {
			s++
		}
		if s > score {
			best, score = d, s
		}
	}
	if best == nil {
		return &resource.Origin{File: file, Line: 1}
	}
	o := best.origin
	x.names[o] = best.name
	return &o
}

// name returns the name an object has in its source document.
func (x *docIndex) name(o *resource.Origin) string {
	if o == nil {
		return ""
	}
	return x.names[*o]
}

func (x *docIndex) read(file string) []sourceDoc {
	b, err := fs.ReadFile(x.src, file)
	if err != nil {
		return nil
	}
	return parseDocs(file, b)
}

// parseDocs returns the object documents of a file's contents, with the
// items of a List each.
func parseDocs(file string, b []byte) []sourceDoc {
	var out []sourceDoc
	for _, d := range manifest.Split(b) {
		text := b[d.Start:d.End]
		obj, err := manifest.ParseDoc(text)
		if err != nil || obj == nil {
			continue
		}
		lead, _ := contentLine(text)
		line := d.Line + lead
		add := func(o map[string]interface{}) {
			kind, _ := o["kind"].(string)
			meta, _ := o["metadata"].(map[string]interface{})
			name, _ := meta["name"].(string)
			ns, _ := meta["namespace"].(string)
			out = append(out, sourceDoc{origin: resource.Origin{File: file, Doc: d.Index, Line: line}, kind: kind, name: name, ns: ns})
		}
		if obj["kind"] == "List" {
			items, _ := obj["items"].([]interface{})
			for _, it := range items {
				if m, ok := it.(map[string]interface{}); ok {
					add(m)
				}
			}
			continue
		}
		add(obj)
	}
	return out
}
