package desired

import (
	"strings"
	"unicode/utf8"
)

// parseSimpleYAML is a fast path for the plain block YAML that Kubernetes
// manifests are nearly always written in: block mappings and sequences,
// single-line plain or quoted scalars, "{}" and "[]", comments and "---".
// Values come out exactly as parseYAML makes them (plain scalars are
// resolved by yaml.v3 itself). It gives up, returning ok=false, at anything
// else — flow collections, block scalars, anchors, tags, multi-line
// scalars, escapes, tabs, odd indentation, duplicate keys, any error — and
// the caller then parses the file with yaml.v3, which also reports errors.
func parseSimpleYAML(src []byte) (docs []document, ok bool) {
	text := string(src)
	if !simpleChars(text) {
		return nil, false
	}
	var p simpleParser
	index, content, started := 0, false, false
	flush := func() bool {
		if started || content {
			if len(p.lines) > 0 {
				doc, ok := p.document(index)
				if !ok {
					return false
				}
				if doc.value != nil {
					docs = append(docs, doc)
				}
			}
			index++
		}
		p.lines, p.pos, content = p.lines[:0], 0, false
		return true
	}
	num := 0
	for len(text) > 0 {
		num++
		ln, rest, _ := strings.Cut(text, "\n")
		text = rest
		trimmed := strings.TrimRight(ln, " ")
		body := strings.TrimLeft(trimmed, " ")
		switch {
		case body == "" || body[0] == '#':
			continue
		case strings.HasPrefix(trimmed, "---"):
			if trimmed != "---" && !strings.HasPrefix(trimmed, "--- #") {
				return nil, false
			}
			if !flush() {
				return nil, false
			}
			started = true
			continue
		case strings.HasPrefix(trimmed, "...") || trimmed[0] == '%':
			return nil, false
		}
		content = true
		p.lines = append(p.lines, simpleLine{num: num, indent: len(trimmed) - len(body), text: body})
	}
	if !flush() {
		return nil, false
	}
	return docs, true
}

// simpleChars says whether text holds only characters YAML allows, minus
// tabs, carriage returns, backslashes and byte order marks.
func simpleChars(text string) bool {
	for i := 0; i < len(text); i++ {
		if c := text[i]; c >= 0x80 {
			return printableUnicode(text[i:])
		} else if (c < 0x20 && c != '\n') || c == 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

func printableUnicode(text string) bool {
	if !utf8.ValidString(text) {
		return false
	}
	for _, r := range text {
		switch {
		case r == '\n', r >= 0x20 && r < 0x7f && r != '\\', r == 0x85,
			r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD && r != 0xFEFF, r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}

type simpleLine struct {
	num, indent int
	text        string
}

type simpleParser struct {
	lines []simpleLine
	pos   int
	items []int
}

func (p *simpleParser) document(index int) (document, bool) {
	p.items = nil
	first := p.lines[0]
	if first.indent != 0 {
		return document{}, false
	}
	var v interface{}
	var ok bool
	if _, _, isKey := splitKey(first.text); len(p.lines) == 1 && !isKey && !isSeqItem(first.text) {
		v, ok = simpleScalar(first.text) // a document that is one scalar
		p.pos = 1
	} else {
		v, ok = p.block(0, 0, "")
	}
	if !ok || p.pos != len(p.lines) {
		return document{}, false
	}
	doc := document{index: index, line: first.num, value: v}
	if m, isMap := v.(map[string]interface{}); isMap && m["kind"] == "List" {
		doc.itemLines = p.items
	}
	return doc, true
}

func isSeqItem(s string) bool { return s == "-" || strings.HasPrefix(s, "- ") }

// block parses the mapping or sequence whose lines are indented by indent;
// depth is 0 for the document's top level and key the mapping key holding
// the block.
func (p *simpleParser) block(indent, depth int, key string) (interface{}, bool) {
	if isSeqItem(p.lines[p.pos].text) {
		return p.sequence(indent, depth, key)
	}
	return p.mapping(indent, depth)
}

func (p *simpleParser) mapping(indent, depth int) (interface{}, bool) {
	m := map[string]interface{}{}
	for p.pos < len(p.lines) && p.lines[p.pos].indent == indent {
		l := p.lines[p.pos]
		key, rest, ok := splitKey(l.text)
		if !ok {
			return nil, false
		}
		if _, dup := m[key]; dup {
			return nil, false
		}
		p.pos++
		var v interface{}
		if rest == "" {
			if p.pos < len(p.lines) {
				next := p.lines[p.pos]
				if next.indent > indent {
					v, ok = p.block(next.indent, depth+1, key)
				} else if next.indent == indent && isSeqItem(next.text) {
					v, ok = p.sequence(indent, depth+1, key)
				}
			}
		} else {
			v, ok = simpleScalar(rest)
			if p.pos < len(p.lines) && p.lines[p.pos].indent > indent {
				return nil, false // a continuation line or a bad indentation
			}
		}
		if !ok {
			return nil, false
		}
		m[key] = v
	}
	if p.pos < len(p.lines) && p.lines[p.pos].indent > indent {
		return nil, false
	}
	return m, true
}

// sequence parses "- " items at indent; key is the mapping key holding the
// sequence, to record the lines of a top-level "items" list.
func (p *simpleParser) sequence(indent, depth int, key string) (interface{}, bool) {
	s := []interface{}{}
	topItems := depth == 1 && key == "items"
	if topItems {
		p.items = nil
	}
	for p.pos < len(p.lines) && p.lines[p.pos].indent == indent && isSeqItem(p.lines[p.pos].text) {
		l := p.lines[p.pos]
		rest := strings.TrimLeft(l.text[1:], " ")
		line := l.num
		var v interface{}
		var ok = true
		switch _, _, isKey := splitKey(rest); {
		case rest == "":
			p.pos++
			if p.pos < len(p.lines) && p.lines[p.pos].indent > indent {
				line = p.lines[p.pos].num
				v, ok = p.block(p.lines[p.pos].indent, depth+1, "")
			}
		case isSeqItem(rest):
			return nil, false
		case isKey:
			// A compact mapping: its keys line up with the first one.
			col := indent + len(l.text) - len(rest)
			p.lines[p.pos] = simpleLine{num: l.num, indent: col, text: rest}
			v, ok = p.mapping(col, depth+1)
		default:
			p.pos++
			v, ok = simpleScalar(rest)
			if p.pos < len(p.lines) && p.lines[p.pos].indent > indent {
				return nil, false
			}
		}
		if !ok {
			return nil, false
		}
		if topItems {
			p.items = append(p.items, line)
		}
		s = append(s, v)
	}
	if p.pos < len(p.lines) && p.lines[p.pos].indent > indent {
		return nil, false
	}
	return s, true
}

// maxImplicitKey is the longest plain key YAML allows.
const maxImplicitKey = 1024

// splitKey splits "key: rest" or "key:" with a plain key of safe characters.
func splitKey(s string) (key, rest string, ok bool) {
	i := 0
	for i < len(s) && isKeyChar(s[i]) {
		i++
	}
	// YAML caps an implicit key at 1024 characters; yaml.v3 rejects a longer
	// one, so such a line is left to it.
	if i == 0 || i > maxImplicitKey || i == len(s) || s[i] != ':' || s[0] == '-' || s[:i] == "<<" {
		return "", "", false
	}
	rest = s[i+1:]
	if rest != "" && rest[0] != ' ' {
		return "", "", false
	}
	rest = strings.TrimLeft(rest, " ")
	if strings.HasPrefix(rest, "#") {
		rest = ""
	}
	return s[:i], rest, true
}

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '/'
}

// simpleScalar reads a one-line scalar, or a one-line flow collection, with
// an optional trailing comment.
// The file holds no backslash, so double quotes need no unescaping.
func simpleScalar(s string) (interface{}, bool) {
	switch s[0] {
	case '"':
		j := strings.IndexByte(s[1:], '"')
		if j < 0 || !onlyComment(s[j+2:]) {
			return nil, false
		}
		return s[1 : j+1], true
	case '\'':
		return singleQuoted(s)
	case '[', '{':
		v, end, ok := flowValue(s, 0, 0)
		if !ok || !onlyComment(s[end:]) {
			return nil, false
		}
		return v, true
	case ']', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`', ',', '?', ':':
		return nil, false
	}
	if s[0] == '-' && (len(s) == 1 || s[1] == ' ') {
		return nil, false
	}
	if i := strings.Index(s, " #"); i >= 0 {
		s = strings.TrimRight(s[:i], " ")
	}
	if strings.Contains(s, ": ") || strings.HasSuffix(s, ":") {
		return nil, false
	}
	if plainString(s) {
		return s, true
	}
	return plainScalar(s)
}

// plainString says whether yaml.v3 surely resolves a plain scalar to a
// string: it starts with a character that begins no other type, or it is
// number-like but holds a character no number or timestamp has.
func plainString(s string) bool {
	switch c := s[0]; {
	case c >= '0' && c <= '9', c == '+', c == '-', c == '.':
		for i := 1; i < len(s); i++ {
			switch c := s[i]; {
			case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z',
				c == '+', c == '-', c == '.', c == '_', c == ':', c == ' ':
			default:
				return true
			}
		}
		return false
	case strings.IndexByte("yYnNtTfFoO~<", c) >= 0:
		switch s {
		case "true", "True", "TRUE", "false", "False", "FALSE", "~", "null", "Null", "NULL", "<<":
			return false
		}
		return true
	}
	return true
}

// singleQuoted reads a one-line single-quoted scalar, where ” is a quote.
func singleQuoted(s string) (interface{}, bool) {
	var sb strings.Builder
	i := 1
	for {
		j := strings.IndexByte(s[i:], '\'')
		if j < 0 {
			return nil, false
		}
		if i+j+1 < len(s) && s[i+j+1] == '\'' {
			sb.WriteString(s[i : i+j+1])
			i += j + 2
			continue
		}
		if !onlyComment(s[i+j+1:]) {
			return nil, false
		}
		if sb.Len() == 0 {
			return s[i : i+j], true
		}
		sb.WriteString(s[i : i+j])
		return sb.String(), true
	}
}

// onlyComment says whether what follows a quoted scalar is nothing, or
// spaces and a comment.
func onlyComment(tail string) bool {
	t := strings.TrimLeft(tail, " ")
	return t == "" || (t[0] == '#' && len(t) < len(tail))
}
