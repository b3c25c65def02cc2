package judge

import (
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func obj(t *testing.T, y string) *resource.Object {
	t.Helper()
	var m map[string]interface{}
	if err := yaml.Unmarshal([]byte(y), &m); err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: m}
	return &resource.Object{Key: resource.KeyOf(u), Obj: u}
}

const shortVPC = `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: vpc-1}
spec:
  subnets:
    default: {subnet: 10.0.1.0/24, vlan: 1001}
`

const storedVPC = `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
  namespace: default
  labels: {fabric.githedgehog.com/ipv4ns: default, fabric.githedgehog.com/vlanns: default}
spec:
  ipv4Namespace: default
  vlanNamespace: default
  subnets:
    default: {subnet: 10.0.1.0/24, gateway: 10.0.1.1, vlan: 1001, dhcp: {}}
`

// plainVPC is the short form as a cluster without webhooks stores it.
const plainVPC = `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: vpc-1, namespace: default}
spec:
  subnets:
    default: {subnet: 10.0.1.0/24, vlan: 1001}
`

const server = `apiVersion: wiring.githedgehog.com/v1beta1
kind: Server
metadata: {name: server-1, labels: {fabric.githedgehog.com/x: "y"}}
spec: {description: s}
`

func gateway(o *resource.Object) string {
	s, _, _ := unstructured.NestedString(o.Obj.Object, "spec", "subnets", "default", "gateway")
	return s
}

func TestWebhooksModesAndEvidence(t *testing.T) {
	fab := func(mode string) *fabric.Fabric {
		return &fabric.Fabric{Name: "f", Hedgehog: &fabric.Hedgehog{Webhooks: mode}}
	}
	d := obj(t, shortVPC)
	for _, c := range []struct {
		name, mode, actual string
		defaulted          bool
	}{
		{"off never", fabric.WebhooksOff, storedVPC, false},
		{"on always", fabric.WebhooksOn, plainVPC, true},
		{"auto: the cluster copy carries the webhook's labels", fabric.WebhooksAuto, storedVPC, true},
		{"auto: a labelled kind stored without them", fabric.WebhooksAuto, plainVPC, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := obj(t, c.actual)
			w := NewWebhooks(fab(c.mode), nil, resource.Set{a.Key: a})
			got := w.Desired(d, a)
			if (gateway(got) == "10.0.1.1") != c.defaulted {
				t.Fatalf("gateway %q, defaulted want %v", gateway(got), c.defaulted)
			}
			if gateway(d) != "" {
				t.Fatal("Git's object was changed")
			}
		})
	}
	// An unlabelled kind follows the fabric: another object's labels.
	srvGit := obj(t, server)
	srvCluster := obj(t, "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata: {name: server-1, namespace: default}\nspec: {description: s}\n")
	stored := obj(t, storedVPC)
	with := NewWebhooks(fab(fabric.WebhooksAuto), nil, resource.Set{stored.Key: stored, srvCluster.Key: srvCluster})
	if got := with.Desired(srvGit, srvCluster); len(got.Obj.GetLabels()) != 0 {
		t.Fatalf("with fabric evidence, the server's fabric label should be removed: %v", got.Obj.GetLabels())
	}
	without := NewWebhooks(fab(fabric.WebhooksAuto), nil, resource.Set{srvCluster.Key: srvCluster})
	if got := without.Desired(srvGit, srvCluster); got != srvGit {
		t.Fatal("without evidence, the server must be compared as Git has it")
	}
}

func TestUserSegments(t *testing.T) {
	orig := map[string]interface{}{"static": map[string]interface{}{"AA-BB-CC-DD-EE-FF": map[string]interface{}{"ip": "10.0.0.5"}},
		"dns": []interface{}{"10.1.1.2", "10.1.1.10"}}
	def := map[string]interface{}{"static": map[string]interface{}{"aa:bb:cc:dd:ee:ff": map[string]interface{}{"ip": "10.0.0.5"}},
		"dns": []interface{}{"10.1.1.10", "10.1.1.2"}}
	for _, c := range []struct{ in, want []string }{
		{[]string{"static", "aa:bb:cc:dd:ee:ff", "ip"}, []string{"static", "AA-BB-CC-DD-EE-FF", "ip"}},
		{[]string{"dns", "0"}, []string{"dns", "1"}},
		{[]string{"static", "00:11:22:33:44:55"}, []string{"static", "00:11:22:33:44:55"}},
		{[]string{"other", "x"}, []string{"other", "x"}},
	} {
		if got := userSegments(def, orig, c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v → %v, want %v", c.in, got, c.want)
		}
	}
}

func TestNeedsEvidenceOnlyWhenTheSelectionCannotShowIt(t *testing.T) {
	vpc, _ := kinds.Lookup("VPC")
	ipns, _ := kinds.Lookup("IPv4Namespace")
	server, _ := kinds.Lookup("Server")
	auto, off := &fabric.Fabric{}, &fabric.Fabric{Hedgehog: &fabric.Hedgehog{Webhooks: fabric.WebhooksOff}}
	for _, c := range []struct {
		fab  *fabric.Fabric
		ks   []*kinds.Kind
		sel  string
		want bool
	}{
		{auto, []*kinds.Kind{ipns, server}, "", true},
		{auto, []*kinds.Kind{ipns, vpc}, "", false},
		{auto, []*kinds.Kind{vpc}, "team=a", true},
		{off, []*kinds.Kind{ipns}, "", false},
	} {
		if got := NeedsEvidence(c.fab, c.ks, c.sel); got != c.want {
			t.Errorf("NeedsEvidence(%s, %v, %q) = %v, want %v", c.fab.WebhookMode(), c.ks, c.sel, got, c.want)
		}
	}
}
