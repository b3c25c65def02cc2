package desired

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// parseJSON decodes a JSON file, one value or several in a row, into the
// same generic values as parseYAML. JSON is read by encoding/json rather
// than as YAML because yaml.v3 rejects valid JSON such as "\/" escapes and
// UTF-16 surrogate pairs.
func parseJSON(src []byte) ([]document, []error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	p := &jsonParser{dec: dec, src: src, starts: lineStarts(src)}
	var docs []document
	for i := 0; ; i++ {
		start := p.next()
		if start >= len(src) {
			return docs, nil
		}
		p.items = nil
		v, err := p.value(0, "")
		if err != nil {
			return docs, []error{p.error(err)}
		}
		docs = append(docs, document{index: i, line: p.lineAt(start), value: v, itemLines: p.items})
	}
}

type jsonParser struct {
	dec    *json.Decoder
	src    []byte
	starts []int
	// items are the lines of the elements of the top-level "items" array.
	items []int
}

// next returns the offset where the next token starts.
func (p *jsonParser) next() int {
	i := int(p.dec.InputOffset())
	for i < len(p.src) {
		switch p.src[i] {
		case ' ', '\t', '\r', '\n', ',', ':':
			i++
		default:
			return i
		}
	}
	return i
}

func (p *jsonParser) lineAt(off int) int {
	lo, hi := 0, len(p.starts)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if p.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + 1
}

func (p *jsonParser) value(depth int, key string) (interface{}, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return p.object(depth)
		}
		s := []interface{}{}
		for p.dec.More() {
			if depth == 1 && key == "items" {
				p.items = append(p.items, p.lineAt(p.next()))
			}
			v, err := p.value(depth+1, "")
			if err != nil {
				return nil, inField(err, len(s))
			}
			s = append(s, v)
		}
		_, err := p.dec.Token()
		return s, err
	case json.Number:
		if !strings.ContainsAny(string(t), ".eE") {
			if i, err := t.Int64(); err == nil {
				return i, nil
			}
		}
		f, err := t.Float64()
		if err != nil {
			line := p.lineAt(max(int(p.dec.InputOffset())-1, 0))
			return nil, &fieldError{line: line, msg: fmt.Sprintf("number %s is too large for a 64-bit float", t)}
		}
		return f, nil
	}
	return tok, nil
}

func (p *jsonParser) object(depth int) (interface{}, error) {
	m := map[string]interface{}{}
	for p.dec.More() {
		at := p.next()
		kt, err := p.dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := kt.(string)
		if _, dup := m[k]; dup {
			return nil, &lineError{p.lineAt(at), fmt.Sprintf("duplicate key %q", k)}
		}
		v, err := p.value(depth+1, k)
		if err != nil {
			return nil, inField(err, k)
		}
		m[k] = v
	}
	_, err := p.dec.Token()
	return m, err
}

// fieldError is a value JSON reads but the reader cannot carry, at a
// field whose path is built while the error returns up the tree.
type fieldError struct {
	line int
	path []interface{}
	msg  string
}

func (e *fieldError) Error() string { return fmt.Sprintf("%s: %s", fieldPath(e.path), e.msg) }

// inField prepends a key or index to the path of a *fieldError.
func inField(err error, at interface{}) error {
	if fe, ok := err.(*fieldError); ok {
		fe.path = append([]interface{}{at}, fe.path...)
	}
	return err
}

// error gives a decoding error the line where it happened.
func (p *jsonParser) error(err error) error {
	var le *lineError
	if errors.As(err, &le) {
		return le
	}
	if fe, ok := err.(*fieldError); ok {
		return &lineError{fe.line, fe.Error()}
	}
	off := int(p.dec.InputOffset())
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = int(se.Offset)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		msg = "unexpected end of JSON input"
		off = len(p.src)
	}
	return &lineError{p.lineAt(max(off-1, 0)), "invalid JSON: " + msg}
}
