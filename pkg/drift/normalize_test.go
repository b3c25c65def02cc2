package drift

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{{
		name: "drops status and server-owned metadata, keeps ownerReferences",
		in: `
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
  namespace: fab
  uid: 1234
  resourceVersion: "77"
  generation: 3
  creationTimestamp: "2024-01-01T00:00:00Z"
  managedFields: [{manager: kubectl}]
  selfLink: /apis/x
  deletionTimestamp: "2024-01-02T00:00:00Z"
  deletionGracePeriodSeconds: 30
  ownerReferences: [{kind: Fabric, name: f}]
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{}'
    keep: me
spec: {ipv4Namespace: default}
status: {applied: true}
`,
		want: `
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
  namespace: fab
  ownerReferences: [{kind: Fabric, name: f}]
  annotations: {keep: me}
spec: {ipv4Namespace: default}
`,
	}, {
		name: "missing namespace becomes default",
		in:   `{kind: VPC, metadata: {name: v}}`,
		want: `{kind: VPC, metadata: {name: v, namespace: default}}`,
	}, {
		name: "nulls are removed recursively; empty maps and lists are values except in metadata",
		in: `
kind: VPC
metadata: {name: v, labels: {}, annotations: {kubectl.kubernetes.io/last-applied-configuration: x}}
spec:
  subnets: {}
  permit: []
  x: null
  nested: {a: {b: {}}, c: []}
  keep: {a: 1}
  list: [{}, null, 2]
`,
		want: `
kind: VPC
metadata: {name: v, namespace: default}
spec:
  subnets: {}
  permit: []
  nested: {a: {b: {}}, c: []}
  keep: {a: 1}
  list: [{}, null, 2]
`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustMap(t, tt.in)
			before := mustMap(t, tt.in)
			got := Normalize(in)
			if d := cmp.Diff(intify(mustMap(t, tt.want)), got); d != "" {
				t.Errorf("Normalize (-want +got):\n%s", d)
			}
			if d := cmp.Diff(before, in); d != "" {
				t.Errorf("Normalize modified its input:\n%s", d)
			}
		})
	}
}

func TestNormalizeCanonicalNumbers(t *testing.T) {
	in := map[string]interface{}{
		"metadata": map[string]interface{}{"name": "x", "namespace": "n"},
		"a":        float64(1001),
		"b":        json.Number("1001"),
		"c":        int(1001),
		"d":        uint8(7),
		"e":        1.5,
		"f":        json.Number("2.5e1"),
		"g":        float32(0.5),
	}
	want := map[string]interface{}{
		"metadata": map[string]interface{}{"name": "x", "namespace": "n"},
		"a":        int64(1001),
		"b":        int64(1001),
		"c":        int64(1001),
		"d":        int64(7),
		"e":        1.5,
		"f":        int64(25),
		"g":        0.5,
	}
	if d := cmp.Diff(want, Normalize(in)); d != "" {
		t.Errorf("Normalize (-want +got):\n%s", d)
	}
}

func TestScalarEqualNumbersByValue(t *testing.T) {
	tests := []struct {
		d, a interface{}
		want bool
	}{
		{int64(1001), float64(1001), true},
		{float64(1001), int(1001), true},
		{json.Number("1001"), int64(1001), true},
		{json.Number("1001.0"), int32(1001), true},
		{uint64(5), int8(5), true},
		{float32(2.5), 2.5, true},
		{math.NaN(), math.NaN(), true},
		{int64(1001), float64(1001.5), false},
		{int64(1), "1", false},
		{"1", int64(1), false},
		{json.Number("x"), int64(1), false},
		{uint64(math.MaxUint64), int64(math.MaxInt64), false},
		{int64(math.MaxInt64), int64(math.MaxInt64 - 1), false},
		{true, true, true},
		{true, false, false},
		{true, "true", false},
		{"a", "a", true},
	}
	for _, tt := range tests {
		if got := scalarEqual(tt.d, tt.a); got != tt.want {
			t.Errorf("scalarEqual(%#v, %#v) = %v, want %v", tt.d, tt.a, got, tt.want)
		}
	}
}
