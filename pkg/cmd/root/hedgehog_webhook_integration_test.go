package root

import (
	"context"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// Against an API server that behaves like a Hedgehog controller (the
// testbed's TLS admission webhooks): sync --apply stores the webhooks'
// form, after which drift (modelled) and drift --server-side (the real
// webhooks) are in sync with the short-form Git; edit --validate strict
// is refused by the webhook, with its message, for what only the cluster
// shows.
func TestHedgehogWebhookCluster(t *testing.T) {
	ctx := context.Background()
	cp, err := testbed.Start(testbed.Options{Context: "hh-webhook"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	hooks, err := cp.StartHedgehogWebhooks(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	remote := testbed.NewBareRemote(t, hedgehogFiles(t))
	h := newHarness(t)
	h.writeConfig("fabrics:\n" + fabricYAML("hh", remote, "fabrics/hh", cp))
	for k, v := range map[string]string{
		"GIT_AUTHOR_NAME": "Ops Person", "GIT_AUTHOR_EMAIL": "ops@example.com",
		"GIT_COMMITTER_NAME": "Ops Person", "GIT_COMMITTER_EMAIL": "ops@example.com",
	} {
		h.env[k] = v
	}

	r := h.run("sync", "--apply", "--yes")
	if r.code != 0 {
		t.Fatalf("sync --apply: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	vpcKind, _ := kinds.Lookup("VPC")
	vpc1, err := cp.Dynamic().Resource(vpcKind.GVR()).Namespace("default").Get(ctx, "vpc-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gw, _, _ := unstructured.NestedString(vpc1.Object, "spec", "subnets", "default", "gateway")
	dns, _, _ := unstructured.NestedStringSlice(vpc1.Object, "spec", "subnets", "default", "dhcp", "options", "dnsServers")
	if gw != "10.0.1.1" || strings.Join(dns, ",") != "10.1.1.10,10.1.1.2" || vpc1.GetLabels()["fabric.githedgehog.com/vlanns"] != "default" {
		t.Fatalf("the cluster did not store the webhook's form: gateway %q, dnsServers %v, labels %v", gw, dns, vpc1.GetLabels())
	}
	if !strings.Contains(r.stdout, "in sync") && !strings.Contains(r.stdout, "inSync") {
		t.Logf("sync output: %s", r.stdout)
	}

	if r := h.run("drift", "--fabric", "hh"); r.code != 0 {
		t.Fatalf("drift after sync --apply: exit %d, want 0: %s%s", r.code, r.stdout, r.stderr)
	}
	served := hooks.Requests()
	if r := h.run("drift", "--fabric", "hh", "--server-side"); r.code != 0 {
		t.Fatalf("drift --server-side: exit %d, want 0: %s%s", r.code, r.stdout, r.stderr)
	}
	if hooks.Requests() <= served {
		t.Fatal("drift --server-side did not go through the webhooks")
	}

	// Git drops ext-1 with its attachment and peering: --prune deletes the
	// three past the webhook's delete guard (an External is refused while
	// attachments or peerings name it), what refers to it first.
	files := hedgehogFiles(t)
	vpcs := files["fabrics/hh/vpcs.yaml"]
	vpcs = vpcs[:strings.Index(vpcs, "---\napiVersion: vpc.githedgehog.com/v1beta1\nkind: External\n")]
	testbed.CommitFiles(t, remote, map[string]string{"fabrics/hh/vpcs.yaml": vpcs}, "retire ext-1")
	r = h.run("sync", "--apply", "--prune", "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "fabric hh: deleted 3 objects") {
		t.Fatalf("sync --apply --prune: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	for _, kn := range [][2]string{{"External", "ext-1"}, {"ExternalAttachment", "ext-1--border"}, {"ExternalPeering", "vpc-1--ext-1"}} {
		k, _ := kinds.Lookup(kn[0])
		if _, err := cp.Dynamic().Resource(k.GVR()).Namespace("default").Get(ctx, kn[1], metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("%s %s not pruned: %v", kn[0], kn[1], err)
		}
	}

	// A VPC only the cluster has takes VLAN 1050: Git's rules cannot know,
	// the validating webhook (which lists the cluster) refuses the edit.
	if _, err := cp.CreateYAML(ctx, `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-x
spec:
  subnets:
    default: {subnet: 10.0.8.0/24, vlan: 1050}
`); err != nil {
		t.Fatal(err)
	}
	head := remoteHead(t, remote)
	r = h.run("edit", "vpc", "vpc-2", "--set", "spec.subnets.default.vlan=1050", "--validate", "strict")
	if r.code != 2 || !strings.Contains(r.stderr, "admission webhook \"validate.hedgehog.hnp-testbed\" denied the request") || !strings.Contains(r.stderr, "1050") {
		t.Fatalf("edit --validate strict: exit %d, want 2 with the webhook's message: %s", r.code, r.stderr)
	}
	if remoteHead(t, remote) != head {
		t.Fatal("an edit the webhook refused was pushed")
	}
	// The webhook refuses what the rules forbid in the cluster too.
	if _, err := cp.CreateYAML(ctx, `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-far-too-long
spec:
  subnets:
    default: {subnet: 10.0.9.0/24, vlan: 1060}
`); err == nil || !strings.Contains(err.Error(), "11") {
		t.Fatalf("creating a VPC with a long name: %v, want the webhook's refusal", err)
	}
}
