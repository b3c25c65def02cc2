package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
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

// nodeValue converts a node to its generic value.
func nodeValue(n *yaml.Node) (interface{}, error) {
	c := converter{budget: maxValues}
	return c.value(n)
}

// converter turns yaml.v3 nodes into generic values.
type converter struct {
	budget int
	// active holds the anchored nodes being expanded, to catch cycles.
	active []*yaml.Node
}

// lineError is a conversion error at a line of the document.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func (c *converter) value(n *yaml.Node) (interface{}, error) {
	if c.budget--; c.budget < 0 {
		return nil, &lineError{n.Line, "document too large after expanding aliases"}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.value(n.Content[0])
	case yaml.ScalarNode:
		return scalarValue(n)
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
				return nil, &lineError{n.Line, fmt.Sprintf("anchor %q contains itself", n.Value)}
			}
		}
		c.active = append(c.active, n.Alias)
		v, err := c.value(n.Alias)
		c.active = c.active[:len(c.active)-1]
		return v, err
	}
	return nil, &lineError{n.Line, fmt.Sprintf("unexpected YAML node kind %d", n.Kind)}
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
			return nil, &lineError{k.Line, "mapping keys must be scalars"}
		}
		if _, dup := m[k.Value]; dup {
			return nil, &lineError{k.Line, fmt.Sprintf("mapping key %q is defined twice", k.Value)}
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

// merge applies a "<<" merge key: keys already set win.
func (c *converter) merge(m map[string]interface{}, n *yaml.Node) error {
	if d := resolveAlias(n); d.Kind == yaml.SequenceNode {
		for _, e := range d.Content {
			if resolveAlias(e).Kind != yaml.MappingNode {
				return &lineError{e.Line, "a merge key needs a mapping or a list of mappings"}
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
		return &lineError{n.Line, "a merge key needs a mapping or a list of mappings"}
	}
	for k, val := range src {
		if _, set := m[k]; !set {
			m[k] = val
		}
	}
	return nil
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

// scalarValue resolves a scalar the way yaml.v3 does, with int64 for
// integers and float64 for other numbers.
func scalarValue(n *yaml.Node) (interface{}, error) {
	switch n.ShortTag() {
	case "!!str", "!!timestamp", "!!binary":
		return n.Value, nil
	case "!!null":
		return nil, nil
	case "!!bool", "!!int", "!!float":
	default:
		return n.Value, nil // custom tags keep their text
	}
	var v interface{}
	if err := n.Decode(&v); err != nil {
		return nil, &lineError{n.Line, strings.TrimPrefix(err.Error(), "yaml: ")}
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

func kindName(v interface{}) string {
	switch v.(type) {
	case map[string]interface{}:
		return "mapping"
	case []interface{}:
		return "list"
	}
	return "scalar"
}
