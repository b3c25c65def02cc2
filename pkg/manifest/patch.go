package manifest

import (
	"errors"
	"sort"

	"go.yaml.in/yaml/v3"
)

// errBail means the change cannot be made by editing the text in place;
// Rewrite then re-encodes the document.
var errBail = errors.New("cannot edit the text in place")

// errFlow means a change inside a flow collection other than a scalar
// taking a new value; the outermost flow collection is then rewritten.
var errFlow = errors.New("structural change inside a flow collection")

// patcher computes the text edits that make a document express a new value
// while leaving every byte it need not touch alone: scalars are spliced in
// place, removed entries are cut out line by line, and only new content
// (added keys and list elements, values that change kind) is encoded.
type patcher struct {
	l     *lines
	br    string
	lay   layout
	edits []edit
}

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// slot is where a value sits in block context: as the value of the index-th
// pair or element of parent (nil for the document's top node), with what
// follows it starting on line limit (0-based). top marks the pairs of the
// document's top mapping.
type slot struct {
	parent *yaml.Node
	index  int
	limit  int
	top    bool
}

// patch returns the edited document, or errBail.
func patch(doc []byte, root *yaml.Node, v map[string]interface{}, lay layout, br string) ([]byte, error) {
	p := &patcher{l: newLines(doc), br: br, lay: lay}
	if err := p.value(root, v, slot{limit: p.l.count()}, false); err != nil {
		if errors.Is(err, errFlow) {
			err = errBail
		}
		return nil, err
	}
	out, err := p.apply()
	if err == nil && !endsWithEOL(doc) {
		out = trimEOL(out) // the last line may have gone, or new ones come after it
	}
	return out, err
}

// apply performs the edits, which must not overlap.
func (p *patcher) apply() ([]byte, error) {
	sort.SliceStable(p.edits, func(a, b int) bool {
		ea, eb := p.edits[a], p.edits[b]
		if ea.start != eb.start {
			return ea.start < eb.start
		}
		return ea.end-ea.start < eb.end-eb.start
	})
	src := p.l.src
	out := make([]byte, 0, len(src)+256)
	pos := 0
	for _, e := range p.edits {
		if e.start < pos || e.end < e.start {
			return nil, errBail
		}
		out = append(out, src[pos:e.start]...)
		out = append(out, e.text...)
		pos = e.end
	}
	return append(out, src[pos:]...), nil
}

// value makes node n, found at slot at, express v.
func (p *patcher) value(n *yaml.Node, v interface{}, at slot, flow bool) error {
	cur, err := nodeValue(n)
	if err != nil {
		return err
	}
	if equalValues(cur, v) {
		return nil
	}
	if n.Kind == yaml.AliasNode || (n.Anchor != "" && n.Kind != yaml.ScalarNode) {
		return p.replace(n, v, at, flow)
	}
	isFlow := n.Style&yaml.FlowStyle != 0
	switch x := v.(type) {
	case map[string]interface{}:
		if n.Kind != yaml.MappingNode || len(x) == 0 || len(n.Content) == 0 || (hasMergeKey(n) && (isFlow || flow)) {
			return p.replace(n, v, at, flow)
		}
		if isFlow || flow {
			return p.flow(n, v, flow, func() error { return p.flowMapping(n, x) })
		}
		return p.local(n, v, at, func() error { return p.blockMapping(n, x, at) })
	case []interface{}:
		if n.Kind != yaml.SequenceNode || len(x) == 0 || len(n.Content) == 0 {
			return p.replace(n, v, at, flow)
		}
		if isFlow || flow {
			return p.flow(n, v, flow, func() error { return p.flowSequence(n, x) })
		}
		return p.local(n, v, at, func() error { return p.blockSequence(n, x, at) })
	}
	if n.Kind == yaml.ScalarNode {
		if err := p.splice(n, v, flow); err == nil {
			return nil
		}
	}
	return p.replace(n, v, at, flow)
}

// splice replaces a single-line scalar's text with v's.
func (p *patcher) splice(n *yaml.Node, v interface{}, flow bool) error {
	start, end, ok := scalarSpan(p.l, n)
	if !ok {
		return errBail
	}
	text, ok := renderScalar(updatedScalar(n, v), flow)
	if !ok {
		return errBail
	}
	p.edits = append(p.edits, edit{start, end, text})
	return nil
}

// local patches a block collection with edits, and when they cannot be
// made, replaces the collection whole instead if no comment would be lost
// with it.
func (p *patcher) local(n *yaml.Node, v interface{}, at slot, edits func() error) error {
	mark := len(p.edits)
	err := edits()
	if !errors.Is(err, errBail) || at.parent == nil || hasComments(n, false) {
		return err
	}
	p.edits = p.edits[:mark]
	return p.replace(n, v, at, false)
}

// hasComments reports whether a node tree holds comments, not counting
// the top node's line comment unless line is set.
func hasComments(n *yaml.Node, line bool) bool {
	if n.HeadComment != "" || n.FootComment != "" || (line && n.LineComment != "") {
		return true
	}
	for _, c := range n.Content {
		if hasComments(c, true) {
			return true
		}
	}
	return false
}
