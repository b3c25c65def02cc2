package drift

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

const switchDesired = `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: leaf-1, namespace: default}
spec:
  role: server-leaf
  linkFlapErrDisable: {flapThreshold: %s}
`

const switchActual = `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-1
  namespace: default
  uid: 8d1c
  resourceVersion: "4242"
  generation: 2
  labels: {fabric.githedgehog.com/switch: leaf-1}
spec:
  role: server-leaf
  enableAllPorts: false
  linkFlapErrDisable: {flapThreshold: 3, recoveryInterval: 300, samplingInterval: 30}
status: {applied: {gen: 2}}
`

// withLastApplied adds a last-applied-configuration annotation to a YAML
// object, holding the JSON of another YAML document.
func withLastApplied(t *testing.T, doc, lastApplied string) *resource.Object {
	t.Helper()
	m := mustMap(t, doc)
	la, err := json.Marshal(mustMap(t, lastApplied))
	if err != nil {
		t.Fatal(err)
	}
	md := m["metadata"].(map[string]interface{})
	ann, _ := md["annotations"].(map[string]interface{})
	if ann == nil {
		ann = map[string]interface{}{}
		md["annotations"] = ann
	}
	ann[LastAppliedAnnotation] = string(la)
	return object(m)
}

func TestCompareObjects(t *testing.T) {
	const vpc = `
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: vpc-1}
spec:
  ipv4Namespace: default
  subnets:
    s1: {subnet: 10.0.1.0/24, vlan: 1001}
`
	const vpcTwoSubnets = `
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: vpc-1, namespace: default}
spec:
  ipv4Namespace: default
  subnets:
    s1: {subnet: 10.0.1.0/24, vlan: 1001, dhcp: {enable: false}}
    s2: {subnet: 10.0.2.0/24, vlan: 1002}
`
	tests := []struct {
		name       string
		desired    *resource.Object
		actual     *resource.Object
		opts       Options
		want       []FieldDiff
		wantStatus Status
	}{{
		name:       "server defaults below a map Git sets are not drift, a changed value is",
		desired:    obj(t, fmt.Sprintf(switchDesired, "5")),
		actual:     obj(t, switchActual),
		wantStatus: StatusDrifted,
		want:       []FieldDiff{{Path: "/spec/linkFlapErrDisable/flapThreshold", Desired: int64(5), Actual: int64(3), Type: DiffChanged}},
	}, {
		name:       "server defaults with equal values are in sync",
		desired:    obj(t, fmt.Sprintf(switchDesired, "3")),
		actual:     obj(t, switchActual),
		wantStatus: StatusInSync,
	}, {
		name:       "strict mode reports server defaults and controller labels",
		desired:    obj(t, fmt.Sprintf(switchDesired, "3")),
		actual:     obj(t, switchActual),
		opts:       Options{Strict: true},
		wantStatus: StatusDrifted,
		want: []FieldDiff{
			{Path: "/metadata/labels", Actual: map[string]interface{}{"fabric.githedgehog.com/switch": "leaf-1"}, Type: DiffOnlyInCluster},
			{Path: "/spec/enableAllPorts", Actual: false, Type: DiffOnlyInCluster},
			{Path: "/spec/linkFlapErrDisable/recoveryInterval", Actual: int64(300), Type: DiffOnlyInCluster},
			{Path: "/spec/linkFlapErrDisable/samplingInterval", Actual: int64(30), Type: DiffOnlyInCluster},
		},
	}, {
		name:       "strict mode with the builtin profile still ignores controller labels",
		desired:    obj(t, fmt.Sprintf(switchDesired, "3")),
		actual:     obj(t, switchActual),
		opts:       Options{Strict: true, BuiltinIgnores: true},
		wantStatus: StatusDrifted,
		want: []FieldDiff{
			{Path: "/spec/enableAllPorts", Actual: false, Type: DiffOnlyInCluster},
			{Path: "/spec/linkFlapErrDisable/recoveryInterval", Actual: int64(300), Type: DiffOnlyInCluster},
			{Path: "/spec/linkFlapErrDisable/samplingInterval", Actual: int64(30), Type: DiffOnlyInCluster},
		},
	}, {
		name:    "a subnet removed from Git but still last-applied is drift",
		desired: obj(t, vpc),
		actual: withLastApplied(t, vpcTwoSubnets, `
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: vpc-1}
spec: {ipv4Namespace: default, subnets: {s1: {subnet: 10.0.1.0/24, vlan: 1001}, s2: {subnet: 10.0.2.0/24, vlan: 1002}}}
`),
		wantStatus: StatusDrifted,
		want:       []FieldDiff{{Path: "/spec/subnets/s2", Actual: map[string]interface{}{"subnet": "10.0.2.0/24", "vlan": int64(1002)}, Type: DiffOnlyInCluster}},
	}, {
		name:    "fields only in the cluster and not last-applied are defaults",
		desired: obj(t, vpc),
		actual: withLastApplied(t, vpcTwoSubnets, `
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: vpc-1}
spec: {ipv4Namespace: default, subnets: {s1: {subnet: 10.0.1.0/24, vlan: 1001}, s2: {subnet: 10.0.2.0/24}}}
`),
		wantStatus: StatusDrifted,
		// dhcp is a default; s2 was applied, so it is drift.
		want: []FieldDiff{{Path: "/spec/subnets/s2", Actual: map[string]interface{}{"subnet": "10.0.2.0/24", "vlan": int64(1002)}, Type: DiffOnlyInCluster}},
	}, {
		name:       "a field only in Git",
		desired:    obj(t, vpcTwoSubnets),
		actual:     obj(t, vpc),
		wantStatus: StatusDrifted,
		want: []FieldDiff{
			{Path: "/spec/subnets/s1/dhcp", Desired: map[string]interface{}{"enable": false}, Type: DiffOnlyInGit},
			{Path: "/spec/subnets/s2", Desired: map[string]interface{}{"subnet": "10.0.2.0/24", "vlan": int64(1002)}, Type: DiffOnlyInGit},
		},
	}, {
		name:       "controller labels and annotations Git does not mention are not drift",
		desired:    obj(t, `{kind: VPC, metadata: {name: v, labels: {team: a}}, spec: {x: 1}}`),
		actual:     obj(t, `{kind: VPC, metadata: {name: v, labels: {team: a, fabric.githedgehog.com/vpc: v, other: z}, annotations: {note: n}}, spec: {x: 1}}`),
		wantStatus: StatusInSync,
	}, {
		name:       "a label Git mentions is compared",
		desired:    obj(t, `{kind: VPC, metadata: {name: v, labels: {team: a}}}`),
		actual:     obj(t, `{kind: VPC, metadata: {name: v, labels: {team: b}}}`),
		wantStatus: StatusDrifted,
		want:       []FieldDiff{{Path: "/metadata/labels/team", Desired: "a", Actual: "b", Type: DiffChanged}},
	}, {
		name:       "a label removed from Git but still last-applied is drift: the apply deletes it",
		desired:    obj(t, `{kind: VPC, metadata: {name: v, labels: {keep: k}}}`),
		actual:     withLastApplied(t, `{kind: VPC, metadata: {name: v, labels: {keep: k, team: a, other: b}}}`, `{kind: VPC, metadata: {name: v, labels: {keep: k, team: a}}}`),
		wantStatus: StatusDrifted,
		want:       []FieldDiff{{Path: "/metadata/labels/team", Actual: "a", Type: DiffOnlyInCluster}},
	}, {
		name:       "empty maps and lists are values an apply stores; in metadata they are absent",
		desired:    obj(t, `{kind: VPC, metadata: {name: v, labels: {}}, spec: {subnets: {}, permit: [], a: {b: {}}, x: null}}`),
		actual:     obj(t, `{kind: VPC, metadata: {name: v}, spec: {a: {b: {}}, permit: [], y: [], z: {}}}`),
		wantStatus: StatusDrifted,
		want:       []FieldDiff{{Path: "/spec/subnets", Desired: map[string]interface{}{}, Type: DiffOnlyInGit}},
	}, {
		name:       "in strict mode empty values only in the cluster are drift",
		desired:    obj(t, `{kind: VPC, metadata: {name: v, labels: {}}, spec: {x: null}}`),
		actual:     obj(t, `{kind: VPC, metadata: {name: v, annotations: {}}, spec: {yy: []}}`),
		opts:       Options{Strict: true},
		wantStatus: StatusDrifted,
		want:       []FieldDiff{{Path: "/spec/yy", Actual: []interface{}{}, Type: DiffOnlyInCluster}},
	}, {
		name:       "an empty desired map merges nothing: keys it lacks are judged by last-applied",
		desired:    obj(t, `{kind: VPC, metadata: {name: v}, spec: {subnets: {}}}`),
		actual:     withLastApplied(t, `{kind: VPC, metadata: {name: v}, spec: {subnets: {s1: {vlan: 1}, s9: {vlan: 9}}}}`, `{kind: VPC, metadata: {name: v}, spec: {subnets: {s1: {vlan: 1}}}}`),
		wantStatus: StatusDrifted,
		want:       []FieldDiff{{Path: "/spec/subnets/s1", Actual: map[string]interface{}{"vlan": int64(1)}, Type: DiffOnlyInCluster}},
	}, {
		name:       "lists compare element by element when lengths match",
		desired:    obj(t, `{kind: Connection, metadata: {name: c}, spec: {links: [{port: E1/1}, {port: E1/2, speed: 10}]}}`),
		actual:     obj(t, `{kind: Connection, metadata: {name: c}, spec: {links: [{port: E1/1, mtu: 9000}, {port: E1/3, speed: 10.0}]}}`),
		wantStatus: StatusDrifted,
		want:       []FieldDiff{{Path: "/spec/links/1/port", Desired: "E1/2", Actual: "E1/3", Type: DiffChanged}},
	}, {
		name:       "a list whose length differs is changed as a whole",
		desired:    obj(t, `{kind: Connection, metadata: {name: c}, spec: {links: [a, b]}}`),
		actual:     obj(t, `{kind: Connection, metadata: {name: c}, spec: {links: [a]}}`),
		wantStatus: StatusDrifted,
		want:       []FieldDiff{{Path: "/spec/links", Desired: []interface{}{"a", "b"}, Actual: []interface{}{"a"}, Type: DiffChanged}},
	}, {
		name:       "a type change is changed",
		desired:    obj(t, `{kind: VPC, metadata: {name: v}, spec: {a: {b: 1}, c: "1"}}`),
		actual:     obj(t, `{kind: VPC, metadata: {name: v}, spec: {a: 5, c: 1}}`),
		wantStatus: StatusDrifted,
		want: []FieldDiff{
			{Path: "/spec/a", Desired: map[string]interface{}{"b": int64(1)}, Actual: int64(5), Type: DiffChanged},
			{Path: "/spec/c", Desired: "1", Actual: int64(1), Type: DiffChanged},
		},
	}, {
		name:       "JSON pointer escaping of ~ and /",
		desired:    obj(t, `{kind: VPC, metadata: {name: v, annotations: {"a/b~c": one}}, spec: {"e~1": {"f/g": 1}}}`),
		actual:     obj(t, `{kind: VPC, metadata: {name: v, annotations: {"a/b~c": two}}, spec: {"e~1": {"f/g": 2}}}`),
		wantStatus: StatusDrifted,
		want: []FieldDiff{
			{Path: "/metadata/annotations/a~1b~0c", Desired: "one", Actual: "two", Type: DiffChanged},
			{Path: "/spec/e~01/f~1g", Desired: int64(1), Actual: int64(2), Type: DiffChanged},
		},
	}, {
		name:       "apiVersion, kind, namespace defaulting and status are not compared",
		desired:    obj(t, `{apiVersion: vpc.githedgehog.com/v1beta1, kind: VPC, metadata: {name: v}, spec: {a: 1}}`),
		actual:     obj(t, `{apiVersion: vpc.githedgehog.com/v1alpha2, kind: VPC, metadata: {name: v, namespace: default, generation: 4}, spec: {a: 1}, status: {b: 2}}`),
		opts:       Options{Strict: true},
		wantStatus: StatusInSync,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := deepCopy(tt.actual.Obj.Object)
			r := compareOne(t, tt.desired, tt.actual, tt.opts)
			if d := cmp.Diff(before, tt.actual.Obj.Object); d != "" {
				t.Errorf("Compare modified the actual object:\n%s", d)
			}
			if r.Status != tt.wantStatus {
				t.Errorf("status = %s, want %s", r.Status, tt.wantStatus)
			}
			if d := cmp.Diff(tt.want, r.Diffs); d != "" {
				t.Errorf("diffs (-want +got):\n%s", d)
			}
		})
	}
}
