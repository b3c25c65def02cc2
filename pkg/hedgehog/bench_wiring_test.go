package hedgehog

import (
	"net/netip"
	"strconv"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// wiringBenchFabric builds a consistent wiring of about n objects of the
// wiring kinds (at least n): spines, ESLAG leaf pairs, servers on unbundled, bundled
// and ESLAG connections, fabric links with /31s, in the user's short form
// (int64 numbers, as the Git reader gives them).
func wiringBenchFabric(n int) ([]*unstructured.Unstructured, *Config) {
	const spines = 8
	pairs := (n + 48) / 49 // 49 objects per ESLAG pair, 9 more in all
	leaves := 2 * pairs
	str := func(s string) *string { return &s }
	u32 := func(v uint32) *uint32 { return &v }
	cfg := &Config{
		FabricSubnet: str("10.3.0.0/16"), ManagementSubnet: str("10.0.0.0/16"), ManagementDHCPStart: str("10.0.255.0"),
		ControlVIP: str("10.0.255.254/16"), ProtocolSubnet: str("10.1.0.0/16"), VTEPSubnet: str("10.2.0.0/16"),
		SpineASN: u32(65100), LeafASNStart: u32(65101), LeafASNEnd: u32(65101 + uint32(leaves)),
	}
	mtu, off := 9100, 64
	cfg.FabricMTU, cfg.ServerFacingMTUOffset = &mtu, &off
	obj := func(kind, name string, spec map[string]interface{}) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]interface{}{
			"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": kind,
			"metadata": map[string]interface{}{"name": name}, "spec": spec,
		}}
	}
	addr := func(base netip.Addr, i int) string {
		a := base.As4()
		a[2], a[3] = byte(i>>8), byte(i)
		return netip.AddrFrom4(a).String()
	}
	mgmt, proto, vtep, fab := netip.MustParseAddr("10.0.0.0"), netip.MustParseAddr("10.1.0.0"), netip.MustParseAddr("10.2.0.0"), netip.MustParseAddr("10.3.0.0")
	out := []*unstructured.Unstructured{obj("VLANNamespace", "default", map[string]interface{}{
		"ranges": []interface{}{map[string]interface{}{"from": int64(1000), "to": int64(2999)}},
	})}
	dev := 0
	sw := func(name, role string, asn int64, group string) {
		dev++
		spec := map[string]interface{}{
			"role": role, "profile": "vs", "asn": asn, "ip": addr(mgmt, dev) + "/16", "protocolIP": addr(proto, dev) + "/32",
			"portSpeeds": map[string]interface{}{"E1/1": "SPEED_25G"},
		}
		if role != "spine" {
			spec["vtepIP"] = addr(vtep, dev) + "/32"
			spec["redundancy"] = map[string]interface{}{"group": group, "type": "eslag"}
		}
		out = append(out, obj("Switch", name, spec))
	}
	for s := 0; s < spines; s++ {
		sw("spine-"+strconv.Itoa(s), "spine", 65100, "")
	}
	nextPort := map[string]int{}
	port := func(sw string) string {
		nextPort[sw]++
		return sw + "/E1/" + strconv.Itoa(nextPort[sw])
	}
	link := func(a, b string) map[string]interface{} {
		return map[string]interface{}{"server": map[string]interface{}{"port": a}, "switch": map[string]interface{}{"port": b}}
	}
	ip := 0
	for p := 0; p < pairs; p++ {
		group := "eslag-" + strconv.Itoa(p)
		out = append(out, obj("SwitchGroup", group, map[string]interface{}{}))
		pair := [2]string{"leaf-" + strconv.Itoa(2*p), "leaf-" + strconv.Itoa(2*p+1)}
		for i, l := range pair {
			sw(l, "server-leaf", int64(65101+2*p+i), group)
			for s := 0; s < 2; s++ {
				spine := "spine-" + strconv.Itoa((2*p+i+s)%spines)
				out = append(out, obj("Connection", spine+"--fabric--"+l, map[string]interface{}{"fabric": map[string]interface{}{"links": []interface{}{
					map[string]interface{}{
						"spine": map[string]interface{}{"port": port(spine), "ip": addr(fab, ip) + "/31"},
						"leaf":  map[string]interface{}{"port": port(l), "ip": addr(fab, ip+1) + "/31"},
					},
				}}}))
				ip += 2
			}
		}
		// servers on the pair: unbundled, bundled and ESLAG.
		for s := 0; out != nil && s < 21; s++ {
			srv := "server-" + strconv.Itoa(p) + "-" + strconv.Itoa(s)
			out = append(out, obj("Server", srv, map[string]interface{}{"description": "bench"}))
			var spec map[string]interface{}
			switch s % 3 {
			case 0:
				spec = map[string]interface{}{"unbundled": map[string]interface{}{"link": link(srv+"/enp2s1", port(pair[s%2])), "mtu": int64(9000)}}
			case 1:
				l := pair[s%2]
				spec = map[string]interface{}{"bundled": map[string]interface{}{"links": []interface{}{link(srv+"/enp2s1", port(l)), link(srv+"/enp2s2", port(l))}}}
			default:
				spec = map[string]interface{}{"eslag": map[string]interface{}{"links": []interface{}{link(srv+"/enp2s1", port(pair[0])), link(srv+"/enp2s2", port(pair[1]))}}}
			}
			out = append(out, obj("Connection", srv+"--"+strconv.Itoa(s%3), spec))
		}
	}
	return out, cfg
}

// TestWiringBenchFabricValid: the benchmarks' wiring is valid, so they
// measure the path real fabrics take.
func TestWiringBenchFabricValid(t *testing.T) {
	objs, cfg := wiringBenchFabric(10000)
	if len(objs) < 9500 {
		t.Fatalf("only %d objects", len(objs))
	}
	if rep := ValidateObjects(objs, cfg); len(rep.Violations) != 0 {
		t.Fatalf("%d violations, first: %+v", len(rep.Violations), rep.Violations[0])
	}
}

func BenchmarkWiringDefault(b *testing.B) {
	objs, _ := wiringBenchFabric(10000)
	copies := make([]*unstructured.Unstructured, len(objs))
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j, o := range objs {
			copies[j] = o.DeepCopy()
		}
		b.StartTimer()
		start := wiringCPU()
		for _, o := range copies {
			Default(o)
		}
		cpu += wiringCPU() - start
	}
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(len(objs)), "objects")
}

func BenchmarkWiringValidateObjects(b *testing.B) {
	objs, cfg := wiringBenchFabric(10000)
	b.ResetTimer()
	start := wiringCPU()
	for i := 0; i < b.N; i++ {
		if rep := ValidateObjects(objs, cfg); len(rep.Violations) != 0 {
			b.Fatal(rep.Violations[0])
		}
	}
	b.ReportMetric(float64((wiringCPU()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(len(objs)), "objects")
}

// BenchmarkWiringValidateDefaulted: the rules alone, on objects already
// defaulted (ValidateObjects also deep-copies and defaults every object).
func BenchmarkWiringValidateDefaulted(b *testing.B) {
	objs, cfg := wiringBenchFabric(10000)
	for _, o := range objs {
		Default(o)
	}
	b.ResetTimer()
	start := wiringCPU()
	for i := 0; i < b.N; i++ {
		idx := NewIndex(objs)
		for _, o := range objs {
			if vs := ValidateOne(o, idx, cfg); len(vs) != 0 {
				b.Fatal(vs[0])
			}
		}
	}
	b.ReportMetric(float64((wiringCPU()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(len(objs)), "objects")
}
