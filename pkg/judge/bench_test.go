package judge

import (
	"strconv"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// webhookSets returns 10,000 VPCs in the short form (Git) and in the form
// the webhook stores (the cluster): every object of the comparison takes
// the auto mode's evidence check and the defaulting.
func webhookSets() (desired, actual resource.Set) {
	desired, actual = resource.Set{}, resource.Set{}
	for i := range 10000 {
		net := "10." + strconv.Itoa(i/256) + "." + strconv.Itoa(i%256) + "."
		u := &unstructured.Unstructured{Object: map[string]interface{}{
			"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPC",
			"metadata": map[string]interface{}{"name": "vpc-" + strconv.Itoa(i)},
			"spec": map[string]interface{}{"subnets": map[string]interface{}{
				"a": map[string]interface{}{"subnet": net + "0/25", "vlan": int64(1 + i%4000),
					"dhcp": map[string]interface{}{"enable": true, "options": map[string]interface{}{"dnsServers": []interface{}{net + "10", net + "2"}}}},
				"b": map[string]interface{}{"subnet": net + "128/25", "vlan": int64(2 + i%4000)},
			}},
		}}
		k := resource.Key{Kind: "VPC", Namespace: "default", Name: u.GetName()}
		desired[k] = &resource.Object{Key: k, Obj: u}
		s := u.DeepCopy()
		hedgehog.Default(s)
		actual[k] = &resource.Object{Key: k, Obj: s}
	}
	return desired, actual
}

// BenchmarkCompareWebhooks10k is the comparison of 10,000 short-form
// objects with their stored forms, defaulting included (auto mode, the
// evidence read from every cluster copy); every object comes out in sync.
func BenchmarkCompareWebhooks10k(b *testing.B) {
	desired, actual := webhookSets()
	fab := &fabric.Fabric{Name: "bench"}
	for b.Loop() {
		out, err := Sets(fab, nil, Settings{}, desired, actual)
		if err != nil || out.Result.HasDrift() {
			b.Fatalf("%v %+v", err, out.Result.Summary)
		}
	}
}

// BenchmarkCompareWebhooksOff10k is the same comparison with the webhooks
// off, for the cost of the defaulting alone (the objects drift then).
func BenchmarkCompareWebhooksOff10k(b *testing.B) {
	desired, actual := webhookSets()
	fab := &fabric.Fabric{Name: "bench", Hedgehog: &fabric.Hedgehog{Webhooks: fabric.WebhooksOff}}
	for b.Loop() {
		if _, err := Sets(fab, nil, Settings{}, desired, actual); err != nil {
			b.Fatal(err)
		}
	}
}
