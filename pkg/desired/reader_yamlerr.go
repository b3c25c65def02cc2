package desired

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

var (
	yamlLineRe   = regexp.MustCompile(`^line (\d+): (.*)$`)
	yamlAnchorRe = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
)

// yamlSyntaxError turns a yaml.v3 syntax error into a *lineError with a
// 1-based line. yaml.v3 reports scanner errors at their 1-based line, but
// parser errors at the 0-based line where the enclosing collection starts,
// and errors on the first line with no line at all; this corrects both.
func yamlSyntaxError(src []byte, err error, docs []document) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line, hasLine := 0, false
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg, hasLine = m[2], true
	}
	switch {
	case isReaderError(msg):
		line = badCharLine(src)
	case yamlAnchorRe.MatchString(msg):
		from := 1
		if len(docs) > 0 {
			from = docs[len(docs)-1].line
		}
		line = findAlias(src, yamlAnchorRe.FindStringSubmatch(msg)[1], from)
	case isParserError(msg):
		line = refineParserLine(src, line+1)
	case !hasLine:
		line = 1
	}
	return &lineError{line: line, msg: msg}
}

// isReaderError says whether yaml.v3 refused a character of the input: it
// reports those at no line, or line 1, whatever line they are on.
func isReaderError(msg string) bool {
	return strings.Contains(msg, "UTF-8") || msg == "invalid Unicode character" ||
		msg == "control characters are not allowed"
}

// badCharLine returns the 1-based line of the first byte that is not UTF-8
// or is a character YAML does not allow; 1 when there is none (or the
// input is UTF-16, which yaml.v3 decodes itself).
func badCharLine(src []byte) int {
	if bytes.HasPrefix(src, []byte{0xff, 0xfe}) || bytes.HasPrefix(src, []byte{0xfe, 0xff}) {
		return 1
	}
	line := 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size <= 1,
			r < 0x20 && r != '\t' && r != '\n' && r != '\r',
			r >= 0x7f && r <= 0x9f && r != 0x85,
			r == 0xfffe || r == 0xffff:
			return line
		case r == '\n':
			line++
		}
		i += size
	}
	return 1
}

func isParserError(msg string) bool {
	return strings.HasPrefix(msg, "did not find expected") ||
		strings.HasPrefix(msg, "found duplicate %") ||
		msg == "found incompatible YAML document" ||
		msg == "found undefined tag handle"
}

// truncationError says whether err could come from cutting a valid document
// short at a line boundary (inside a flow collection or a quoted string).
func truncationError(err error) bool {
	msg := err.Error()
	for _, s := range []string{"did not find expected ',' or", "did not find expected node content", "found unexpected end of stream"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// maxRefineBytes bounds the work spent locating one parser error.
const maxRefineBytes = 4 << 20

// refineParserLine finds the line of a parser error that yaml.v3 reported at
// the start of the enclosing collection (ctx): it parses the document from
// its start up to each following line, and returns the first line at which
// the prefix fails for a reason other than being cut short.
func refineParserLine(src []byte, ctx int) int {
	starts := lineStarts(src)
	if ctx < 1 || ctx > len(starts) {
		return max(ctx, 1)
	}
	ds := ctx
	for ds > 1 && !bytes.HasPrefix(src[starts[ds-1]:], []byte("---")) {
		ds--
	}
	spent := 0
	for l := ctx; l <= len(starts); l++ {
		end := len(src)
		if l < len(starts) {
			end = starts[l]
		}
		chunk := src[starts[ds-1]:end]
		if spent += len(chunk); spent > maxRefineBytes {
			break
		}
		if err := decodeAll(chunk); err != nil && !truncationError(err) {
			return l
		}
	}
	return ctx
}

// lineStarts returns the offsets at which each line of src starts.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			starts = append(starts, i+1)
		}
	}
	return starts
}

func decodeAll(src []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// findAlias returns the first line at or after from that uses *name.
func findAlias(src []byte, name string, from int) int {
	re := regexp.MustCompile(`\*` + regexp.QuoteMeta(name) + `(?:[\s,\]}]|$)`)
	for i, ln := range strings.Split(string(src), "\n") {
		if i+1 >= from && re.MatchString(ln) {
			return i + 1
		}
	}
	return max(from, 1)
}
