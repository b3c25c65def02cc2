package root

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// hedgehogFiles returns the short-form fabric of testdata/hedgehog/git as
// repository files under fabrics/hh/.
func hedgehogFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	for rel, body := range readFiles(t, filepath.Join("testdata", "hedgehog"), "git") {
		files["fabrics/hh/"+strings.TrimPrefix(rel, "git/")] = body
	}
	return files
}

func hedgehogStored(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "hedgehog", "cluster", "stored.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// hedgehogFabric starts a control plane holding the hand-written stored
// forms (no webhook runs in it) and a remote holding the short forms, and
// configures fabric hh with the given extra config lines.
func hedgehogFabric(t *testing.T, extra string) (*harness, *testbed.ControlPlane, string) {
	t.Helper()
	cp, err := testbed.Start(testbed.Options{Context: "hh"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	if _, err := cp.CreateYAML(context.Background(), hedgehogStored(t)); err != nil {
		t.Fatal(err)
	}
	remote := testbed.NewBareRemote(t, hedgehogFiles(t))
	h := newHarness(t)
	h.writeConfig("fabrics:\n" + fabricYAML("hh", remote, "fabrics/hh", cp) + extra)
	return h, cp, remote
}

func TestHedgehogShortFormInSyncWithStoredForm(t *testing.T) {
	h, _, remote := hedgehogFabric(t, "")
	r := h.run("drift", "--fabric", "hh", "-o", "json", "--all")
	rep := driftReport(t, r)
	if r.code != 0 {
		for _, res := range rep.Fabrics[0].Resources {
			if res.Status != drift.StatusInSync {
				t.Errorf("%s %s: %s %+v", res.Kind, res.Name, res.Status, res.Diffs)
			}
		}
		t.Fatalf("exit %d, want 0 (the short form is what the webhooks store): %s", r.code, r.stderr)
	}
	if s := rep.Fabrics[0].Summary; s.Total != 15 || s.InSync != 15 {
		t.Fatalf("summary %+v, want 15 objects in sync", s)
	}
	// Kinds the webhook does not label, compared alone: the fabric-level
	// evidence comes from a sample of the kinds it labels, so the stored
	// (sorted, merged) namespaces are still in sync.
	for _, args := range [][]string{{"ipv4namespace,vlannamespace,server"}, {"server", "server-01"}, {"vpc", "-l", "no-such-label"}} {
		r := h.run(append([]string{"drift", "--fabric", "hh"}, args...)...)
		if r.code != 0 {
			t.Errorf("drift %v: exit %d, want 0 (no false drift from the webhook's defaults): %s%s", args, r.code, r.stdout, r.stderr)
		}
	}
	if r := h.run("list", "ipv4namespace", "--fabric", "hh", "--source", "both"); r.code != 0 || !strings.Contains(r.stdout, "\tinSync\t") {
		t.Errorf("list ipv4namespace --source both: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}

	// Real changes are still drift, at the path the user wrote: the
	// gateway, the DNS servers, and the static lease under its MAC key
	// as spelt in Git (the cluster keys it aa:bb:cc:dd:ee:ff).
	files := hedgehogFiles(t)
	vpcs := files["fabrics/hh/vpcs.yaml"]
	vpcs = strings.Replace(vpcs, "      vlan: 1001\n", "      vlan: 1001\n      gateway: 10.0.1.254\n", 1)
	vpcs = strings.Replace(vpcs, "dnsServers: [10.1.1.2, 10.1.1.10]", "dnsServers: [10.1.1.2, 10.1.1.10, 10.1.1.3]", 1)
	vpcs = strings.Replace(vpcs, "AA-BB-CC-DD-EE-FF: {ip: 10.0.1.50}", "AA-BB-CC-DD-EE-FF: {ip: 10.0.1.51}", 1)
	testbed.CommitFiles(t, remote, map[string]string{"fabrics/hh/vpcs.yaml": vpcs}, "hand changes")
	r = h.run("drift", "--fabric", "hh", "-o", "json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1: %s\n%s", r.code, r.stdout, r.stderr)
	}
	rep = driftReport(t, r)
	if s := rep.Fabrics[0].Summary; s.Drifted != 1 || s.InSync != 14 {
		t.Fatalf("summary %+v, want vpc-1 alone drifted", s)
	}
	vpc1 := findResource(rep, "hh", "VPC", "vpc-1")
	var paths []string
	for _, d := range vpc1.Diffs {
		paths = append(paths, d.Path)
	}
	want := []string{
		"/spec/subnets/default/dhcp/options/dnsServers",
		"/spec/subnets/default/dhcp/static/AA-BB-CC-DD-EE-FF/ip",
		"/spec/subnets/default/gateway",
	}
	if strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Fatalf("vpc-1 drifted at %v, want %v (%+v)", paths, want, vpc1.Diffs)
	}
	if vpc1.Diffs[2].Desired != "10.0.1.254" || vpc1.Diffs[2].Actual != "10.0.1.1" {
		t.Errorf("gateway diff %+v", vpc1.Diffs[2])
	}
	if vpc1.File != "fabrics/hh/vpcs.yaml" || vpc1.Line != 1 {
		t.Errorf("vpc-1 located at %s:%d", vpc1.File, vpc1.Line)
	}
}

// With the webhooks off, the same short form shows the false drift the
// defaulting removes: this is what the feature is for.
func TestHedgehogWebhooksOffShowsFalseDrift(t *testing.T) {
	h, _, _ := hedgehogFabric(t, "  hedgehog: {webhooks: \"off\"}\n")
	r := h.run("drift", "--fabric", "hh", "-o", "json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (false drift without the webhooks' defaulting): %s", r.code, r.stderr)
	}
	rep := driftReport(t, r)
	for _, c := range []struct{ kind, name, path string }{
		{"VPC", "vpc-1", "/spec/subnets/default/dhcp/options/dnsServers"},
		{"IPv4Namespace", "default", "/spec/subnets"},
		{"VLANNamespace", "default", "/spec/ranges"},
		{"Switch", "leaf-01", "/spec/portSpeeds/E1~11"},
		{"VPCAttachment", "vpc-1--server-01", "/spec/subnet"},
	} {
		res := findResource(rep, "hh", c.kind, c.name)
		if res == nil || res.Status != drift.StatusDrifted {
			t.Errorf("%s %s: %+v, want drifted", c.kind, c.name, res)
			continue
		}
		found := false
		for _, d := range res.Diffs {
			found = found || d.Path == c.path || strings.HasPrefix(d.Path, c.path+"/")
		}
		if !found {
			t.Errorf("%s %s: no diff at %s: %+v", c.kind, c.name, c.path, res.Diffs)
		}
	}
	if s := rep.Fabrics[0].Summary; s.InSync == s.Total {
		t.Fatalf("summary %+v", s)
	}
}

// A cluster that holds the Git form as it is (no webhook stored it): auto
// finds no evidence and does not default, so nothing is falsely drifted;
// "on" defaults anyway, and the stored form's fields Git lacks show.
func TestHedgehogAutoWithoutWebhookEvidence(t *testing.T) {
	cp, err := testbed.Start(testbed.Options{Context: "hh-plain"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	files := hedgehogFiles(t)
	// Without the webhook, DHCP options need every required field.
	files["fabrics/hh/vpcs.yaml"] = strings.Replace(files["fabrics/hh/vpcs.yaml"],
		"        options:\n          dnsServers: [10.1.1.2, 10.1.1.10]\n", "", 1)
	for _, name := range []string{"namespaces.yaml", "vpcs.yaml", "wiring.yaml"} {
		if _, err := cp.CreateYAML(context.Background(), files["fabrics/hh/"+name]); err != nil {
			t.Fatal(err)
		}
	}
	remote := testbed.NewBareRemote(t, files)
	h := newHarness(t)
	h.writeConfig("fabrics:\n" + fabricYAML("hh", remote, "fabrics/hh", cp))
	if r := h.run("drift", "--fabric", "hh"); r.code != 0 {
		t.Fatalf("auto: exit %d, want 0: %s%s", r.code, r.stdout, r.stderr)
	}
	h.writeConfig("fabrics:\n" + fabricYAML("hh", remote, "fabrics/hh", cp) + "  hedgehog: {webhooks: \"on\"}\n")
	r := h.run("drift", "--fabric", "hh", "-o", "json")
	if r.code != 1 {
		t.Fatalf("on: exit %d, want 1: %s", r.code, r.stderr)
	}
	vpc1 := findResource(driftReport(t, r), "hh", "VPC", "vpc-1")
	if vpc1 == nil || vpc1.Status != drift.StatusDrifted {
		t.Fatalf("on: vpc-1 %+v, want drifted (the webhook's gateway is not in this cluster)", vpc1)
	}
}

// drift --watch of kinds the webhook does not label alone: the sample of
// labelled kinds gives the evidence, so the stored (sorted, merged)
// namespaces are in sync from the start, and the first line the watch
// prints is the real change made after it.
func TestHedgehogWatchUnlabelledKindsNoFalseDrift(t *testing.T) {
	h, cp, _ := hedgehogFabric(t, "")
	out, stop := background(t, h, "drift", "--watch", "--fabric", "hh", "-o", "json", "ipv4namespace,vlannamespace,server")
	ctx, cancel := context.WithTimeout(t.Context(), 60e9)
	defer cancel()
	server, _ := kinds.Lookup("Server")
	patch := []byte(`{"spec":{"description":"changed by hand"}}`)
	if _, err := cp.Dynamic().Resource(server.GVR()).Namespace("default").Patch(ctx, "server-01", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, ctx, `"name":"server-01"`)
	if code, stderr := stop(); code != 0 {
		t.Fatalf("watch: exit %d: %s", code, stderr)
	}
	first := strings.SplitN(strings.TrimSpace(out.String()), "\n", 2)[0]
	if !strings.Contains(first, `"kind":"Server"`) || !strings.Contains(first, `"status":"drifted"`) {
		t.Fatalf("first line %q, want server-01 drifted alone (no false drift of the namespaces):\n%s", first, out.String())
	}
}
