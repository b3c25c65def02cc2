package manifest

import (
	"bytes"
	"strings"
	"testing"
)

// rewriteWith rewrites doc after change and reports the way Rewrite took.
func rewriteWith(t *testing.T, doc string, change func(o map[string]interface{})) (string, string) {
	t.Helper()
	var tier string
	noteTier = func(s string) { tier = s }
	defer func() { noteTier = func(string) {} }()
	obj, err := ParseDoc([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	change(obj)
	out, err := Rewrite([]byte(doc), obj)
	if err != nil {
		t.Fatalf("Rewrite(%q): %v", doc, err)
	}
	if got, err := ParseDoc(out); err != nil || !equalValues(got, obj) {
		t.Fatalf("Rewrite(%q) = %q reads back as %v (%v), want %v", doc, out, got, err, obj)
	}
	return string(out), tier
}

func TestRewriteUnchangedIsIdentical(t *testing.T) {
	docs := append([]string{
		"a: 1\r\nb:\r\n- x # c\r\n",
		"n: 1001\nf: 2.5\n",
	}, rewriteSeeds...)
	for _, doc := range docs {
		obj, err := ParseDoc([]byte(doc))
		if err != nil || obj == nil {
			continue
		}
		out, err := Rewrite([]byte(doc), obj)
		if err != nil || string(out) != doc {
			t.Errorf("Rewrite(%q, its own object) = %q, %v", doc, out, err)
		}
	}
	// Numbers compare by value, and any Go number kind will do.
	doc := "vlan: 1001\nratio: 2.0\nports: [1, 2]\n"
	out, err := Rewrite([]byte(doc), map[string]interface{}{
		"ratio": int64(2), "vlan": 1001.0, "ports": []interface{}{int32(1), uint8(2)},
	})
	if err != nil || string(out) != doc {
		t.Errorf("numerically equal object: got %q, %v", out, err)
	}
}

func TestRewriteSplicesScalars(t *testing.T) {
	cases := []struct {
		doc  string
		key  string
		v    interface{}
		want string
	}{
		{"vlan: 1001 # access VLAN\nx: 1\n", "vlan", int64(1202), "vlan: 1202 # access VLAN\nx: 1\n"},
		{"name: \"vpc-1\"\n", "name", "vpc-2", "name: \"vpc-2\"\n"},
		{"name: 'vpc-1'\n", "name", "it's", "name: 'it''s'\n"},
		{"name: vpc-1\n", "name", "1001", "name: \"1001\"\n"},
		{"vlan: \"1001\"\n", "vlan", int64(1202), "vlan: 1202\n"},
		{"flag: true\n", "flag", "yes", "flag: \"yes\"\n"},
		{"note: null  # unset\n", "note", "x: y", "note: 'x: y'  # unset\n"},
		{"ratio: 0.5\n", "ratio", 0.25, "ratio: 0.25\n"},
		{"ratio: 0.5\n", "ratio", 3.0, "ratio: 3\n"},
		{"f: {a: 1, b: 2}\n", "f", map[string]interface{}{"a": "x,y", "b": int64(2)}, "f: {a: \"x,y\", b: 2}\n"},
		{"l: [a, b]   # two\n", "l", []interface{}{"a", "c"}, "l: [a, c]   # two\n"},
		{"é: ü\nv: 1\n", "é", "ö", "é: ö\nv: 1\n"},
	}
	for _, c := range cases {
		out, tier := rewriteWith(t, c.doc, func(o map[string]interface{}) { o[c.key] = c.v })
		if out != c.want || tier != "patch" {
			t.Errorf("%q, %s = %#v:\ngot  %q (%s)\nwant %q", c.doc, c.key, c.v, out, tier, c.want)
		}
	}
}

func TestRewriteStructure(t *testing.T) {
	cases := []struct {
		name   string
		doc    string
		change func(o map[string]interface{})
		want   string
	}{
		{"empty value gets one", "a:\nb: 1\n",
			func(o map[string]interface{}) { o["a"] = "x" }, "a: x\nb: 1\n"},
		{"scalar becomes a mapping", "a: 1 # c\nb: 1\n",
			func(o map[string]interface{}) { o["a"] = map[string]interface{}{"x": int64(1)} }, "a: # c\n  x: 1\nb: 1\n"},
		{"mapping becomes empty", "a:\n  x: 1\n  y: 2\nb: 1\n",
			func(o map[string]interface{}) { o["a"] = map[string]interface{}{} }, "a: {}\nb: 1\n"},
		{"first key of a list element goes", "l:\n- name: a\n  speed: 1\n- name: b\n",
			func(o map[string]interface{}) {
				delete(o["l"].([]interface{})[0].(map[string]interface{}), "name")
			},
			"l:\n- speed: 1\n- name: b\n"},
		{"element removed with its comment", "l:\n# first\n- a\n# second\n- b # b\n- c\n",
			func(o map[string]interface{}) { o["l"] = []interface{}{"b", "c"} }, "l:\n# second\n- b # b\n- c\n"},
		{"element of a nested list removed", "l:\n- - a\n  - b\n- c\n",
			func(o map[string]interface{}) { o["l"] = []interface{}{[]interface{}{"b"}, "c"} }, "l:\n- - b\n- c\n"},
		{"element inserted in the middle", "l:\n- a # first\n- c # third\n",
			func(o map[string]interface{}) { o["l"] = []interface{}{"a", "b", "c"} }, "l:\n- a # first\n- b\n- c # third\n"},
		{"element inserted at the front", "l:\n  - b\n  - c\n",
			func(o map[string]interface{}) { o["l"] = []interface{}{"a", "b", "c"} }, "l:\n  - a\n  - b\n  - c\n"},
		{"literal block keeps its style", "note: |\n  one\n  two\nnext: 1\n",
			func(o map[string]interface{}) { o["note"] = "one\nthree\n" }, "note: |\n  one\n  three\nnext: 1\n"},
		{"new key with a multi-line string", "spec:\n    a: 1\n",
			func(o map[string]interface{}) { at(o, "spec")["b"] = "x\ny" }, "spec:\n    a: 1\n    b: |-\n        x\n        y\n"},
		{"removed last key takes the blank line before it", "a: 1\n\n# b\nb: 2\n",
			func(o map[string]interface{}) { delete(o, "b") }, "a: 1\n"},
		{"keys added in sorted order after trailing comments stay", "b: 1\n# end\n",
			func(o map[string]interface{}) { o["d"], o["c"] = int64(4), int64(3) }, "b: 1\nc: 3\nd: 4\n# end\n"},
		{"no final line break stays absent", "a: 1\nb: 2",
			func(o map[string]interface{}) { o["c"] = int64(3); delete(o, "b") }, "a: 1\nc: 3"},
	}
	for _, c := range cases {
		out, tier := rewriteWith(t, c.doc, c.change)
		if out != c.want || tier != "patch" {
			t.Errorf("%s:\ngot  %q (%s)\nwant %q", c.name, out, tier, c.want)
		}
	}
}

func TestRewriteKeepsCRLF(t *testing.T) {
	doc := strings.ReplaceAll(vpcDoc, "\n", "\r\n")
	out, tier := rewriteWith(t, doc, func(o map[string]interface{}) {
		at(o, "spec", "subnets")["extra"] = map[string]interface{}{"subnet": "10.0.9.0/24", "note": "a\nb\n"}
		delete(at(o, "spec"), "permit")
		at(o, "metadata")["name"] = "vpc-9"
	})
	if tier != "patch" {
		t.Errorf("fell back to %q", tier)
	}
	if strings.Count(out, "\n") != strings.Count(out, "\r\n") {
		t.Errorf("a line break lost its \\r:\n%q", out)
	}
	// The same edit of the "\n" document gives the same text.
	lf, _ := rewriteWith(t, vpcDoc, func(o map[string]interface{}) {
		at(o, "spec", "subnets")["extra"] = map[string]interface{}{"subnet": "10.0.9.0/24", "note": "a\nb\n"}
		delete(at(o, "spec"), "permit")
		at(o, "metadata")["name"] = "vpc-9"
	})
	if out != strings.ReplaceAll(lf, "\n", "\r\n") {
		t.Errorf("\\r\\n result differs from the \\n one:\n%q\n%q", out, lf)
	}
}

// TestRewriteFallsBack covers anchors and merge keys, which the in-place
// edit handles only in part: otherwise the node tree is re-encoded, and
// comments survive.
func TestRewriteFallsBack(t *testing.T) {
	doc := "# head\nbase: &b\n  x: 1 # one\nuse: *b\n"
	out, tier := rewriteWith(t, doc, func(o map[string]interface{}) { at(o, "base")["x"] = int64(2) })
	if tier == "patch" || !strings.Contains(out, "# head") {
		t.Errorf("anchored value: %s, %q", tier, out)
	}
	doc = "base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2 # two\n"
	out, tier = rewriteWith(t, doc, func(o map[string]interface{}) { at(o, "merged")["z"] = int64(3) })
	if want := doc + "  z: 3\n"; tier != "patch" || out != want {
		t.Errorf("merge key: %s, %q; want %q", tier, out, want)
	}
	// Dropping a merged-in key takes the merge apart.
	out, tier = rewriteWith(t, doc, func(o map[string]interface{}) { delete(at(o, "merged"), "x") })
	if tier == "patch" || strings.Contains(out, "<<") {
		t.Errorf("merged key dropped: %s, %q", tier, out)
	}
}

func TestRewriteEmptyDocument(t *testing.T) {
	obj := map[string]interface{}{"kind": "VPC", "apiVersion": "v1"}
	for doc, want := range map[string]string{
		"":             "apiVersion: v1\nkind: VPC\n",
		"\n":           "apiVersion: v1\nkind: VPC\n",
		"# reserved\n": "# reserved\napiVersion: v1\nkind: VPC\n",
		"# reserved":   "# reserved\napiVersion: v1\nkind: VPC\n",
		"# r\r\n":      "# r\r\napiVersion: v1\r\nkind: VPC\r\n",
	} {
		out, err := Rewrite([]byte(doc), obj)
		if err != nil || string(out) != want {
			t.Errorf("Rewrite(%q) = %q, %v; want %q", doc, out, err, want)
		}
	}
}

func TestRewriteErrors(t *testing.T) {
	obj := map[string]interface{}{"a": int64(1)}
	for name, run := range map[string]func() error{
		"nil object":         func() error { _, err := Rewrite([]byte("a: 1\n"), nil); return err },
		"bad YAML":           func() error { _, err := Rewrite([]byte("a: [1\n"), obj); return err },
		"two documents":      func() error { _, err := Rewrite([]byte("a: 1\n---\nb: 2\n"), obj); return err },
		"value without YAML": func() error { _, err := Rewrite([]byte("a: 1\n"), map[string]interface{}{"a": struct{}{}}); return err },
	} {
		if run() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestRewriteKeepsBOM(t *testing.T) {
	out, _ := rewriteWith(t, "\ufeffa: 1 # c\n", func(o map[string]interface{}) { o["a"] = int64(2) })
	if out != "\ufeffa: 2 # c\n" {
		t.Errorf("got %q", out)
	}
	if !bytes.HasPrefix([]byte(out), bom) {
		t.Error("BOM lost")
	}
}
