package gitstate

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

// maxNodes bounds the values built from one document, so that aliases
// cannot blow a small file up into a huge object.
const maxNodes = 1 << 20

// parseYAML decodes a stream of YAML documents into generic values: maps
// with string keys, slices, strings, bools, int64, float64 and nil, as
// apimachinery's unstructured objects expect. Empty documents keep their
// index but carry no value. A syntax error ends the stream; a bad value
// only loses its document.
func parseYAML(src []byte) ([]document, []error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var docs []document
	var errs []error
	for i := 0; ; i++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, yamlSyntaxError(src, err, docs))
			break
		}
		if len(n.Content) == 0 {
			continue
		}
		root := n.Content[0]
		c := converter{budget: maxNodes}
		v, err := c.value(root)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if v == nil {
			continue // an empty document
		}
		doc := document{index: i, line: root.Line, value: v}
		if m, ok := v.(map[string]interface{}); ok && m["kind"] == "List" {
			doc.itemLines = listItemLines(root)
		}
		docs = append(docs, doc)
	}
	return docs, errs
}

// listItemLines returns the lines of the elements of a mapping's "items".
func listItemLines(n *yaml.Node) []int {
	n = deref(n)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := deref(n.Content[i]); k.Value == "items" {
			items := deref(n.Content[i+1])
			lines := make([]int, len(items.Content))
			for j, it := range items.Content {
				lines[j] = deref(it).Line
			}
			return lines
		}
	}
	return nil
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// converter turns yaml.v3 nodes into generic values.
type converter struct {
	budget int
	// active are the anchors being expanded, to catch self-reference.
	active []*yaml.Node
}

func (c *converter) value(n *yaml.Node) (interface{}, error) {
	if c.budget--; c.budget < 0 {
		return nil, &lineError{n.Line, "document too large after expanding aliases"}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return scalar(n)
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
				return nil, &lineError{n.Line, fmt.Sprintf("anchor %q value contains itself", n.Value)}
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
	return nil, &lineError{n.Line, fmt.Sprintf("unexpected YAML node kind %d", n.Kind)}
}

func (c *converter) mapping(n *yaml.Node) (map[string]interface{}, error) {
	m := make(map[string]interface{}, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge" {
			merges = append(merges, n.Content[i+1])
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return nil, &lineError{k.Line, "mapping keys must be scalars"}
		}
		if _, dup := m[k.Value]; dup {
			return nil, &lineError{k.Line, fmt.Sprintf("mapping key %q already defined at line %d", k.Value, keyLine(n, k.Value))}
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
	if d := deref(n); d.Kind == yaml.SequenceNode {
		for _, e := range d.Content {
			if deref(e).Kind != yaml.MappingNode {
				return &lineError{e.Line, "map merge requires a mapping or a list of mappings"}
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
		return &lineError{n.Line, "map merge requires a mapping or a list of mappings"}
	}
	for k, val := range src {
		if _, set := m[k]; !set {
			m[k] = val
		}
	}
	return nil
}

func keyLine(n *yaml.Node, key string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := deref(n.Content[i]); k.Value == key {
			return k.Line
		}
	}
	return 0
}

// scalar resolves a scalar the way yaml.v3 does, with fast paths for the
// common plain forms.
func scalar(n *yaml.Node) (interface{}, error) {
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
		// Custom tags are kept as the text they tag.
		return n.Value, nil
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

// plainInt parses a decimal integer without leading zeros or underscores.
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

// plainFloat parses a float made only of digits, sign, point and exponent.
func plainFloat(s string) (float64, bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == '-', c == '+', c == 'e', c == 'E':
		default:
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}
