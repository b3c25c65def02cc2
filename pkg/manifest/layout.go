package manifest

import "go.yaml.in/yaml/v3"

// layout is how a document lays out its blocks, in columns.
type layout struct {
	// indent is how far a block mapping sits right of its key.
	indent int
	// seqOff is how far the "-" of a block list sits right of its key:
	// 0 for kubectl's way, where the "-" starts at the key's column.
	seqOff int
	// itemOff is how far a list element's content sits right of its "-".
	itemOff int
}

// kubectl is the layout of kubectl's YAML output.
var kubectl = layout{indent: 2, seqOff: 0, itemOff: 2}

// compact tells yaml.v3's encoder, which indents lists either by indent or
// by indent-2, to take the second way.
func (l layout) compact() bool { return l.seqOff < l.indent }

// detectLayout finds the layout of a document from its first nested block
// mapping, its first block list under a key and its first list element
// that starts on its "-" line; kubectl's layout fills what it lacks.
func detectLayout(root *yaml.Node) layout {
	lay := layout{indent: -1, seqOff: -1, itemOff: -1}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Style&yaml.FlowStyle != 0 || n.Kind == yaml.AliasNode {
			return
		}
		if n.Kind == yaml.SequenceNode && len(n.Content) > 0 && lay.itemOff < 0 {
			if e := n.Content[0]; e.Line == n.Line && e.Column > n.Column {
				lay.itemOff = e.Column - n.Column
			}
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v.Line <= k.Line || len(v.Content) == 0 || v.Style&yaml.FlowStyle != 0 {
					continue
				}
				switch {
				case v.Kind == yaml.MappingNode && lay.indent < 0:
					lay.indent = v.Column - k.Column
				case v.Kind == yaml.SequenceNode && lay.seqOff < 0:
					lay.seqOff = v.Column - k.Column
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(root)
	if lay.indent < 2 || lay.indent > 9 {
		lay.indent = kubectl.indent
		if lay.seqOff >= 2 && lay.seqOff <= 9 {
			lay.indent = lay.seqOff
		}
	}
	if lay.seqOff < 0 || lay.seqOff > 9 {
		lay.seqOff = kubectl.seqOff
		if lay.indent != kubectl.indent {
			lay.seqOff = lay.indent
		}
	}
	if lay.itemOff < 2 || lay.itemOff > 9 {
		lay.itemOff = kubectl.itemOff
	}
	return lay
}
