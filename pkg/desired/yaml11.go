package desired

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// The deployers of a fabric read YAML in two ways. kubectl and Argo CD
// decode manifests with sigs.k8s.io/yaml, which follows YAML 1.1: the plain
// scalars y, yes, on, n, no, off (in any of their cases) are booleans, and
// numbers with a leading 0 are octal (0755 is 493). Flux's
// kustomize-controller reads them with kyaml, which is built on yaml.v3 and
// follows YAML 1.2, as Load and LoadFS do: those scalars are strings and 0755 is
// 755. The values differ only for such plain scalars.

// ScalarNote is one scalar of Git whose value depends on the YAML version.
type ScalarNote struct {
	Origin resource.Origin
	Key    resource.Key
	// Path is the field, as a JSON pointer.
	Path string
	// YAML12 is the value the parse read (YAML 1.2, as Flux reads it); YAML11 is
	// the value kubectl and Argo CD read (YAML 1.1).
	YAML12, YAML11 interface{}
}

// String is the warning shown for the scalar.
func (n ScalarNote) String() string {
	return fmt.Sprintf("%s: %s %s: %v is %s for kubectl and Argo CD (YAML 1.1) but %s for Flux (YAML 1.2); quote it or write the value you mean",
		n.Origin, n.Key, n.Path, n.YAML12, describe(n.YAML11), describe(n.YAML12))
}

func describe(v interface{}) string {
	switch t := v.(type) {
	case string:
		return strconv.Quote(t)
	case bool:
		return "the boolean " + strconv.FormatBool(t)
	}
	return fmt.Sprintf("the number %v", v)
}

// yaml11Note is a ScalarNote found while parsing, with the object and
// field it is about.
type yaml11Note struct {
	note ScalarNote
	obj  *resource.Object
	path []string
}

// YAML11 returns a note per plain scalar of the State's YAML files that
// YAML 1.1 reads differently, found while parsing (only files that contain
// a candidate scalar are decoded a second time, so the common case costs a
// scan of the text). With apply, those scalars take their YAML 1.1 values
// (as kubectl and Argo CD deploy them); nothing else of the objects
// changes.
func (s *State) YAML11(apply bool) []ScalarNote {
	notes := make([]ScalarNote, 0, len(s.notes))
	for _, n := range s.notes {
		notes = append(notes, n.note)
		if apply {
			setAt(n.obj.Obj.Object, n.path, n.note.YAML11)
		}
	}
	sort.Slice(notes, func(i, j int) bool {
		if notes[i].Origin.File != notes[j].Origin.File {
			return notes[i].Origin.File < notes[j].Origin.File
		}
		if notes[i].Origin.Doc != notes[j].Origin.Doc {
			return notes[i].Origin.Doc < notes[j].Origin.Doc
		}
		return notes[i].Path < notes[j].Path
	})
	return notes
}

// ScanYAML11 finds the YAML 1.1 notes of a State whose objects were not
// parsed by Load or LoadFS (a kustomize build's output) by reading their
// origins' files from fsys, the repository they are relative to.
func (s *State) ScanYAML11(fsys fs.FS) error {
	byFile := map[string][]*resource.Object{}
	for _, o := range s.Objects {
		if o.Origin != nil && !strings.HasSuffix(strings.ToLower(o.Origin.File), ".json") {
			byFile[o.Origin.File] = append(byFile[o.Origin.File], o)
		}
	}
	var errs []error
	for file, list := range byFile {
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.notes = append(s.notes, scanYAML11(data, list)...)
	}
	return errors.Join(errs...)
}

// scanYAML11 compares the objects read from the YAML text data with the
// text decoded as YAML 1.1, when it holds a candidate scalar at all.
func scanYAML11(data []byte, objs []*resource.Object) []yaml11Note {
	if !hasYAML11Candidate(data) {
		return nil
	}
	docs, err := decodeYAML11(data)
	if err != nil {
		return nil // the deployer would fail on it; the parse reported what it could
	}
	var notes []yaml11Note
	for _, o := range objs {
		v, ok := docs[o.Key]
		if !ok {
			continue
		}
		diffScalars(o.Obj.Object, v, nil, func(path []string, v12, v11 interface{}) {
			// Only a boolean word: any other difference is not the YAML
			// version's (a rendered object may differ from its source).
			s, ok := v12.(string)
			if _, isBool := v11.(bool); !ok || !isBool || !yaml11Words[s] {
				return
			}
			notes = append(notes, yaml11Note{
				note: ScalarNote{Origin: *o.Origin, Key: o.Key, Path: pointer(path), YAML12: v12, YAML11: v11},
				obj:  o, path: path,
			})
		})
	}
	return notes
}

// yaml11Words are the plain scalars YAML 1.1 reads as booleans.
var yaml11Words = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"n": true, "N": true, "no": true, "No": true, "NO": true, "off": true, "Off": true, "OFF": true,
}

// hasYAML11Candidate reports whether some value or list item of the text is
// a plain scalar YAML 1.1 could read differently: a boolean word, or a
// number with a leading 0, a 0b/0o prefix or underscores.
func hasYAML11Candidate(data []byte) bool {
	start := -1 // the start of the token being read, -1 between tokens
	for i := 0; i <= len(data); i++ {
		c := byte('\n')
		if i < len(data) {
			c = data[i]
		}
		switch c {
		case ' ', ':', ',', '[', ']', '{', '}', '\n', '#':
			if start >= 0 {
				tok := data[start:i]
				if yaml11Words[string(tok)] || yaml11Number(tok) {
					return true
				}
				start = -1
			}
			if c == '#' { // a comment, to the end of the line
				if j := bytes.IndexByte(data[i:], '\n'); j >= 0 {
					i += j
				} else {
					i = len(data)
				}
			}
		default:
			if start < 0 {
				start = i
			}
		}
	}
	return false
}

func yaml11Number(s []byte) bool {
	if len(s) < 2 || s[0] < '0' || s[0] > '9' {
		return false
	}
	return (s[0] == '0' && s[1] >= '0' && s[1] <= '9') || bytes.HasPrefix(s, []byte("0b")) || bytes.HasPrefix(s, []byte("0o")) || bytes.IndexByte(s, '_') >= 0
}

// decodeYAML11 decodes each document as kubectl does, keyed by identity.
func decodeYAML11(data []byte) (map[resource.Key]map[string]interface{}, error) {
	rd := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	out := map[resource.Key]map[string]interface{}{}
	for {
		doc, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		var m map[string]interface{}
		if err := yaml.Unmarshal(doc, &m); err != nil {
			return nil, err
		}
		if len(m) == 0 {
			continue
		}
		m = integral(m).(map[string]interface{})
		md, _ := m["metadata"].(map[string]interface{})
		kind, _ := m["kind"].(string)
		name, _ := md["name"].(string)
		ns, _ := md["namespace"].(string)
		if ns == "" {
			ns = resource.DefaultNamespace
		}
		out[resource.Key{Kind: kind, Namespace: ns, Name: name}] = m
	}
}

// integral turns JSON's float64 into int64 where integral, as Load does.
func integral(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		for k, c := range t {
			t[k] = integral(c)
		}
	case []interface{}:
		for i, c := range t {
			t[i] = integral(c)
		}
	case float64:
		if t == float64(int64(t)) && t >= -1<<53 && t <= 1<<53 {
			return int64(t)
		}
	}
	return v
}

// diffScalars calls found for each scalar whose value differs.
func diffScalars(v12, v11 interface{}, path []string, found func([]string, interface{}, interface{})) {
	switch a := v12.(type) {
	case map[string]interface{}:
		b, ok := v11.(map[string]interface{})
		if !ok {
			return
		}
		for k, c := range a {
			diffScalars(c, b[k], append(path, k), found)
		}
	case []interface{}:
		b, ok := v11.([]interface{})
		if !ok || len(b) != len(a) {
			return
		}
		for i := range a {
			diffScalars(a[i], b[i], append(path, strconv.Itoa(i)), found)
		}
	default:
		if fmt.Sprintf("%T %v", v12, v12) != fmt.Sprintf("%T %v", v11, v11) {
			found(append([]string(nil), path...), v12, v11)
		}
	}
}

func pointer(path []string) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(p))
	}
	return b.String()
}

// setAt sets the value at a path of map keys and list indexes that exists.
func setAt(root map[string]interface{}, path []string, v interface{}) {
	var cur interface{} = root
	for i, seg := range path {
		last := i == len(path)-1
		switch t := cur.(type) {
		case map[string]interface{}:
			if last {
				t[seg] = v
				return
			}
			cur = t[seg]
		case []interface{}:
			n, err := strconv.Atoi(seg)
			if err != nil || n < 0 || n >= len(t) {
				return
			}
			if last {
				t[n] = v
				return
			}
			cur = t[n]
		default:
			return
		}
	}
}
