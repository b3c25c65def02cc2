package hedgehog

import (
	"strings"
	"testing"
)

func TestConnectionValidate(t *testing.T) {
	const server5 = `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Server
metadata: {name: server-05}
---
`
	wiringRun(t, []wiringCase{
		{
			name: "port used twice, reported on both",
			docs: server5 + `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: dup}
spec:
  unbundled:
    link:
      server: {port: server-05/enp2s1}
      switch: {port: leaf-01/E1/1}
`,
			want: []string{
				"Connection/dup connection.port-used-twice spec.unbundled.link.switch.port",
				"Connection/server-01--unbundled--leaf-01 connection.port-used-twice spec.unbundled.link.switch.port",
			},
		},
		{
			name: "server port used twice",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: dup}
spec:
  unbundled:
    link:
      server: {port: server-01/enp2s1}
      switch: {port: leaf-02/E1/20}
`,
			want: []string{
				"Connection/dup connection.port-used-twice spec.unbundled.link.server.port",
				"Connection/server-01--unbundled--leaf-01 connection.port-used-twice spec.unbundled.link.server.port",
			},
		},
		{
			name: "breakout alias: E1/55 is E1/55/1, not E1/55/2",
			docs: server5 + `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: base-name}
spec:
  unbundled:
    link:
      server: {port: server-05/enp2s1}
      switch: {port: leaf-01/E1/55}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: lane-1}
spec:
  external:
    link:
      switch: {port: leaf-01/E1/55/1}
`,
			want: []string{
				"Connection/base-name connection.port-used-twice spec.unbundled.link.switch.port",
				"Connection/lane-1 connection.port-used-twice spec.external.link.switch.port",
			},
		},
		{
			name: "an MCLAG connection is accepted with a warning and its ports are not counted",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: old-mclag}
spec:
  mclag:
    links:
    - server: {port: server-01/enp2s1}
      switch: {port: leaf-01/E1/1}
    - server: {port: server-01/enp2s2}
      switch: {port: no-such-switch/E1/1}
`,
			want: []string{"Connection/old-mclag connection.mclag-deprecated spec.mclag warning"},
		},
		{
			name: "switch and server must exist",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: ghost}
spec:
  unbundled:
    link:
      server: {port: server-09/enp2s1}
      switch: {port: leaf-09/E1/1}
`,
			want: []string{
				"Connection/ghost connection.server-exists spec.unbundled.link.server.port",
				"Connection/ghost connection.switch-exists spec.unbundled.link.switch.port",
			},
		},
		{
			name: "eslag switches in different redundancy groups",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: SwitchGroup
metadata: {name: eslag-2}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: leaf-02}
spec: {role: server-leaf, profile: vs, asn: 65102, ip: 172.30.0.5/21, protocolIP: 172.30.8.3/32, vtepIP: 172.30.12.2/32,
  redundancy: {group: eslag-2, type: eslag}}
`,
			want: []string{"Connection/server-03--eslag--leaf-01--leaf-02 connection.eslag-redundancy-group spec.eslag"},
		},
		{
			name: "eslag switches with different redundancy types",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: leaf-02}
spec: {role: server-leaf, profile: vs, asn: 65102, ip: 172.30.0.5/21, protocolIP: 172.30.8.3/32, vtepIP: 172.30.12.2/32,
  redundancy: {group: eslag-1, type: mclag}}
`,
			want: []string{"Connection/server-03--eslag--leaf-01--leaf-02 connection.eslag-redundancy-type spec.eslag"},
		},
		{
			name: "eslag switches without redundancy",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: leaf-01}
spec: {role: server-leaf, profile: vs, asn: 65101, ip: 172.30.0.4/21, protocolIP: 172.30.8.2/32, vtepIP: 172.30.12.1/32}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: leaf-02}
spec: {role: server-leaf, profile: vs, asn: 65102, ip: 172.30.0.5/21, protocolIP: 172.30.8.3/32, vtepIP: 172.30.12.2/32}
`,
			want: []string{
				"Connection/server-03--eslag--leaf-01--leaf-02 connection.eslag-redundancy-group spec.eslag",
				"Connection/server-03--eslag--leaf-01--leaf-02 connection.eslag-redundancy-type spec.eslag",
			},
		},
		{
			name:   "withinVPC must name a VPC",
			remove: []string{"VPC/vpc-1"},
			want:   []string{"Connection/border-01--static-external connection.vpc-exists spec.staticExternal.withinVPC"},
		},
		{
			name: "fabric link IPs: /31, same /31, fabric subnet, unique (on both)",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: spine-02--fabric--leaf-02}
spec:
  fabric:
    links:
    - spine: {port: spine-02/E1/2, ip: 172.30.128.0/31}
      leaf: {port: leaf-02/E1/50, ip: 172.30.128.9/31}
    - spine: {port: spine-02/E1/3, ip: 172.30.128.10/30}
      leaf: {port: leaf-02/E1/52, ip: 172.30.128.11/31}
    - spine: {port: spine-02/E1/4, ip: 10.0.0.0/31}
      leaf: {port: leaf-02/E1/53, ip: 10.0.0.1/31}
    - spine: {port: spine-02/E1/5, ip: 172.30.128.20/31}
      leaf: {port: leaf-02/E1/54}
`,
			want: []string{
				"Connection/spine-01--fabric--leaf-01 connection.link-ip-unique spec.fabric.links[0].spine.ip",
				"Connection/spine-02--fabric--leaf-02 connection.link-ip-unique spec.fabric.links[0].spine.ip",
				"Connection/spine-02--fabric--leaf-02 connection.link-ip-same-subnet spec.fabric.links[0].leaf.ip",
				"Connection/spine-02--fabric--leaf-02 connection.link-ip spec.fabric.links[1].spine.ip",
				"Connection/spine-02--fabric--leaf-02 connection.link-ip-fabric-subnet spec.fabric.links[2].spine.ip",
				"Connection/spine-02--fabric--leaf-02 connection.link-ip-fabric-subnet spec.fabric.links[2].leaf.ip",
			},
		},
		{
			name: "mesh and gateway link IPs are checked too",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: leaf-01--mesh--leaf-02}
spec:
  mesh:
    links:
    - leaf1: {port: leaf-01/E1/51, ip: 172.30.130.0/31}
      leaf2: {port: leaf-02/E1/51, ip: 172.30.129.1/32}
`,
			want: []string{
				"Connection/leaf-01--mesh--leaf-02 connection.link-ip spec.mesh.links[0].leaf2.ip",
				"Connection/leaf-01--mesh--leaf-02 connection.link-ip-unique spec.mesh.links[0].leaf1.ip",
				"Connection/spine-02--gateway--gw-01 connection.link-ip-unique spec.gateway.links[0].switch.ip",
			},
		},
		{
			name: "endpoint rules: type, switches, servers, distinct ports, port names",
			docs: server5 + `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: no-type}
spec: {}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: two-switches}
spec:
  bundled:
    links:
    - server: {port: server-05/enp2s1}
      switch: {port: leaf-01/E1/30}
    - server: {port: server-05/enp2s2}
      switch: {port: leaf-02/E1/30}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: same-port}
spec:
  vpcLoopback:
    links:
    - switch1: {port: leaf-01/E1/31}
      switch2: {port: leaf-01/E1/31}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: bad-port}
spec:
  external:
    link:
      switch: {port: leaf-01/}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: five-switches}
spec:
  eslag:
    links:
    - {server: {port: server-05/a}, switch: {port: s1/E1/1}}
    - {server: {port: server-05/b}, switch: {port: s2/E1/1}}
    - {server: {port: server-05/c}, switch: {port: s3/E1/1}}
    - {server: {port: server-05/d}, switch: {port: s4/E1/1}}
    - {server: {port: server-06/e}, switch: {port: s5/E1/1}}
`,
			want: []string{
				"Connection/bad-port connection.port-name spec.external.link.switch.port",
				"Connection/five-switches connection.server-count spec.eslag",
				"Connection/five-switches connection.switch-count spec.eslag",
				"Connection/no-type connection.label metadata.labels",
				"Connection/no-type connection.type-count spec",
				"Connection/same-port connection.ports-distinct spec.vpcLoopback",
				"Connection/two-switches connection.switch-count spec.bundled",
			},
		},
		{
			name: "staticExternal: next hop, subnets, default route, reserved subnets",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: border-01--static-external}
spec:
  staticExternal:
    link:
      switch:
        port: border-01/E1/11
        ip: 10.199.0.1/24
        nextHop: 10.198.0.1
        subnets: [10.99.0.1/16, 10.98.0.0/16, 10.98.1.0/24, 172.30.1.0/24]
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: border-01--static-default}
spec:
  staticExternal:
    link:
      switch: {port: border-01/E1/12, ip: 10.200.0.1, nextHop: 10.200.0.2, subnets: [10.1.0.0/16, 0.0.0.0/0]}
`,
			want: []string{
				"Connection/border-01--static-default connection.static-external-default-route spec.staticExternal.link.switch.subnets[1]",
				"Connection/border-01--static-default connection.static-external-ip spec.staticExternal.link.switch.ip",
				"Connection/border-01--static-external connection.static-external-next-hop spec.staticExternal.link.switch.nextHop",
				"Connection/border-01--static-external connection.static-external-reserved spec.staticExternal.link.switch.subnets[3]",
				"Connection/border-01--static-external connection.static-external-subnet spec.staticExternal.link.switch.subnets[0]",
				"Connection/border-01--static-external connection.static-external-subnets-overlap spec.staticExternal.link.switch.subnets[2]",
			},
		},
		{
			name: "mtu above fabricMTU - serverFacingMTUOffset",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: server-01--unbundled--leaf-01}
spec:
  unbundled:
    link:
      server: {port: server-01/enp2s1}
      switch: {port: leaf-01/E1/1}
    mtu: 9037
`,
			want: []string{"Connection/server-01--unbundled--leaf-01 connection.mtu spec.unbundled.mtu"},
		},
		{
			name:  "config rules are skipped without the config",
			noCfg: true,
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: server-01--unbundled--leaf-01}
spec:
  unbundled:
    link:
      server: {port: server-01/enp2s1}
      switch: {port: leaf-01/E1/1}
    mtu: 9037
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: spine-01--fabric--border-01}
spec:
  fabric:
    links:
    - spine: {port: spine-01/E1/3, ip: 10.0.0.6/31}
      leaf: {port: border-01/E1/49, ip: 10.0.0.7/31}
`,
		},
		{
			name: "a switch name too long for a label key",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: long}
spec:
  external:
    link:
      switch: {port: a-switch-name-that-is-far-too-long-to-fit-into-a-kubernetes-label/E1/1}
`,
			want: []string{
				"Connection/long connection.label metadata.labels",
				"Connection/long connection.switch-exists spec.external.link.switch.port",
			},
		},
	})
}

func TestConnectionValidateDelete(t *testing.T) {
	objs := wiringFabric(t)
	objs = append(objs, wiringDocs(t, []byte(`
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPCAttachment
metadata:
  name: att-1
  labels: {fabric.githedgehog.com/connection: server-01--unbundled--leaf-01}
spec: {connection: server-01--unbundled--leaf-01, subnet: vpc-1/default}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: ExternalAttachment
metadata:
  name: ext-att-1
  labels: {fabric.githedgehog.com/connection: server-01--unbundled--leaf-01}
spec: {connection: server-01--unbundled--leaf-01, external: isp}
`))...)
	idx := NewIndex(objs)
	conn := idx.Get("Connection", "server-01--unbundled--leaf-01")
	got := wiringFormat(ValidateDelete(conn, idx))
	want := []string{
		"Connection/server-01--unbundled--leaf-01 connection.has-attachments ",
		"Connection/server-01--unbundled--leaf-01 connection.has-attachments ",
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %q, want %q", got, want)
	}
	if vs := ValidateDelete(idx.Get("Connection", "spine-01--fabric--leaf-01"), idx); len(vs) != 0 {
		t.Errorf("a connection without attachments: %v", vs)
	}
}

// TestConnAliases: two ports collide exactly when the webhook's check
// says so (a two-slash port also stands for its "/1" sub-port).
func TestConnAliases(t *testing.T) {
	ports := []string{"leaf-01/E1/4", "leaf-01/E1/4/1", "leaf-01/E1/4/2", "leaf-01/E1/41", "leaf-01/E1/4/1/1",
		"server-01/enp2s1", "server-01/enp2s1/1", "leaf-02/E1/4", "leaf-01/E1/4/11"}
	upstream := func(mine, other string) bool {
		used := map[string]bool{mine: true}
		if strings.Count(mine, "/") == 2 {
			used[mine+"/1"] = true
		}
		return used[other] || strings.Count(other, "/") == 2 && used[other+"/1"]
	}
	for _, p := range ports {
		for _, q := range ports {
			found := false
			connAliases(nil, p, func(a []byte) { found = found || string(a) == q })
			if found != upstream(p, q) {
				t.Errorf("%s vs %s: aliases say %v, the webhook %v", p, q, found, upstream(p, q))
			}
		}
	}
}
