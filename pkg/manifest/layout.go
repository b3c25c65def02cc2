package manifest

import "go.yaml.in/yaml/v3"

// detectLayout finds how a document indents: by how far the first nested
// block mapping sits from its key, and whether the first block list under
// a key starts at the key's column (kubectl's way), 2 spaces in, or a full
// indent in. Without evidence it takes kubectl's layout.
func detectLayout(root *yaml.Node) layout {
	indent, seqOff := 0, -1
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Style&yaml.FlowStyle != 0 {
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v.Line > k.Line && len(v.Content) > 0 && v.Style&yaml.FlowStyle == 0 {
					switch {
					case v.Kind == yaml.MappingNode && indent == 0:
						indent = v.Column - k.Column
					case v.Kind == yaml.SequenceNode && seqOff < 0:
						seqOff = v.Column - k.Column
					}
				}
			}
		}
		for _, c := range n.Content {
			if indent > 0 && seqOff >= 0 {
				return
			}
			walk(c)
		}
	}
	walk(root)
	if indent < 2 || indent > 9 {
		indent = 2
		if seqOff >= 2 && seqOff <= 9 {
			indent = seqOff
		}
	}
	if seqOff < 0 {
		return layout{indent: indent, compact: indent == 2}
	}
	return layout{indent: indent, compact: seqOff < indent}
}
