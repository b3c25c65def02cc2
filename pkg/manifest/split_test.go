package manifest

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"testing"

	"go.yaml.in/yaml/v3"
)

// splitCases are streams yaml.v3 reads, for checking Split's numbering
// against its Decoder.
var splitCases = []string{
	"",
	"# only a comment\n",
	"\n\n",
	"a: 1\n",
	"a: 1",
	"---\n",
	"---\na: 1\n",
	"# header\n---\na: 1\n---\nb: 2\n",
	"a: 1\n---\n",
	"a: 1\n---",
	"a: 1\n--- \n",
	"---\n---\n",
	"a: 1\n---\n# only a comment\n",
	"a: 1\n---\n# only a comment\n---\nb: 2\n",
	"a: 1\n...\n",
	"a: 1\n...\n...\n",
	"a: 1\n...\n# trailing\n",
	"a: 1\n...\n---\nb: 2\n",
	"a: 1\n---\n...\n",
	"---\n...\n---\n",
	"--- # the first\na: 1\n---\t# the second\nb: 2\n",
	"--- {a: 1}\n---\nb: 2\n",
	"--- |\n  text\n",
	"--- !!map\na: 1\n",
	"%YAML 1.1\n---\na: 1\n",
	"\ufeffa: 1\n---\nb: 2\n",
	"\ufeff# c\n---\nb: 2\n",
	"a: 1\r\n---\r\nb: 2\r\n",
	"a: |\n  ---\n  ...\n---\nb: 2\n",
	"a: \"x\n  --- y\"\n---\nb: 2\n",
	"# header\n\n# about a\na: 1\n---\nb: 2\n",
	"----: 1\n---\n...: 2\n",
}

// decoded reads a stream with yaml.v3's Decoder, document by document.
func decoded(t testing.TB, src []byte) []*yaml.Node {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("%q does not decode: %v", src, err)
		}
		docs = append(docs, &n)
	}
}

// checkSplit asserts that Split numbers src's documents as the Decoder
// does and that each document's text holds what the Decoder read there.
func checkSplit(t testing.TB, src []byte, want []*yaml.Node) {
	t.Helper()
	got := Split(src)
	if len(got) != len(want) {
		t.Fatalf("%q: Split found %d documents, the Decoder %d", src, len(got), len(want))
	}
	prevEnd := 0
	for i, d := range got {
		if d.Index != i || d.Start < prevEnd || d.End < d.Start || d.End > len(src) {
			t.Fatalf("%q: document %d has Index %d, range [%d, %d) after %d", src, i, d.Index, d.Start, d.End, prevEnd)
		}
		prevEnd = d.End
		if line := 1 + bytes.Count(src[:d.Start], []byte("\n")); d.Line != line && d.Start < len(src) {
			t.Errorf("%q: document %d: Line %d, Start is on line %d", src, i, d.Line, line)
		}
		wantV, err := nodeValue(want[i])
		if err != nil {
			t.Fatal(err)
		}
		gotV, err := textValue(src[d.Start:d.End])
		if err != nil {
			t.Fatalf("%q: document %d: %q does not parse: %v", src, i, src[d.Start:d.End], err)
		}
		if !equalValues(gotV, wantV) {
			t.Errorf("%q: document %d: text %q means %v, the Decoder read %v", src, i, src[d.Start:d.End], gotV, wantV)
		}
		if root := want[i].Content[0]; root.Tag != "!!null" {
			last := d.Line + bytes.Count(src[d.Start:d.End], []byte("\n"))
			if root.Line < d.Line || root.Line > last {
				t.Errorf("%q: document %d spans lines %d-%d, its content starts on line %d", src, i, d.Line, last, root.Line)
			}
		}
	}
}

// textValue reads the value of one document's text, of any kind.
func textValue(text []byte) (interface{}, error) {
	n, err := parseNode(text)
	if err != nil || n == nil {
		return nil, err
	}
	return nodeValue(n)
}

func TestSplitNumberingMatchesDecoder(t *testing.T) {
	for _, c := range splitCases {
		checkSplit(t, []byte(c), decoded(t, []byte(c)))
	}
}

func TestSplitRanges(t *testing.T) {
	type doc struct {
		text string
		line int
	}
	cases := []struct {
		src  string
		want []doc
	}{
		{"a: 1\n---\nb: 2\n", []doc{{"a: 1\n", 1}, {"b: 2\n", 3}}},
		{"# header\n---\na: 1\n", []doc{{"a: 1\n", 3}}},
		{"# header\n\n# about a\na: 1\n", []doc{{"# about a\na: 1\n", 3}}},
		{"# about a\na: 1\n", []doc{{"# about a\na: 1\n", 1}}},
		{"--- # c\na: 1\n# trailing\n---\n", []doc{{"a: 1\n# trailing\n", 2}, {"", 5}}},
		{"--- {a: 1}\n", []doc{{"{a: 1}\n", 1}}},
		{"a: 1\n...\n# gap\n---\nb: 2", []doc{{"a: 1\n", 1}, {"b: 2", 5}}},
		{"a: 1\r\n--- \r\nb: 2\r\n", []doc{{"a: 1\r\n", 1}, {"b: 2\r\n", 3}}},
		{"k: |\n  --- not a marker\n", []doc{{"k: |\n  --- not a marker\n", 1}}},
	}
	for _, c := range cases {
		got := Split([]byte(c.src))
		if len(got) != len(c.want) {
			t.Errorf("%q: %d documents, want %d", c.src, len(got), len(c.want))
			continue
		}
		for i, d := range got {
			if text := c.src[d.Start:d.End]; text != c.want[i].text || d.Line != c.want[i].line {
				t.Errorf("%q: document %d is %q at line %d, want %q at line %d", c.src, i, text, d.Line, c.want[i].text, c.want[i].line)
			}
		}
	}
}

// FuzzSplit checks Split against yaml.v3's Decoder on any stream the
// Decoder reads whole.
func FuzzSplit(f *testing.F) {
	for _, c := range splitCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if unsupportedBreaks(src) {
			return
		}
		dec := yaml.NewDecoder(bytes.NewReader(src))
		var docs []*yaml.Node
		for {
			var n yaml.Node
			err := dec.Decode(&n)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return
			}
			if _, err := nodeValue(&n); err != nil {
				return
			}
			docs = append(docs, &n)
		}
		for _, d := range Split(src) {
			if rest := src[d.Start:]; d.Start > 0 && src[d.Start-1] != '\n' && (bytes.HasPrefix(rest, []byte("---")) || bytes.HasPrefix(rest, []byte("..."))) {
				return // "--- ---": the text alone would read as a marker
			}
		}
		checkSplit(t, src, docs)
	})
}

// unsupportedBreaks reports text Split does not read: UTF-16, and line
// breaks other than "\n" and "\r\n" (a lone "\r", NEL, LS and PS); and
// lines indented with tabs, which yaml.v3 reads differently depending on
// what came before them in the stream.
func unsupportedBreaks(src []byte) bool {
	return tabIndent.Match(src) || bytes.HasPrefix(src, []byte{0xff, 0xfe}) || bytes.HasPrefix(src, []byte{0xfe, 0xff}) ||
		bytes.Contains(bytes.ReplaceAll(src, []byte("\r\n"), nil), []byte("\r")) ||
		bytes.Contains(src, []byte("\u0085")) || bytes.Contains(src, []byte("\u2028")) || bytes.Contains(src, []byte("\u2029"))
}

var tabIndent = regexp.MustCompile(`(?m)^ *\t`)
