package hedgehog

import "testing"

func TestSwitchValidate(t *testing.T) {
	wiringRun(t, []wiringCase{
		{
			name: "required fields of a leaf",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: leaf-09}
spec: {role: mixed-leaf}
`,
			want: []string{
				"Switch/leaf-09 switch.asn-leaf-range spec.asn",
				"Switch/leaf-09 switch.asn-required spec.asn",
				"Switch/leaf-09 switch.ip-required spec.ip",
				"Switch/leaf-09 switch.profile-required spec.profile",
				"Switch/leaf-09 switch.protocol-ip-required spec.protocolIP",
				"Switch/leaf-09 switch.vtep-ip-required spec.vtepIP",
			},
		},
		{
			name: "spine with a VTEP, bad redundancy, bad address forms",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: spine-01}
spec: {role: spine, profile: vs, asn: 65100, ip: 172.30.0.2, protocolIP: 172.30.8.0/24, vtepIP: 172.30.12.9/32,
  redundancy: {type: mlag}}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: border-01}
spec: {role: border-leaf, profile: vs, asn: 65103, ip: 172.30.0.6/21, protocolIP: 172.30.8.4/32, vtepIP: 172.30.12.3/24,
  redundancy: {group: eslag-1}}
`,
			want: []string{
				"Switch/border-01 switch.redundancy-group-type spec.redundancy",
				"Switch/border-01 switch.vtep-ip-format spec.vtepIP",
				"Switch/spine-01 switch.ip-format spec.ip",
				"Switch/spine-01 switch.protocol-ip-format spec.protocolIP",
				"Switch/spine-01 switch.redundancy-group-type spec.redundancy",
				"Switch/spine-01 switch.redundancy-type spec.redundancy.type",
				"Switch/spine-01 switch.vtep-ip-spine spec.vtepIP",
			},
		},
		{
			name: "config: subnets, DHCP range, control VIP, ASN ranges",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: spine-01}
spec: {role: spine, profile: vs, asn: 65000, ip: 172.30.0.1/21, protocolIP: 172.30.16.0/32}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: border-01}
spec: {role: border-leaf, profile: vs, asn: 65200, ip: 172.30.4.10/21, protocolIP: 172.30.8.4/32, vtepIP: 172.30.20.3/32}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: spine-02}
spec: {role: spine, profile: vs, asn: 65100, ip: 10.0.0.3/21, protocolIP: 172.30.8.1/32}
`,
			want: []string{
				"Switch/border-01 switch.asn-leaf-range spec.asn",
				"Switch/border-01 switch.ip-management-dhcp spec.ip",
				"Switch/border-01 switch.vtep-ip-subnet spec.vtepIP",
				"Switch/spine-01 switch.asn-spine spec.asn",
				"Switch/spine-01 switch.ip-control-vip spec.ip",
				"Switch/spine-01 switch.protocol-ip-subnet spec.protocolIP",
				"Switch/spine-02 switch.ip-management-subnet spec.ip",
			},
		},
		{
			name:  "config rules are skipped without the config",
			noCfg: true,
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: spine-01}
spec: {role: spine, profile: vs, asn: 65000, ip: 172.30.0.1/21, protocolIP: 172.30.16.0/32}
`,
		},
		{
			name: "unique management, protocol and VTEP addresses and leaf ASNs, reported on both",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: border-01}
spec: {role: border-leaf, profile: vs, asn: 65102, ip: 172.30.0.5/24, protocolIP: 172.30.8.3/32, vtepIP: 172.30.12.2/32}
`,
			want: []string{
				"Switch/border-01 switch.asn-unique spec.asn",
				"Switch/border-01 switch.ip-unique spec.ip",
				"Switch/border-01 switch.protocol-ip-unique spec.protocolIP",
				"Switch/border-01 switch.vtep-ip-unique spec.vtepIP",
				"Switch/leaf-02 switch.asn-unique spec.asn",
				"Switch/leaf-02 switch.ip-unique spec.ip",
				"Switch/leaf-02 switch.protocol-ip-unique spec.protocolIP",
				"Switch/leaf-02 switch.vtep-ip-unique spec.vtepIP",
			},
		},
		{
			name: "an MCLAG leaf is exempt from the ASN and VTEP uniqueness, its peer is not",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: SwitchGroup
metadata: {name: mclag-1}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: border-01}
spec: {role: border-leaf, profile: vs, asn: 65102, ip: 172.30.0.6/21, protocolIP: 172.30.8.4/32, vtepIP: 172.30.12.2/32,
  redundancy: {group: mclag-1, type: mclag}}
`,
			want: []string{
				"Switch/leaf-02 switch.asn-unique spec.asn",
				"Switch/leaf-02 switch.vtep-ip-unique spec.vtepIP",
			},
		},
		{
			name: "VLAN namespaces must exist and not overlap",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata: {name: extra}
spec:
  ranges: [{from: 2900, to: 3100}]
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: border-01}
spec: {role: border-leaf, profile: vs, asn: 65103, ip: 172.30.0.6/21, protocolIP: 172.30.8.4/32, vtepIP: 172.30.12.3/32,
  vlanNamespaces: [default, missing]}
`,
			want: []string{
				"Switch/border-01 switch.vlan-namespace-exists spec.vlanNamespaces[1]",
				"Switch/leaf-02 switch.vlan-namespace-overlap spec.vlanNamespaces",
				"VLANNamespace/extra vlannamespace.reserved-overlap spec.ranges",
			},
		},
		{
			name: "groups must exist, the redundancy group included (added by the webhook), and not be empty",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: border-01}
spec: {role: border-leaf, profile: vs, asn: 65103, ip: 172.30.0.6/21, protocolIP: 172.30.8.4/32, vtepIP: 172.30.12.3/32,
  groups: [rack-1, ""], redundancy: {group: eslag-9, type: eslag}}
`,
			want: []string{
				"Switch/border-01 switch.group-empty spec.groups[0]",
				"Switch/border-01 switch.group-exists spec.groups[1]",
				"Switch/border-01 switch.label metadata.labels",
			},
		},
	})
}

// TestSwitchValidateUndefaulted: rules that defaulting always satisfies
// still hold for an object validated as written.
func TestSwitchValidateUndefaulted(t *testing.T) {
	objs := wiringDocs(t, []byte(`
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: spine-09}
spec: {role: spine, profile: vs, asn: 65100, ip: 172.30.0.9/21, protocolIP: 172.30.8.9/32,
  linkFlapErrDisable: {flapThreshold: 5}}
`))
	got := wiringFormat(ValidateOne(objs[0], nil, &Config{}))
	want := []string{
		"Switch/spine-09 switch.link-flap spec.linkFlapErrDisable.recoveryInterval",
		"Switch/spine-09 switch.link-flap spec.linkFlapErrDisable.samplingInterval",
		"Switch/spine-09 switch.vlan-namespaces spec.vlanNamespaces",
	}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestSwitchValidateDelete(t *testing.T) {
	objs := wiringFabric(t)
	for i, o := range objs {
		c := o.DeepCopy()
		Default(c)
		objs[i] = c
	}
	idx := NewIndex(objs)
	got := wiringFormat(ValidateDelete(idx.Get("Switch", "leaf-01"), idx))
	if len(got) != 1 || got[0] != "Switch/leaf-01 switch.has-connections " {
		t.Errorf("got %q", got)
	}
	rest := wiringApply(t, objs, "", []string{"Connection/border-01--external--isp", "Connection/border-01--static-external", "Connection/spine-01--fabric--border-01"})
	idx = NewIndex(rest)
	if vs := ValidateDelete(idx.Get("Switch", "border-01"), idx); len(vs) != 0 {
		t.Errorf("a switch without connections: %v", vs)
	}
}
