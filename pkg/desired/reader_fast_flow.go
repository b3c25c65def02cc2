package desired

import "strings"

// maxFlowDepth bounds the nesting of flow collections on the fast path.
const maxFlowDepth = 32

// flowValue reads a one-line flow value at s[i:] for the fast path: a flow
// mapping {key: value, ...} with plain keys, a flow sequence [a, b], or a
// quoted or plain scalar inside them. It returns the index after the value
// and gives up on anything less simple, such as a trailing comma, a colon
// or '#' in a plain scalar, or a collection not closed on the line.
func flowValue(s string, i, depth int) (interface{}, int, bool) {
	i = skipSpaces(s, i)
	if i >= len(s) || depth > maxFlowDepth {
		return nil, i, false
	}
	switch s[i] {
	case '{':
		m := map[string]interface{}{}
		i = skipSpaces(s, i+1)
		if i < len(s) && s[i] == '}' {
			return m, i + 1, true
		}
		for {
			j := i
			for j < len(s) && isKeyChar(s[j]) {
				j++
			}
			if j == i || j+1 >= len(s) || s[j] != ':' || s[j+1] != ' ' || s[i] == '-' {
				return nil, i, false
			}
			key := s[i:j]
			if _, dup := m[key]; dup {
				return nil, i, false
			}
			v, next, ok := flowValue(s, j+2, depth+1)
			if !ok {
				return nil, i, false
			}
			m[key] = v
			if i, ok = flowSeparator(s, next, '}'); !ok || i < 0 {
				return m, -i, ok
			}
		}
	case '[':
		seq := []interface{}{}
		i = skipSpaces(s, i+1)
		if i < len(s) && s[i] == ']' {
			return seq, i + 1, true
		}
		for {
			v, next, ok := flowValue(s, i, depth+1)
			if !ok {
				return nil, i, false
			}
			seq = append(seq, v)
			if i, ok = flowSeparator(s, next, ']'); !ok || i < 0 {
				return seq, -i, ok
			}
		}
	case '"':
		j := strings.IndexByte(s[i+1:], '"')
		if j < 0 {
			return nil, i, false
		}
		return s[i+1 : i+1+j], i + j + 2, true
	case '\'':
		j := strings.IndexByte(s[i+1:], '\'')
		if j < 0 || (i+j+2 < len(s) && s[i+j+2] == '\'') {
			return nil, i, false // unterminated, or an escaped quote
		}
		return s[i+1 : i+1+j], i + j + 2, true
	}
	j := i
	for j < len(s) && !strings.ContainsRune(",[]{}:#", rune(s[j])) {
		j++
	}
	text := strings.TrimRight(s[i:j], " ")
	if text == "" || strings.ContainsRune("&*!|>%@`?'\"", rune(text[0])) || (text[0] == '-' && (len(text) == 1 || text[1] == ' ')) {
		return nil, i, false
	}
	if j < len(s) && (s[j] == ':' || s[j] == '#') {
		return nil, i, false
	}
	if plainString(text) {
		return text, j, true
	}
	v, ok := plainScalar(text)
	return v, j, ok
}

// flowSeparator reads what follows an entry: ", " and another entry (it
// returns the entry's index), or the closing bracket (it returns minus the
// index after it).
func flowSeparator(s string, i int, closing byte) (int, bool) {
	i = skipSpaces(s, i)
	switch {
	case i < len(s) && s[i] == closing:
		return -(i + 1), true
	case i < len(s) && s[i] == ',':
		i = skipSpaces(s, i+1)
		if i >= len(s) || s[i] == closing || s[i] == ',' {
			return 0, false // a trailing or doubled comma
		}
		return i, true
	}
	return 0, false
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}
