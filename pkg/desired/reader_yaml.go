package desired

import (
	"bytes"
	"errors"
	"io"
	"math"

	"go.yaml.in/yaml/v3"

	// Renamed: this package has a type named manifest (reader.go).
	yamlvalue "github.com/githedgehog/kubectl-hnp/pkg/manifest"
)

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
		v, err := nodeValue(root)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if v == nil {
			continue // an empty document
		}
		doc := document{index: i, line: root.Line, value: v, nonFinite: nonFiniteNumbers(root, v)}
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

// plainScalar resolves a plain scalar as parseYAML does; the fast path uses
// it so that its values come out the same. It refuses (ok=false) an
// infinity or NaN, leaving the file to yaml.v3, which locates it for the
// error.
func plainScalar(text string) (interface{}, bool) {
	v, err := yamlvalue.ScalarValue(&yaml.Node{Kind: yaml.ScalarNode, Value: text})
	if f, isFloat := v.(float64); isFloat && (math.IsInf(f, 0) || math.IsNaN(f)) {
		return nil, false
	}
	return v, err == nil
}

// nodeValue converts a document's root with manifest.NodeValue (whose
// errors are all *manifest.LineError), moving its line errors to this
// package's lineError.
func nodeValue(n *yaml.Node) (interface{}, error) {
	v, err := yamlvalue.NodeValue(n)
	if err == nil {
		return v, nil
	}
	if le, ok := err.(*yamlvalue.LineError); ok {
		return nil, &lineError{le.Line, le.Msg}
	}
	return nil, err
}
