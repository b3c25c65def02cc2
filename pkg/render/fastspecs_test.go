package render

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestFastSpecsMatchKustomizesDefaults reads the default field specs of
// the kustomize module this binary is built with (its internal
// builtinpluginconsts, which cannot be imported) and checks the fast
// path's assumptions: every kind they name is a special kind, and the
// specs that name no kind are the ones fastspecs.go applies. A kustomize
// upgrade that changes them fails here.
func TestFastSpecsMatchKustomizesDefaults(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/kustomize/api").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "internal", "konfig", "builtinpluginconsts")
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) < 5 {
		t.Fatalf("%s: %v %v", dir, files, err)
	}
	literal := regexp.MustCompile("(?s)`([^`]*)`")
	kinds := map[string]bool{}
	var kindless []string
	var spec func(field string, v interface{})
	spec = func(field string, v interface{}) {
		m, ok := v.(map[string]interface{})
		if !ok {
			return
		}
		if fss, ok := m["fieldSpecs"].([]interface{}); ok { // a name reference
			kinds[m["kind"].(string)] = true
			for _, fs := range fss {
				spec(field+"/referrer", fs)
			}
			return
		}
		kind, _ := m["kind"].(string)
		if kind != "" {
			kinds[kind] = true
			return
		}
		g, _ := m["group"].(string)
		v2, _ := m["version"].(string)
		create, _ := m["create"].(bool)
		kindless = append(kindless, strings.Join([]string{field, g, v2, m["path"].(string), map[bool]string{true: "create"}[create]}, " "))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, lit := range literal.FindAllSubmatch(b, -1) {
			var doc interface{}
			if err := yaml.Unmarshal(lit[1], &doc); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			switch d := doc.(type) {
			case map[string]interface{}:
				for field, list := range d {
					l, _ := list.([]interface{})
					for _, e := range l {
						spec(field, e)
					}
				}
			case []interface{}: // the metadata labels, appended to commonLabels and templateLabels
				for _, e := range d {
					spec("metadataLabels", e)
				}
			}
		}
	}
	for k := range kinds {
		if !specialKinds[k] {
			t.Errorf("kustomize's default field specs name %s: add it to specialKinds", k)
		}
	}
	slices.Sort(kindless)
	want := []string{
		"commonAnnotations   metadata/annotations create",
		"images   spec/containers[]/image create",
		"images   spec/initContainers[]/image create",
		"images   spec/template/spec/containers[]/image create",
		"images   spec/template/spec/initContainers[]/image create",
		"images   spec/template/spec/volumes[]/image/reference create",
		"images   spec/volumes[]/image/reference create",
		"metadataLabels   metadata/labels create",
		"namePrefix   metadata/name ",
		"nameSuffix   metadata/name ",
		"varReference   metadata/annotations ",
		"varReference   metadata/labels ",
	}
	if !slices.Equal(kindless, want) {
		t.Errorf("field specs for every kind:\n%s\nwant (fastspecs.go applies these; images and vars are not on the fast path):\n%s",
			strings.Join(kindless, "\n"), strings.Join(want, "\n"))
	}
	if len(kinds) < 20 {
		t.Errorf("only %d kinds found in %s", len(kinds), dir)
	}
}
