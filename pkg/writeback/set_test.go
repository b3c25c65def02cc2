package writeback

import (
	"reflect"
	"strings"
	"testing"
)

func TestParsePath(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{in: "spec.subnets.default.vlan", want: []string{"spec", "subnets", "default", "vlan"}},
		{in: "spec.portBreakouts[E1/55]", want: []string{"spec", "portBreakouts", "E1/55"}},
		{in: "metadata.labels[fabric.githedgehog.com/vpc1]", want: []string{"metadata", "labels", "fabric.githedgehog.com/vpc1"}},
		{in: "spec.permit[0].vpc-1", want: []string{"spec", "permit", "0", "vpc-1"}},
		{in: "a[b][c]", want: []string{"a", "b", "c"}},
		{in: "", wantErr: true},
		{in: "spec.", wantErr: true},
		{in: ".spec", wantErr: true},
		{in: "spec..x", wantErr: true},
		{in: "spec[x", wantErr: true},
		{in: "spec[]", wantErr: true},
		{in: "spec[x]y", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParsePath(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ParsePath(%q) = %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParsePath(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseScalar(t *testing.T) {
	tests := map[string]interface{}{
		"1202": int64(1202), "-3": int64(-3), "1.5": 1.5, "true": true, "false": false, "null": nil,
		"4x25G": "4x25G", "10.0.1.0/24": "10.0.1.0/24", `"1202"`: "1202", "E1/55": "E1/55", "": "",
	}
	for in, want := range tests {
		got, err := ParseScalar(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseScalar(%q) = %#v, %v; want %#v", in, got, err, want)
		}
	}
	got, err := ParseScalar("[a, 2]")
	if err != nil || !reflect.DeepEqual(got, []interface{}{"a", int64(2)}) {
		t.Errorf("flow list: %#v %v", got, err)
	}
}

func TestSet(t *testing.T) {
	obj := map[string]interface{}{"spec": map[string]interface{}{
		"subnets": map[string]interface{}{"default": map[string]interface{}{"vlan": int64(1001)}},
		"permit":  []interface{}{map[string]interface{}{"a": map[string]interface{}{}}},
		"role":    "leaf",
	}}
	if err := Set(obj, []string{"spec", "subnets", "default", "vlan"}, int64(1202)); err != nil {
		t.Fatal(err)
	}
	if err := Set(obj, []string{"spec", "new", "deep", "key"}, "v"); err != nil {
		t.Fatal(err)
	}
	if err := Set(obj, []string{"spec", "permit", "0", "b"}, map[string]interface{}{}); err != nil {
		t.Fatal(err)
	}
	want := map[string]interface{}{"spec": map[string]interface{}{
		"subnets": map[string]interface{}{"default": map[string]interface{}{"vlan": int64(1202)}},
		"permit":  []interface{}{map[string]interface{}{"a": map[string]interface{}{}, "b": map[string]interface{}{}}},
		"role":    "leaf",
		"new":     map[string]interface{}{"deep": map[string]interface{}{"key": "v"}},
	}}
	if !reflect.DeepEqual(obj, want) {
		t.Errorf("got %#v", obj)
	}
	for _, bad := range [][]string{{"spec", "role", "x"}, {"spec", "permit", "5"}, {"spec", "permit", "x"}, {"spec", "permit", "1"}} {
		if err := Set(obj, bad, 1); err == nil {
			t.Errorf("Set(%q) should fail", bad)
		}
	}
}

func TestMergePatch(t *testing.T) {
	obj := map[string]interface{}{"spec": map[string]interface{}{"a": int64(1), "b": "x"}}
	for _, patch := range []string{`{"spec":{"a":2,"b":null,"c":[1]}}`, "spec:\n  a: 2\n  b: null\n  c: [1]\n"} {
		got, err := MergePatch(obj, []byte(patch))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]interface{}{"spec": map[string]interface{}{"a": int64(2), "c": []interface{}{int64(1)}}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("patch %q: got %#v", patch, got)
		}
	}
	if _, err := MergePatch(obj, []byte("[1]")); err == nil || !strings.Contains(err.Error(), "JSON object") {
		t.Errorf("a list is not a merge patch: %v", err)
	}
}

func TestCheckIdentity(t *testing.T) {
	base := func() map[string]interface{} {
		return map[string]interface{}{"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPC",
			"metadata": map[string]interface{}{"name": "vpc-1"}}
	}
	if err := CheckIdentity(base(), base()); err != nil {
		t.Fatal(err)
	}
	other := base()
	other["apiVersion"] = "vpc.githedgehog.com/v1beta2"
	if err := CheckIdentity(base(), other); err != nil {
		t.Errorf("a version change within the group is allowed: %v", err)
	}
	for field, mutate := range map[string]func(m map[string]interface{}){
		"apiVersion":         func(m map[string]interface{}) { m["apiVersion"] = "wiring.githedgehog.com/v1beta1" },
		"kind":               func(m map[string]interface{}) { m["kind"] = "Switch" },
		"metadata.name":      func(m map[string]interface{}) { m["metadata"].(map[string]interface{})["name"] = "x" },
		"metadata.namespace": func(m map[string]interface{}) { m["metadata"].(map[string]interface{})["namespace"] = "x" },
	} {
		m := base()
		mutate(m)
		if err := CheckIdentity(base(), m); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s change: %v", field, err)
		}
	}
}
