package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxValues bounds the values built from one document, so that aliases
// cannot blow a small document up into a huge object.
const maxValues = 1 << 20

// ParseDoc converts one document to the generic form of apimachinery's
// unstructured objects: map[string]interface{} with string keys,
// []interface{}, string, bool, int64 for integers, float64 for other
// numbers, and nil. Timestamps, binary and custom-tagged scalars stay the
// text they are written as; "<<" merge keys are applied; keys must be
// scalars and unique. An empty or comment-only document gives a nil map;
// a document whose top is not a mapping, or text holding more than one
// document, is an error.
func ParseDoc(doc []byte) (map[string]interface{}, error) {
	root, err := parseNode(doc)
	if err != nil || root == nil {
		return nil, err
	}
	v, err := nodeValue(root)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]interface{})
	if !ok {
		return nil, fmt.Errorf("line %d: the document is a %s, not a mapping", root.Line, kindName(v))
	}
	return m, nil
}

// parseNode decodes text holding at most one document and returns its
// document node, or nil when there is none or it has no content.
func parseNode(doc []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, errors.New("the text holds more than one YAML document")
	}
	if len(n.Content) == 0 {
		return nil, nil
	}
	return &n, nil
}

// NodeValue converts a yaml.v3 node (a document, or any node in one) to
// the generic values ParseDoc gives. Its errors are *LineError, at the line
// of the node at fault.
func NodeValue(n *yaml.Node) (interface{}, error) {
	c := converter{budget: maxValues}
	return c.value(n)
}

// nodeValue is NodeValue, under the name this package's files use.
func nodeValue(n *yaml.Node) (interface{}, error) { return NodeValue(n) }

// LineError is a conversion error at a line of the document.
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// converter turns yaml.v3 nodes into generic values.
type converter struct {
	budget int
	// active holds the anchored nodes being expanded, to catch cycles.
	active []*yaml.Node
}

func (c *converter) value(n *yaml.Node) (interface{}, error) {
	if c.budget--; c.budget < 0 {
		return nil, &LineError{n.Line, "document too large after expanding aliases"}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return ScalarValue(n)
	case yaml.MappingNode:
		return c.mapping(n)
	case yaml.SequenceNode:
		s := make([]interface{}, len(n.Content))
		for i, e := range n.Content {
			v, err := c.value(e)
			if err != nil {
				return nil, err
			}
			s[i] = v
		}
		return s, nil
	case yaml.AliasNode:
		for _, a := range c.active {
			if a == n.Alias {
				return nil, &LineError{n.Line, fmt.Sprintf("anchor %q value contains itself", n.Value)}
			}
		}
		c.active = append(c.active, n.Alias)
		v, err := c.value(n.Alias)
		c.active = c.active[:len(c.active)-1]
		return v, err
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.value(n.Content[0])
	}
	return nil, &LineError{n.Line, fmt.Sprintf("unexpected YAML node kind %d", n.Kind)}
}

func (c *converter) mapping(n *yaml.Node) (map[string]interface{}, error) {
	m := make(map[string]interface{}, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolveAlias(n.Content[i])
		if isMergeKey(k) {
			merges = append(merges, n.Content[i+1])
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return nil, &LineError{k.Line, "mapping keys must be scalars"}
		}
		if _, dup := m[k.Value]; dup {
			return nil, &LineError{k.Line, fmt.Sprintf("mapping key %q already defined at line %d (a key may not appear twice)", k.Value, keyLine(n, k.Value))}
		}
		v, err := c.value(n.Content[i+1])
		if err != nil {
			return nil, err
		}
		m[k.Value] = v
	}
	for _, mv := range merges {
		if err := c.merge(m, mv); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// merge applies a "<<" merge key: keys already set (explicit ones, or from
// an earlier merged mapping) win.
func (c *converter) merge(m map[string]interface{}, n *yaml.Node) error {
	if d := resolveAlias(n); d.Kind == yaml.SequenceNode {
		for _, e := range d.Content {
			if resolveAlias(e).Kind != yaml.MappingNode {
				return &LineError{e.Line, "map merge requires a mapping or a list of mappings"}
			}
			if err := c.merge(m, e); err != nil {
				return err
			}
		}
		return nil
	}
	v, err := c.value(n)
	if err != nil {
		return err
	}
	src, ok := v.(map[string]interface{})
	if !ok {
		return &LineError{n.Line, "map merge requires a mapping or a list of mappings"}
	}
	for k, val := range src {
		if _, set := m[k]; !set {
			m[k] = val
		}
	}
	return nil
}

// keyLine returns the line of the first key of mapping n written key.
func keyLine(n *yaml.Node, key string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := resolveAlias(n.Content[i]); k.Value == key {
			return k.Line
		}
	}
	return 0
}

func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge"
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// ScalarValue resolves a scalar node the way yaml.v3 does, with int64 for
// integers and float64 for other numbers; timestamps, binary and
// custom-tagged scalars keep their text. Plain decimal numbers and the
// common booleans take a fast path that skips yaml.v3's decoder. Its
// errors are *LineError.
func ScalarValue(n *yaml.Node) (interface{}, error) {
	switch n.ShortTag() {
	case "!!str", "!!timestamp", "!!binary":
		return n.Value, nil
	case "!!null":
		return nil, nil
	case "!!bool":
		switch n.Value {
		case "true", "True", "TRUE":
			return true, nil
		case "false", "False", "FALSE":
			return false, nil
		}
	case "!!int":
		if i, ok := plainInt(n.Value); ok {
			return i, nil
		}
	case "!!float":
		if f, ok := plainFloat(n.Value); ok {
			return f, nil
		}
	default:
		return n.Value, nil // custom tags keep their text
	}
	return decodeScalar(n)
}

// decodeScalar resolves a !!bool, !!int or !!float scalar with yaml.v3's
// decoder.
func decodeScalar(n *yaml.Node) (interface{}, error) {
	var v interface{}
	if err := n.Decode(&v); err != nil {
		return nil, &LineError{n.Line, strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), nil
		}
		return float64(x), nil
	case int64, float64, bool, string, nil:
		return x, nil
	}
	return n.Value, nil
}

// plainInt parses a decimal integer without sign "+", leading zeros or
// underscores, short enough not to overflow.
func plainInt(s string) (int64, bool) {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || len(digits) > 18 || (digits[0] == '0' && len(digits) > 1) {
		return 0, false
	}
	var v int64
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if len(digits) != len(s) {
		v = -v
	}
	return v, true
}

// plainFloat parses a float made only of digits, sign, point and exponent,
// with a point or an exponent: yaml.v3 reads one without as an integer
// first, even under a !!float tag ("-0" is 0, and a too large one fails).
func plainFloat(s string) (float64, bool) {
	isFloat := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '-', c == '+':
		case c == '.', c == 'e', c == 'E':
			isFloat = true
		default:
			return 0, false
		}
	}
	if !isFloat {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func kindName(v interface{}) string {
	switch v.(type) {
	case map[string]interface{}:
		return "mapping"
	case []interface{}:
		return "list"
	}
	return "scalar"
}
