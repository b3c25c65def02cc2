package drift

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// mustMap parses a YAML document into a map.
func mustMap(t testing.TB, doc string) map[string]interface{} {
	t.Helper()
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatalf("bad test YAML: %v\n%s", err, doc)
	}
	return m
}

// object wraps a map as a resource.Object keyed by its kind, namespace and name.
func object(m map[string]interface{}) *resource.Object {
	u := &unstructured.Unstructured{Object: m}
	return &resource.Object{Key: resource.KeyOf(u), Obj: u}
}

// obj parses a YAML document into a resource.Object.
func obj(t testing.TB, doc string) *resource.Object {
	t.Helper()
	return object(mustMap(t, doc))
}

// set builds a resource.Set from objects.
func set(objs ...*resource.Object) resource.Set {
	s := resource.Set{}
	for _, o := range objs {
		s[o.Key] = o
	}
	return s
}

// compareOne compares a single desired and actual object and returns its result.
func compareOne(t testing.TB, desired, actual *resource.Object, opts Options) ResourceResult {
	t.Helper()
	var d, a resource.Set
	if desired != nil {
		d = set(desired)
	}
	if actual != nil {
		a = set(actual)
	}
	res := Compare(d, a, opts)
	if len(res.Resources) != 1 {
		t.Fatalf("want 1 resource, got %d", len(res.Resources))
	}
	return res.Resources[0]
}

// intify turns the integral float64 values YAML parsing yields into int64,
// the canonical form normalised values use.
func intify[T any](v T) T {
	var conv func(interface{}) interface{}
	conv = func(v interface{}) interface{} {
		switch t := v.(type) {
		case map[string]interface{}:
			for k, c := range t {
				t[k] = conv(c)
			}
		case []interface{}:
			for i, c := range t {
				t[i] = conv(c)
			}
		case float64:
			if t == float64(int64(t)) {
				return int64(t)
			}
		}
		return v
	}
	return conv(v).(T)
}

// diffMaps compares two maps with go-cmp.
func diffMaps(want, got map[string]interface{}) string { return cmp.Diff(want, got) }
