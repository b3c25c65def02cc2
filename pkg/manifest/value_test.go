package manifest

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestParseDocTypes(t *testing.T) {
	doc := `int: 1001
neg: -7
hex: 0x1F
float: 1001.0
exp: 1e3
inf: .inf
big: 12345678901234567890
str: "1001"
bool: true
oldbool: yes
null1: null
null2: ~
null3:
ts: 2024-01-01T00:00:00Z
custom: !ref value
list: [1, a]
nested: {a: {b: 2}}
base: &b {x: 1, y: 1}
merged:
  <<: *b
  y: 2
`
	got, err := ParseDoc([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]interface{}{
		"int": int64(1001), "neg": int64(-7), "hex": int64(31),
		"float": float64(1001), "exp": float64(1000), "inf": math.Inf(1),
		"big": float64(12345678901234567890), "str": "1001", "bool": true, "oldbool": "yes",
		"null1": nil, "null2": nil, "null3": nil,
		"ts": "2024-01-01T00:00:00Z", "custom": "value",
		"list":   []interface{}{int64(1), "a"},
		"nested": map[string]interface{}{"a": map[string]interface{}{"b": int64(2)}},
		"base":   map[string]interface{}{"x": int64(1), "y": int64(1)},
		"merged": map[string]interface{}{"x": int64(1), "y": int64(2)},
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s missing", k)
			continue
		}
		// exact Go types, not just equal numbers
		if !sameTyped(g, w) {
			t.Errorf("%s = %#v, want %#v", k, g, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d keys, want %d", len(got), len(want))
	}
}

// sameTyped is equalValues that also requires the same Go types.
func sameTyped(a, b interface{}) bool {
	switch x := a.(type) {
	case map[string]interface{}:
		y, ok := b.(map[string]interface{})
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !sameTyped(x[k], y[k]) {
				return false
			}
		}
		return true
	case []interface{}:
		y, ok := b.([]interface{})
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameTyped(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	switch a.(type) {
	case int64, float64, string, bool, nil:
	default:
		return false
	}
	return equalValues(a, b) && (a == nil) == (b == nil) && typeName(a) == typeName(b)
}

func typeName(v interface{}) string {
	switch v.(type) {
	case int64:
		return "int64"
	case float64:
		return "float64"
	case string:
		return "string"
	case bool:
		return "bool"
	}
	return "nil"
}

func TestParseDocEmptyAndErrors(t *testing.T) {
	for _, doc := range []string{"", "\n", "# only a comment\n", "null\n", "~\n"} {
		if m, err := ParseDoc([]byte(doc)); m != nil || err != nil {
			t.Errorf("ParseDoc(%q) = %v, %v; want nil, nil", doc, m, err)
		}
	}
	for doc, msg := range map[string]string{
		"- a\n":              "list",
		"text\n":             "scalar",
		"a: 1\na: 2\n":       "twice",
		"a: 1\n---\nb: 2\n":  "more than one",
		"a: [1\n":            "",
		"? [a]\n: 1\n":       "scalars",
		"a: &x [*x]\n":       "",
		"a: {b: *nowhere}\n": "",
	} {
		_, err := ParseDoc([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseDoc(%q) = %v; want an error about %q", doc, err, msg)
		}
	}
}

func TestEqualValues(t *testing.T) {
	yes := [][2]interface{}{
		{int64(1001), 1001.0},
		{math.NaN(), math.NaN()},
		{map[string]interface{}{"a": int64(1), "b": "x"}, map[string]interface{}{"b": "x", "a": 1.0}},
		{[]interface{}{nil, true}, []interface{}{nil, true}},
	}
	no := [][2]interface{}{
		{int64(1001), 1001.5},
		{int64(1), "1"},
		{nil, map[string]interface{}{}},
		{map[string]interface{}{"a": nil}, map[string]interface{}{}},
		{[]interface{}{int64(1), int64(2)}, []interface{}{int64(2), int64(1)}},
		{int64(math.MaxInt64), float64(math.MaxInt64)},
	}
	for _, c := range yes {
		if !equalValues(c[0], c[1]) || !equalValues(c[1], c[0]) {
			t.Errorf("%#v and %#v should be equal", c[0], c[1])
		}
	}
	for _, c := range no {
		if equalValues(c[0], c[1]) || equalValues(c[1], c[0]) {
			t.Errorf("%#v and %#v should differ", c[0], c[1])
		}
	}
}

func TestNodeValueLineErrors(t *testing.T) {
	for doc, want := range map[string]LineError{
		"a: 1\nb: 2\na: 3\n":         {3, `mapping key "a" already defined at line 1`},
		"a: &x\n  b: [*x]\n":         {2, `anchor "x" value contains itself`},
		"a: 1\n? [b]\n: 2\n":         {2, "mapping keys must be scalars"},
		"a:\n  <<: 1\n":              {2, "map merge requires a mapping or a list of mappings"},
		"a:\n  <<: [{b: 1}, 2]\n":    {2, "map merge requires a mapping or a list of mappings"},
		"a: 1\nb: !!int x\n":         {2, "cannot decode !!str `x` as a !!int"},
		"a:\n  - 1\n  - !!float y\n": {3, "cannot decode !!str `y` as a !!float"},
	} {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(doc), &n); err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		_, err := NodeValue(&n)
		var le *LineError
		if !errors.As(err, &le) {
			t.Errorf("NodeValue(%q) = %v, want a *LineError", doc, err)
			continue
		}
		if le.Line != want.Line || !strings.HasPrefix(le.Msg, want.Msg) {
			t.Errorf("NodeValue(%q) = line %d %q, want line %d %q", doc, le.Line, le.Msg, want.Line, want.Msg)
		}
	}
}

var scalarSeeds = []string{
	"0", "-0", "7", "-7", "+7", "007", "1_000", "0x1F", "0o17", "0b101",
	"123456789012345678", "-123456789012345678", "1234567890123456789", "12345678901234567890",
	"1.5", "-1.5", "+1.5", "1.", ".5", "-.5", "1e3", "1E3", "1e+3", "1.5e-3", "-0.0", "-0.", "-0e0",
	"1e400", ".inf", "-.Inf", ".nan", "1e", "e1", ".", "-", "+", "1-2", "1.2.3", "",
	"true", "True", "TRUE", "tRUE", "false", "False", "FALSE", "yes", "on", "y", "null", "~", "text",
}

// TestScalarValueFastPaths checks that ScalarValue's fast paths give what
// yaml.v3's decoder gives, plain and with the tags they serve.
func TestScalarValueFastPaths(t *testing.T) {
	for _, s := range scalarSeeds {
		checkScalar(t, s)
	}
}

func FuzzScalarValue(f *testing.F) {
	for _, s := range scalarSeeds {
		f.Add(s)
	}
	f.Fuzz(checkScalar)
}

func checkScalar(t *testing.T, s string) {
	for _, tag := range []string{"", "!!bool", "!!int", "!!float"} {
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s}
		switch n.ShortTag() {
		case "!!bool", "!!int", "!!float":
		default:
			continue
		}
		got, gotErr := ScalarValue(n)
		want, wantErr := decodeScalar(n)
		if (gotErr == nil) != (wantErr == nil) || fmt.Sprintf("%T %v", got, got) != fmt.Sprintf("%T %v", want, want) {
			t.Errorf("ScalarValue(%s %q) = %T %v, %v; the decoder gives %T %v, %v", tag, s, got, got, gotErr, want, want, wantErr)
		}
	}
}
