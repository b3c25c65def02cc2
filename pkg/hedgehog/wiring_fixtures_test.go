package hedgehog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// wiringFixtureDir holds the hand-written defaulting fixtures of the
// wiring kinds: <case>.in.yaml as a user writes it, <case>.stored.yaml as
// the facts say the cluster stores it.
var wiringFixtureDir = filepath.Join("..", "..", "testdata", "hedgehog", "defaulting")

// wiringLoad reads one object; with ints, integral numbers are int64 (as
// the Git reader gives them), otherwise float64 (as JSON decoding does).
func wiringLoad(t testing.TB, path string, ints bool) *unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]interface{}
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if ints {
		m = wiringInts(m).(map[string]interface{})
	}
	return &unstructured.Unstructured{Object: m}
}

func wiringInts(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		for k, x := range t {
			t[k] = wiringInts(x)
		}
	case []interface{}:
		for i, x := range t {
			t[i] = wiringInts(x)
		}
	case float64:
		if t == float64(int64(t)) {
			return int64(t)
		}
	}
	return v
}

// wiringJSON is the canonical JSON of an object (sorted keys; int64 and
// float64 print alike).
func wiringJSON(t testing.TB, obj *unstructured.Unstructured) string {
	t.Helper()
	b, err := json.Marshal(obj.Object)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func wiringYAML(s string) string {
	y, err := yaml.JSONToYAML([]byte(s))
	if err != nil {
		return s
	}
	return string(y)
}

// wiringDefaultCases runs Default on every fixture of a kind and compares
// the result with the hand-written stored form, once with float64 and
// once with int64 numbers.
func wiringDefaultCases(t *testing.T, kind string) {
	dir := filepath.Join(wiringFixtureDir, kind)
	ins, err := filepath.Glob(filepath.Join(dir, "*.in.yaml"))
	if err != nil || len(ins) == 0 {
		t.Fatalf("no fixtures in %s (%v)", dir, err)
	}
	for _, in := range ins {
		name := strings.TrimSuffix(filepath.Base(in), ".in.yaml")
		stored := filepath.Join(dir, name+".stored.yaml")
		t.Run(name, func(t *testing.T) {
			for _, ints := range []bool{false, true} {
				obj := wiringLoad(t, in, ints)
				Default(obj)
				got, want := wiringJSON(t, obj), wiringJSON(t, wiringLoad(t, stored, false))
				if got != want {
					t.Fatalf("ints=%v: defaulted %s differs from %s\n--- want\n%s--- got\n%s", ints, in, stored, wiringYAML(want), wiringYAML(got))
				}
				// Defaulting the stored form again changes nothing (the
				// webhook runs again on every update).
				again := wiringLoad(t, stored, ints)
				Default(again)
				if g := wiringJSON(t, again); g != want {
					t.Fatalf("ints=%v: defaulting the stored form changed it\n--- want\n%s--- got\n%s", ints, wiringYAML(want), wiringYAML(g))
				}
			}
		})
	}
}

func TestConnectionDefault(t *testing.T)    { wiringDefaultCases(t, "connection") }
func TestSwitchDefault(t *testing.T)        { wiringDefaultCases(t, "switch") }
func TestServerDefault(t *testing.T)        { wiringDefaultCases(t, "server") }
func TestSwitchGroupDefault(t *testing.T)   { wiringDefaultCases(t, "switchgroup") }
func TestVLANNamespaceDefault(t *testing.T) { wiringDefaultCases(t, "vlannamespace") }
