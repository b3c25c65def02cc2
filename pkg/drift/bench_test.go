package drift

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

type m = map[string]interface{}
type l = []interface{}

// benchObject builds the desired form of object i: VPCs with subnet maps,
// Switches with nested maps, Connections with lists, VPCAttachments.
// Numbers are float64, as YAML decoding yields them.
func benchObject(i int) m {
	name := fmt.Sprintf("obj-%06d", i)
	switch i % 10 {
	case 0, 1, 2, 3:
		subnets := m{}
		for s := 0; s < 1+i%4; s++ {
			subnets[fmt.Sprintf("subnet-%d", s)] = m{
				"subnet": fmt.Sprintf("10.%d.%d.0/24", i%250, s),
				"vlan":   float64(1000 + s),
				"dhcp":   m{"enable": s%2 == 0, "range": m{"start": fmt.Sprintf("10.%d.%d.10", i%250, s)}},
			}
		}
		return m{"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPC",
			"metadata": m{"name": name, "namespace": "default", "labels": m{"team": "net"}},
			"spec":     m{"ipv4Namespace": "default", "vlanNamespace": "default", "subnets": subnets, "permit": l{l{"subnet-0", "subnet-1"}}}}
	case 4, 5, 6:
		return m{"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "Connection",
			"metadata": m{"name": name, "namespace": "default"},
			"spec": m{"mclag": m{"links": l{
				m{"server": m{"port": name + "/enp2s1"}, "switch": m{"port": "leaf-1/E1/" + fmt.Sprint(i%48)}},
				m{"server": m{"port": name + "/enp2s2"}, "switch": m{"port": "leaf-2/E1/" + fmt.Sprint(i%48)}},
			}}}}
	case 7, 8:
		return m{"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "Switch",
			"metadata": m{"name": name, "namespace": "default"},
			"spec": m{"role": "server-leaf", "profile": "vs", "asn": float64(65100 + i%100),
				"ip": "172.30.0.1/21", "protocolIP": "172.30.8.1/32", "vtepIP": "172.30.12.1/32",
				"redundancy":         m{"group": "mclag-1", "type": "mclag"},
				"linkFlapErrDisable": m{"flapThreshold": float64(5)},
				"portGroupSpeeds":    m{"1": "10G", "2": "25G"},
				"groups":             l{"sg-1"}}}
	default:
		return m{"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPCAttachment",
			"metadata": m{"name": name, "namespace": "default"},
			"spec":     m{"connection": name, "subnet": "vpc-1/default"}}
	}
}

// benchActual turns a desired object into what a cluster would return: int64
// numbers, server metadata, controller labels, last-applied, status, and
// server defaults on Switches. drift selects a change: 0 none, 1 a changed
// value, 2 a field removed from Git but still applied.
func benchActual(d m, i, drift int) m {
	la, _ := json.Marshal(d)
	a := toInt64(deepCopy(d)).(m)
	md := a["metadata"].(m)
	md["uid"] = fmt.Sprintf("5c2e%08d-aaaa-bbbb-cccc", i)
	md["resourceVersion"] = fmt.Sprint(100000 + i)
	md["generation"] = int64(1 + i%3)
	md["creationTimestamp"] = "2024-05-01T10:00:00Z"
	md["managedFields"] = l{m{"manager": "kubectl", "operation": "Update", "fieldsV1": m{"f:spec": m{".": m{}}}}}
	labels, _ := md["labels"].(m)
	if labels == nil {
		labels = m{}
		md["labels"] = labels
	}
	labels["fabric.githedgehog.com/vpc"] = md["name"]
	md["annotations"] = m{LastAppliedAnnotation: string(la)}
	spec := a["spec"].(m)
	a["status"] = m{"applied": m{"gen": int64(1)}, "state": "ready"}
	if a["kind"] == "Switch" {
		spec["linkFlapErrDisable"].(m)["recoveryInterval"] = int64(300)
		spec["linkFlapErrDisable"].(m)["samplingInterval"] = int64(30)
		spec["enableAllPorts"] = false
		spec["ecmp"] = m{"roceQPN": false}
	}
	// Fields every kind's schema declares: the write-path model prunes others.
	switch drift {
	case 1:
		labels["changed"] = "by-hand"
		dmd := d["metadata"].(m)
		if dmd["labels"] == nil {
			dmd["labels"] = m{}
		}
		dmd["labels"].(m)["changed"] = "in-git"
	case 2:
		// actual and last-applied keep the field; Git has dropped it.
		labels["removed"] = "7"
		var lam m
		_ = json.Unmarshal(la, &lam)
		lmd := lam["metadata"].(m)
		if lmd["labels"] == nil {
			lmd["labels"] = m{}
		}
		lmd["labels"].(m)["removed"] = "7"
		la2, _ := json.Marshal(lam)
		md["annotations"].(m)[LastAppliedAnnotation] = string(la2)
	}
	return a
}

func toInt64(v interface{}) interface{} {
	switch t := v.(type) {
	case m:
		for k, c := range t {
			t[k] = toInt64(c)
		}
	case l:
		for i, c := range t {
			t[i] = toInt64(c)
		}
	case float64:
		return int64(t)
	}
	return v
}

// benchSets builds n desired objects and their actual counterparts: about
// 20% drifted, 1% missing from the cluster, and 1% more only in the cluster.
func benchSets(n int, seed uint64) (desired, actual resource.Set) {
	r := rand.New(rand.NewPCG(seed, 42))
	desired, actual = resource.Set{}, resource.Set{}
	add := func(s resource.Set, o m) {
		u := &unstructured.Unstructured{Object: o}
		s[resource.KeyOf(u)] = &resource.Object{Key: resource.KeyOf(u), Obj: u}
	}
	for i := 0; i < n; i++ {
		d := benchObject(i)
		drift := 0
		if p := r.IntN(100); p < 10 {
			drift = 1
		} else if p < 20 {
			drift = 2
		}
		a := benchActual(d, i, drift)
		add(desired, d)
		if r.IntN(100) != 0 {
			add(actual, a)
		}
		if r.IntN(100) == 0 {
			add(actual, benchActual(benchObject(n+i), n+i, 0))
		}
	}
	return desired, actual
}

func BenchmarkCompare(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			desired, actual := benchSets(n, 1)
			// As the commands compare: with the CRDs' write-path model.
			opts := Options{BuiltinIgnores: true, Model: hedgehogModel(b)}
			runtime.GC() // collect the setup's garbage outside the timing
			b.ReportAllocs()
			b.ResetTimer()
			var res *Result
			for b.Loop() {
				res = Compare(desired, actual, opts)
			}
			b.ReportMetric(float64(res.Summary.Drifted), "drifted")
		})
	}
}
