package manifest

import (
	"bytes"
	"strings"

	"go.yaml.in/yaml/v3"
)

const (
	quoted = yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle
	block  = yaml.LiteralStyle | yaml.FoldedStyle
)

// updatedScalar builds the node of scalar v replacing node old: it keeps
// old's comments and anchor, its quoting or block style when v is a string
// that style suits, and its custom tag when v is a string.
func updatedScalar(old *yaml.Node, v interface{}) *yaml.Node {
	n := scalarNode(v)
	n.HeadComment, n.LineComment, n.FootComment = old.HeadComment, old.LineComment, old.FootComment
	n.Anchor = old.Anchor
	s, ok := v.(string)
	if !ok || old.Kind != yaml.ScalarNode {
		return n
	}
	multiline := strings.Contains(s, "\n")
	switch {
	case old.Style&quoted != 0 && !multiline:
		n.Style = old.Style & quoted
	case yaml11Special(s):
		// scalarNode quoted it: plain, it would change meaning in YAML 1.1
	case old.Style&block != 0 && multiline:
		n.Style = old.Style & block
	}
	if t := old.Tag; t != "" && t[0] == '!' && !strings.HasPrefix(t, "!!") {
		n.Tag = t
	}
	return n
}

// renderScalar writes a scalar node as the single line of text it takes in
// a document; ok is false when it takes more than one line. Inside a flow
// collection, text holding flow indicators is double-quoted.
func renderScalar(n *yaml.Node, flow bool) (string, bool) {
	c := *n
	c.HeadComment, c.LineComment, c.FootComment, c.Anchor = "", "", "", ""
	text, ok := renderOne(&c)
	if ok && flow && c.Style&quoted == 0 && strings.ContainsAny(text, ",[]{}#:?") {
		c.Style = yaml.DoubleQuotedStyle
		text, ok = renderOne(&c)
	}
	return text, ok
}

func renderOne(n *yaml.Node) (string, bool) {
	b, err := encodeNode(n, kubectl)
	if err != nil {
		return "", false
	}
	b = trimEOL(b)
	if bytes.ContainsAny(b, "\r\n") {
		return "", false
	}
	return string(b), true
}

// scalarSpan finds the text of a scalar written on a single line, without
// anchor or tag: [start, end) in l. ok is false for other scalars.
func scalarSpan(l *lines, n *yaml.Node) (start, end int, ok bool) {
	if n.Kind != yaml.ScalarNode || n.Anchor != "" || n.Style&(yaml.TaggedStyle|block) != 0 {
		return 0, 0, false
	}
	start, ok = l.offset(n.Line, n.Column)
	if !ok {
		return 0, 0, false
	}
	text := l.src[start:l.end(n.Line-1)]
	var size int
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		size = quotedLen(text, '"')
	case n.Style&yaml.SingleQuotedStyle != 0:
		size = quotedLen(text, '\'')
	case n.Value != "" && bytes.HasPrefix(text, []byte(n.Value)):
		size = len(n.Value)
	}
	if size == 0 {
		return 0, 0, false
	}
	return start, start + size, true
}

// quotedLen returns the length of the quoted scalar that starts text,
// quote marks included, or 0 when it does not close on this line.
func quotedLen(text []byte, q byte) int {
	if len(text) == 0 || text[0] != q {
		return 0
	}
	for i := 1; i < len(text); i++ {
		switch {
		case q == '"' && text[i] == '\\':
			i++
		case text[i] == q && q == '\'' && i+1 < len(text) && text[i+1] == '\'':
			i++
		case text[i] == q:
			return i + 1
		}
	}
	return 0
}
