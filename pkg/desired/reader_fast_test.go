package desired

import (
	"reflect"
	"strings"
	"testing"
)

// simpleCorpus holds YAML the fast path must read exactly like yaml.v3, or
// refuse. Accepted says whether the fast path is expected to take it.
var simpleCorpus = []struct {
	src      string
	accepted bool
}{
	{mixedYAML, true},
	{vpc("a") + "---\n" + vpc("b"), true},
	{"---\n---\na: 1\n---\n# only comment\n---\n~\n---\nb: 2\n", true},
	{"# head\n---\na: 1\n---\n", true},
	{"a: 1\n\n   # indented comment\nb:\n  - x\n  -   y # c\n  -\n    z: 1\n  - k: v\n    l: w\n  - - nested\n", false},
	{"a: 1\n\n   # indented comment\nb:\n  - x\n  -   y # c\n  -\n    z: 1\n  - k: v\n    l: w\n", true},
	{"s:\n- a\n- b\nt: 1\n", true},
	{"apiVersion: v1\nkind: List\nitems:\n- kind: A\n  metadata:\n    name: a\n-\n  kind: B\n- c\n", true},
	{"q: \"a 'b' # c\"  # real comment\nr: 'it''s' # x\nu: '''x'''\nv: \"\"\nw: ''\n", true},
	{"n: 012\no: 0o17\nh: 0x1F\nb: 0b101\nf: 1_000\ne: 1e3\nneg: -5\nplus: +5\nbig: 99999999999999999999\ninfinite: 1e999\n", true},
	// Infinities and NaNs are left to yaml.v3, which locates them for the error.
	{"i: .inf\n", false},
	{"i: -.Inf\n", false},
	{"i: .NaN\n", false},
	{"i: [1, .nan]\n", false},
	{"t: true\nf: False\ny: yes\nno: n\non: off\nnull1: null\nnull2: ~\nnull3:\nts: 2001-12-14t21:59:43.10-05:00\n", true},
	{"ip: 10.0.1.0/24\nport: leaf-1/E1/3\ntime: 12:30\nurl: http://x/y\nhash: a#b\nkey.with/slash: 1\n", true},
	{"e1: {}\ne2: []  # empty\ne3: {a: 1}\n", true},
	{"links:\n- server: {port: server-01/enp2s1}\n  switch: {port: leaf-01/E1/1, x: 1} # c\n", true},
	{"a: {b: [1, 2.5, true, null, ~], c: {d: e f}, 'g': 1}\n", false},
	{"a: {b: [1, 2.5, true, null, ~, x y], c: {d: e f, g: 'h', i: \"j # k\"}}\n", true},
	{"a: [  a ,b,   c  ]\nb: [{x: 1}, [], {}]\n", true},
	{"a: [a, b,]\n", false},
	{"a: [a,, b]\n", false},
	{"a: {b: c:d}\n", false},
	{"a: {b: c # d}\n", false},
	{"a: {b: 'it''s'}\n", false},
	{"a: [- a]\n", false},
	{"a: {\"b\": 1}\n", false},
	{"a: {b: 1}x\n", false},
	{"a: {b: 1}#x\n", false},
	{"a: {b: }\n", false},
	{"a: {b:1}\n", false},
	{"a: {b: 1, b: 2}\n", false},
	{"a: [1, 2\n", false},
	{"a: [&x 1, *x]\n", false},
	{"a: [[[[[[1]]]]]]\n", true},
	{"{a: 1}\n", true},
	{"[a, {b: c}]\n", true},
	{"a: [0x1F, 012, 1_000, 2001-12-14]\n", true},
	{"a: |\n  text\n", false},
	{"a: >-\n  text\n", false},
	{"a: &x 1\nb: *x\n", false},
	{"a: !!str 1\n", false},
	{"a: multi\n  line\n", false},
	{"a: 1\na: 2\n", false},
	{"a: b: c\n", false},
	{"a:\tb\n", false},
	{"a: 1\r\n", false},
	{"\"quoted key\": 1\n", false},
	{"? complex\n: key\n", false},
	{"<<: {a: 1}\n", false},
	{"  indented: top\n", false},
	{"a:\n    b: 1\n   c: 2\n", false},
	{"a:\n  - x\n   - y\n", false},
	{"- a\nb: c\n", false},
	{"just a scalar\n", true},
	{"just: a: scalar\n", false},
	{"'quoted' scalar\n", false},
	{"- top\n- level\n", true},
	{"%YAML 1.2\n---\na: 1\n", false},
	{"a: 1\n...\n", false},
	{"--- a: 1\n", false},
	{"a: \"unterminated\nb: 1\n", false},
	{"a: 'x' y\n", false},
	{"a: \"x\"#y\n", false},
	{"a: -\n", false},
	{"a: - b\n", false},
	{"a: x:\n", false},
	{"a: back\\slash\n", false},
	{"a:b\n", true},
	{"a: TRUE\nb: Yes\nc: NULL\nd: nil\ne: 1.2.3\nf: 1-2\ng: 10.0.0.1/8\nh: -x\ni: +1_0\nj: 2001-12-14 21:59:43.10\nk: .5\nl: ~x\nm: <<x\n", true},
	{"", true},
	{"# nothing\n", true},
	{"\ufeffa: 1\n", false},
}

func sameDocs(a, b []document) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if len(x.itemLines) == 0 && len(y.itemLines) == 0 {
			x.itemLines, y.itemLines = nil, nil
		}
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}

func checkSimple(t *testing.T, src string) bool {
	t.Helper()
	fast, ok := parseSimpleYAML([]byte(src))
	if !ok {
		return false
	}
	slow, errs := parseYAML([]byte(src))
	if len(errs) > 0 {
		t.Errorf("fast path accepted YAML that yaml.v3 rejects (%v):\n%s", errs, src)
	} else if !sameDocs(fast, slow) {
		t.Errorf("fast path differs from yaml.v3 on:\n%s\nfast: %+v\nslow: %+v", src, fast, slow)
	}
	return true
}

func TestSimpleYAMLMatchesYAMLv3(t *testing.T) {
	for _, c := range simpleCorpus {
		if ok := checkSimple(t, c.src); ok != c.accepted {
			t.Errorf("fast path accepted=%v, want %v, on:\n%s", ok, c.accepted, c.src)
		}
	}
}

func TestSimpleYAMLTakesBenchmarkShapes(t *testing.T) {
	var sb strings.Builder
	for i := range 4 {
		sb.WriteString(benchDoc(i))
	}
	if !checkSimple(t, sb.String()) {
		t.Fatalf("fast path refused typical manifests:\n%s", sb.String())
	}
}

// FuzzSimpleYAML checks on arbitrary input that whatever the fast path
// accepts, yaml.v3 reads the same way. Plain `go test` runs the seeds.
func FuzzSimpleYAML(f *testing.F) {
	for _, c := range simpleCorpus {
		f.Add(c.src)
	}
	f.Fuzz(func(t *testing.T, src string) { checkSimple(t, src) })
}
