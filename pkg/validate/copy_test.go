package validate

import (
	"encoding/json"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Objects built in Go may hold int, []string and the like; they are
// validated as the JSON the client would send.
func TestGoTypedValues(t *testing.T) {
	o := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "wiring.githedgehog.com/v1beta1",
		"kind":       "Switch",
		"metadata":   map[string]any{"name": "sw-1", "labels": map[string]string{"a": "b"}},
		"spec": map[string]any{
			"role": "spine", "asn": 65000, "groups": []string{"g1"},
			"linkFlapErrDisable": map[string]any{"flapThreshold": int32(7), "recoveryInterval": json.Number("60"), "samplingInterval": float32(10)},
		},
	}}
	if err := strict(t).Validate(o); err != nil {
		t.Fatal(err)
	}
	o.Object["spec"].(map[string]any)["asn"] = 1.5
	wantField(t, strict(t).Validate(o), "spec.asn", field.ErrorTypeTypeInvalid)
	o.Object["spec"].(map[string]any)["asn"] = struct{}{}
	e := wantField(t, strict(t).Validate(o), "", field.ErrorTypeInvalid)
	if !strings.Contains(e.Fields[0].Reason, "spec.asn: unsupported Go type struct {}") {
		t.Fatalf("%v", e)
	}
}

func TestWireNumber(t *testing.T) {
	for in, want := range map[float64]any{3: int64(3), -2: int64(-2), 2.5: 2.5, 1e300: 1e300} {
		if got := wireNumber(in); got != want {
			t.Errorf("wireNumber(%v) = %#v, want %#v", in, got, want)
		}
	}
}
