package jsonvalue

import (
	"reflect"
	"testing"
)

func TestFieldsV1ReadsBothForms(t *testing.T) {
	m := map[string]any{"f:spec": map[string]any{"f:x": map[string]any{}}}
	for name, c := range map[string]struct {
		in   any
		want map[string]any
	}{
		"map":        {m, m},
		"text":       {`{"f:spec":{"f:x":{}}}`, m},
		"not object": {`[1]`, nil},
		"bad text":   {`{"f:spec":`, nil},
		"absent":     {nil, nil},
		"number":     {int64(1), nil},
	} {
		if got := FieldsV1(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %#v, want %#v", name, got, c.want)
		}
	}
}

func TestExpandFieldsV1(t *testing.T) {
	list, err := List([]byte(`{"kind":"XList","items":[{"metadata":{"managedFields":[{"manager":"a","fieldsV1":{"f:spec":{"f:x":{}}}},"odd",{"manager":"b"}]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	obj := list["items"].([]any)[0].(map[string]any)
	entries := obj["metadata"].(map[string]any)["managedFields"].([]any)
	if _, ok := entries[0].(map[string]any)["fieldsV1"].(string); !ok {
		t.Fatalf("List decoded the field set: %#v", entries[0])
	}
	ExpandFieldsV1(obj)
	want, _ := Object([]byte(`{"metadata":{"managedFields":[{"manager":"a","fieldsV1":{"f:spec":{"f:x":{}}}},"odd",{"manager":"b"}]}}`))
	if !reflect.DeepEqual(obj, want) {
		t.Errorf("expanded %#v, want %#v", obj, want)
	}
	ExpandFieldsV1(map[string]any{"metadata": "not a map"}) // no panic on odd objects
}
