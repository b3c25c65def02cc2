package manifest

import (
	"bytes"
	"strings"

	"go.yaml.in/yaml/v3"
)

// region locates the pair or element at slot at: start is the offset of
// its key or "- "; its text runs from line first to line last, less the
// blank lines and the comments indented no deeper than it that come
// before what follows; indent is the column of start.
func (p *patcher) region(at slot) (start, first, last, indent int, err error) {
	n := at.parent
	ok := false
	if n == nil {
		return 0, 0, 0, 0, errBail
	}
	if n.Kind == yaml.MappingNode {
		start, ok = p.l.offset(n.Content[2*at.index].Line, n.Content[2*at.index].Column)
	} else {
		start, ok = p.dash(n.Content[at.index])
	}
	if !ok {
		return 0, 0, 0, 0, errBail
	}
	first = p.l.lineOf(start)
	indent = start - p.l.start(first)
	if at.limit <= first || !dashesAndSpaces(p.l.src[p.l.start(first):start]) {
		return 0, 0, 0, 0, errBail
	}
	last = at.limit - 1
	for last > first && (p.l.blank(last) || (p.l.comment(last) && p.l.indent(last) <= indent)) {
		last--
	}
	return start, first, last, indent, nil
}

// dash finds the "-" that introduces list element e.
func (p *patcher) dash(e *yaml.Node) (int, bool) {
	off, ok := p.l.offset(e.Line, e.Column)
	if !ok {
		return 0, false
	}
	src := p.l.src
	i := off - 1
	for i >= 0 && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
		i--
	}
	if i < 0 || src[i] != '-' {
		return 0, false
	}
	return i, true
}

// head returns the first line of the comments right above line first,
// indented exactly like it, that introduce it.
func (p *patcher) head(first, indent int) int {
	for first > 0 && p.l.comment(first-1) && p.l.indent(first-1) == indent {
		first--
	}
	return first
}

// remove cuts out the pair or element at slot at whole lines, with the
// comments that introduce it (except for the document's first key, whose
// comments introduce the document). The blank lines before it go too when
// blank lines follow it or it is the last of its collection: they
// separated it from what came before.
func (p *patcher) remove(at slot) error {
	start, first, last, indent, err := p.region(at)
	if err != nil {
		return err
	}
	if !onlySpaces(p.l.src[p.l.start(first):start]) {
		return errBail
	}
	from := first
	if !at.top || at.index > 0 {
		from = p.head(first, indent)
	}
	size := len(at.parent.Content)
	if at.parent.Kind == yaml.MappingNode {
		size /= 2
	}
	lastOne := at.index == size-1
	if from > 0 && p.l.blank(from-1) && (lastOne || (last+1 < p.l.count() && p.l.blank(last+1))) {
		for from > 0 && p.l.blank(from-1) {
			from--
		}
	}
	p.edits = append(p.edits, edit{p.l.start(from), p.l.start(last + 1), ""})
	return nil
}

// removeFromDash removes the first r pairs of block mapping n when the
// first sits on its list element's "- " line: the next pair moves up onto
// that line when only blank lines lie between, and otherwise the "-" ends
// its line. done is false when the first pair starts its own line.
func (p *patcher) removeFromDash(n *yaml.Node, r int, at slot) (done bool, err error) {
	start, first, _, _, err := p.region(p.child(n, 0, at))
	if err != nil {
		return false, err
	}
	prefix := p.l.src[p.l.start(first):start]
	if onlySpaces(prefix) {
		return false, nil
	}
	_, _, last, _, err := p.region(p.child(n, r-1, at))
	if err != nil {
		return false, err
	}
	next := n.Content[2*r]
	nextOff, ok := p.l.offset(next.Line, next.Column)
	if !ok {
		return false, errBail
	}
	between := true
	for j := last + 1; j < next.Line-1; j++ {
		between = between && p.l.blank(j)
	}
	if between {
		p.edits = append(p.edits, edit{start, nextOff, ""})
	} else {
		dashEnd := p.l.start(first) + bytes.LastIndexByte(prefix, '-') + 1
		p.edits = append(p.edits, edit{dashEnd, p.l.end(last), ""})
	}
	return true, nil
}

// replace swaps the value at slot at for a new encoding of v, keeping the
// key and the line comment; the old value's inner comments go with it.
func (p *patcher) replace(n *yaml.Node, v interface{}, at slot, flow bool) error {
	if flow {
		return errFlow
	}
	start, _, last, indent, err := p.region(at)
	if err != nil {
		return err
	}
	e := &emitter{lay: p.lay}
	lc := n.LineComment
	if at.parent.Kind == yaml.MappingNode {
		k := at.parent.Content[2*at.index]
		if k.LineComment != "" {
			lc = k.LineComment
		}
		key := &yaml.Node{Kind: yaml.ScalarNode, Tag: k.Tag, Value: k.Value, Style: k.Style &^ yaml.TaggedStyle}
		err = e.pair("", indent, key, v)
	} else {
		err = e.value("-", indent, v, false)
	}
	if err != nil {
		return err
	}
	if lc != "" && !strings.Contains(lc, "\n") {
		e.lines[0] += " " + lc
	}
	p.edits = append(p.edits, edit{start, p.l.end(last), strings.Join(e.lines, p.br)})
	return nil
}

// insertAfter adds the pairs or elements of fresh on new lines after the
// pair or element at slot at.
func (p *patcher) insertAfter(at slot, fresh interface{}) error {
	_, _, last, indent, err := p.region(at)
	if err != nil {
		return err
	}
	text, err := p.emit(fresh, indent)
	if err != nil {
		return err
	}
	if last+1 == p.l.count() && !endsWithEOL(p.l.src) {
		p.edits = append(p.edits, edit{len(p.l.src), len(p.l.src), p.br + text})
		return nil
	}
	pos := p.l.start(last + 1)
	p.edits = append(p.edits, edit{pos, pos, text + p.br})
	return nil
}

// insertBefore adds the elements of fresh on new lines before the element
// at slot at and the comments that introduce it.
func (p *patcher) insertBefore(at slot, fresh []interface{}) error {
	start, first, _, indent, err := p.region(at)
	if err != nil {
		return err
	}
	if !onlySpaces(p.l.src[p.l.start(first):start]) {
		return errBail
	}
	text, err := p.emit(fresh, indent)
	if err != nil {
		return err
	}
	pos := p.l.start(p.head(first, indent))
	p.edits = append(p.edits, edit{pos, pos, text + p.br})
	return nil
}

// emit writes the pairs of a mapping or the elements of a list, their
// keys or "-" at column col, as lines without a final line break.
func (p *patcher) emit(fresh interface{}, col int) (string, error) {
	e := &emitter{lay: p.lay}
	switch x := fresh.(type) {
	case map[string]interface{}:
		for _, k := range sortedKeys(x) {
			if err := e.pair(pad(col), col, keyNode(k), x[k]); err != nil {
				return "", err
			}
		}
	case []interface{}:
		for _, it := range x {
			if err := e.value(pad(col)+"-", col, it, false); err != nil {
				return "", err
			}
		}
	}
	return strings.Join(e.lines, p.br), nil
}

func onlySpaces(b []byte) bool {
	return len(bytes.Trim(b, " ")) == 0
}

// dashesAndSpaces reports whether b holds only spaces and "-" indicators:
// what may precede a block pair or element on its line.
func dashesAndSpaces(b []byte) bool {
	for i, c := range b {
		if c != ' ' && !(c == '-' && (i+1 == len(b) || b[i+1] == ' ')) {
			return false
		}
	}
	return true
}
