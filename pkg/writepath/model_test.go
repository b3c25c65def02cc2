package writepath

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/validate"
)

func hedgehog(t *testing.T) *Model {
	t.Helper()
	crds, err := validate.ReadCRDs(filepath.Join("..", "..", "testdata", "crds"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := FromCRDs(crds...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDefaultsArePrunedAndNested(t *testing.T) {
	m := hedgehog(t)
	root := m.Root("wiring.githedgehog.com/v1beta1", "Switch")
	if root == nil {
		t.Fatal("no Switch schema")
	}
	spec, known := root.Child("spec")
	if !known {
		t.Fatal("spec unknown")
	}
	lfed, _ := spec.Child("linkFlapErrDisable")
	if _, ok := lfed.Default(); ok {
		t.Error("linkFlapErrDisable has no default of its own")
	}
	flap, _ := lfed.Child("flapThreshold")
	if d, ok := flap.Default(); !ok || d != int64(3) {
		t.Errorf("flapThreshold default = %v %v, want 3", d, ok)
	}
	if _, known := spec.Child("notAField"); known {
		t.Error("an undeclared field is kept: the server prunes it")
	}
	pb, known := spec.Child("portBreakouts")
	if !known {
		t.Fatal("portBreakouts unknown")
	}
	if _, known := pb.Child("E1/55"); !known {
		t.Error("a key of a map with additionalProperties is pruned")
	}
	groups, _ := spec.Child("groups")
	if groups.ListType() != ListAtomic || groups.Items() == nil {
		t.Errorf("groups: list type %q", groups.ListType())
	}
}

func TestUnknownKindsAndVersions(t *testing.T) {
	m := hedgehog(t)
	if m.Root("vpc.githedgehog.com/v1beta1", "Nope") != nil || m.Root("example.com/v1", "VPC") != nil {
		t.Error("a kind without a CRD has a schema")
	}
	// An unserved version falls back to the storage version's schema.
	if m.Root("vpc.githedgehog.com/v9", "VPC") == nil {
		t.Error("no fallback to the storage version")
	}
	var nilModel *Model
	if nilModel.Root("vpc.githedgehog.com/v1beta1", "VPC") != nil {
		t.Error("a nil model has a schema")
	}
	var n *Node
	if c, known := n.Child("x"); c != nil || !known || n.ListType() != ListAtomic || n.MapAtomic() {
		t.Error("a nil node must keep everything, atomically")
	}
}

func TestListAndMapTypes(t *testing.T) {
	s := `{"type":"object","properties":{"l":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],"items":{"type":"object","properties":{"name":{"type":"string"},"v":{"type":"integer","default":7}}}},"m":{"type":"object","x-kubernetes-map-type":"atomic","x-kubernetes-preserve-unknown-fields":true}}}`
	m := crdModel(t, s)
	spec, _ := m.Root("example.com/v1", "Widget").Child("spec")
	l, _ := spec.Child("l")
	if l.ListType() != ListMap || !reflect.DeepEqual(l.ListMapKeys(), []string{"name"}) {
		t.Errorf("l: %q %v", l.ListType(), l.ListMapKeys())
	}
	v, _ := l.Items().Child("v")
	if d, ok := v.Default(); !ok || d != int64(7) {
		t.Errorf("item default %v", d)
	}
	mm, _ := spec.Child("m")
	if !mm.MapAtomic() {
		t.Error("m is atomic")
	}
	if _, known := mm.Child("anything"); !known {
		t.Error("preserve-unknown-fields keeps every key")
	}
}

func TestApplyDefaults(t *testing.T) {
	m := hedgehog(t)
	obj := map[string]interface{}{
		"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "Switch",
		"metadata": map[string]interface{}{"name": "leaf-01"},
		"spec":     map[string]interface{}{"linkFlapErrDisable": map[string]interface{}{"flapThreshold": int64(5)}},
	}
	m.ApplyDefaults(obj)
	lf := obj["spec"].(map[string]interface{})["linkFlapErrDisable"].(map[string]interface{})
	if lf["flapThreshold"] != int64(5) || lf["samplingInterval"] != int64(30) || lf["recoveryInterval"] != int64(300) {
		t.Fatalf("defaults not applied as the schema says: %v", lf)
	}
	unknown := map[string]interface{}{"apiVersion": "example.com/v1", "kind": "Other", "spec": map[string]interface{}{}}
	m.ApplyDefaults(unknown)
	if len(unknown["spec"].(map[string]interface{})) != 0 {
		t.Fatalf("an unknown kind was changed: %v", unknown)
	}
}
