package hedgehog

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// vpcLocalCase is one object, defaulted then validated alone: want lists
// the violations as "rule@field".
type vpcLocalCase struct {
	name string
	doc  string
	cfg  *Config
	want []string
}

func vpcRunLocal(t *testing.T, cases []vpcLocalCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := vpcObj(t, tc.doc)
			Default(o)
			got := vpcRuleFields(ValidateOne(o, nil, tc.cfg))
			want := append([]string{}, tc.want...)
			sort.Strings(want)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("violations (-want +got):\n%s\nall: %v", d, ValidateOne(o, nil, tc.cfg))
			}
		})
	}
}

// vpcRuleFields returns "rule@field" of each violation, sorted, after
// checking every violation says what is wrong and how to fix it.
func vpcRuleFields(vs []Violation) []string {
	out := []string{}
	for _, v := range vs {
		s := v.Rule + "@" + v.Field
		if v.Message == "" || v.Fix == "" {
			s += " (no message or fix)"
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func vpcBool(b bool) *bool { return &b }

const vpcValid = `
kind: VPC
metadata: {name: vpc-1}
spec:
  subnets:
    default:
      subnet: 10.0.1.0/24
      vlan: 1001
      dhcp:
        enable: true
        options: {dnsServers: [10.0.1.3], advertisedRoutes: [{destination: 10.9.0.0/16, gateway: 10.0.1.1}]}
        static: {"AA-BB-CC-DD-EE-FF": {ip: 10.0.1.10}}
    relay:
      subnet: 10.0.2.0/24
      vlan: 1002
      dhcp: {relay: 10.99.0.1/32, relayVPC: vpc-2}
    bgp: {subnet: 10.0.3.0/24, hostBGP: true}
  permit: [[default, relay]]
  staticRoutes: [{prefix: 10.42.0.0/24, nextHops: [10.0.1.5]}]
`

func TestVPCValidateLocal(t *testing.T) {
	vpcRunLocal(t, []vpcLocalCase{
		{name: "valid", doc: vpcValid, cfg: &Config{ReservedSubnets: []string{"172.28.0.0/16"}}},
		{name: "name", doc: `
kind: VPC
metadata: {name: ext.very-long-name, namespace: other}
spec: {mode: l3flat}
`, want: []string{"vpc.name-length@metadata.name", "vpc.name-ext-prefix@metadata.name", "vpc.namespace@metadata.namespace",
			"vpc.subnets-count@spec.subnets", "vpc.mode-unsupported@spec.mode"}},
		{name: "mode and subnet prefixes", doc: `
kind: VPC
metadata: {name: v}
spec:
  mode: l2
  subnets:
    none: {vlan: 1}
    bad: {subnet: 10.0.0.300/24, vlan: 2}
    long: {subnet: 10.0.5.0/31, vlan: 3}
`, want: []string{"vpc.mode@spec.mode", "vpc.subnet-required@spec.subnets.none.subnet",
			"vpc.subnet-invalid@spec.subnets.bad.subnet", "vpc.subnet-prefix-length@spec.subnets.long.subnet"}},
		{name: "gateway vlan hostBGP", doc: `
kind: VPC
metadata: {name: v}
spec:
  subnets:
    a: {subnet: 10.0.1.0/24, gateway: 10.0.2.1, vlan: 10}
    b: {subnet: 10.0.2.0/24, gateway: nope, vlan: 10}
    c: {subnet: 10.0.3.0/24}
    d: {subnet: 10.0.4.0/24, hostBGP: true, dhcp: {enable: true}}
`, want: []string{"vpc.gateway-outside@spec.subnets.a.gateway", "vpc.gateway-invalid@spec.subnets.b.gateway",
			"vpc.vlan-required@spec.subnets.c.vlan", "vpc.hostbgp-dhcp@spec.subnets.d.dhcp.enable",
			"vpc.vlan-duplicate@spec.subnets.a.vlan", "vpc.vlan-duplicate@spec.subnets.b.vlan"}},
		{name: "overlap within the VPC and reserved", cfg: &Config{ReservedSubnets: []string{"10.0.128.0/17"}}, doc: `
kind: VPC
metadata: {name: v}
spec:
  subnets:
    a: {subnet: 10.0.0.0/16, vlan: 10}
    b: {subnet: 10.0.1.0/24, vlan: 11}
`, want: []string{"vpc.subnet-overlap@spec.subnets.b.subnet", "vpc.subnet-reserved@spec.subnets.a.subnet"}},
		{name: "relay", doc: `
kind: VPC
metadata: {name: v}
spec:
  subnets:
    a: {subnet: 10.0.1.0/24, vlan: 10, dhcp: {enable: true, relay: 10.9.0.1/32}}
    b: {subnet: 10.0.2.0/24, vlan: 11, dhcp: {relay: 10.9.0.1}}
    c: {subnet: 10.0.3.0/24, vlan: 12, dhcp: {relayVPC: vpc-9}}
`, want: []string{"vpc.dhcp-relay-exclusive@spec.subnets.a.dhcp.relay", "vpc.dhcp-relay-invalid@spec.subnets.b.dhcp.relay",
			"vpc.dhcp-relayvpc-without-relay@spec.subnets.c.dhcp.relayVPC"}},
		{name: "dhcp range", doc: `
kind: VPC
metadata: {name: v}
spec:
  subnets:
    a: {subnet: 10.0.1.0/24, vlan: 10, dhcp: {enable: true, range: {start: 10.0.1.0, end: 10.0.1.1}}}
    b: {subnet: 10.0.2.0/24, vlan: 11, dhcp: {enable: true, range: {start: 10.0.9.5, end: bad}}}
    c: {subnet: 10.0.3.0/24, vlan: 12, dhcp: {enable: true, range: {start: 10.0.3.200, end: 10.0.3.100}}}
`, want: []string{"vpc.dhcp-range-reserved-address@spec.subnets.a.dhcp.range.start", "vpc.dhcp-range-reserved-address@spec.subnets.a.dhcp.range.end",
			"vpc.dhcp-range-outside@spec.subnets.b.dhcp.range.start", "vpc.dhcp-range-invalid@spec.subnets.b.dhcp.range.end",
			"vpc.dhcp-range-order@spec.subnets.c.dhcp.range"}},
		{name: "dhcp options", doc: `
kind: VPC
metadata: {name: v}
spec:
  subnets:
    a:
      subnet: 10.0.1.0/24
      vlan: 10
      dhcp:
        enable: true
        options:
          dnsServers: [dns.example.com]
          timeServers: [10.0.0.1/32]
          interfaceMTU: 95
          leaseTimeSeconds: -1
          advertisedRoutes: [{destination: 10.9.0.0, gateway: 10.0.1.1}, {destination: 10.8.0.0/16, gateway: 10.0.9.1}, {destination: 10.7.0.0/16}]
`, want: []string{"vpc.dhcp-server-invalid@spec.subnets.a.dhcp.options.dnsServers[0]", "vpc.dhcp-server-invalid@spec.subnets.a.dhcp.options.timeServers[0]",
			"vpc.dhcp-mtu-range@spec.subnets.a.dhcp.options.interfaceMTU", "vpc.dhcp-lease-min@spec.subnets.a.dhcp.options.leaseTimeSeconds",
			// sorted by destination: 10.7 (no gateway), 10.8 (outside), 10.9.0.0 (not a prefix)
			"vpc.dhcp-route-invalid@spec.subnets.a.dhcp.options.advertisedRoutes[0].gateway",
			"vpc.dhcp-route-gateway-outside@spec.subnets.a.dhcp.options.advertisedRoutes[1].gateway",
			"vpc.dhcp-route-invalid@spec.subnets.a.dhcp.options.advertisedRoutes[2].destination"}},
		{name: "dhcp static", doc: `
kind: VPC
metadata: {name: v}
spec:
  subnets:
    a:
      subnet: 10.0.1.0/24
      vlan: 10
      dhcp:
        enable: true
        static:
          "aa:aa:aa:aa:aa:01": {ip: 10.0.1.0}
          "aa:aa:aa:aa:aa:02": {ip: 10.0.1.1}
          "aa:aa:aa:aa:aa:03": {ip: 10.0.1.255}
          "aa:aa:aa:aa:aa:04": {ip: 10.0.2.5}
          "aa:aa:aa:aa:aa:05": {ip: ten}
          "aa:aa:aa:aa:aa:06": {ip: 10.0.1.7}
          "aa:aa:aa:aa:aa:07": {ip: 10.0.1.7}
          "aa:aa:aa:aa:aa:08": {}
          "not-a-mac": {ip: 10.0.1.9}
`, want: []string{"vpc.dhcp-static-ip-reserved@spec.subnets.a.dhcp.static.aa:aa:aa:aa:aa:01.ip",
			"vpc.dhcp-static-ip-reserved@spec.subnets.a.dhcp.static.aa:aa:aa:aa:aa:02.ip",
			"vpc.dhcp-static-ip-reserved@spec.subnets.a.dhcp.static.aa:aa:aa:aa:aa:03.ip",
			"vpc.dhcp-static-ip-outside@spec.subnets.a.dhcp.static.aa:aa:aa:aa:aa:04.ip",
			"vpc.dhcp-static-ip-invalid@spec.subnets.a.dhcp.static.aa:aa:aa:aa:aa:05.ip",
			"vpc.dhcp-static-ip-duplicate@spec.subnets.a.dhcp.static.aa:aa:aa:aa:aa:07.ip",
			"vpc.dhcp-static-ip-required@spec.subnets.a.dhcp.static.aa:aa:aa:aa:aa:08.ip",
			"vpc.dhcp-static-mac-invalid@spec.subnets.a.dhcp.static.not-a-mac"}},
		{name: "dhcp off with static", doc: `
kind: VPC
metadata: {name: v}
spec:
  subnets:
    a: {subnet: 10.0.1.0/24, vlan: 10, dhcp: {static: {"aa:aa:aa:aa:aa:01": {ip: 10.0.1.5}}}}
`, want: []string{"vpc.dhcp-static-disabled@spec.subnets.a.dhcp.static"}},
		{name: "permit and static routes", doc: `
kind: VPC
metadata: {name: v}
spec:
  subnets:
    a: {subnet: 10.0.1.0/24, vlan: 10}
    b: {subnet: 10.0.2.0/24, vlan: 11}
  permit: [[a], [a, b, a], [a, zz]]
  staticRoutes:
  - {nextHops: [10.0.1.5]}
  - {prefix: 10.42.0.1/24, nextHops: [10.0.1.5]}
  - {prefix: bad}
`, want: []string{"vpc.permit-size@spec.permit[0]", "vpc.permit-duplicate@spec.permit[1][2]", "vpc.permit-unknown-subnet@spec.permit[2][1]",
			"vpc.static-route-prefix-required@spec.staticRoutes[0].prefix", "vpc.static-route-prefix-invalid@spec.staticRoutes[1].prefix",
			"vpc.static-route-prefix-invalid@spec.staticRoutes[2].prefix", "vpc.static-route-nexthops@spec.staticRoutes[2].nextHops"}},
		{name: "namespace label value", doc: `
kind: VPC
metadata: {name: v}
spec:
  ipv4Namespace: "bad name!"
  subnets: {a: {subnet: 10.0.1.0/24, vlan: 10}}
`, want: []string{"vpc.label-value@spec.ipv4Namespace"}},
	})
}

// TestVPCValidateNotDefaulted checks the rules that the webhook's
// defaulting keeps from firing: Validate still reports them on an object
// that was not defaulted.
func TestVPCValidateNotDefaulted(t *testing.T) {
	o := vpcObj(t, `
kind: VPC
metadata: {name: v}
spec:
  subnets:
    a:
      subnet: 10.0.1.0/24
      vlan: 10
      dhcp:
        range: {start: 10.0.1.5}
        options: {pxeURL: x, dnsServers: [10.0.1.2], timeServers: [10.0.1.3], interfaceMTU: 1500, leaseTimeSeconds: 5, disableDefaultRoute: true,
          advertisedRoutes: [{destination: 10.9.0.0/16, gateway: 10.0.1.1}]}
    b: {subnet: 10.0.2.0/24, vlan: 11, dhcp: {enable: true}}
`)
	got := vpcRuleFields(ValidateOne(o, nil, nil))
	want := []string{
		"vpc.dhcp-options-disabled@spec.subnets.a.dhcp.options.advertisedRoutes",
		"vpc.dhcp-options-disabled@spec.subnets.a.dhcp.options.disableDefaultRoute",
		"vpc.dhcp-options-disabled@spec.subnets.a.dhcp.options.dnsServers",
		"vpc.dhcp-options-disabled@spec.subnets.a.dhcp.options.interfaceMTU",
		"vpc.dhcp-options-disabled@spec.subnets.a.dhcp.options.leaseTimeSeconds",
		"vpc.dhcp-options-disabled@spec.subnets.a.dhcp.options.pxeURL",
		"vpc.dhcp-options-disabled@spec.subnets.a.dhcp.options.timeServers",
		"vpc.dhcp-range-disabled@spec.subnets.a.dhcp.range.start",
		"vpc.dhcp-range-required@spec.subnets.b.dhcp.range",
		"vpc.gateway-required@spec.subnets.a.gateway",
		"vpc.gateway-required@spec.subnets.b.gateway",
		"vpc.ipv4namespace-required@spec.ipv4Namespace",
		"vpc.vlannamespace-required@spec.vlanNamespace",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("violations (-want +got):\n%s", d)
	}
}

func TestVPCViolationMessages(t *testing.T) {
	o := vpcObj(t, `
kind: VPC
metadata: {name: v}
spec:
  subnets:
    a: {subnet: 10.0.1.0/24, gateway: 10.0.2.1, vlan: 10}
`)
	Default(o)
	vs := ValidateOne(o, nil, nil)
	if len(vs) != 1 {
		t.Fatalf("want 1 violation, got %v", vs)
	}
	v := vs[0]
	if v.Kind != "VPC" || v.Name != "v" || v.Namespace != "default" || v.Scope != ScopeLocal {
		t.Errorf("violation identifies %s %s/%s scope %s", v.Kind, v.Namespace, v.Name, v.Scope)
	}
	if !strings.Contains(v.Message, "10.0.2.1") || !strings.Contains(v.Message, "10.0.1.0/24") {
		t.Errorf("message %q does not name the value and the subnet", v.Message)
	}
}

func TestVPCSkippedRules(t *testing.T) {
	got := VPCSkippedRules()
	if len(got) != 2 || !strings.HasPrefix(got[0], "vpcattachment: ") {
		t.Fatalf("VPCSkippedRules() = %v", got)
	}
	got[0] = "changed"
	if VPCSkippedRules()[0] == "changed" {
		t.Error("VPCSkippedRules returns the package's own slice")
	}
}
