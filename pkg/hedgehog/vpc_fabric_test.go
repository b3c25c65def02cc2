package hedgehog

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const vpcFabricFile = "../../testdata/hedgehog/validation/vpc-fabric.yaml"

// vpcFabric returns the test fabric with the documents of extra added (or
// replacing the object of the same kind and name) and the objects named
// "Kind/name" in remove left out.
func vpcFabric(t *testing.T, extra string, remove ...string) []*unstructured.Unstructured {
	t.Helper()
	objs := vpcReadObjects(t, vpcFabricFile)
	for _, doc := range strings.Split(extra, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		o := vpcObj(t, doc)
		replaced := false
		for i, b := range objs {
			if b.GetKind() == o.GetKind() && b.GetName() == o.GetName() {
				objs[i], replaced = o, true
			}
		}
		if !replaced {
			objs = append(objs, o)
		}
	}
	out := objs[:0]
	for _, o := range objs {
		drop := false
		for _, r := range remove {
			drop = drop || r == o.GetKind()+"/"+o.GetName()
		}
		if !drop {
			out = append(out, o)
		}
	}
	return out
}

// vpcSideViolations groups the violations on the VPC-side kinds by
// "Kind/name" as "rule@field" lists.
func vpcSideViolations(rep *Report) map[string][]string {
	out := map[string][]string{}
	for _, v := range rep.Violations {
		if _, mine := vpcSideKinds[strings.ToLower(v.Kind)]; !mine {
			continue
		}
		k := v.Kind + "/" + v.Name
		out[k] = append(out[k], v.Rule+"@"+v.Field)
	}
	for _, l := range out {
		sort.Strings(l)
	}
	return out
}

func TestVPCSideFabricValid(t *testing.T) {
	objs := vpcFabric(t, "")
	before := vpcJSONForm(t, objs[3].Object)
	rep := ValidateObjects(objs, &Config{ReservedSubnets: []string{"172.28.0.0/16"}, VPCPeeringDisabled: vpcBool(false)})
	if got := vpcSideViolations(rep); len(got) != 0 {
		t.Errorf("a consistent fabric has violations: %v", got)
	}
	if d := cmp.Diff(before, vpcJSONForm(t, objs[3].Object)); d != "" {
		t.Errorf("ValidateObjects modified its input:\n%s", d)
	}
}

func TestVPCSideFabricRules(t *testing.T) {
	cases := []struct {
		name   string
		extra  string
		remove []string
		want   map[string][]string
	}{
		{name: "namespaces missing", extra: `
kind: VPC
metadata: {name: vpc-3}
spec: {ipv4Namespace: nope, vlanNamespace: nope2, subnets: {a: {subnet: 10.0.9.0/24, vlan: 1090}}}
---
kind: External
metadata: {name: ext-x}
spec: {ipv4Namespace: nope}
`, want: map[string][]string{
			"VPC/vpc-3":      {"vpc.ipv4namespace-missing@spec.ipv4Namespace", "vpc.vlannamespace-missing@spec.vlanNamespace"},
			"External/ext-x": {"external.ipv4namespace-missing@spec.ipv4Namespace"},
		}},
		{name: "outside the namespaces", extra: `
kind: VPC
metadata: {name: vpc-3}
spec:
  subnets:
    a: {subnet: 10.20.0.0/24, vlan: 3500}
    b: {subnet: 10.0.9.0/24, vlan: 1090, dhcp: {relay: 10.0.2.5/32, relayVPC: vpc-9}}
`, want: map[string][]string{
			"VPC/vpc-3": {"vpc.dhcp-relayvpc-missing@spec.subnets.b.dhcp.relayVPC", "vpc.subnet-outside-ipv4namespace@spec.subnets.a.subnet",
				"vpc.vlan-outside-vlannamespace@spec.subnets.a.vlan"},
			// the namespace's update rule sees it from the other side
			"IPv4Namespace/default": {"ipv4namespace.vpc-subnet-outside@spec.subnets"},
		}},
		{name: "overlaps and VLANs of other VPCs, on both sides", extra: `
kind: VPC
metadata: {name: vpc-3}
spec:
  subnets:
    a: {subnet: 10.0.1.128/25, vlan: 1501}
    b: {subnet: 10.10.0.0/16, vlan: 1002}
    c: {subnet: 10.0.200.0/24, hostBGP: true}
---
kind: VPC
metadata: {name: vpc-o}
spec: {ipv4Namespace: other, subnets: {a: {subnet: 10.50.0.0/24, vlan: 1700}}}
---
kind: VPC
metadata: {name: vpc-p}
spec: {ipv4Namespace: other, subnets: {a: {subnet: 10.50.0.0/24, vlan: 1701}}}
`, want: map[string][]string{
			"VPC/vpc-3": {"vpc.subnet-overlap-vpc@spec.subnets.a.subnet", "vpc.subnet-overlap-vpc@spec.subnets.b.subnet", "vpc.vlan-conflict-vpc@spec.subnets.b.vlan"},
			"VPC/vpc-1": {"vpc.subnet-overlap-vpc@spec.subnets.default.subnet", "vpc.vlan-conflict-vpc@spec.subnets.web.vlan"},
			"VPC/vpc-2": {"vpc.subnet-overlap-vpc@spec.subnets.bgp.subnet", "vpc.subnet-overlap-vpc@spec.subnets.default.subnet"},
			"VPC/vpc-o": {"vpc.subnet-overlap-vpc@spec.subnets.a.subnet"},
			"VPC/vpc-p": {"vpc.subnet-overlap-vpc@spec.subnets.a.subnet"},
		}},
		{name: "attachments", extra: `
kind: VPCAttachment
metadata: {name: att-x}
spec: {subnet: vpc-9/default, connection: server-01--unbundled--leaf-01}
---
kind: VPCAttachment
metadata: {name: att-y}
spec: {subnet: vpc-1/nope, connection: server-02--bundled--leaf-01}
---
kind: VPCAttachment
metadata: {name: att-z}
spec: {subnet: vpc-1/web, connection: nope}
---
kind: VPCAttachment
metadata: {name: att-ext}
spec: {subnet: vpc-2/default, connection: leaf-01--external}
---
kind: VPCAttachment
metadata: {name: att-dup}
spec: {subnet: vpc-1/default, connection: server-01--unbundled--leaf-01}
---
kind: VPCAttachment
metadata: {name: att-nat}
spec: {subnet: vpc-2/default, connection: server-01--unbundled--leaf-01, nativeVLAN: true}
---
kind: VPCAttachment
metadata: {name: att-hb}
spec: {subnet: vpc-1/bgp, connection: server-02--bundled--leaf-01}
`, want: map[string][]string{
			"VPCAttachment/att-x":                {"vpcattachment.vpc-missing@spec.subnet"},
			"VPCAttachment/att-y":                {"vpcattachment.subnet-missing@spec.subnet"},
			"VPCAttachment/att-z":                {"vpcattachment.connection-missing@spec.connection"},
			"VPCAttachment/att-ext":              {"vpcattachment.connection-type@spec.connection"},
			"VPCAttachment/att-dup":              {"vpcattachment.subnet-duplicate@spec.subnet"},
			"VPCAttachment/server-01--vpc-1":     {"vpcattachment.subnet-duplicate@spec.subnet"},
			"VPCAttachment/att-nat":              {"vpcattachment.native-vlan-duplicate@spec.nativeVLAN"},
			"VPCAttachment/server-01--vpc-1-web": {"vpcattachment.native-vlan-duplicate@spec.nativeVLAN"},
			"VPCAttachment/att-hb":               {"vpcattachment.hostbgp-unbundled@spec.connection"},
		}},
		{name: "attachment switches", extra: `
kind: Connection
metadata: {name: conn-ghost}
spec: {unbundled: {link: {server: {port: server-09/enp2s1}, switch: {port: leaf-09/E1/1}}}}
---
kind: Connection
metadata: {name: conn-mclag}
spec: {unbundled: {link: {server: {port: server-08/enp2s1}, switch: {port: leaf-02/E1/1}}}}
---
kind: Switch
metadata: {name: leaf-02}
spec: {role: server-leaf, profile: vs, vlanNamespaces: [other-ns], redundancy: {group: mclag-1, type: mclag}}
---
kind: Connection
metadata: {name: conn-eslag}
spec: {eslag: {links: [{server: {port: server-07/enp2s1}, switch: {port: leaf-01/E1/20}}, {server: {port: server-07/enp2s2}, switch: {port: leaf-01/E1/21}}]}}
---
kind: Connection
metadata: {name: conn-bad}
spec: {unbundled: {link: {server: {port: server-06/enp2s1}, switch: {port: leaf-01}}}}
---
kind: VPC
metadata: {name: vpc-l3}
spec: {mode: l3vni, subnets: {default: {subnet: 10.0.50.0/24, vlan: 1050}}}
---
kind: VPCAttachment
metadata: {name: att-g}
spec: {subnet: vpc-2/default, connection: conn-ghost}
---
kind: VPCAttachment
metadata: {name: att-m}
spec: {subnet: vpc-1/bgp, connection: conn-mclag}
---
kind: VPCAttachment
metadata: {name: att-e}
spec: {subnet: vpc-l3/default, connection: conn-eslag}
---
kind: VPCAttachment
metadata: {name: att-b}
spec: {subnet: vpc-2/default, connection: conn-bad}
`, want: map[string][]string{
			"VPCAttachment/att-g": {"vpcattachment.switch-missing@spec.connection"},
			"VPCAttachment/att-m": {"vpcattachment.hostbgp-mclag@spec.connection", "vpcattachment.switch-vlannamespace@spec.connection"},
			"VPCAttachment/att-e": {"vpcattachment.eslag-mode@spec.connection"},
			"VPCAttachment/att-b": {"vpcattachment.connection-endpoints@spec.connection"},
		}},
		{name: "peerings", extra: `
kind: VPC
metadata: {name: vpc-o}
spec: {ipv4Namespace: other, subnets: {a: {subnet: 10.50.1.0/24, vlan: 1600}}}
---
kind: VPCPeering
metadata: {name: p-missing}
spec: {permit: [{vpc-1: {}, vpc-9: {}}]}
---
kind: VPCPeering
metadata: {name: p-ns}
spec: {permit: [{vpc-1: {}, vpc-o: {subnets: [nope]}}]}
`, want: map[string][]string{
			"VPCPeering/p-missing": {"vpcpeering.vpc-missing@spec.permit"},
			"VPCPeering/p-ns":      {"vpcpeering.namespace-mismatch@spec.permit", "vpcpeering.subnet-missing@spec.permit[0].vpc-o.subnets[0]"},
		}},
		{name: "external attachments", extra: `
kind: ExternalAttachment
metadata: {name: ea-1}
spec: {external: nope, connection: nope2, switch: {ip: 172.31.1.2/30}, neighbor: {asn: 1, ip: 172.31.1.1}}
---
kind: ExternalAttachment
metadata: {name: ea-2}
spec: {external: ext-static, connection: server-01--unbundled--leaf-01, switch: {ip: 172.31.1.2/30, vlan: 300}, neighbor: {asn: 1, ip: 172.31.1.1}}
---
kind: ExternalAttachment
metadata: {name: ea-3}
spec: {external: ext-bgp, connection: leaf-01--external, switch: {vlan: 100, ip: 172.31.2.2/30}, neighbor: {asn: 1, ip: 172.31.2.1}}
`, want: map[string][]string{
			"ExternalAttachment/ea-1":             {"externalattachment.connection-missing@spec.connection", "externalattachment.external-missing@spec.external"},
			"ExternalAttachment/ea-2":             {"externalattachment.connection-type@spec.connection", "externalattachment.external-mode@spec.external"},
			"ExternalAttachment/ea-3":             {"externalattachment.vlan-conflict@spec.switch.vlan"},
			"ExternalAttachment/ext-bgp--leaf-01": {"externalattachment.vlan-conflict@spec.switch.vlan"},
		}},
		{name: "external peerings", extra: `
kind: VPC
metadata: {name: vpc-o}
spec: {ipv4Namespace: other, subnets: {a: {subnet: 10.50.1.0/24, vlan: 1600}}}
---
kind: ExternalPeering
metadata: {name: ep-1}
spec: {permit: {vpc: {name: vpc-9}, external: {name: nope}}}
---
kind: ExternalPeering
metadata: {name: ep-2}
spec: {permit: {vpc: {name: vpc-o, subnets: [nope]}, external: {name: ext-bgp}}}
`, want: map[string][]string{
			"ExternalPeering/ep-1": {"externalpeering.external-missing@spec.permit.external.name", "externalpeering.vpc-missing@spec.permit.vpc.name"},
			"ExternalPeering/ep-2": {"externalpeering.namespace-mismatch@spec.permit", "externalpeering.subnet-missing@spec.permit.vpc.subnets[0]"},
		}},
		{name: "namespace no longer holds its VPCs", extra: `
kind: IPv4Namespace
metadata: {name: default}
spec: {subnets: [10.0.0.0/16]}
`, want: map[string][]string{
			"IPv4Namespace/default": {"ipv4namespace.vpc-subnet-outside@spec.subnets", "ipv4namespace.vpc-subnet-outside@spec.subnets"},
			"VPC/vpc-2":             {"vpc.subnet-outside-ipv4namespace@spec.subnets.bgp.subnet", "vpc.subnet-outside-ipv4namespace@spec.subnets.default.subnet"},
		}},
		{name: "namespace removed", remove: []string{"IPv4Namespace/default"}, want: map[string][]string{
			"VPC/vpc-1":           {"vpc.ipv4namespace-missing@spec.ipv4Namespace"},
			"VPC/vpc-2":           {"vpc.ipv4namespace-missing@spec.ipv4Namespace"},
			"External/ext-bgp":    {"external.ipv4namespace-missing@spec.ipv4Namespace"},
			"External/ext-static": {"external.ipv4namespace-missing@spec.ipv4Namespace"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := vpcSideViolations(ValidateObjects(vpcFabric(t, tc.extra, tc.remove...), nil))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("violations (-want +got):\n%s", d)
			}
		})
	}
}

// vpcDefaultedIndex indexes defaulted copies of objs.
func vpcDefaultedIndex(objs []*unstructured.Unstructured) *Index {
	d := make([]*unstructured.Unstructured, len(objs))
	for i, o := range objs {
		d[i] = o.DeepCopy()
		Default(d[i])
	}
	return NewIndex(d)
}

func TestVPCSideDeleteGuards(t *testing.T) {
	objs := vpcFabric(t, `
kind: Connection
metadata:
  name: leaf-01--static-external
  labels: {fabric.githedgehog.com/vpc: vpc-1}
spec: {staticExternal: {withinVPC: vpc-1, link: {switch: {port: leaf-01/E1/30, ip: 172.29.0.1/24, nextHop: 172.29.0.2}}}}
---
kind: VPC
metadata: {name: vpc-free}
spec: {subnets: {a: {subnet: 10.0.60.0/24, vlan: 1060}}}
`)
	idx := vpcDefaultedIndex(objs)
	cases := []struct {
		kind, name string
		want       []string // the kinds named as users, in order
	}{
		{"VPC", "vpc-1", []string{"VPCAttachment", "VPCPeering", "ExternalPeering", "Connection"}},
		{"VPC", "vpc-2", []string{"VPCAttachment", "VPCPeering"}},
		{"VPC", "vpc-free", nil},
		{"IPv4Namespace", "default", []string{"VPC", "External"}},
		{"IPv4Namespace", "other", nil},
		{"External", "ext-bgp", []string{"ExternalAttachment", "ExternalPeering"}},
		{"External", "ext-static", []string{"ExternalAttachment"}},
	}
	for _, tc := range cases {
		t.Run(tc.kind+"/"+tc.name, func(t *testing.T) {
			vs := ValidateDelete(idx.Get(tc.kind, tc.name), idx)
			if len(vs) != len(tc.want) {
				t.Fatalf("want %d violations (%v), got %v", len(tc.want), tc.want, vs)
			}
			for i, v := range vs {
				if v.Rule != strings.ToLower(tc.kind)+".in-use" || v.Scope != ScopeFabric || v.Fix == "" {
					t.Errorf("violation %d: rule %s scope %s fix %q", i, v.Rule, v.Scope, v.Fix)
				}
				if !strings.Contains(v.Message, "used by "+tc.want[i]+" ") {
					t.Errorf("violation %d: message %q does not name the %s users", i, v.Message, tc.want[i])
				}
			}
		})
	}
	vs := ValidateDelete(idx.Get("VPC", "vpc-1"), idx)
	if want := "server-01--vpc-1, server-01--vpc-1-bgp, server-01--vpc-1-web"; !strings.Contains(vs[0].Message, want) {
		t.Errorf("message %q does not list the attachments %s", vs[0].Message, want)
	}
}
