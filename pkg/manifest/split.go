package manifest

import "bytes"

// Doc is one document of a YAML stream, located by byte offsets into the
// source it was split from.
type Doc struct {
	// Index counts the documents of the stream from 0, empty ones included:
	// the n-th value a yaml.v3 Decoder returns for the stream has Index n.
	Index int
	// Start and End delimit the document's text, [Start, End): its
	// comments and content, without the "---" line that opens it or the
	// "..." line that may close it. When content follows "---" on the
	// same line ("--- {a: 1}"), Start points at that content (which
	// then should not itself start with "---" or "...").
	Start, End int
	// Line is the 1-based line of Start (for an empty document at the
	// very end of the text, the line after its "---").
	Line int

	// opened reports that a "---" line opens the document, at sepStart.
	opened   bool
	sepStart int
	// after is End, or the offset past the "..." line that closes the
	// document.
	after int
}

// bom is the UTF-8 byte order mark, allowed at the start of a stream.
var bom = []byte("\ufeff")

// marker reports whether line t is the document marker m ("---" or "...")
// and returns the offset, within t, of any content that follows it on the
// line: len(t) when there is none or only a comment.
func marker(t []byte, m string) (rest int, ok bool) {
	if !bytes.HasPrefix(t, []byte(m)) || (len(t) > 3 && t[3] != ' ' && t[3] != '\t') {
		return 0, false
	}
	rest = 3
	for rest < len(t) && (t[rest] == ' ' || t[rest] == '\t') {
		rest++
	}
	if rest < len(t) && t[rest] == '#' {
		rest = len(t)
	}
	return rest, true
}

// Split finds the documents of a YAML stream. It works line by line, the
// way a YAML scanner sees document markers: "---" or "..." at the start of
// a line, followed by a space, a tab or the end of the line. Comments and
// blank lines before the first document, and between a "..." and the next
// document, belong to no document; of a block of comments right before a
// document that has no "---", the lines after the last blank line belong to
// the document. For streams yaml.v3 accepts, the documents and their
// numbering match what its Decoder returns; a comment-only stream has no
// documents. The text is UTF-8 and its lines end with "\n" or "\r\n"; streams that break lines with
// a lone "\r" or Unicode line separators are not supported.
func Split(src []byte) []Doc {
	l := newLines(src)
	var docs []Doc
	var cur *Doc
	closeDoc := func(end, after int) {
		if cur != nil {
			cur.End, cur.after = end, after
			docs = append(docs, *cur)
			cur = nil
		}
	}
	implicit := 0 // where a document without "---" would start
	for i := 0; i < l.count(); i++ {
		t, base := l.text(i), l.start(i)
		if i == 0 && bytes.HasPrefix(t, bom) {
			t, base = t[len(bom):], base+len(bom)
		}
		if rest, ok := marker(t, "---"); ok {
			closeDoc(l.start(i), l.start(i))
			cur = &Doc{Index: len(docs), opened: true, sepStart: l.start(i), Start: l.start(i + 1), Line: i + 2}
			if rest < len(t) {
				cur.Start, cur.Line = base+rest, i+1
			}
			continue
		}
		if _, ok := marker(t, "..."); ok {
			closeDoc(l.start(i), l.start(i+1))
			implicit = l.start(i + 1)
			continue
		}
		if cur != nil {
			continue
		}
		switch trimmed := bytes.TrimLeft(t, " \t\r"); {
		case len(trimmed) == 0:
			implicit = l.start(i + 1)
		case trimmed[0] == '#', t[0] == '%':
			// a comment or a directive, outside any document
		default:
			cur = &Doc{Index: len(docs), Start: implicit, Line: l.lineOf(implicit) + 1}
		}
	}
	closeDoc(len(src), len(src))
	return docs
}
