package manifest

import "unicode/utf8"

// lines indexes the lines of a byte slice. A line is the text up to and
// including its '\n'; a final line without one still counts. Lines are
// numbered from 0 here; yaml.v3 numbers them from 1.
type lines struct {
	src []byte
	// starts holds the offset of each line, then len(src) as a sentinel.
	starts []int
}

func newLines(src []byte) *lines {
	l := &lines{src: src, starts: []int{0}}
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			l.starts = append(l.starts, i+1)
		}
	}
	if len(src) == 0 {
		l.starts = l.starts[:0]
	}
	l.starts = append(l.starts, len(src))
	return l
}

// count is the number of lines.
func (l *lines) count() int { return len(l.starts) - 1 }

// start is the offset of line i, or len(src) past the last line.
func (l *lines) start(i int) int {
	if i >= l.count() {
		return len(l.src)
	}
	return l.starts[i]
}

// end is the offset just after line i's text, before its "\n" or "\r\n".
func (l *lines) end(i int) int {
	e := l.starts[i+1]
	if e > l.starts[i] && l.src[e-1] == '\n' {
		e--
		if e > l.starts[i] && l.src[e-1] == '\r' {
			e--
		}
	}
	return e
}

// text is line i without its line break.
func (l *lines) text(i int) []byte { return l.src[l.starts[i]:l.end(i)] }

// indent counts the spaces that start line i.
func (l *lines) indent(i int) int {
	t := l.text(i)
	n := 0
	for n < len(t) && t[n] == ' ' {
		n++
	}
	return n
}

// blank reports whether line i holds only white space.
func (l *lines) blank(i int) bool {
	for _, c := range l.text(i) {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// comment reports whether line i holds only a comment.
func (l *lines) comment(i int) bool {
	for _, c := range l.text(i) {
		switch c {
		case ' ', '\t':
		case '#':
			return true
		default:
			return false
		}
	}
	return false
}

// lineOf returns the line holding offset off.
func (l *lines) lineOf(off int) int {
	lo, hi := 0, l.count()-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if l.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// offset converts a yaml.v3 position (1-based line, 1-based column counted
// in characters) to a byte offset; ok is false when it falls outside the
// text of the line.
func (l *lines) offset(line, col int) (int, bool) {
	i := line - 1
	if i < 0 || i >= l.count() || col < 1 {
		return 0, false
	}
	off, end := l.starts[i], l.end(i)
	for c := 1; c < col; c++ {
		if off >= end {
			return 0, false
		}
		_, size := utf8.DecodeRune(l.src[off:end])
		off += size
	}
	return off, off <= end
}

// eol returns the line break src uses: "\r\n" when its first line ends
// with one, "\n" otherwise.
func eol(src []byte) string {
	for i, c := range src {
		if c == '\n' {
			if i > 0 && src[i-1] == '\r' {
				return "\r\n"
			}
			return "\n"
		}
	}
	return "\n"
}

// withEOL rewrites the "\n" line breaks of text, which must have no "\r",
// to br.
func withEOL(text []byte, br string) []byte {
	if br == "\n" {
		return text
	}
	out := make([]byte, 0, len(text)+len(text)/16)
	for _, c := range text {
		if c == '\n' {
			out = append(out, br...)
		} else {
			out = append(out, c)
		}
	}
	return out
}

// endsWithEOL reports whether b ends with a line break.
func endsWithEOL(b []byte) bool { return len(b) > 0 && b[len(b)-1] == '\n' }

// trimEOL removes one final line break from b.
func trimEOL(b []byte) []byte {
	if endsWithEOL(b) {
		b = b[:len(b)-1]
		if len(b) > 0 && b[len(b)-1] == '\r' {
			b = b[:len(b)-1]
		}
	}
	return b
}
