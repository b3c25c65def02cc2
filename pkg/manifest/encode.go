package manifest

import (
	"bytes"
	"errors"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Encode writes an object as a new YAML document the way kubectl users
// expect to read it: apiVersion, kind, metadata (name, namespace, labels,
// annotations, then its other keys sorted), spec, then the other keys
// sorted; nested mappings sorted by key; 2-space indentation with lists
// starting at their key's column; multi-line strings as literal blocks.
// The document ends with a line break.
func Encode(obj map[string]interface{}) ([]byte, error) {
	if obj == nil {
		return nil, errors.New("no object to encode")
	}
	v, err := canonical(obj, "")
	if err != nil {
		return nil, err
	}
	return encodeNode(topNode(v.(map[string]interface{})), kubectl)
}

// encodeNode writes one node as a YAML document in layout lay.
func encodeNode(n *yaml.Node, lay layout) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(lay.indent)
	if lay.compact() {
		enc.CompactSeqIndent()
	}
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// topNode builds the node of a whole object, its keys in Kubernetes order.
func topNode(obj map[string]interface{}) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, k := range orderedKeys(obj, topRank) {
		v := obj[k]
		var vn *yaml.Node
		if md, ok := v.(map[string]interface{}); ok && k == "metadata" {
			vn = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			for _, mk := range orderedKeys(md, metadataRank) {
				vn.Content = append(vn.Content, keyNode(mk), freshNode(md[mk]))
			}
		} else {
			vn = freshNode(v)
		}
		n.Content = append(n.Content, keyNode(k), vn)
	}
	return n
}

var (
	topRank      = map[string]int{"apiVersion": 1, "kind": 2, "metadata": 3, "spec": 4}
	metadataRank = map[string]int{"name": 1, "namespace": 2, "labels": 3, "annotations": 4}
)

// orderedKeys sorts the keys of m: ranked keys first by rank, then the
// others by name.
func orderedKeys(m map[string]interface{}, rank map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := rank[keys[i]], rank[keys[j]]
		switch {
		case ri != 0 && rj != 0:
			return ri < rj
		case ri != 0 || rj != 0:
			return ri != 0
		}
		return keys[i] < keys[j]
	})
	return keys
}

// freshNode builds the node of a generic value, mapping keys sorted.
func freshNode(v interface{}) *yaml.Node {
	switch x := v.(type) {
	case map[string]interface{}:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, k := range orderedKeys(x, nil) {
			n.Content = append(n.Content, keyNode(k), freshNode(x[k]))
		}
		return n
	case []interface{}:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, e := range x {
			n.Content = append(n.Content, freshNode(e))
		}
		return n
	}
	return scalarNode(v)
}

func keyNode(k string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}
	if yaml11Special(k) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// scalarNode builds the node of a scalar: nil, bool, int64, float64 or
// string. Integral floats are written as integers, which read back as the
// same number.
func scalarNode(v interface{}) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode}
	switch x := v.(type) {
	case nil:
		n.Tag, n.Value = "!!null", "null"
	case bool:
		n.Tag, n.Value = "!!bool", strconv.FormatBool(x)
	case int64:
		n.Tag, n.Value = "!!int", strconv.FormatInt(x, 10)
	case float64:
		n.Tag, n.Value = "!!float", formatFloat(x)
		if !strings.ContainsAny(n.Value, ".en") {
			n.Tag = "!!int"
		}
	case string:
		n.Tag, n.Value = "!!str", x
		switch {
		case strings.Contains(x, "\n"):
			n.Style = yaml.LiteralStyle
		case yaml11Special(x):
			n.Style = yaml.DoubleQuotedStyle
		}
	}
	return n
}

// base60 matches YAML 1.1's sexagesimal numbers.
var base60 = regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)

// yaml11Special reports strings that YAML 1.2 (yaml.v3) reads as strings
// but YAML 1.1 reads as booleans or numbers: written plain, they would
// change meaning for Kubernetes tools, which read YAML with yaml.v2.
func yaml11Special(s string) bool {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"on", "On", "ON", "off", "Off", "OFF":
		return true
	}
	return base60.MatchString(s)
}

func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return ".nan"
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	case f == math.Trunc(f) && math.Abs(f) < 1e15:
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
