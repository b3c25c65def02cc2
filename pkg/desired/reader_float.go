package desired

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// badNumber is a number JSON cannot carry (an infinity or NaN, such as
// YAML's .inf and .nan) at a field of a document.
type badNumber struct {
	// path is the field, as "spec.subnets[0].mtu".
	path string
	line int
	// text is the number as written.
	text string
}

// nonFiniteNumbers finds the infinities and NaNs in v, the value of the
// yaml.v3 node root, ordered by path, each at the line that writes it.
func nonFiniteNumbers(root *yaml.Node, v interface{}) []badNumber {
	var out []badNumber
	var walk func(v interface{}, path []interface{})
	walk = func(v interface{}, path []interface{}) {
		switch x := v.(type) {
		case map[string]interface{}:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(x[k], append(path, k))
			}
		case []interface{}:
			for i, e := range x {
				walk(e, append(path, i))
			}
		case float64:
			if math.IsInf(x, 0) || math.IsNaN(x) {
				b := badNumber{path: fieldPath(path), line: root.Line, text: strconv.FormatFloat(x, 'g', -1, 64)}
				if n := locate(root, path); n != nil {
					b.line, b.text = n.Line, deref(n).Value
				}
				out = append(out, b)
			}
		}
	}
	walk(v, nil)
	return out
}

// locate follows path (mapping keys and sequence indexes) from n, through
// aliases and "<<" merges as yaml.v3 reads them, and returns the node
// found (not dereferenced, so that its line is where it is written), or nil.
func locate(n *yaml.Node, path []interface{}) *yaml.Node {
	if len(path) == 0 {
		return n
	}
	d := deref(n)
	switch p := path[0].(type) {
	case int:
		if d.Kind == yaml.SequenceNode && p < len(d.Content) {
			return locate(d.Content[p], path[1:])
		}
	case string:
		if c := mappingValue(d, p, 0); c != nil {
			return locate(c, path[1:])
		}
	}
	return nil
}

// mappingValue returns the value of key in mapping n: an explicit key
// first, then the merged mappings in order.
func mappingValue(n *yaml.Node, key string, depth int) *yaml.Node {
	if n.Kind != yaml.MappingNode || depth > maxFlowDepth {
		return nil
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge" {
			merges = append(merges, deref(n.Content[i+1]))
		} else if k.Value == key {
			return n.Content[i+1]
		}
	}
	for _, m := range merges {
		from := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			from = m.Content
		}
		for _, f := range from {
			if c := mappingValue(deref(f), key, depth+1); c != nil {
				return c
			}
		}
	}
	return nil
}

// fieldPath renders a path as "spec.subnets[0].mtu"; a key that is not a
// plain name is quoted: spec["a.b"].
func fieldPath(path []interface{}) string {
	var b strings.Builder
	for _, p := range path {
		switch x := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", x)
		case string:
			if x != "" && strings.IndexFunc(x, func(r rune) bool { return !isKeyChar(byte(r)) || r >= 0x80 || r == '.' }) < 0 {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(x)
			} else {
				fmt.Fprintf(&b, "[%s]", strconv.Quote(x))
			}
		}
	}
	return b.String()
}

// badNumbersUnder returns the bad numbers below prefix (such as
// "items[2]"), with paths relative to it.
func badNumbersUnder(bs []badNumber, prefix string) []badNumber {
	var out []badNumber
	for _, b := range bs {
		if rest, ok := strings.CutPrefix(b.path, prefix); ok && (rest == "" || rest[0] == '.' || rest[0] == '[') {
			b.path = strings.TrimPrefix(rest, ".")
			out = append(out, b)
		}
	}
	return out
}
