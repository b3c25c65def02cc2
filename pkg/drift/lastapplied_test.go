package drift

import (
	"testing"
)

func TestLookupJSON(t *testing.T) {
	const doc = ` {"apiVersion":"v1", "metadata" : {"name":"x","labels":{"a/b":"c"}},
	"spec":{"list":[1, {"k":"v"}, [2,3], "s,]}"], "e\"q": true, "esc\u0061ped": 5,
	"n": null, "empty": {}, "num": -1.5e3, "nested": {"deep": {"x": [ ]}}}}`
	tests := []struct {
		path []string
		want string
		ok   bool
	}{
		{[]string{"apiVersion"}, `"v1"`, true},
		{[]string{"metadata", "name"}, `"x"`, true},
		{[]string{"metadata", "labels", "a/b"}, `"c"`, true},
		{[]string{"spec", "list", "0"}, `1`, true},
		{[]string{"spec", "list", "1", "k"}, `"v"`, true},
		{[]string{"spec", "list", "2"}, `[2,3]`, true},
		{[]string{"spec", "list", "3"}, `"s,]}"`, true},
		{[]string{"spec", "list", "4"}, ``, false},
		{[]string{"spec", "list", "x"}, ``, false},
		{[]string{"spec", `e"q`}, `true`, true},
		{[]string{"spec", "escaped"}, `5`, true},
		{[]string{"spec", "n"}, `null`, true},
		{[]string{"spec", "empty"}, `{}`, true},
		{[]string{"spec", "empty", "x"}, ``, false},
		{[]string{"spec", "num"}, `-1.5e3`, true},
		{[]string{"spec", "nested", "deep", "x"}, `[ ]`, true},
		{[]string{"spec", "missing"}, ``, false},
		{[]string{"apiVersion", "x"}, ``, false},
		{[]string{"spec", "nested"}, `{"deep": {"x": [ ]}}`, true},
	}
	for _, tt := range tests {
		got, ok := lookupJSON(doc, tt.path)
		if got != tt.want || ok != tt.ok {
			t.Errorf("lookupJSON(%q) = %q, %v; want %q, %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
	for _, bad := range []string{``, `{`, `{"a"`, `{"a":`, `{"a" 1}`, `[1,`, `"x`, `{"b":1 "a":2}`} {
		if got, ok := lookupJSON(bad, []string{"a"}); ok {
			t.Errorf("lookupJSON(%q, a) = %q, true", bad, got)
		}
	}
}

func TestLastAppliedHas(t *testing.T) {
	actual := withLastApplied(t, `{kind: VPC, metadata: {name: v}}`, `
kind: VPC
metadata: {name: v}
spec:
  a: 1
  nothing: null
  emptyMap: {}
  emptyList: []
  onlyName: {}
  list: [x]
  sub: {b: {c: 1}}
`)
	w := &walker{identity: true}
	w.reset(actual.Obj.Object)
	tests := []struct {
		path []string
		want bool
	}{
		{[]string{"spec", "a"}, true},
		{[]string{"spec", "nothing"}, false},
		// Empty values are values: an apply that no longer sets them deletes them.
		{[]string{"spec", "emptyMap"}, true},
		{[]string{"spec", "emptyList"}, true},
		{[]string{"spec", "list"}, true},
		{[]string{"spec", "list", "0"}, true},
		{[]string{"spec", "sub"}, true},
		{[]string{"spec", "sub", "b", "c"}, true},
		{[]string{"spec", "sub", "x"}, false},
		{[]string{"spec", "zzz"}, false},
	}
	for _, tt := range tests {
		w.path = append(w.path[:0], tt.path...)
		if got := w.lastAppliedHas(); got != tt.want {
			t.Errorf("lastAppliedHas(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
	w.reset(map[string]interface{}{"metadata": map[string]interface{}{"annotations": map[string]interface{}{LastAppliedAnnotation: "{not json"}}})
	w.path = append(w.path[:0], "spec")
	if w.lastAppliedHas() {
		t.Error("broken annotation reported a value")
	}
}
