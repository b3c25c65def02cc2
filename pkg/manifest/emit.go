package manifest

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// emitter writes new values, which have no comments, as block YAML lines
// in a document's layout, so that what Rewrite adds to a document nests
// the way the document already does.
type emitter struct {
	lay   layout
	lines []string
}

func pad(n int) string { return strings.Repeat(" ", n) }

// pair writes "key: value"; lead is the text before the key on its line,
// col the key's column.
func (e *emitter) pair(lead string, col int, k *yaml.Node, v interface{}) error {
	key, ok := renderOne(k)
	if !ok {
		dq := *k
		dq.Style = yaml.DoubleQuotedStyle
		if key, ok = renderOne(&dq); !ok {
			return errBail
		}
	}
	return e.value(lead+key+":", col, v, true)
}

// value writes v after head, the text so far of its line: "key:" when
// inMap, else "-". col is the column of the key or "-".
func (e *emitter) value(head string, col int, v interface{}, inMap bool) error {
	switch x := v.(type) {
	case map[string]interface{}:
		if len(x) == 0 {
			e.lines = append(e.lines, head+" {}")
			return nil
		}
		c, lead := col+e.lay.indent, ""
		if inMap {
			e.lines = append(e.lines, head)
		} else {
			c, lead = col+e.lay.itemOff, head+pad(e.lay.itemOff-1)
		}
		for _, k := range sortedKeys(x) {
			if lead == "" {
				lead = pad(c)
			}
			if err := e.pair(lead, c, keyNode(k), x[k]); err != nil {
				return err
			}
			lead = ""
		}
		return nil
	case []interface{}:
		if len(x) == 0 {
			e.lines = append(e.lines, head+" []")
			return nil
		}
		c, lead := col+e.lay.seqOff, ""
		if inMap {
			e.lines = append(e.lines, head)
		} else {
			c, lead = col+e.lay.itemOff, head+pad(e.lay.itemOff-1)+"-"
		}
		for _, it := range x {
			if lead == "" {
				lead = pad(c) + "-"
			}
			if err := e.value(lead, c, it, false); err != nil {
				return err
			}
			lead = ""
		}
		return nil
	}
	inner := col + e.lay.indent
	if !inMap {
		inner = col + e.lay.itemOff
	}
	return e.scalar(head, inner, scalarNode(v))
}

// scalar writes a scalar after head; the lines of a block scalar go at
// column inner.
func (e *emitter) scalar(head string, inner int, n *yaml.Node) error {
	if text, ok := renderOne(n); ok {
		e.lines = append(e.lines, head+" "+text)
		return nil
	}
	// A literal block: yaml.v3 writes its lines 2 columns in. One whose
	// header needs an indentation digit is written double-quoted instead.
	b, err := encodeNode(n, kubectl)
	if err != nil {
		return err
	}
	ls := strings.Split(string(trimEOL(b)), "\n")
	if h := ls[0]; (h[0] != '|' && h[0] != '>') || strings.ContainsAny(h, "123456789") {
		dq := *n
		dq.Style = yaml.DoubleQuotedStyle
		text, ok := renderOne(&dq)
		if !ok {
			return errBail
		}
		e.lines = append(e.lines, head+" "+text)
		return nil
	}
	e.lines = append(e.lines, head+" "+ls[0])
	for _, l := range ls[1:] {
		if l != "" {
			l = pad(inner) + strings.TrimPrefix(l, "  ")
		}
		e.lines = append(e.lines, l)
	}
	return nil
}
