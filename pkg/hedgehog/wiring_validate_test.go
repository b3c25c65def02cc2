package hedgehog

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

var wiringTestDir = filepath.Join("..", "..", "testdata", "hedgehog", "wiring")

// wiringDocs decodes multi-document YAML into objects with int64 numbers,
// as the Git reader gives them.
func wiringDocs(t testing.TB, data []byte) []*unstructured.Unstructured {
	t.Helper()
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var out []*unstructured.Unstructured
	for {
		var m map[string]interface{}
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if m != nil {
			out = append(out, &unstructured.Unstructured{Object: wiringInts(m).(map[string]interface{})})
		}
	}
}

// wiringFabric returns the test wiring (testdata/hedgehog/wiring/fabric.yaml).
func wiringFabric(t testing.TB) []*unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(wiringTestDir, "fabric.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return wiringDocs(t, data)
}

// wiringConfig returns the test wiring's FabricConfig values.
func wiringConfig(t testing.TB) *Config {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(wiringTestDir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &Config{}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// wiringCase is a change to the test wiring and the violations the whole
// fabric then has.
type wiringCase struct {
	name string
	// docs replace the objects of the same kind and name, or are added.
	docs string
	// remove names objects to drop: "Kind/name".
	remove []string
	// noCfg validates without FabricConfig values.
	noCfg bool
	// want: "Kind/name rule field", " warning" appended for warnings.
	want []string
}

func wiringKey(o *unstructured.Unstructured) string { return o.GetKind() + "/" + o.GetName() }

func wiringApply(t testing.TB, base []*unstructured.Unstructured, docs string, remove []string) []*unstructured.Unstructured {
	t.Helper()
	drop := map[string]bool{}
	for _, k := range remove {
		drop[k] = true
	}
	repl := map[string]*unstructured.Unstructured{}
	var added []*unstructured.Unstructured
	for _, o := range wiringDocs(t, []byte(docs)) {
		repl[wiringKey(o)] = o
		added = append(added, o)
	}
	var out []*unstructured.Unstructured
	for _, o := range base {
		k := wiringKey(o)
		if drop[k] {
			continue
		}
		if r := repl[k]; r != nil {
			out = append(out, r)
			delete(repl, k)
			continue
		}
		out = append(out, o)
	}
	for _, o := range added {
		if repl[wiringKey(o)] != nil {
			out = append(out, o)
		}
	}
	return out
}

func wiringFormat(vs []Violation) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		s := v.Kind + "/" + v.Name + " " + v.Rule + " " + v.Field
		if v.Warning {
			s += " warning"
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func wiringRun(t *testing.T, cases []wiringCase) {
	t.Helper()
	base := wiringFabric(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			objs := wiringApply(t, base, tc.docs, tc.remove)
			cfg := wiringConfig(t)
			if tc.noCfg {
				cfg = &Config{}
			}
			before := make([]string, len(objs))
			for i, o := range objs {
				before[i] = wiringJSON(t, o)
			}
			rep := ValidateObjects(objs, cfg)
			got := wiringFormat(rep.Violations)
			want := append([]string(nil), tc.want...)
			sort.Strings(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("violations\n--- want\n%s\n--- got\n%s\n--- messages\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"), wiringMessages(rep.Violations))
			}
			for _, v := range rep.Violations {
				if v.Message == "" || v.Fix == "" {
					t.Errorf("%s %s: message %q, fix %q: both must be set", v.Name, v.Rule, v.Message, v.Fix)
				}
			}
			for i, o := range objs {
				if wiringJSON(t, o) != before[i] {
					t.Errorf("ValidateObjects modified %s", wiringKey(o))
				}
			}
		})
	}
}

func wiringMessages(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString(v.Name + " " + v.Rule + ": " + v.Message + " (fix: " + v.Fix + ")\n")
	}
	return b.String()
}

// TestWiringFabricValid: the consistent test wiring has no violations,
// with and without the fabric config, and the config's notes say which
// rules were skipped only when it is missing.
func TestWiringFabricValid(t *testing.T) {
	wiringRun(t, []wiringCase{{name: "with config"}, {name: "without config", noCfg: true}})
	if n := ValidateObjects(wiringFabric(t), wiringConfig(t)).Notes; len(n) != 0 {
		t.Errorf("notes with a full config: %v", n)
	}
	if n := ValidateObjects(wiringFabric(t), &Config{}).Notes; len(n) == 0 {
		t.Error("no notes without a config")
	}
}
