package manifest

import (
	"bytes"
	"fmt"
	"testing"

	"go.yaml.in/yaml/v3"
)

// rewriteSeeds are documents for FuzzRewrite's seed corpus.
var rewriteSeeds = []string{
	vpcDoc,
	"a: 1\n",
	"a: 1",
	"{apiVersion: v1, kind: ConfigMap, data: {a: '1', b: \"2\"}, list: [x, y]}\n",
	"# head\n\nkey: value # line\n# foot\n",
	"a: &anchor\n  x: 1\nb: *anchor\nc:\n  <<: *anchor\n  y: 2\n",
	"text: |\n  line one\n  # not a comment\n\n  line three\nfolded: >-\n  folded\n  text\nafter: 1\n",
	"a:\r\n  b: 1 # c\r\n  l:\r\n  - x\r\n  - y\r\n",
	"spec:\n    ports:\n        - name: a\n          v: 1\n        - name: b\n    flag: true\n",
	"- not a mapping\n",
	"list:\n- - 1\n  - 2\n- [3, 4]\n-\n  k: v\n- &x 5\n- *x\nempty:\nnulls: ~\nq: 'it''s'\ndq: \"tab\\there\"\n",
	"key: \"multi\n  line\"\nplain: multi\n  line plain\nflow: [a,\n  b]\n",
	"\ufeffa: 1\n",
	"é: ü\nnum: 0x1F\nf: 1.50\nbig: 12345678901234567890\ninf: .inf\nts: 2024-01-01\nbool: True\n",
}

// FuzzRewrite checks Rewrite on any document that parses to an object:
// given the document's own object it returns the document unchanged, and
// given a changed object (the changes driven by ops) its result reads back
// as that object, also to Kubernetes' YAML reader when the document did,
// with the document's line breaks and final line break.
func FuzzRewrite(f *testing.F) {
	for i, s := range rewriteSeeds {
		f.Add([]byte(s), []byte{})
		f.Add([]byte(s), []byte{byte(i), 2, 7, 0, 3, 1, 4, 9, 5})
		f.Add([]byte(s), []byte{0, byte(i * 3), 0, 1, 8, 2, 6, 3, 3, 12, 4, 20, 1})
	}
	f.Fuzz(func(t *testing.T, doc, ops []byte) {
		obj, err := ParseDoc(doc)
		if err != nil || obj == nil {
			return
		}
		same, err := Rewrite(doc, obj)
		if err != nil || !bytes.Equal(same, doc) {
			t.Fatalf("Rewrite(%q, its own object) = %q, %v", doc, same, err)
		}
		want := (&mutator{ops: ops}).all(obj).(map[string]interface{})
		out, err := Rewrite(doc, want)
		if err != nil {
			t.Fatalf("Rewrite(%q, %v): %v", doc, want, err)
		}
		got, err := ParseDoc(out)
		if err != nil || !equalValues(got, want) {
			t.Fatalf("Rewrite(%q, %v) = %q, which reads back as %v (%v)", doc, want, out, got, err)
		}
		// A document Kubernetes tools read the same way still reads the
		// same way to them: no YAML 1.1 surprises ("yes", "1:20") appear.
		// (Keys must be strings to both: where a 0 and a "0" meet, the
		// JSON Kubernetes makes of them depends on map order.)
		if k8s, err := k8sRead(doc); err == nil && stringKeys(doc) && equalValues(k8s, obj) {
			if k8sOut, err := k8sRead(out); err != nil || !equalValues(k8sOut, want) {
				t.Fatalf("Rewrite(%q, %v) = %q, which Kubernetes reads as %v (%v)", doc, want, out, k8sOut, err)
			}
		}
		if endsWithEOL(out) != endsWithEOL(doc) && (endsWithEOL(doc) || means(trimEOL(out), want)) {
			t.Fatalf("Rewrite(%q) = %q: final line break changed", doc, out)
		}
		if !bytes.Contains(doc, []byte("\r")) && bytes.Contains(out, []byte("\r")) {
			t.Fatalf("Rewrite(%q) = %q: \\r appeared", doc, out)
		}
	})
}

// mutator changes a generic value as a byte string dictates.
type mutator struct {
	ops []byte
	pos int
}

func (m *mutator) next() (int, bool) {
	if m.pos >= len(m.ops) {
		return 0, false
	}
	m.pos++
	return int(m.ops[m.pos-1]), true
}

// all applies mutations until the bytes run out, to a copy of v.
func (m *mutator) all(v interface{}) interface{} {
	v = deepCopy(v)
	for n := 0; m.pos < len(m.ops) && n < 64; n++ {
		v = m.mutate(v, 0)
		if _, ok := v.(map[string]interface{}); !ok {
			v = map[string]interface{}{"k": v}
		}
	}
	return v
}

func (m *mutator) mutate(v interface{}, depth int) interface{} {
	b, ok := m.next()
	if !ok {
		return v
	}
	switch x := v.(type) {
	case map[string]interface{}:
		keys := sortedKeys(x)
		switch b % 6 {
		case 0, 1:
			if len(keys) > 0 {
				k := keys[m.pick(len(keys))]
				x[k] = m.mutate(x[k], depth+1)
			}
		case 2:
			if len(keys) > 0 {
				delete(x, keys[m.pick(len(keys))])
			}
		case 3:
			x[fmt.Sprintf("k%d", m.pick(8))] = m.value(depth)
		case 4:
			if depth > 0 {
				return m.value(depth)
			}
		}
		if depth == 0 && len(x) == 0 {
			x["k"] = "v"
		}
		return x
	case []interface{}:
		switch b % 6 {
		case 0, 1:
			if len(x) > 0 {
				i := m.pick(len(x))
				x[i] = m.mutate(x[i], depth+1)
			}
		case 2:
			if len(x) > 0 {
				i := m.pick(len(x))
				return append(x[:i:i], x[i+1:]...)
			}
		case 3:
			i := m.pick(len(x) + 1)
			return append(x[:i:i], append([]interface{}{m.value(depth)}, x[i:]...)...)
		case 4:
			return m.value(depth)
		}
		return x
	}
	if b%3 == 0 && depth > 0 {
		return v
	}
	return m.value(depth)
}

func (m *mutator) pick(n int) int {
	b, _ := m.next()
	return b % n
}

// value makes a new value: mostly scalars of every kind, some of them
// looking like other kinds, and small collections.
func (m *mutator) value(depth int) interface{} {
	b, _ := m.next()
	switch b % 16 {
	case 0:
		return int64(b * 37)
	case 1:
		return float64(b) / 4
	case 2:
		return fmt.Sprintf("s%d", b)
	case 3:
		return ""
	case 4:
		return "two\nlines\n"
	case 5:
		return b%2 == 0
	case 6:
		return nil
	case 7:
		return "1001"
	case 8:
		return "a: b, [c]"
	case 9:
		return "# not a comment"
	case 10:
		if depth < 4 {
			return map[string]interface{}{"n": m.value(depth + 1), "m": int64(b)}
		}
	case 11:
		if depth < 4 {
			return []interface{}{m.value(depth + 1), "x"}
		}
	case 12:
		return map[string]interface{}{}
	case 13:
		return []interface{}{}
	case 14:
		return "  spaced  "
	}
	return "true"
}

func deepCopy(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		c := make(map[string]interface{}, len(x))
		for k, e := range x {
			c[k] = deepCopy(e)
		}
		return c
	case []interface{}:
		c := make([]interface{}, len(x))
		for i, e := range x {
			c[i] = deepCopy(e)
		}
		return c
	}
	return v
}

// stringKeys reports whether every mapping key of a document is a string
// in YAML 1.2 and in YAML 1.1.
func stringKeys(doc []byte) bool {
	n, err := parseNode(doc)
	if err != nil || n == nil {
		return false
	}
	var ok func(n *yaml.Node) bool
	ok = func(n *yaml.Node) bool {
		if n.Kind == yaml.MappingNode {
			for i := 0; i < len(n.Content); i += 2 {
				k := n.Content[i]
				if !isMergeKey(k) && (k.ShortTag() != "!!str" || (k.Style&quoted == 0 && yaml11Special(k.Value))) {
					return false
				}
			}
		}
		for _, c := range n.Content {
			if !ok(c) {
				return false
			}
		}
		return true
	}
	return ok(n)
}
