package drift

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/githedgehog/kubectl-hnp/pkg/validate"
	"github.com/githedgehog/kubectl-hnp/pkg/writepath"
)

func hedgehogModel(t testing.TB) *writepath.Model {
	t.Helper()
	crds, err := validate.ReadCRDs(filepath.Join("..", "..", "testdata", "crds"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := writepath.FromCRDs(crds...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

const swHead = "{apiVersion: wiring.githedgehog.com/v1beta1, kind: Switch, metadata: {name: s}, spec: {role: server-leaf, "

// The patterns of docs/drift.md, judged with the Hedgehog CRDs' model.
func TestCompareWithTheWritePathModel(t *testing.T) {
	model := hedgehogModel(t)
	ssa := func(doc, fields string) *resource0 {
		m := mustMap(t, doc)
		md := m["metadata"].(map[string]interface{})
		md["managedFields"] = []interface{}{
			map[string]interface{}{"manager": "kustomize-controller", "operation": "Apply", "fieldsV1": mustMap(t, fields)},
			map[string]interface{}{"manager": "ops", "operation": "Update", "fieldsV1": mustMap(t, `{"f:spec": {"f:ecmp": {"f:roceQPN": {}}}}`)},
		}
		return &resource0{m}
	}
	tests := []struct {
		name            string
		desired, actual *resource0
		want            []FieldDiff
	}{{
		name:    "D: a field removed from Git whose value is the schema default is in sync",
		desired: &resource0{mustMap(t, swHead+"linkFlapErrDisable: {}}}")},
		actual:  &resource0{withLastApplied(t, swHead+"linkFlapErrDisable: {flapThreshold: 3, recoveryInterval: 300, samplingInterval: 30}}}", swHead+"linkFlapErrDisable: {flapThreshold: 3}}}").Obj.Object},
	}, {
		name:    "D: a removed field unlike its default is drift",
		desired: &resource0{mustMap(t, swHead+"linkFlapErrDisable: {}}}")},
		actual:  &resource0{withLastApplied(t, swHead+"linkFlapErrDisable: {flapThreshold: 5, recoveryInterval: 300, samplingInterval: 30}}}", swHead+"linkFlapErrDisable: {flapThreshold: 5}}}").Obj.Object},
		want:    []FieldDiff{{Path: "/spec/linkFlapErrDisable/flapThreshold", Actual: int64(5), Type: DiffOnlyInCluster}},
	}, {
		name:    "C: an empty map Git sets and the cluster lacks is drift",
		desired: &resource0{mustMap(t, swHead+"linkFlapErrDisable: {}}}")},
		actual:  &resource0{mustMap(t, swHead+"asn: 1}}")},
		want:    []FieldDiff{{Path: "/spec/linkFlapErrDisable", Desired: map[string]interface{}{}, Type: DiffOnlyInGit}},
	}, {
		name:    "fields the schema does not declare are pruned, not compared",
		desired: &resource0{mustMap(t, swHead+"notAField: x}}")},
		actual:  &resource0{mustMap(t, swHead+"asn: 1}}")},
	}, {
		name:    "B: a field only in the cluster inside an atomic list Git sets is drift",
		desired: &resource0{mustMap(t, "{apiVersion: wiring.githedgehog.com/v1beta1, kind: VLANNamespace, metadata: {name: v}, spec: {ranges: [{from: 1}]}}")},
		actual:  &resource0{mustMap(t, "{apiVersion: wiring.githedgehog.com/v1beta1, kind: VLANNamespace, metadata: {name: v}, spec: {ranges: [{from: 1, to: 9}]}}")},
		want:    []FieldDiff{{Path: "/spec/ranges/0/to", Actual: int64(9), Type: DiffOnlyInCluster}},
	}, {
		name:    "server-side apply: a field the deployer alone applied and Git dropped is drift; another manager's is not",
		desired: &resource0{mustMap(t, swHead+"asn: 1}}")},
		actual:  ssa(swHead+"asn: 1, vtepIP: 10.0.0.1/32, ecmp: {roceQPN: true}}}", `{"f:spec": {"f:role": {}, "f:asn": {}, "f:vtepIP": {}, "f:ecmp": {"f:roceQPN": {}}}}`),
		want:    []FieldDiff{{Path: "/spec/vtepIP", Actual: "10.0.0.1/32", Type: DiffOnlyInCluster}},
	}, {
		name:    "server-side apply: fields of a map the deployer shares are judged one by one",
		desired: &resource0{mustMap(t, swHead+"asn: 1}}")},
		actual:  ssa(swHead+"asn: 1, portBreakouts: {E1/1: 4x25G, E1/2: 2x50G}}}", `{"f:spec": {"f:role": {}, "f:asn": {}, "f:portBreakouts": {"f:E1/1": {}}}}`),
		want:    []FieldDiff{{Path: "/spec/portBreakouts/E1~11", Actual: "4x25G", Type: DiffOnlyInCluster}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := compareOne(t, object(tt.desired.m), object(tt.actual.m), Options{Model: model})
			if d := cmp.Diff(tt.want, r.Diffs); d != "" {
				t.Errorf("diffs (-want +got):\n%s", d)
			}
		})
	}
}

// resource0 holds a test object's map.
type resource0 struct{ m map[string]interface{} }
