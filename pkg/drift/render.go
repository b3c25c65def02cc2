package drift

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"go.yaml.in/yaml/v3"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Views returns the normalised forms of an object that Compare compares,
// ready to be shown side by side: git is the desired object without ignored
// fields; cluster is what the comparison saw in the cluster, that is git
// with every reported difference applied, so server defaults Git does not
// set are left out (in strict mode nothing is left out). Both carry the
// same apiVersion, kind, name and namespace. A side that does not exist
// is nil. When Compare reports the object in sync, the views are equal.
func Views(desired, actual *resource.Object, opts Options) (git, cluster map[string]interface{}) {
	c := newComparer(opts)
	w := c.newWalker()
	var key resource.Key
	switch {
	case desired != nil:
		key = desired.Key
	case actual != nil:
		key = actual.Key
	default:
		return nil, nil
	}
	c.selectRules(w, key, actual)
	w.root = c.root(desired, actual)
	dc, ac := c.stripJQ(key, desired), c.stripJQ(key, actual)
	if desired != nil {
		w.reset(nil)
		git = asMap(w.prune(dc))
	}
	if actual != nil {
		if desired == nil {
			w.reset(nil)
			cluster = asMap(w.prune(ac))
		} else {
			cluster = asMap(deepCopy(git))
			for _, d := range w.compareObjects(dc, ac) {
				segs, _ := ParsePointer(d.Path)
				applyDiff(cluster, segs, d)
			}
			w.reset(nil)
			cluster = asMap(w.prune(cluster))
		}
	}
	apiVersion, kind := identityOf(desired, actual)
	for _, m := range []map[string]interface{}{git, cluster} {
		if m != nil {
			setIdentity(m, key, apiVersion, kind)
		}
	}
	return git, cluster
}

// NormalizedYAML renders an object (typically a view from Views) as YAML
// with sorted keys and two-space indentation. Strings with control or
// invalid characters are escaped, so any decoded object renders. A nil
// object renders as nothing.
func NormalizedYAML(obj map[string]interface{}) ([]byte, error) {
	if obj == nil {
		return nil, nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(obj); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// UnifiedDiff renders the difference between the Git and cluster views of
// one compared object as a unified diff with headers
// "--- git/KIND/NAMESPACE/NAME" and "+++ cluster/KIND/NAMESPACE/NAME".
// Either object may be nil. The diff is empty when the views are equal,
// which is always the case for an object Compare reports in sync.
func UnifiedDiff(r ResourceResult, desired, actual *resource.Object, opts Options) (string, error) {
	git, cluster := Views(desired, actual, opts)
	a, err := NormalizedYAML(git)
	if err != nil {
		return "", fmt.Errorf("rendering %s from Git: %w", r.Key(), err)
	}
	b, err := NormalizedYAML(cluster)
	if err != nil {
		return "", fmt.Errorf("rendering %s from the cluster: %w", r.Key(), err)
	}
	if bytes.Equal(a, b) {
		return "", nil
	}
	name := r.Kind + "/" + r.Namespace + "/" + r.Name
	return difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        lines(a),
		B:        lines(b),
		FromFile: "git/" + name,
		ToFile:   "cluster/" + name,
		Context:  3,
	})
}

// lines splits text into lines that keep their "\n", without the empty
// line difflib.SplitLines adds after a final newline.
func lines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	return difflib.SplitLines(strings.TrimSuffix(string(b), "\n"))
}

func asMap(v interface{}) map[string]interface{} {
	if m, ok := v.(map[string]interface{}); ok {
		return m
	}
	return map[string]interface{}{}
}

func identityOf(desired, actual *resource.Object) (apiVersion, kind string) {
	for _, o := range []*resource.Object{desired, actual} {
		m := content(o)
		av, _ := m["apiVersion"].(string)
		k, _ := m["kind"].(string)
		if av != "" || k != "" {
			return av, k
		}
	}
	return "", ""
}

func setIdentity(m map[string]interface{}, key resource.Key, apiVersion, kind string) {
	if apiVersion != "" {
		m["apiVersion"] = apiVersion
	}
	if kind == "" {
		kind = key.Kind
	}
	m["kind"] = kind
	md, _ := m["metadata"].(map[string]interface{})
	if md == nil {
		md = map[string]interface{}{}
		m["metadata"] = md
	}
	md["name"] = key.Name
	md["namespace"] = key.Namespace
}

// applyDiff makes the view at segs hold the diff's actual side, creating
// maps on the way where the desired side had none.
func applyDiff(root map[string]interface{}, segs []string, d FieldDiff) {
	if len(segs) == 0 {
		return
	}
	var val interface{}
	if d.Type != DiffOnlyInGit {
		val = deepCopy(d.Actual)
	}
	var cur interface{} = root
	for i, s := range segs {
		last := i == len(segs)-1
		switch t := cur.(type) {
		case map[string]interface{}:
			if last {
				if val == nil {
					delete(t, s)
				} else {
					t[s] = val
				}
				return
			}
			if _, ok := t[s].(map[string]interface{}); !ok && !isList(t[s]) {
				t[s] = map[string]interface{}{}
			}
			cur = t[s]
		case []interface{}:
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n >= len(t) {
				return
			}
			if last {
				t[n] = val
				return
			}
			if _, ok := t[n].(map[string]interface{}); !ok && !isList(t[n]) {
				t[n] = map[string]interface{}{}
			}
			cur = t[n]
		default:
			return
		}
	}
}

func isList(v interface{}) bool {
	_, ok := v.([]interface{})
	return ok
}

func deepCopy(v interface{}) interface{} { return copyWith(v, nil) }

// copyWith deep-copies the maps and lists of v, passing every other value
// through leaf when it is set.
func copyWith(v interface{}, leaf func(interface{}) interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		out := make(map[string]interface{}, len(t))
		for k, c := range t {
			out[k] = copyWith(c, leaf)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, c := range t {
			out[i] = copyWith(c, leaf)
		}
		return out
	}
	if leaf != nil {
		return leaf(v)
	}
	return v
}
