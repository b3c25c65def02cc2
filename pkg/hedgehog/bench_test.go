package hedgehog

import (
	"strconv"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// mixedFabric is a consistent fabric of all 12 kinds, about 12,000
// objects in the user's short form: the VPC side of vpcBenchFabric with
// the wiring it refers to made whole (switches with their addresses and a
// switch group, the servers of the connections).
func mixedFabric() []*unstructured.Unstructured {
	_, all := vpcBenchFabric()
	out := make([]*unstructured.Unstructured, 0, len(all)+1001)
	for _, o := range all {
		if o.GetKind() == "Switch" {
			i, _ := strconv.Atoi(o.GetName()[len("leaf-"):])
			o.Object["apiVersion"] = "wiring.githedgehog.com/v1beta1"
			o.Object["spec"] = map[string]interface{}{
				"role": "server-leaf", "profile": "vs", "asn": int64(65101 + i),
				"ip": "172.30.0." + strconv.Itoa(10+i) + "/21", "protocolIP": "172.30.8." + strconv.Itoa(10+i) + "/32",
				"vtepIP": "172.30.12." + strconv.Itoa(10+i) + "/32", "groups": []interface{}{"all"},
				"portSpeeds": map[string]interface{}{"E1/1": "SPEED_25G"},
			}
		}
		if k := o.GetKind(); k == "VLANNamespace" || k == "Connection" {
			o.Object["apiVersion"] = "wiring.githedgehog.com/v1beta1"
		}
		out = append(out, o)
	}
	out = append(out, &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "SwitchGroup",
		"metadata": map[string]interface{}{"name": "all"}, "spec": map[string]interface{}{},
	}})
	for s := range 1000 {
		out = append(out, &unstructured.Unstructured{Object: map[string]interface{}{
			"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "Server",
			"metadata": map[string]interface{}{"name": "server-" + strconv.Itoa(s)}, "spec": map[string]interface{}{"description": "compute"},
		}})
	}
	return out
}

// TestMixedFabricValid keeps BenchmarkValidateFabric10k honest: its
// fabric holds the 12 kinds and breaks no rule, so the benchmark measures
// the path of a valid fabric.
func TestMixedFabricValid(t *testing.T) {
	objs := mixedFabric()
	seen := map[string]bool{}
	for _, o := range objs {
		seen[o.GetKind()] = true
	}
	if len(seen) != 12 || len(objs) < 10000 {
		t.Fatalf("%d objects of %d kinds, want at least 10,000 of 12", len(objs), len(seen))
	}
	rep := ValidateObjects(objs, nil)
	for i, v := range rep.Violations {
		if i < 10 {
			t.Errorf("%s %s: %s %s: %s", v.Kind, v.Name, v.Rule, v.Field, v.Message)
		}
	}
	if n := len(rep.Violations); n > 0 {
		t.Fatalf("%d violations", n)
	}
}

// BenchmarkValidateFabric10k validates a mixed 12-kind fabric of about
// 12,000 objects as kubectl hnp validate does (defaulting copies, then
// every [local] and [fabric] rule). Target: < 150 ms.
func BenchmarkValidateFabric10k(b *testing.B) {
	objs := mixedFabric()
	start, n := vpcCPUTime(), 0
	for b.Loop() {
		n++
		if rep := ValidateObjects(objs, nil); len(rep.Violations) != 0 {
			b.Fatal(rep.Violations[0])
		}
	}
	// CPU time (GC included) is the honest cost on a shared machine.
	b.ReportMetric(float64((vpcCPUTime()-start).Milliseconds())/float64(n), "cpu-ms/op")
}

// BenchmarkDefaultFabric10k defaults copies of the same fabric, as the
// drift comparison does with webhooks on. Target: < 150 ms.
func BenchmarkDefaultFabric10k(b *testing.B) {
	objs := mixedFabric()
	start, n := vpcCPUTime(), 0
	for b.Loop() {
		n++
		for _, o := range objs {
			Default(o.DeepCopy())
		}
	}
	b.ReportMetric(float64((vpcCPUTime()-start).Milliseconds())/float64(n), "cpu-ms/op")
}
