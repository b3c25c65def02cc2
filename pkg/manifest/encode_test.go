package manifest

import (
	"bytes"
	"testing"
)

func TestEncode(t *testing.T) {
	obj := map[string]interface{}{
		"status": map[string]interface{}{"ready": true},
		"spec": map[string]interface{}{
			"subnets": map[string]interface{}{
				"default": map[string]interface{}{"vlan": int64(1001), "subnet": "10.0.1.0/24"},
			},
			"permit": []interface{}{[]interface{}{"a", "b"}},
			"ports":  []interface{}{map[string]interface{}{"name": "E1/1", "speed": "100G"}},
			"empty":  map[string]interface{}{},
			"none":   []interface{}{},
			"note":   "line one\nline two\n",
			"flags":  []interface{}{"yes", "on", "1001", "true", "1:20", ""},
			"ratio":  0.5,
			"unset":  nil,
		},
		"metadata": map[string]interface{}{
			"annotations": map[string]interface{}{"z": "1", "a": "2"},
			"uid":         "x",
			"labels":      map[string]interface{}{"team": "net"},
			"namespace":   "default",
			"name":        "vpc-1",
		},
		"kind":       "VPC",
		"apiVersion": "vpc.githedgehog.com/v1beta1",
		"data":       "z",
	}
	out, err := Encode(obj)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "encode.yaml", out)
	if back, err := ParseDoc(out); err != nil || !equalValues(back, obj) {
		t.Errorf("Encode's output reads back as %v (%v)", back, err)
	}
	if k8s, err := k8sRead(out); err != nil || !equalValues(k8s, obj) {
		t.Errorf("Kubernetes reads Encode's output as %v (%v)", k8s, err)
	}
	if _, err := Encode(nil); err == nil {
		t.Error("Encode(nil): no error")
	}
	// Encode output appended to a file is a document Rewrite keeps as is.
	again, err := Rewrite(out, obj)
	if err != nil || !bytes.Equal(again, out) {
		t.Errorf("Rewrite(Encode(obj), obj) = %q, %v", again, err)
	}
}
