package manifest

import (
	"strings"
	"testing"
)

func TestDeleteDoc(t *testing.T) {
	cases := []struct {
		src   string
		index int
		want  string
	}{
		{"a: 1\n---\nb: 2\n---\nc: 3\n", 0, "b: 2\n---\nc: 3\n"},
		{"a: 1\n---\nb: 2\n---\nc: 3\n", 1, "a: 1\n---\nc: 3\n"},
		{"a: 1\n---\nb: 2\n---\nc: 3\n", 2, "a: 1\n---\nb: 2\n"},
		{"a: 1\n---\nb: 2", 1, "a: 1\n"},
		{"---\na: 1\n---\nb: 2\n", 0, "---\nb: 2\n"},
		{"# header\n---\na: 1\n--- # b\nb: 2\n", 0, "# header\n--- # b\nb: 2\n"},
		{"# header\n\n# about a\na: 1\n---\nb: 2\n", 0, "# header\n\nb: 2\n"},
		{"a: 1\n...\n---\nb: 2\n", 0, "b: 2\n"},
		{"a: 1\n...\n---\nb: 2\n", 1, "a: 1\n...\n"},
		{"a: 1\n--- {b: 2}\n", 0, "--- {b: 2}\n"},
		{"a: 1\n--- # about b\nb: 2\n", 0, "--- # about b\nb: 2\n"},
		{"a: 1\n--- \r\nb: 2\n", 0, "b: 2\n"},
		{"a: 1\n", 0, ""},
		{"# keep me\n---\na: 1\n", 0, "# keep me\n"},
		{"a: 1\r\n---\r\nb: 2\r\n", 0, "b: 2\r\n"},
	}
	for _, c := range cases {
		docs := Split([]byte(c.src))
		if got := string(DeleteDoc([]byte(c.src), docs[c.index])); got != c.want {
			t.Errorf("delete %d of %q: got %q, want %q", c.index, c.src, got, c.want)
		}
	}
}

func TestAppendDoc(t *testing.T) {
	cases := []struct{ src, want string }{
		{"", "x: 1\n"},
		{"a: 1\n", "a: 1\n---\nx: 1\n"},
		{"a: 1", "a: 1\n---\nx: 1\n"},
		{"a: 1\n---\n", "a: 1\n---\nx: 1\n"},
		{"a: 1\n---", "a: 1\n---\nx: 1\n"},
		{"a: 1\n--- # next\n\n", "a: 1\n--- # next\nx: 1\n"},
		{"a: 1\n---\n# todo\n", "a: 1\n---\n# todo\n---\nx: 1\n"},
		{"# only a comment", "# only a comment\nx: 1\n"},
		{"a: 1\n...\n", "a: 1\n...\n---\nx: 1\n"},
		{"a: 1\r\n", "a: 1\r\n---\r\nx: 1\r\n"},
	}
	for _, c := range cases {
		got := string(AppendDoc([]byte(c.src), []byte("x: 1\n")))
		if got != c.want {
			t.Errorf("append to %q: got %q, want %q", c.src, got, c.want)
		}
		if docs := Split([]byte(got)); !strings.HasSuffix(got[docs[len(docs)-1].Start:], withEOLString("x: 1\n", got)) {
			t.Errorf("append to %q: the last document of %q is not the new one", c.src, got)
		}
	}
}

func withEOLString(s, like string) string { return string(withEOL([]byte(s), eol([]byte(like)))) }

func TestReplaceDoc(t *testing.T) {
	cases := []struct {
		src   string
		index int
		doc   string
		want  string
	}{
		{"a: 1\n---\nb: 2\n---\nc: 3\n", 1, "x: 1\n", "a: 1\n---\nx: 1\n---\nc: 3\n"},
		{"a: 1\n---\nb: 2\n---\nc: 3\n", 1, "x: 1", "a: 1\n---\nx: 1\n---\nc: 3\n"},
		{"a: 1\n---\nb: 2", 1, "x: 1\n", "a: 1\n---\nx: 1"},
		{"a: 1\n---\nb: 2\n", 1, "x: 1", "a: 1\n---\nx: 1\n"},
		{"a: 1\n---", 1, "x: 1\n", "a: 1\n---\nx: 1"},
		{"--- {a: 1}\n", 0, "{a: 2}\n", "--- {a: 2}\n"},
		{"--- {a: 1}\n", 0, "a: 2\n", "---\na: 2\n"},
		{"a: 1\r\n---\r\nb: 2\r\n", 0, "x: 1\ny: 2\n", "x: 1\r\ny: 2\r\n---\r\nb: 2\r\n"},
	}
	for _, c := range cases {
		docs := Split([]byte(c.src))
		if got := string(ReplaceDoc([]byte(c.src), docs[c.index], []byte(c.doc))); got != c.want {
			t.Errorf("replace %d of %q with %q: got %q, want %q", c.index, c.src, c.doc, got, c.want)
		}
	}
}

func TestIsEmpty(t *testing.T) {
	cases := map[string]bool{
		"":                  true,
		"\n\n  \n":          true,
		"---\n":             true,
		"---\n...\n---\r\n": true,
		"\ufeff\n":          true,
		"# a comment\n":     false,
		"--- # c\n":         false,
		"a: 1\n":            false,
		"null\n":            false,
	}
	for src, want := range cases {
		if got := IsEmpty([]byte(src)); got != want {
			t.Errorf("IsEmpty(%q) = %v, want %v", src, got, want)
		}
	}
}
