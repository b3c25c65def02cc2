package drift

import (
	"fmt"
	"strconv"
	"strings"
)

// EscapePointerSegment escapes one JSON pointer reference token as RFC 6901
// requires: "~" becomes "~0" and "/" becomes "~1".
func EscapePointerSegment(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	s = strings.ReplaceAll(s, "~", "~0")
	return strings.ReplaceAll(s, "/", "~1")
}

// FormatPointer joins reference tokens into a JSON pointer. No tokens give
// "", the pointer to the whole document.
func FormatPointer(segs []string) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(EscapePointerSegment(s))
	}
	return b.String()
}

// ParsePointer splits a JSON pointer into unescaped reference tokens. The
// empty pointer gives no tokens; any other pointer must start with "/".
func ParsePointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if p[0] != '/' {
		return nil, fmt.Errorf("JSON pointer %q must start with \"/\"", p)
	}
	parts := strings.Split(p[1:], "/")
	for i, s := range parts {
		u, err := unescapeSegment(s)
		if err != nil {
			return nil, fmt.Errorf("JSON pointer %q: %w", p, err)
		}
		parts[i] = u
	}
	return parts, nil
}

func unescapeSegment(s string) (string, error) {
	if !strings.Contains(s, "~") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '~' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 == len(s) || (s[i+1] != '0' && s[i+1] != '1') {
			return "", fmt.Errorf("bad escape in %q: \"~\" must be followed by 0 or 1", s)
		}
		if s[i+1] == '0' {
			b.WriteByte('~')
		} else {
			b.WriteByte('/')
		}
		i++
	}
	return b.String(), nil
}

// comparePaths orders reference-token lists segment by segment; two list
// indexes compare as numbers so that /x/2 sorts before /x/10.
func comparePaths(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] == b[i] {
			continue
		}
		ai, aerr := strconv.Atoi(a[i])
		bi, berr := strconv.Atoi(b[i])
		if aerr == nil && berr == nil && ai != bi {
			if ai < bi {
				return -1
			}
			return 1
		}
		if a[i] < b[i] {
			return -1
		}
		return 1
	}
	return len(a) - len(b)
}
