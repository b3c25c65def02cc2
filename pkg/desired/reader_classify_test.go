package desired

import (
	"reflect"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// forceYAMLv3 appends a comment holding a tab: the fast path refuses the
// file and yaml.v3 reads it, with the same lines.
func forceYAMLv3(src string) string { return src + "#\tread by yaml.v3\n" }

// TestClassifyBothPaths checks that documents meant for a managed kind but
// not quite one are errors naming file:line and what was expected, that
// documents of other kinds are skipped and recorded, and that the fast
// path and yaml.v3 agree on both.
func TestClassifyBothPaths(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		objects []resource.Key
		skipped []resource.Skipped
		errs    []string
	}{{
		name:    "a typo in the group of a managed kind",
		src:     vpc("vpc-1") + "---\n# typo\napiVersion: hhnet.githedgehog.com/v1alpha1\nkind: VPC\nmetadata:\n  name: vpc-legacy\n",
		objects: []resource.Key{key("VPC", "default", "vpc-1")},
		errs:    []string{"x.yaml:7: VPC vpc-legacy has apiVersion hhnet.githedgehog.com/v1alpha1, expected vpc.githedgehog.com/v1beta1"},
	}, {
		name: "a managed kind without apiVersion, or with a malformed version",
		src: "kind: Switch\nmetadata:\n  name: leaf-1\n---\napiVersion: vpc.githedgehog.com/v1betal\nkind: VPC\nmetadata:\n  name: v\n" +
			"---\napiVersion: wiring.githedgehog.com\nkind: Server\nmetadata:\n  name: s\n",
		errs: []string{
			"x.yaml:1: Switch leaf-1 has no apiVersion, expected wiring.githedgehog.com/v1beta1",
			"x.yaml:5: VPC v has apiVersion vpc.githedgehog.com/v1betal, expected vpc.githedgehog.com/v1beta1",
			"x.yaml:10: Server s has apiVersion wiring.githedgehog.com, expected wiring.githedgehog.com/v1beta1",
		},
	}, {
		name:    "another well-formed version of the right group is the kind",
		src:     "apiVersion: vpc.githedgehog.com/v1beta2\nkind: VPC\nmetadata:\n  name: next\n",
		objects: []resource.Key{key("VPC", "default", "next")},
	}, {
		name: "a group of ours with an unknown kind, or none",
		src: "apiVersion: vpc.githedgehog.com/v1beta1\nkind: Vpc\nmetadata:\n  name: a\n---\napiVersion: wiring.githedgehog.com/v1beta1\nkind: Cable\nmetadata:\n  name: b\n" +
			"---\napiVersion: vpc.githedgehog.com/v1beta1\nmetadata:\n  name: c\n",
		errs: []string{
			"x.yaml:1: Vpc is not a kind of vpc.githedgehog.com, did you mean VPC?",
			"x.yaml:6: Cable is not a kind of wiring.githedgehog.com, expected one of Connection, Switch, Server, SwitchGroup, VLANNamespace",
			"x.yaml:11: document of apiVersion vpc.githedgehog.com/v1beta1 has no kind, expected one of VPC, VPCAttachment, VPCPeering, IPv4Namespace, External, ExternalAttachment, ExternalPeering",
		},
	}, {
		name: "other kinds are skipped and recorded, managed kinds without a name are errors",
		src: "# gateway\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: gw\n---\nkind: Kustomization\n---\n- a list\n" +
			"---\napiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata: {}\n",
		skipped: []resource.Skipped{
			{File: "x.yaml", Line: 2, APIVersion: "gateway.networking.k8s.io/v1", Kind: "Gateway", Name: "gw"},
			{File: "x.yaml", Line: 7, Kind: "Kustomization"},
			{File: "x.yaml", Line: 9},
		},
		errs: []string{"x.yaml:11: Switch without metadata.name"},
	}, {
		name: "inside a v1 List, at the item's line",
		src: "apiVersion: v1\nkind: List\nitems:\n- apiVersion: hhnet.githedgehog.com/v1\n  kind: VPC\n  metadata:\n    name: l\n" +
			"- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cm\n",
		skipped: []resource.Skipped{{File: "x.yaml", Line: 8, APIVersion: "v1", Kind: "ConfigMap", Name: "cm"}},
		errs:    []string{"x.yaml:4: VPC l has apiVersion hhnet.githedgehog.com/v1, expected vpc.githedgehog.com/v1beta1"},
	}}
	for _, tt := range tests {
		for _, slow := range []bool{false, true} {
			src := tt.src
			if slow {
				src = forceYAMLv3(src)
			}
			if _, fast := parseSimpleYAML([]byte(src)); fast == slow {
				t.Fatalf("%s: fast path accepted=%v, want %v", tt.name, fast, !slow)
			}
			t.Run(tt.name, func(t *testing.T) {
				root := t.TempDir()
				writeTree(t, root, map[string]string{"x.yaml": src})
				d, err := Load(root, "")
				checkErrors(t, err, tt.errs)
				if got := d.Objects.Keys(); len(got) != len(tt.objects) || (len(got) > 0 && !reflect.DeepEqual(got, tt.objects)) {
					t.Errorf("yaml.v3=%v: objects %v, want %v", slow, got, tt.objects)
				}
				if !reflect.DeepEqual(d.Skipped, tt.skipped) {
					t.Errorf("yaml.v3=%v: skipped\n got %+v\nwant %+v", slow, d.Skipped, tt.skipped)
				}
			})
		}
	}
}

func TestLoadSkippedJSONAndOrder(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"b/gw.json": `{"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "gw"}}`,
		"a/k.yaml":  "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
	})
	d, err := Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []resource.Skipped{
		{File: "a/k.yaml", Line: 1, APIVersion: "kustomize.config.k8s.io/v1beta1", Kind: "Kustomization"},
		{File: "b/gw.json", Line: 1, APIVersion: "gateway.networking.k8s.io/v1", Kind: "Gateway", Name: "gw"},
	}
	if !reflect.DeepEqual(d.Skipped, want) {
		t.Errorf("skipped\n got %+v\nwant %+v", d.Skipped, want)
	}
}

// Numbers JSON cannot carry are errors at the line that writes them, with
// the field's path; in documents of other kinds they do not matter.
func TestLoadNonFiniteNumbers(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"inf.yaml":   vpc("a") + "spec:\n  subnets:\n    default:\n      mtu: .inf\n      list: [1, -.Inf]\n",
		"nan.yaml":   "apiVersion: v1\nkind: List\nitems:\n- apiVersion: wiring.githedgehog.com/v1beta1\n  kind: Switch\n  metadata:\n    name: s\n  spec:\n    ratio: .NaN\n",
		"alias.yaml": "base: &b {x: .nan}\n---\n" + vpc("b") + "spec:\n  <<: {\"odd.key\": !!float .inf}\n  c: *b\n",
		"other.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  x: .inf\n",
		"big.json":   "{\"apiVersion\": \"vpc.githedgehog.com/v1beta1\", \"kind\": \"VPC\",\n \"metadata\": {\"name\": \"j\"},\n \"spec\": {\"a\": [1,\n 1e999]}}\n",
		"ok.yaml":    vpc("ok") + "spec:\n  big: 1e999\n",
	})
	d, err := Load(root, "")
	checkErrors(t, err, []string{
		"alias.yaml:8: VPC b: spec[\"odd.key\"] is .inf, a number JSON cannot carry",
		"alias.yaml:1: VPC b: spec.c.x is .nan, a number JSON cannot carry",
		"big.json:4: spec.a[1]: number 1e999 is too large for a 64-bit float",
		"inf.yaml:9: VPC a: spec.subnets.default.list[1] is -.Inf, a number JSON cannot carry",
		"inf.yaml:8: VPC a: spec.subnets.default.mtu is .inf, a number JSON cannot carry",
		"nan.yaml:9: Switch s: spec.ratio is .NaN, a number JSON cannot carry",
	})
	if got := d.Objects.Keys(); !reflect.DeepEqual(got, []resource.Key{key("VPC", "default", "ok")}) {
		t.Errorf("objects %v, want only ok (1e999 is a string in YAML)", got)
	}
	if len(d.Skipped) != 2 || d.Skipped[1].Kind != "ConfigMap" {
		t.Errorf("skipped %+v, want the anchor document and the ConfigMap", d.Skipped)
	}
}

// A character yaml.v3 refuses is reported at its line, not at line 1.
func TestLoadBadCharacterLine(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"latin1.yaml": vpc("a") + "spec:\n  descr: caf\xe9\n",
		"ctrl.yaml":   vpc("b") + "spec:\n  descr: a\x01b\n",
		"cut.yaml":    "# é\n" + vpc("c") + "spec: {descr: \"\xc3\"}\n",
	})
	_, err := Load(root, "")
	checkErrors(t, err, []string{
		"ctrl.yaml:6: control characters are not allowed",
		"cut.yaml:6: invalid trailing UTF-8 octet",
		"latin1.yaml:6: incomplete UTF-8 octet sequence",
	})
	if n := strings.Count(err.Error(), "\n"); n != 2 {
		t.Errorf("want 3 errors: %v", err)
	}
}
