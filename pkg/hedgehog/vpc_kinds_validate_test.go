package hedgehog

import (
	"strings"
	"testing"
)

func TestVPCAttachmentValidateLocal(t *testing.T) {
	vpcRunLocal(t, []vpcLocalCase{
		{name: "valid", doc: `
kind: VPCAttachment
metadata: {name: a, annotations: {fabric.githedgehog.com/p2p-link: 10.50.0.0/31}}
spec: {subnet: vpc-1, connection: conn-1}
`},
		{name: "empty", doc: `
kind: VPCAttachment
metadata: {name: a}
spec: {}
`, want: []string{"vpcattachment.subnet-required@spec.subnet", "vpcattachment.connection-required@spec.connection"}},
		{name: "no vpc part", doc: `
kind: VPCAttachment
metadata: {name: a}
spec: {subnet: /default, connection: "bad conn"}
`, want: []string{"vpcattachment.subnet-format@spec.subnet", "vpcattachment.label-value@spec.connection"}},
		{name: "p2p link", doc: `
kind: VPCAttachment
metadata: {name: a, annotations: {fabric.githedgehog.com/p2p-link: 10.50.0.0/30}}
spec: {subnet: vpc-1/default, connection: c}
`, want: []string{"vpcattachment.p2p-link-invalid@metadata.annotations.fabric.githedgehog.com/p2p-link"}},
		{name: "p2p link empty", doc: `
kind: VPCAttachment
metadata: {name: a, annotations: {fabric.githedgehog.com/p2p-link: ""}}
spec: {subnet: vpc-1/default, connection: c}
`, want: []string{"vpcattachment.p2p-link-invalid@metadata.annotations.fabric.githedgehog.com/p2p-link"}},
	})
}

func TestVPCPeeringValidateLocal(t *testing.T) {
	vpcRunLocal(t, []vpcLocalCase{
		{name: "valid", cfg: &Config{VPCPeeringDisabled: vpcBool(false)}, doc: `
kind: VPCPeering
metadata: {name: p}
spec: {permit: [{vpc-1: {subnets: [a]}, vpc-2: {}}]}
`},
		{name: "disabled", cfg: &Config{VPCPeeringDisabled: vpcBool(true)}, doc: `
kind: VPCPeering
metadata: {name: p}
spec: {permit: [{vpc-1: {}, vpc-2: {}}]}
`, want: []string{"vpcpeering.disabled@"}},
		{name: "remote and shapes", doc: `
kind: VPCPeering
metadata: {name: p}
spec:
  remote: border
  permit:
  - {vpc-1: {subnets: []}}
  - {vpc-2: {}, vpc-3: {}}
`, want: []string{"vpcpeering.remote-deprecated@spec.remote", "vpcpeering.permit-vpcs@spec.permit[0]",
			"vpcpeering.permit-subnets-count@spec.permit[0].vpc-1.subnets", "vpcpeering.vpc-count@spec.permit"}},
		{name: "no permit", doc: `
kind: VPCPeering
metadata: {name: p}
spec: {}
`, want: []string{"vpcpeering.permit-count@spec.permit"}},
	})
}

func TestIPv4NamespaceValidateLocal(t *testing.T) {
	vpcRunLocal(t, []vpcLocalCase{
		{name: "valid", cfg: &Config{ReservedSubnets: []string{"172.28.0.0/16"}}, doc: `
kind: IPv4Namespace
metadata: {name: default}
spec: {subnets: [10.0.0.0/16, 10.1.0.0/16]}
`},
		{name: "rules", cfg: &Config{ReservedSubnets: []string{"10.2.0.0/24"}}, doc: `
kind: IPv4Namespace
metadata: {name: much-too-long}
spec: {subnets: [10.0.0.0/16, 10.0.5.0/24, bad, 10.2.0.0/16]}
`, want: []string{"ipv4namespace.name-length@metadata.name", "ipv4namespace.subnet-overlap@spec.subnets[1]",
			// indices of the stored (sorted) list: "bad" sorts last
			"ipv4namespace.subnet-invalid@spec.subnets[3]", "ipv4namespace.subnet-reserved@spec.subnets[2]"}},
		{name: "too many", doc: `
kind: IPv4Namespace
metadata: {name: ns}
spec: {subnets: [10.1.0.0/16, 10.2.0.0/16, 10.3.0.0/16, 10.4.0.0/16, 10.5.0.0/16, 10.6.0.0/16, 10.7.0.0/16, 10.8.0.0/16, 10.9.0.0/16, 10.10.0.0/16, 10.11.0.0/16]}
`, want: []string{"ipv4namespace.subnets-count@spec.subnets"}},
		{name: "reserved skipped without config", doc: `
kind: IPv4Namespace
metadata: {name: ns}
spec: {subnets: [10.2.0.0/16]}
`},
	})
}

func TestExternalValidateLocal(t *testing.T) {
	vpcRunLocal(t, []vpcLocalCase{
		{name: "valid bgp", doc: `
kind: External
metadata: {name: e}
spec: {inboundCommunity: "65102:5000", outboundCommunity: "0:65535"}
`},
		{name: "valid static", doc: `
kind: External
metadata: {name: e}
spec: {static: {prefixes: [0.0.0.0/0]}}
`},
		{name: "communities", doc: `
kind: External
metadata: {name: external-too-long}
spec: {inboundCommunity: "65536:1", outboundCommunity: "01:2"}
`, want: []string{"external.name-length@metadata.name", "external.community-invalid@spec.inboundCommunity", "external.community-invalid@spec.outboundCommunity"}},
		{name: "static", doc: `
kind: External
metadata: {name: e}
spec: {inboundCommunity: "1:1", static: {prefixes: [10.0.0.0/8, 10.1.0.0/16, bad]}}
`, want: []string{"external.static-community@spec.inboundCommunity", "external.static-prefix-overlap@spec.static.prefixes[1]",
			"external.static-prefix-invalid@spec.static.prefixes[2]"}},
		{name: "static without prefixes", doc: `
kind: External
metadata: {name: e}
spec: {static: {}}
`, want: []string{"external.static-prefixes-required@spec.static.prefixes"}},
	})
}

func TestExternalAttachmentValidateLocal(t *testing.T) {
	vpcRunLocal(t, []vpcLocalCase{
		{name: "valid bgp", doc: `
kind: ExternalAttachment
metadata: {name: a}
spec:
  external: e
  connection: c
  switch: {vlan: 100, ip: 172.31.0.2/30}
  neighbor: {asn: 65102, ip: 172.31.0.1}
  inboundACL:
    statements:
    - {seq: 10, action: permit, protocol: tcp, srcPrefix: any, dstPrefix: 10.0.0.0/8, portRangeBegin: 22, portRangeEnd: 22, tcpFilters: {syn: true, notAck: true}}
    - {seq: 20, action: deny, protocol: icmp, srcPrefix: any, dstPrefix: any, icmpType: 8}
`},
		{name: "valid static", doc: `
kind: ExternalAttachment
metadata: {name: a}
spec: {external: e, connection: c, static: {remoteIP: 172.30.0.1, ip: 172.30.0.2/24}}
`},
		{name: "bgp", doc: `
kind: ExternalAttachment
metadata: {name: a}
spec: {switch: {ip: 172.31.0.2}, neighbor: {ip: 172.31.0.1/30}}
`, want: []string{"externalattachment.external-required@spec.external", "externalattachment.connection-required@spec.connection",
			"externalattachment.switch-ip-invalid@spec.switch.ip", "externalattachment.neighbor-asn-required@spec.neighbor.asn",
			"externalattachment.neighbor-ip-invalid@spec.neighbor.ip"}},
		{name: "bgp empty", doc: `
kind: ExternalAttachment
metadata: {name: a}
spec: {external: e, connection: c}
`, want: []string{"externalattachment.switch-ip-required@spec.switch.ip", "externalattachment.neighbor-asn-required@spec.neighbor.asn",
			"externalattachment.neighbor-ip-required@spec.neighbor.ip"}},
		{name: "static", doc: `
kind: ExternalAttachment
metadata: {name: a}
spec: {external: e, connection: c, switch: {vlan: 5}, neighbor: {asn: 1}, static: {remoteIP: bad, ip: 172.30.0.2/24, proxy: true}}
`, want: []string{"externalattachment.static-switch-set@spec.switch", "externalattachment.static-neighbor-set@spec.neighbor",
			"externalattachment.static-remoteip-invalid@spec.static.remoteIP", "externalattachment.static-ip-or-proxy@spec.static"}},
		{name: "static ip", doc: `
kind: ExternalAttachment
metadata: {name: a}
spec: {external: e, connection: c, static: {remoteIP: "", ip: 172.30.0.2}}
`, want: []string{"externalattachment.static-remoteip-required@spec.static.remoteIP", "externalattachment.static-ip-invalid@spec.static.ip"}},
		{name: "acl", doc: `
kind: ExternalAttachment
metadata: {name: a}
spec:
  external: e
  connection: c
  static: {remoteIP: 172.30.0.1, proxy: true}
  inboundACL:
    statements:
    - {seq: 5, action: allow, protocol: sctp, srcPrefix: "", dstPrefix: 10.0.0.0}
    - {seq: 10, action: permit, protocol: udp, srcPrefix: any, dstPrefix: any, tcpFilters: {established: true, syn: true, notSyn: true}}
    - {seq: 10, action: permit, protocol: ip, srcPrefix: any, dstPrefix: any, icmpCode: 0, portRangeEnd: 80}
    - {seq: 30, action: permit, protocol: tcp, srcPrefix: any, dstPrefix: any, portRangeBegin: 90, portRangeEnd: 80}
`, want: []string{"externalattachment.acl-seq@spec.inboundACL.statements[0].seq", "externalattachment.acl-action@spec.inboundACL.statements[0].action",
			"externalattachment.acl-protocol@spec.inboundACL.statements[0].protocol", "externalattachment.acl-prefix@spec.inboundACL.statements[0].srcPrefix",
			"externalattachment.acl-prefix@spec.inboundACL.statements[0].dstPrefix",
			"externalattachment.acl-tcp-filters@spec.inboundACL.statements[1].tcpFilters", "externalattachment.acl-tcp-flags@spec.inboundACL.statements[1].tcpFilters.notSyn",
			"externalattachment.acl-tcp-flags@spec.inboundACL.statements[1].tcpFilters.established",
			"externalattachment.acl-seq-duplicate@spec.inboundACL.statements[2].seq", "externalattachment.acl-icmp@spec.inboundACL.statements[2]",
			"externalattachment.acl-port-range@spec.inboundACL.statements[2]",
			"externalattachment.acl-port-range@spec.inboundACL.statements[3].portRangeBegin"}},
	})
}

func TestExternalPeeringValidateLocal(t *testing.T) {
	vpcRunLocal(t, []vpcLocalCase{
		{name: "valid, prefixes not parsed", doc: `
kind: ExternalPeering
metadata: {name: p}
spec: {permit: {vpc: {name: vpc-1, subnets: [default]}, external: {name: e, prefixes: [{prefix: not-a-cidr}]}}}
`},
		{name: "empty", doc: `
kind: ExternalPeering
metadata: {name: p}
spec: {permit: {external: {prefixes: [{prefix: ""}]}}}
`, want: []string{"externalpeering.vpc-required@spec.permit.vpc.name", "externalpeering.external-required@spec.permit.external.name",
			"externalpeering.prefix-required@spec.permit.external.prefixes[0].prefix"}},
	})
}

// TestVPCSideLabelValues: names the webhook copies into labels must be
// valid label values, or the API server rejects the defaulted object.
func TestVPCSideLabelValues(t *testing.T) {
	long := "a" + strings.Repeat("b", 63)
	vpcRunLocal(t, []vpcLocalCase{
		{name: "peering", doc: `
kind: VPCPeering
metadata: {name: p}
spec: {permit: [{vpc-1: {}, "-bad": {}}]}
`, want: []string{"vpcpeering.label-value@spec.permit"}},
		{name: "external attachment", doc: `
kind: ExternalAttachment
metadata: {name: a}
spec: {external: ` + long + `, connection: "c d", static: {remoteIP: 172.30.0.1, proxy: true}}
`, want: []string{"externalattachment.label-value@spec.connection", "externalattachment.label-value@spec.external"}},
		{name: "external peering", doc: `
kind: ExternalPeering
metadata: {name: p}
spec: {permit: {vpc: {name: "vpc_1."}, external: {name: e}}}
`, want: []string{"externalpeering.label-value@spec.permit.vpc.name"}},
		{name: "external namespace", doc: `
kind: External
metadata: {name: e}
spec: {ipv4Namespace: ` + long + `}
`, want: []string{"external.label-value@spec.ipv4Namespace"}},
		{name: "ipv4namespace name", doc: `
kind: IPv4Namespace
metadata: {name: ` + long + `}
spec: {subnets: [10.0.0.0/8]}
`, want: []string{"ipv4namespace.label-value@metadata.name", "ipv4namespace.name-length@metadata.name"}},
		{name: "ipv4namespace empty list", doc: `
kind: IPv4Namespace
metadata: {name: ns}
spec: {subnets: []}
`, want: []string{"ipv4namespace.subnets-count@spec.subnets"}},
	})
}
