package printers

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// encodingJSON is what WriteJSON wrote before it streamed, and what it
// must still write: encoding/json's Encoder, 4-space indentation, no HTML
// escaping.
func encodingJSON(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "    ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// omits holds fields that encoding/json's omitempty leaves out (Go zero
// values) and ones it keeps (a struct, an empty non-nil pointer).
type omits struct {
	B     bool              `json:"b,omitempty"`
	I     int               `json:"i,omitempty"`
	S     string            `json:"s,omitempty"`
	Nil   []string          `json:"nil,omitempty"`
	Empty []string          `json:"empty,omitempty"`
	Map   map[string]int    `json:"map,omitempty"`
	Ptr   *int              `json:"ptr,omitempty"`
	Zero  *int              `json:"zero,omitempty"`
	Time  metav1.Time       `json:"time,omitempty"`
	Sub   struct{ A int }   `json:"sub,omitempty"`
	Plain []string          `json:"plain"`
	Keys  map[string]string `json:"keys"`
	Bytes []byte            `json:"bytes"`
	Skip  string            `json:"-"`
	Raw   json.RawMessage   `json:"raw"`
}

func TestWriteJSONWritesWhatEncodingJSONWrites(t *testing.T) {
	zero := 0
	big := map[string]any{}
	for i := range 3000 { // more than the streaming encoder's buffer
		big[strings.Repeat("k", i%7)+string(rune('a'+i%26))+strings.Repeat("x", i%50)] = []any{int64(i), float64(i) / 7, "v<&>"}
	}
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPC",
		"metadata": map[string]any{"name": "vpc-1", "labels": map[string]any{"z": "1", "a": "2", "M": "3"}},
		"spec": map[string]any{
			"floats":  []any{0.1, 1e21, 1e20, 1e-7, 1e-6, math.Copysign(0, -1), 123456789.125, float64(math.MaxInt64), math.SmallestNonzeroFloat64},
			"ints":    []any{int64(math.MaxInt64), int64(math.MinInt64), int64(0)},
			"strings": []any{"<b>&amp;</b>", "line\u2028sep\u2029", "tab\tnl\n\"q\"\\", "\x00\x1f\x7f", "héllo ✓ 🦔", ""},
			"empty":   map[string]any{"m": map[string]any{}, "l": []any{}, "n": nil},
			"bools":   []any{true, false},
			"nested":  []any{[]any{[]any{map[string]any{}}}},
		},
	}}
	values := map[string]any{
		"object":     obj.Object,
		"list":       List([]*unstructured.Unstructured{obj, obj}),
		"empty list": List(nil),
		"report":     sampleReport(),
		"omitempty": []omits{{}, {B: true, I: -1, S: "s", Empty: []string{}, Map: map[string]int{}, Ptr: &zero,
			Time: metav1.NewTime(time.Date(2026, 12, 2, 17, 0, 0, 0, time.UTC)), Keys: map[string]string{"b": "1", "a": "<"},
			Bytes: []byte("\x00bytes"), Skip: "x", Raw: json.RawMessage(`{"b": [1, 2], "a": {}}`)}},
		"diffs": []drift.FieldDiff{
			{Path: "/a", Desired: false, Type: drift.DiffOnlyInGit},
			{Path: "/b", Desired: nil, Actual: map[string]any{"x": []any{}}, Type: drift.DiffChanged},
		},
		"big":     big,
		"scalars": []any{nil, "", 0, 1.5, true},
		"string":  "just <a> string",
		"nil":     nil,
	}
	for name, v := range values {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteJSON(&b, v); err != nil {
				t.Fatal(err)
			}
			if want := encodingJSON(t, v); b.String() != want {
				t.Errorf("WriteJSON wrote\n%s\nencoding/json writes\n%s", b.String(), want)
			}
		})
	}
}

// Invalid UTF-8 is the one difference: encoding/json writes its
// replacement as the escape \ufffd, WriteJSON as the character. Both read
// back as the same string.
func TestWriteJSONReplacesInvalidUTF8(t *testing.T) {
	v := map[string]any{"s": "bad \xff utf8 \xc3"}
	var b bytes.Buffer
	if err := WriteJSON(&b, v); err != nil {
		t.Fatal(err)
	}
	if want := "{\n    \"s\": \"bad \ufffd utf8 \ufffd\"\n}\n"; b.String() != want {
		t.Errorf("WriteJSON wrote %q, want %q", b.String(), want)
	}
	var got, want any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(encodingJSON(t, v)), &want); err != nil {
		t.Fatal(err)
	}
	if got.(map[string]any)["s"] != want.(map[string]any)["s"] {
		t.Errorf("WriteJSON's string reads back as %q, encoding/json's as %q", got, want)
	}
}

// A value that cannot be written is an error, as with encoding/json.
func TestWriteJSONRejectsWhatEncodingJSONRejects(t *testing.T) {
	for _, v := range []any{math.NaN(), map[string]any{"x": math.Inf(1)}, make(chan int)} {
		if err := WriteJSON(&bytes.Buffer{}, v); err == nil {
			t.Errorf("WriteJSON(%v): no error", v)
		}
	}
}
