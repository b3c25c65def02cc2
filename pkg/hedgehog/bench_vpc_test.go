package hedgehog

import (
	"strconv"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// vpcBenchFabric builds a consistent fabric with 10,001 objects of the
// VPC-side kinds (2,000 VPCs with 2 subnets each, 3,000 VPCAttachments,
// 1,500 VPCPeerings, 500 Externals, 1,500 ExternalAttachments, 1,500
// ExternalPeerings, 1 IPv4Namespace) and the wiring objects they refer to
// (1 VLANNamespace, 10 Switches, 1,100 Connections), in the short form.
func vpcBenchFabric() (mine, all []*unstructured.Unstructured) {
	itoa := strconv.Itoa
	m := func(kind, name string, spec map[string]interface{}) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]interface{}{
			"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": kind,
			"metadata": map[string]interface{}{"name": name}, "spec": spec,
		}}
	}
	var wiring []*unstructured.Unstructured
	mine = append(mine, m("IPv4Namespace", "default", map[string]interface{}{"subnets": []interface{}{"10.0.0.0/8"}}))
	wiring = append(wiring, m("VLANNamespace", "default", map[string]interface{}{
		"ranges": []interface{}{map[string]interface{}{"from": int64(1), "to": int64(4094)}}}))
	for s := range 10 {
		wiring = append(wiring, m("Switch", "leaf-"+itoa(s), map[string]interface{}{"vlanNamespaces": []interface{}{"default"}}))
	}
	for i := range 2000 {
		net := "10." + itoa(i/256) + "." + itoa(i%256) + "."
		mine = append(mine, m("VPC", "vpc-"+itoa(i), map[string]interface{}{"subnets": map[string]interface{}{
			"a": map[string]interface{}{"subnet": net + "0/25", "vlan": int64(1 + 2*i),
				"dhcp": map[string]interface{}{"enable": true, "options": map[string]interface{}{"dnsServers": []interface{}{net + "10", net + "2"}}}},
			"b": map[string]interface{}{"subnet": net + "128/25", "vlan": int64(2 + 2*i)},
		}}))
	}
	for c := range 1000 {
		wiring = append(wiring, m("Connection", "conn-"+itoa(c), map[string]interface{}{"unbundled": map[string]interface{}{"link": map[string]interface{}{
			"server": map[string]interface{}{"port": "server-" + itoa(c) + "/enp2s1"},
			"switch": map[string]interface{}{"port": "leaf-" + itoa(c%10) + "/E1/" + itoa(c/10+1)},
		}}}))
	}
	for i := range 3000 {
		sub := []string{"a", "b"}[(i/2000)%2]
		mine = append(mine, m("VPCAttachment", "att-"+itoa(i), map[string]interface{}{
			"subnet": "vpc-" + itoa(i%2000) + "/" + sub, "connection": "conn-" + itoa(i%1000)}))
	}
	for i := range 1500 {
		mine = append(mine, m("VPCPeering", "peer-"+itoa(i), map[string]interface{}{"permit": []interface{}{map[string]interface{}{
			"vpc-" + itoa(i+1): map[string]interface{}{}, "vpc-" + itoa(i): map[string]interface{}{"subnets": []interface{}{"b", "a"}},
		}}}))
	}
	for e := range 500 {
		mine = append(mine, m("External", "ext-"+itoa(e), map[string]interface{}{"inboundCommunity": "65102:" + itoa(e), "outboundCommunity": "50000:" + itoa(e)}))
	}
	for c := range 100 {
		wiring = append(wiring, m("Connection", "ext-conn-"+itoa(c), map[string]interface{}{"external": map[string]interface{}{"link": map[string]interface{}{
			"switch": map[string]interface{}{"port": "leaf-" + itoa(c%10) + "/E1/" + itoa(200+c)}}}}))
	}
	for i := range 1500 {
		mine = append(mine, m("ExternalAttachment", "extatt-"+itoa(i), map[string]interface{}{
			"external": "ext-" + itoa(i%500), "connection": "ext-conn-" + itoa(i%100),
			"switch":   map[string]interface{}{"vlan": int64(1 + i), "ip": "172.31." + itoa(i/64) + "." + itoa(i%64*4+2) + "/30"},
			"neighbor": map[string]interface{}{"asn": int64(65102), "ip": "172.31." + itoa(i/64) + "." + itoa(i%64*4+1)},
		}))
	}
	for i := range 1500 {
		mine = append(mine, m("ExternalPeering", "extpeer-"+itoa(i), map[string]interface{}{"permit": map[string]interface{}{
			"vpc":      map[string]interface{}{"name": "vpc-" + itoa(i), "subnets": []interface{}{"b", "a"}},
			"external": map[string]interface{}{"name": "ext-" + itoa(i%500), "prefixes": []interface{}{map[string]interface{}{"prefix": "10.0.0.0/8"}, map[string]interface{}{"prefix": "0.0.0.0/0"}}},
		}}))
	}
	return mine, append(append([]*unstructured.Unstructured{}, mine...), wiring...)
}

// TestVPCBenchFabricValid keeps the benchmark honest: its fabric is
// consistent, so the benchmarks measure the path every valid fabric takes.
func TestVPCBenchFabricValid(t *testing.T) {
	mine, all := vpcBenchFabric()
	if len(mine) < 10000 {
		t.Fatalf("%d objects of the VPC-side kinds, want 10,000", len(mine))
	}
	if got := vpcSideViolations(ValidateObjects(all, nil)); len(got) != 0 {
		n := 0
		for k, v := range got {
			if n++; n > 5 {
				break
			}
			t.Errorf("%s: %v", k, v)
		}
		t.Fatalf("%d objects with violations", len(got))
	}
}

func BenchmarkVPCSideDefault10k(b *testing.B) {
	mine, _ := vpcBenchFabric()
	copies := make([]*unstructured.Unstructured, len(mine))
	b.ReportAllocs()
	var cpu time.Duration
	n := 0
	for b.Loop() {
		b.StopTimer()
		for i, o := range mine {
			copies[i] = o.DeepCopy()
		}
		b.StartTimer()
		start := vpcCPUTime()
		for _, o := range copies {
			Default(o)
		}
		cpu += vpcCPUTime() - start
		n++
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
}

func BenchmarkVPCSideValidateObjects10k(b *testing.B) {
	_, all := vpcBenchFabric()
	b.ReportAllocs()
	start, n := vpcCPUTime(), 0
	for b.Loop() {
		ValidateObjects(all, nil)
		n++
	}
	b.ReportMetric(float64((vpcCPUTime()-start).Nanoseconds())/float64(n), "cpu-ns/op")
}
