package manifest

import (
	"bytes"
	"errors"

	"go.yaml.in/yaml/v3"
)

// flow patches a flow collection. Inside another flow collection (inner),
// a structural change is left to the outermost one, which then rewrites
// its whole text.
func (p *patcher) flow(n *yaml.Node, v interface{}, inner bool, children func() error) error {
	if inner {
		return children()
	}
	mark := len(p.edits)
	err := children()
	if !errors.Is(err, errFlow) {
		return err
	}
	p.edits = p.edits[:mark]
	return p.rewriteFlow(n, v)
}

func (p *patcher) flowMapping(n *yaml.Node, m map[string]interface{}) error {
	if len(n.Content)/2 != len(m) {
		return errFlow
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		v, ok := m[n.Content[i].Value]
		if !ok || n.Content[i].Kind != yaml.ScalarNode {
			return errFlow
		}
		if err := p.value(n.Content[i+1], v, slot{}, true); err != nil {
			return err
		}
	}
	return nil
}

func (p *patcher) flowSequence(n *yaml.Node, s []interface{}) error {
	if len(n.Content) != len(s) {
		return errFlow
	}
	for i, e := range n.Content {
		if err := p.value(e, s[i], slot{}, true); err != nil {
			return err
		}
	}
	return nil
}

// rewriteFlow replaces the text of flow collection n, which must hold no
// comments, with a one-line encoding of it updated to v.
func (p *patcher) rewriteFlow(n *yaml.Node, v interface{}) error {
	start, ok := p.l.offset(n.Line, n.Column)
	if !ok || start >= len(p.l.src) || (p.l.src[start] != '{' && p.l.src[start] != '[') {
		return errBail
	}
	end, ok := flowEnd(p.l.src, start)
	if !ok {
		return errBail
	}
	c := copyNode(n)
	stripComments(c)
	text, err := encodeNode(mergeNode(c, v), p.lay)
	if err != nil {
		return err
	}
	text = trimEOL(text)
	if bytes.ContainsAny(text, "\r\n") {
		return errBail
	}
	p.edits = append(p.edits, edit{start, end, string(text)})
	return nil
}

// flowEnd returns the offset after the bracket that closes the flow
// collection opening at start; ok is false when it is not found or a
// comment lies inside.
func flowEnd(src []byte, start int) (int, bool) {
	depth := 0
	for i := start; i < len(src); i++ {
		tokenStart := i == start || bytes.IndexByte([]byte(" \t\r\n{[,:"), src[i-1]) >= 0
		switch c := src[i]; {
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth--; depth == 0 {
				return i + 1, true
			}
		case c == '#' && tokenStart:
			return 0, false
		case (c == '"' || c == '\'') && tokenStart:
			n := quotedLen(src[i:], c)
			if n == 0 {
				return 0, false
			}
			i += n - 1
		}
	}
	return 0, false
}

func stripComments(n *yaml.Node) {
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for _, c := range n.Content {
		stripComments(c)
	}
}
