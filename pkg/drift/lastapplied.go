package drift

import (
	"encoding/json"
	"strconv"
	"strings"
)

// The last-applied-configuration annotation is JSON text. Decoding it whole
// for every object that has a field only in the cluster would dominate the
// cost of a comparison, so lookups scan the text for the one value they
// need and decode only that, and only when it is a map.

// lookupJSON returns the raw JSON text of the value at path in doc.
func lookupJSON(doc string, path []string) (string, bool) {
	s := jsonScanner{s: doc}
	for _, seg := range path {
		s.ws()
		switch s.peek() {
		case '{':
			if !s.enterKey(seg) {
				return "", false
			}
		case '[':
			n, err := strconv.Atoi(seg)
			if err != nil || n < 0 || !s.enterIndex(n) {
				return "", false
			}
		default:
			return "", false
		}
	}
	s.ws()
	start := s.i
	if !s.skipValue() {
		return "", false
	}
	return doc[start:s.i], true
}

// jsonScanner walks JSON text without building values.
type jsonScanner struct {
	s string
	i int
}

func (s *jsonScanner) peek() byte {
	if s.i < len(s.s) {
		return s.s[s.i]
	}
	return 0
}

func (s *jsonScanner) ws() {
	for s.i < len(s.s) {
		switch s.s[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// consume skips whitespace and then c, reporting whether c was there.
func (s *jsonScanner) consume(c byte) bool {
	s.ws()
	if s.peek() != c {
		return false
	}
	s.i++
	return true
}

// enterKey moves from an object's "{" to the value of key.
func (s *jsonScanner) enterKey(key string) bool {
	s.i++
	if s.consume('}') {
		return false
	}
	for {
		s.ws()
		start := s.i
		if !s.skipString() {
			return false
		}
		if !s.consume(':') {
			return false
		}
		if keyEquals(s.s[start:s.i-1], key) {
			s.ws()
			return true
		}
		// s.i is past ":"; skip the value and the separator.
		s.ws()
		if !s.skipValue() || !s.consume(',') {
			return false
		}
	}
}

// keyEquals compares a raw JSON string token (trailing spaces allowed
// before the colon) with a key.
func keyEquals(raw, key string) bool {
	raw = strings.TrimRight(raw, " \t\n\r")
	if !strings.Contains(raw, `\`) {
		return len(raw) == len(key)+2 && raw[1:len(raw)-1] == key
	}
	var k string
	return json.Unmarshal([]byte(raw), &k) == nil && k == key
}

// enterIndex moves from an array's "[" to its n-th element.
func (s *jsonScanner) enterIndex(n int) bool {
	s.i++
	if s.consume(']') {
		return false
	}
	for ; n > 0; n-- {
		s.ws()
		if !s.skipValue() || !s.consume(',') {
			return false
		}
	}
	s.ws()
	return true
}

func (s *jsonScanner) skipString() bool {
	if s.peek() != '"' {
		return false
	}
	for s.i++; s.i < len(s.s); s.i++ {
		switch s.s[s.i] {
		case '\\':
			s.i++
		case '"':
			s.i++
			return true
		}
	}
	return false
}

// skipValue moves past one value of any type.
func (s *jsonScanner) skipValue() bool {
	switch c := s.peek(); c {
	case '"':
		return s.skipString()
	case '{', '[':
		depth := 0
		for s.i < len(s.s) {
			switch s.s[s.i] {
			case '"':
				if !s.skipString() {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return true
				}
			}
			s.i++
		}
		return false
	case 0, ',', ':', '}', ']':
		return false
	default:
		start := s.i
		for s.i < len(s.s) && !strings.ContainsRune(" \t\n\r,}]", rune(s.s[s.i])) {
			s.i++
		}
		return s.i > start
	}
}
