package hedgehog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// vpcDefaultingDir holds the hand-written defaulting fixtures: for each
// case, <case>.in.yaml (what Git holds) and <case>.stored.yaml (what the
// cluster stores after the webhook, written out from the facts document).
const vpcDefaultingDir = "../../testdata/hedgehog/defaulting"

var vpcSideKinds = map[string]string{
	"vpc": "VPC", "vpcattachment": "VPCAttachment", "vpcpeering": "VPCPeering",
	"ipv4namespace": "IPv4Namespace", "external": "External",
	"externalattachment": "ExternalAttachment", "externalpeering": "ExternalPeering",
}

// vpcNotFixedPoint lists the cases whose stored form changes when the
// webhook defaults it again on the next update.
var vpcNotFixedPoint = map[string]string{
	"vpc/empty-options": "all-empty options are removed and the MAC keys skipped on the first pass; " +
		"on the next pass the options are absent, so the MAC keys are re-keyed",
}

func TestVPCSideDefaultFixtures(t *testing.T) {
	for dir, kind := range vpcSideKinds {
		ins, err := filepath.Glob(filepath.Join(vpcDefaultingDir, dir, "*.in.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if len(ins) < 2 {
			t.Errorf("%s: want at least 2 defaulting cases, found %d", dir, len(ins))
		}
		for _, in := range ins {
			name := dir + "/" + strings.TrimSuffix(filepath.Base(in), ".in.yaml")
			t.Run(name, func(t *testing.T) {
				objs := vpcReadObjects(t, in)
				want := vpcReadObjects(t, strings.TrimSuffix(in, ".in.yaml")+".stored.yaml")
				if len(objs) != len(want) {
					t.Fatalf("%d input documents, %d stored", len(objs), len(want))
				}
				for i, o := range objs {
					if o.GetKind() != kind {
						t.Fatalf("fixture of kind %s in %s", o.GetKind(), dir)
					}
					if !Default(o) {
						t.Fatalf("Default did not run for %s", kind)
					}
					if d := cmp.Diff(vpcJSONForm(t, want[i].Object), vpcJSONForm(t, o.Object)); d != "" {
						t.Errorf("%s: stored form differs (-want +got):\n%s", o.GetName(), d)
					}
					// The webhook defaults again on every update: the
					// stored form is a fixed point, but where the facts
					// say otherwise.
					again := want[i].DeepCopy()
					Default(again)
					d := cmp.Diff(vpcJSONForm(t, want[i].Object), vpcJSONForm(t, again.Object))
					if why, moves := vpcNotFixedPoint[name]; moves {
						if d == "" {
							t.Errorf("%s: defaulting the stored form again should change it: %s", o.GetName(), why)
						}
					} else if d != "" {
						t.Errorf("%s: defaulting the stored form changes it (-stored +again):\n%s", o.GetName(), d)
					}
				}
			})
		}
	}
}

// TestVPCDefaultWritesInt64 checks that numbers Default writes are int64,
// as the YAML and JSON decoders of the rest of the program give them.
func TestVPCDefaultWritesInt64(t *testing.T) {
	o := vpcObj(t, `
kind: VPC
metadata: {name: v}
spec:
  subnets:
    a: {subnet: 10.0.0.0/24, vlan: 1, dhcp: {enable: true, options: {pxeURL: x}}}
`)
	Default(o)
	opts := mapAt(o.Object, "spec", "subnets", "a", "dhcp", "options")
	for _, k := range []string{"interfaceMTU", "leaseTimeSeconds"} {
		if _, ok := opts[k].(int64); !ok {
			t.Errorf("%s is %T, want int64", k, opts[k])
		}
	}
}

// TestVPCDefaultFloatNumbers: numbers decoded as float64 (encoding/json)
// are read as numbers: a zero MTU is defaulted, a given one kept.
func TestVPCDefaultFloatNumbers(t *testing.T) {
	var m map[string]interface{}
	if err := json.Unmarshal([]byte(`{"kind":"VPC","metadata":{"name":"v"},"spec":{"subnets":{
		"a":{"subnet":"10.0.0.0/24","vlan":1,"dhcp":{"enable":true,"options":{"interfaceMTU":0,"leaseTimeSeconds":60}}}}}}`), &m); err != nil {
		t.Fatal(err)
	}
	o := &unstructured.Unstructured{Object: m}
	Default(o)
	opts := mapAt(o.Object, "spec", "subnets", "a", "dhcp", "options")
	if mtu, _ := integer(opts, "interfaceMTU"); mtu != 9036 {
		t.Errorf("interfaceMTU = %v, want 9036", opts["interfaceMTU"])
	}
	if lease, _ := integer(opts, "leaseTimeSeconds"); lease != 60 {
		t.Errorf("leaseTimeSeconds = %v, want 60 kept", opts["leaseTimeSeconds"])
	}
	if vs := ValidateOne(o, nil, nil); len(vs) != 0 {
		t.Errorf("violations on float numbers: %v", vs)
	}
}

// TestVPCDefaultDuplicateMACKeys: two spellings of one MAC end up as one
// canonical key holding the re-keyed entry, whatever the map order.
func TestVPCDefaultDuplicateMACKeys(t *testing.T) {
	for range 20 {
		o := vpcObj(t, `
kind: VPC
metadata: {name: v}
spec:
  subnets:
    a:
      subnet: 10.0.0.0/24
      vlan: 1
      dhcp:
        enable: true
        static:
          "aa:bb:cc:dd:ee:ff": {ip: 10.0.0.5}
          "AA:BB:CC:DD:EE:FF": {ip: 10.0.0.6}
`)
		Default(o)
		static := mapAt(o.Object, "spec", "subnets", "a", "dhcp", "static")
		if len(static) != 1 || str(mapAt(static, "aa:bb:cc:dd:ee:ff"), "ip") != "10.0.0.6" {
			t.Fatalf("static = %v, want only aa:bb:cc:dd:ee:ff -> 10.0.0.6", static)
		}
	}
}

// vpcReadObjects decodes the YAML documents of a file as the project's
// readers do (integers as int64).
func vpcReadObjects(t *testing.T, path string) []*unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var out []*unstructured.Unstructured
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		out = append(out, vpcObj(t, string(doc)))
	}
	return out
}

func vpcObj(t testing.TB, doc string) *unstructured.Unstructured {
	t.Helper()
	js, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]interface{}
	if err := utiljson.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: m}
}

// vpcJSONForm is obj as JSON would carry it, so that int64 and float64
// numbers of equal value compare equal.
func vpcJSONForm(t *testing.T, obj map[string]interface{}) interface{} {
	t.Helper()
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	var out interface{}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestVPCSideWrongTypes: fields of the wrong type (the schema check
// reports them) never make Default or Validate panic, alone or fabric-wide.
func TestVPCSideWrongTypes(t *testing.T) {
	docs := []string{
		`{kind: VPC, metadata: {name: v, labels: [x]}, spec: {subnets: {a: 5, b: {subnet: 10.0.0.0/24, dhcp: {enable: true, range: x, options: {dnsServers: x, timeServers: [1, a], interfaceMTU: x, advertisedRoutes: [1, {destination: 2}]}, static: {"AA-BB-CC-DD-EE-FF": 3, x: null}}}, c: {subnet: 10.0.1.0/24, dhcp: [1]}}, permit: [x, [1, 2]], staticRoutes: [x]}}`,
		`{kind: VPC, metadata: {name: v}, spec: {subnets: [1], ipv4Namespace: 3}}`,
		`{kind: VPC, metadata: {name: v}, spec: 7}`,
		`{kind: VPCAttachment, metadata: {name: a, annotations: {fabric.githedgehog.com/p2p-link: 3}}, spec: {subnet: 5, connection: [1]}}`,
		`{kind: VPCPeering, metadata: {name: p}, spec: {permit: [1, {a: 1, b: [2]}, {a: {subnets: x}, b: null}]}}`,
		`{kind: VPCPeering, metadata: {name: p}, spec: {permit: {a: b}}}`,
		`{kind: IPv4Namespace, metadata: {name: n}, spec: {subnets: [1, x, null]}}`,
		`{kind: External, metadata: {name: e}, spec: {static: {prefixes: [1]}, inboundCommunity: 5}}`,
		`{kind: ExternalAttachment, metadata: {name: a}, spec: {switch: x, neighbor: [1], static: {vlan: x}, inboundACL: {statements: [1, {seq: x, tcpFilters: 3}]}}}`,
		`{kind: ExternalPeering, metadata: {name: p}, spec: {permit: {vpc: x, external: {prefixes: [1, {prefix: 2}]}}}}`,
		`{kind: ExternalPeering, metadata: {name: p}, spec: {permit: 1}}`,
	}
	var objs []*unstructured.Unstructured
	for _, d := range docs {
		o := vpcObj(t, d)
		objs = append(objs, o)
		c := o.DeepCopy()
		Default(c)
		ValidateOne(c, nil, &Config{ReservedSubnets: []string{"10.0.0.0/8"}, VPCPeeringDisabled: vpcBool(true)})
		ValidateOne(o, nil, nil)
	}
	objs = append(objs, vpcReadObjects(t, vpcFabricFile)...)
	rep := ValidateObjects(objs, nil)
	if len(rep.Violations) == 0 {
		t.Error("objects of the wrong shape pass validation")
	}
	idx := vpcDefaultedIndex(objs)
	for _, o := range objs {
		ValidateDelete(o, idx)
	}
}
