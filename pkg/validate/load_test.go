package validate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

func TestReadCRDsReadsTheTwelveHedgehogCRDs(t *testing.T) {
	crds, err := ReadCRDs(crdDir(t))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range crds {
		got[c.Name] = true
	}
	for _, name := range HedgehogCRDNames() {
		if !got[name] {
			t.Errorf("CRD %s not read", name)
		}
	}
	if len(crds) != 12 {
		t.Errorf("%d CRDs, want 12", len(crds))
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadDirErrors(t *testing.T) {
	cases := map[string]struct {
		files map[string]string
		want  string
	}{
		"not a CRD": {map[string]string{"a.yaml": widgetCRDYAML + "---\napiVersion: v1\nkind: ConfigMap\n"},
			"a.yaml: YAML document 2 is a v1 ConfigMap, not a apiextensions.k8s.io/v1 CustomResourceDefinition"},
		"bad YAML":  {map[string]string{"b.yml": "apiVersion: [\n"}, "b.yml: YAML document 1"},
		"empty dir": {map[string]string{"README.md": "# not YAML"}, "no CRD manifests (*.yaml) in"},
		"duplicate kind": {map[string]string{"a.yaml": widgetCRDYAML, "b.yaml": strings.Replace(widgetCRDYAML, "name: widgets.test", "name: widgets2.test", 1)},
			"kind Widget.test.hnp.githedgehog.com is served by both CRD widgets.test.hnp.githedgehog.com and CRD widgets2.test.hnp.githedgehog.com"},
		"unserved version without schema": {map[string]string{"a.yaml": strings.Replace(widgetCRDYAML, "openAPIV3Schema: {type: object}", "openAPIV3Schema: null", 1) + "---\n"},
			""},
		"not structural": {map[string]string{"a.yaml": strings.Replace(widgetCRDYAML, "size: {type: integer,", "size: {", 1)},
			"CRD widgets.test.hnp.githedgehog.com version v1: the schema is not structural"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := LoadDir(writeFiles(t, c.files))
			if c.want == "" {
				// An unserved version's schema is not needed.
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant it to contain %q", err, c.want)
			}
		})
	}
	if _, err := LoadDir(filepath.Join(t.TempDir(), "missing")); err == nil || !strings.Contains(err.Error(), "reading CRD directory") {
		t.Fatalf("missing dir: %v", err)
	}
}

func TestFromCRDsErrors(t *testing.T) {
	if _, err := FromCRDs(nil); err == nil || err.Error() != "CRD 1 of 1 is nil" {
		t.Fatalf("nil CRD: %v", err)
	}
	noSchema := widgetCRD(t)
	noSchema.Spec.Versions[0].Schema = nil
	if _, err := FromCRDs(noSchema); err == nil || err.Error() != "CRD widgets.test.hnp.githedgehog.com version v1: no openAPIV3Schema" {
		t.Fatalf("served version without schema: %v", err)
	}
	if _, err := FromCRDs(&apiextensionsv1.CustomResourceDefinition{}); err == nil || !strings.Contains(err.Error(), "names no group or kind") {
		t.Fatalf("empty CRD: %v", err)
	}
}
