package hedgehog

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func objects(t *testing.T, docs ...string) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	for _, d := range docs {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(d), &u.Object); err != nil {
			t.Fatal(err)
		}
		if u.GetNamespace() == "" {
			u.SetNamespace("default")
		}
		out = append(out, u)
	}
	return out
}

func TestAffectedSwitches(t *testing.T) {
	cluster := resource.Set{}
	for _, u := range objects(t,
		"kind: Switch\nmetadata: {name: leaf-01}", "kind: Switch\nmetadata: {name: leaf-02}", "kind: Switch\nmetadata: {name: spine-01}",
		// Labelled by the webhook.
		"kind: Connection\nmetadata: {name: mclag-1, labels: {switch.fabric.githedgehog.com/leaf-01: 'true', switch.fabric.githedgehog.com/leaf-02: 'true', server.fabric.githedgehog.com/server-01: 'true'}}\nspec: {}",
		// Not labelled: the endpoints are read from the spec.
		"kind: Connection\nmetadata: {name: unbundled-1}\nspec: {unbundled: {link: {server: {port: server-02/enp2s1}, switch: {port: leaf-02/E1/2}}}}",
		"kind: Connection\nmetadata: {name: fabric-1}\nspec: {fabric: {links: [{spine: {port: spine-01/E1/1}, leaf: {port: leaf-01/E1/50}}]}}",
		"kind: VPCAttachment\nmetadata: {name: vpc-1--mclag-1}\nspec: {subnet: vpc-1/default, connection: mclag-1}",
		"kind: VPCAttachment\nmetadata: {name: vpc-2--unbundled-1}\nspec: {subnet: vpc-2, connection: unbundled-1}",
		// Another namespace: another fabric.
		"kind: VPCAttachment\nmetadata: {name: vpc-1--x, namespace: other}\nspec: {subnet: vpc-1/default, connection: fabric-1}",
	) {
		k := resource.KeyOf(u)
		cluster[k] = &resource.Object{Key: k, Obj: u}
	}
	tests := []struct{ obj, want string }{
		{"kind: Switch\nmetadata: {name: leaf-09}", "leaf-09"},
		{"kind: Connection\nmetadata: {name: mclag-1}\nspec: {}", "leaf-01,leaf-02"},
		// A new link in Git, and the cluster's copy: both count.
		{"kind: Connection\nmetadata: {name: unbundled-1}\nspec: {unbundled: {link: {server: {port: server-02/enp2s1}, switch: {port: leaf-01/E1/3}}}}", "leaf-01,leaf-02"},
		{"kind: Connection\nmetadata: {name: fabric-1}\nspec: {fabric: {links: [{spine: {port: spine-01/E1/1}, leaf: {port: leaf-01/E1/50}}]}}", "leaf-01,spine-01"},
		{"kind: VPCAttachment\nmetadata: {name: new}\nspec: {subnet: vpc-2/default, connection: fabric-1}", "leaf-01,spine-01"},
		{"kind: VPC\nmetadata: {name: vpc-1}", "leaf-01,leaf-02"},
		{"kind: VPC\nmetadata: {name: vpc-2}", "leaf-02"},
		{"kind: VPC\nmetadata: {name: vpc-9}", ""},
		{"kind: IPv4Namespace\nmetadata: {name: default}", "leaf-01,leaf-02,spine-01"},
	}
	for _, tt := range tests {
		obj := objects(t, tt.obj)[0]
		if got := strings.Join(AffectedSwitches(obj, "default", cluster), ","); got != tt.want {
			t.Errorf("%s %s: %q, want %q", obj.GetKind(), obj.GetName(), got, tt.want)
		}
	}
}
