package hedgehog_test

import (
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
)

// TestSampleFabricWiring: the project's sample fabrics
// (testdata/sample-fabric) are valid by Hedgehog's rules for the wiring
// kinds, as the Git reader reads them; the lab fabric's deprecated MCLAG
// connection is accepted with a warning.
func TestSampleFabricWiring(t *testing.T) {
	wiring := map[string]bool{"Connection": true, "Switch": true, "Server": true, "SwitchGroup": true, "VLANNamespace": true}
	root := filepath.Join("..", "..", "testdata", "sample-fabric")
	for _, tc := range []struct {
		fabric   string
		warnings []string
	}{
		{"lab", []string{"Connection/server-01--mclag--leaf-01--leaf-02 connection.mclag-deprecated"}},
		{"prod", nil},
	} {
		t.Run(tc.fabric, func(t *testing.T) {
			d, err := desired.Load(root, filepath.Join("fabrics", tc.fabric))
			if err != nil {
				t.Fatal(err)
			}
			var objs []*unstructured.Unstructured
			for _, k := range d.Objects.Keys() {
				objs = append(objs, d.Objects[k].Obj)
			}
			var got []string
			for _, v := range hedgehog.ValidateObjects(objs, &hedgehog.Config{}).Violations {
				if !wiring[v.Kind] {
					continue
				}
				s := v.Kind + "/" + v.Name + " " + v.Rule
				if !v.Warning {
					s += " (error: " + v.Message + ")"
				}
				got = append(got, s)
			}
			if strings.Join(got, "\n") != strings.Join(tc.warnings, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.warnings, "\n"))
			}
		})
	}
}
