package manifest

import (
	"sort"

	"go.yaml.in/yaml/v3"
)

// mergeNode makes node n express v and returns the node to use in its
// place: n itself, updated in place, or a new node. Values equal to what n
// holds leave n untouched. Scalars take the new value in their old style;
// mapping keys missing from v go with their comments, new keys are added at
// the end in sorted order; lists are aligned (see align), elements updated
// in place where they pair up. A value of another kind, an alias or a
// mapping with "<<" merge keys is replaced by a new node, which takes over
// n's comments.
func mergeNode(n *yaml.Node, v interface{}) *yaml.Node {
	if cur, err := nodeValue(n); err == nil && equalValues(cur, v) {
		return n
	}
	switch x := v.(type) {
	case map[string]interface{}:
		if n.Kind == yaml.MappingNode && !hasMergeKey(n) {
			mergeMapping(n, x)
			return n
		}
	case []interface{}:
		if n.Kind == yaml.SequenceNode {
			mergeSequence(n, x)
			return n
		}
	default:
		if n.Kind == yaml.ScalarNode {
			return updatedScalar(n, v)
		}
	}
	f := freshNode(v)
	f.HeadComment, f.LineComment, f.FootComment = n.HeadComment, n.LineComment, n.FootComment
	return f
}

func mergeMapping(n *yaml.Node, m map[string]interface{}) {
	var content []*yaml.Node
	seen := make(map[string]bool, len(m))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		v, ok := m[k.Value]
		if !ok || seen[k.Value] {
			continue
		}
		seen[k.Value] = true
		content = append(content, k, mergeNode(n.Content[i+1], v))
	}
	for _, k := range newKeys(m, seen) {
		content = append(content, keyNode(k), freshNode(m[k]))
	}
	n.Content = content
}

func mergeSequence(n *yaml.Node, s []interface{}) {
	old := make([]interface{}, len(n.Content))
	for i, e := range n.Content {
		old[i], _ = nodeValue(e)
	}
	var content []*yaml.Node
	for _, o := range align(old, s) {
		switch o.kind {
		case opKeep:
			content = append(content, n.Content[o.i])
		case opMerge:
			content = append(content, mergeNode(n.Content[o.i], s[o.j]))
		case opInsert:
			content = append(content, freshNode(s[o.j]))
		}
	}
	n.Content = content
}

// newKeys returns the keys of m not in seen, sorted.
func newKeys(m map[string]interface{}, seen map[string]bool) []string {
	var keys []string
	for k := range m {
		if !seen[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func hasMergeKey(n *yaml.Node) bool {
	for i := 0; i < len(n.Content); i += 2 {
		if isMergeKey(resolveAlias(n.Content[i])) {
			return true
		}
	}
	return false
}

// copyNode copies a node tree; aliases in the copy point into the original.
func copyNode(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, e := range n.Content {
		c.Content[i] = copyNode(e)
	}
	return &c
}
