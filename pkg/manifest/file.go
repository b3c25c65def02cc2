package manifest

import "bytes"

// ReplaceDoc returns src with document d's text replaced by newDoc; the
// bytes outside [d.Start, d.End) stay as they are. newDoc takes src's line
// breaks ("\r\n" or "\n") if it has none of its own kind, ends with a line
// break when something follows it, and ends with one at the end of src only
// if src did. When d's content shared the "---" line ("--- {a: 1}") and
// newDoc does not start with a flow collection, newDoc moves to the next
// line.
func ReplaceDoc(src []byte, d Doc, newDoc []byte) []byte {
	br := eol(src)
	nd := matchEOL(newDoc, br)
	start := d.Start
	prefix := src[:start]
	if start > 0 && src[start-1] != '\n' && !(len(nd) > 0 && (nd[0] == '{' || nd[0] == '[')) {
		s := start
		for s > 0 && (src[s-1] == ' ' || src[s-1] == '\t') {
			s--
		}
		prefix = append(append([]byte{}, src[:s]...), br...)
	}
	rest := src[d.End:]
	switch {
	case len(nd) == 0:
	case len(rest) > 0 || endsWithEOL(src):
		if !endsWithEOL(nd) {
			nd = append(append([]byte{}, nd...), br...)
		}
	default:
		nd = trimEOL(nd)
	}
	out := make([]byte, 0, len(prefix)+len(nd)+len(rest))
	return append(append(append(out, prefix...), nd...), rest...)
}

// AppendDoc returns src with newDoc added as its last document. A "---"
// line separates it from the document before it; a line break is added
// first when src does not end with one. When src ends with an empty
// document opened by "---", newDoc fills it instead; when src holds no
// document at all (it is empty, or only comments), newDoc follows src
// without a separator. newDoc takes src's line breaks.
func AppendDoc(src, newDoc []byte) []byte {
	br := eol(src)
	if !bytes.Contains(src, []byte("\n")) {
		br = eol(newDoc)
	}
	nd := matchEOL(newDoc, br)
	out := append([]byte{}, src...)
	docs := Split(src)
	if n := len(docs); n > 0 {
		last := docs[n-1]
		if last.opened && last.after == len(src) && len(bytes.TrimSpace(src[last.Start:last.End])) == 0 {
			out = out[:last.Start]
		} else {
			if len(out) > 0 && !endsWithEOL(out) {
				out = append(out, br...)
			}
			out = append(out, "---"...)
		}
	}
	if len(out) > 0 && !endsWithEOL(out) {
		out = append(out, br...)
	}
	return append(out, nd...)
}

// DeleteDoc returns src without document d: its text, the "---" line that
// opens it and the "..." line that may close it. A document without a
// "---" (the first one, usually) takes the next document's "---" line with
// it instead, unless that line holds a comment or content, which then
// stay. Everything else stays byte for byte. Deleting the only document leaves what lay outside
// it, which may be nothing or only blank lines (see IsEmpty) or comments.
func DeleteDoc(src []byte, d Doc) []byte {
	from, to := d.Start, d.End
	if d.after > to {
		to = d.after
	}
	if d.opened {
		from = d.sepStart
	} else if to < len(src) {
		l := newLines(src[to:])
		if t := bytes.TrimRight(l.text(0), " \t\r"); string(t) == "---" {
			to += l.start(1)
		}
	}
	out := make([]byte, 0, len(src)-(to-from))
	return append(append(out, src[:from]...), src[to:]...)
}

// IsEmpty reports whether src holds nothing worth keeping in a file: only
// blank lines and bare "---" or "..." markers. A file that still holds a
// comment is not empty: comments are the author's and are kept.
func IsEmpty(src []byte) bool {
	l := newLines(bytes.TrimPrefix(src, bom))
	for i := 0; i < l.count(); i++ {
		t := bytes.TrimRight(l.text(i), " \t\r")
		if len(t) == 0 {
			continue
		}
		if _, ok := marker(t, "---"); ok && len(t) == 3 {
			continue
		}
		if _, ok := marker(t, "..."); ok && len(t) == 3 {
			continue
		}
		return false
	}
	return true
}

// matchEOL gives text the line break br when text uses plain "\n".
func matchEOL(text []byte, br string) []byte {
	if br == "\n" || bytes.Contains(text, []byte("\r")) {
		return text
	}
	return withEOL(text, br)
}
