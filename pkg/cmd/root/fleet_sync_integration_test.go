package root

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// ipnsGVR is the resource of IPv4Namespaces.
var ipnsGVR = schema.GroupVersionResource{Group: "vpc.githedgehog.com", Version: "v1beta1", Resource: "ipv4namespaces"}

// createIn creates the namespaces and then the documents on cp.
func createIn(t *testing.T, cp *testbed.ControlPlane, namespaces []string, docs ...string) {
	t.Helper()
	var all []string
	for _, ns := range namespaces {
		all = append(all, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "+ns+"\n")
	}
	all = append(all, docs...)
	if _, err := cp.CreateYAML(context.Background(), strings.Join(all, "---\n")); err != nil {
		t.Fatal(err)
	}
}

// ipnsExists reports whether cp holds the IPv4Namespace ns/name.
func ipnsExists(t *testing.T, cp *testbed.ControlPlane, ns, name string) bool {
	t.Helper()
	_, err := cp.Dynamic().Resource(ipnsGVR).Namespace(ns).Get(t.Context(), name, metav1.GetOptions{})
	return err == nil
}

// A fleet on two control planes plus a third whose API server is stopped:
// sync's summary and --apply finish the live fabrics, each on its own
// cluster and namespace, and exit 2 naming the dead one.
func TestFleetSyncWithADeadFabric(t *testing.T) {
	down := testbed.StartT(t)
	if err := down.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	createIn(t, lab, []string{"hnp-sync-l"}, ipns("pool", "hnp-sync-l", "10.21.0.0/16"))
	createIn(t, prod, []string{"hnp-sync-p"}, ipns("pool", "hnp-sync-p", "10.22.0.0/16"))
	remote := testbed.NewBareRemote(t, map[string]string{
		"l/pool.yaml": ipns("pool", "", "10.21.0.0/16"),
		"l/new.yaml":  ipns("new-l", "", "10.23.0.0/16"),
		"p/pool.yaml": ipns("pool", "", "10.22.0.0/16"),
		"p/new.yaml":  ipns("new-p", "", "10.24.0.0/16"),
	})
	hung := hungServer(t)
	h := newHarness(t)
	// The dead fabrics come first: the others are reported all the same,
	// in the config's order.
	h.writeConfig("fabrics:\n" +
		fleetFabric("down", remote, "l", down.KubeconfigPath, down.Context, "namespace: hnp-sync-l") +
		fleetFabric("hung", remote, "l", deadKubeconfig(t, hung), "dead", "namespace: hnp-sync-l") +
		fleetFabric("fl", remote, "l", lab.KubeconfigPath, lab.Context, "namespace: hnp-sync-l") +
		fleetFabric("fp", remote, "p", prod.KubeconfigPath, prod.Context, "namespace: hnp-sync-p"))

	r := h.run("sync", "ipns", "--concurrency", "2", "--fabric-timeout", "20s")
	if r.code != 2 {
		t.Fatalf("summary: exit %d, want 2: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "fabric down:") || strings.Contains(r.stderr, "fabric fl:") || strings.Contains(r.stderr, "fabric fp:") {
		t.Errorf("summary: stderr should name the dead fabrics alone:\n%s", r.stderr)
	}
	// The hung server fails the TLS handshake (10 s) or the fabric's
	// timeout, whichever comes first.
	if !strings.Contains(r.stderr, "fabric hung:") {
		t.Errorf("summary: the hung fabric is not reported:\n%s", r.stderr)
	}
	i, i2, j, k := strings.Index(r.stdout, "fabric down:"), strings.Index(r.stdout, "fabric hung:"), strings.Index(r.stdout, "fabric fl:"), strings.Index(r.stdout, "fabric fp:")
	if i < 0 || i2 < i || j < i2 || k < j {
		t.Fatalf("summary: fabrics not all there in the config's order:\n%s", r.stdout)
	}
	// Each live fabric: 2 in Git, 1 in the cluster, 1 in sync, 1 missing.
	for _, part := range []string{r.stdout[j:k], r.stdout[k:]} {
		if !strings.Contains(part, "TOTAL\t2\t1\t1\t0\t1\t0") {
			t.Errorf("summary: want TOTAL 2 1 1 0 1 0 in\n%s", part)
		}
	}

	// The hung fabric is planned as it is read, within --fabric-timeout,
	// while the others go on; applies stay per fabric.
	r = h.run("sync", "--apply", "ipns", "--fabric", "down,hung,fl,fp", "--yes", "--concurrency", "2", "--fabric-timeout", "20s")
	if r.code != 2 {
		t.Fatalf("apply: exit %d, want 2: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "fabric down:") || !strings.Contains(r.stderr, "fabric hung:") {
		t.Errorf("apply: the dead fabrics are not named:\n%s", r.stderr)
	}
	for _, want := range []string{"fabric fl: applied 1 object", "fabric fp: applied 1 object"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("apply: missing %q in\n%s", want, r.stdout)
		}
	}
	// Each fabric's objects went to its own cluster and namespace only.
	if !ipnsExists(t, lab, "hnp-sync-l", "new-l") || !ipnsExists(t, prod, "hnp-sync-p", "new-p") {
		t.Errorf("apply: the missing objects were not created")
	}
	if ipnsExists(t, prod, "hnp-sync-l", "new-l") || ipnsExists(t, lab, "hnp-sync-p", "new-p") {
		t.Errorf("apply: an object crossed fabrics")
	}
}

// drift --watch over fabrics on two control planes, one spanning two
// namespaces, and one whose cluster is gone: a change in each live fabric
// is reported, labelled by fabric, and the dead one as unreachable.
func TestFleetWatchReportsEveryFabric(t *testing.T) {
	createIn(t, lab, []string{"hnp-watch-l"}, ipns("pool", "hnp-watch-l", "10.31.0.0/16"))
	createIn(t, prod, []string{"hnp-watch-a", "hnp-watch-b"},
		ipns("pool-a", "hnp-watch-a", "10.32.0.0/16"), ipns("pool-b", "hnp-watch-b", "10.33.0.0/16"))
	remote := testbed.NewBareRemote(t, map[string]string{
		"l/pool.yaml":   ipns("pool", "", "10.31.0.0/16"),
		"s/pool-a.yaml": ipns("pool-a", "", "10.32.0.0/16"),
		"s/pool-b.yaml": ipns("pool-b", "hnp-watch-b", "10.33.0.0/16"),
	})
	closed := closedPort(t)
	h := newHarness(t)
	h.writeConfig("fabrics:\n" +
		fleetFabric("wl", remote, "l", lab.KubeconfigPath, lab.Context, "namespace: hnp-watch-l") +
		fleetFabric("gone", remote, "l", deadKubeconfig(t, closed), "dead", "namespace: hnp-watch-l") +
		fleetFabric("ws", remote, "s", prod.KubeconfigPath, prod.Context, "namespaces: [hnp-watch-a, hnp-watch-b]"))
	out, stop := background(t, h, "drift", "--watch", "ipns", "-o", "json")
	ctx, cancel := context.WithTimeout(t.Context(), 90e9)
	defer cancel()
	out.waitFor(t, ctx, `"type":"ClusterUnreachable","fabric":"gone"`)

	if err := lab.Dynamic().Resource(ipnsGVR).Namespace("hnp-watch-l").Delete(ctx, "pool", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	// A change in the spanning fabric's second namespace.
	patch := []byte(`{"spec":{"subnets":["10.33.0.0/16","10.34.0.0/16"]}}`)
	if _, err := prod.Dynamic().Resource(ipnsGVR).Namespace("hnp-watch-b").Patch(ctx, "pool-b", "application/merge-patch+json", patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, ctx, `"fabric":"wl","kind":"IPv4Namespace","namespace":"hnp-watch-l","name":"pool","status":"missingFromCluster"`)
	out.waitFor(t, ctx, `"fabric":"ws","kind":"IPv4Namespace","namespace":"hnp-watch-b","name":"pool-b","status":"drifted"`)
	code, stderr := stop()
	if code != 0 {
		t.Errorf("exit %d: %s", code, stderr)
	}
	// pool-a and pool-b are watched where they are: never missing.
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.Contains(line, `"fabric":"ws"`) && strings.Contains(line, `"missingFromCluster"`) {
			t.Errorf("spanning fabric: false missingFromCluster: %s", line)
		}
	}
}

// A fabric spanning two namespaces: sync --dry-run plans in both, prune
// evidence from Git history covers both, and --adopt writes an object of
// the second namespace to Git with its namespace.
func TestFleetSpanningFabricSyncAdoptAndPrune(t *testing.T) {
	const a, b = "hnp-span2-a", "hnp-span2-b"
	createIn(t, prod, []string{a, b},
		ipns("in-a", a, "10.41.0.0/16"), ipns("in-b", b, "10.42.0.0/16"),
		ipns("gone-a", a, "10.43.0.0/16"), ipns("gone-b", b, "10.44.0.0/16"),
		ipns("stray-b", b, "10.45.0.0/16"))
	remote := testbed.NewBareRemote(t, map[string]string{
		"s/in-a.yaml":   ipns("in-a", "", "10.41.0.0/16"),
		"s/in-b.yaml":   ipns("in-b", b, "10.42.0.0/16"),
		"s/gone-a.yaml": ipns("gone-a", "", "10.43.0.0/16"),
		"s/gone-b.yaml": ipns("gone-b", b, "10.44.0.0/16"),
	})
	testbed.CommitFiles(t, remote, map[string]string{
		"s/gone-a.yaml":    testbed.Delete,
		"s/gone-b.yaml":    testbed.Delete,
		"s/missing-b.yaml": ipns("missing-b", b, "10.46.0.0/16"),
	}, "remove gone-a and gone-b")
	h := newHarness(t)
	h.writeConfig("fabrics:\n" + fleetFabric("span2", remote, "s", prod.KubeconfigPath, prod.Context, "namespaces: ["+a+", "+b+"]"))

	r := h.run("drift", "ipns", "-o", "json")
	if r.code != 1 {
		t.Fatalf("drift: exit %d, want 1: %s", r.code, r.stderr)
	}
	wantStatuses(t, driftReport(t, r), map[string]drift.Status{
		"span2 " + a + "/in-a":      drift.StatusInSync,
		"span2 " + b + "/in-b":      drift.StatusInSync,
		"span2 " + b + "/missing-b": drift.StatusMissingFromCluster,
		"span2 " + a + "/gone-a":    drift.StatusNotInGit,
		"span2 " + b + "/gone-b":    drift.StatusNotInGit,
		"span2 " + b + "/stray-b":   drift.StatusNotInGit,
	})

	r = h.run("sync", "--apply", "--prune", "--dry-run", "ipns", "-o", "json")
	if r.code != 1 {
		t.Fatalf("dry run: exit %d, want 1: %s", r.code, r.stderr)
	}
	var plan struct {
		Fabrics []struct {
			Error     string
			Steps     []struct{ Action, Namespace, Name, Evidence string }
			NotPruned []struct{ Action, Namespace, Name string }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil || len(plan.Fabrics) != 1 {
		t.Fatalf("dry run: %v:\n%s", err, r.stdout)
	}
	got := map[string]string{}
	for _, s := range plan.Fabrics[0].Steps {
		got[s.Action+" "+s.Namespace+"/"+s.Name] = s.Evidence
	}
	for _, s := range plan.Fabrics[0].NotPruned {
		got[s.Action+" "+s.Namespace+"/"+s.Name] = ""
	}
	want := []string{"apply " + b + "/missing-b", "prune " + a + "/gone-a", "prune " + b + "/gone-b", "keep " + b + "/stray-b"}
	if len(got) != len(want) {
		t.Errorf("dry run: steps %v, want %v", got, want)
	}
	for _, w := range want {
		ev, ok := got[w]
		switch {
		case !ok:
			t.Errorf("dry run: no step %q in %v", w, got)
		case strings.HasPrefix(w, "prune") && !strings.Contains(ev, "remove gone-a and gone-b"):
			t.Errorf("dry run: %s: evidence %q should name the removing commit", w, ev)
		}
	}
	if !ipnsExists(t, prod, a, "gone-a") || ipnsExists(t, prod, b, "missing-b") {
		t.Errorf("dry run changed the cluster")
	}

	r = h.run("sync", "--adopt", "ipns", "stray-b", "--yes")
	if r.code != 0 {
		t.Fatalf("adopt: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	r = h.run("drift", "ipns", "stray-b", "-o", "json")
	if r.code != 0 {
		t.Fatalf("drift after adopt: exit %d, want 0: %s%s", r.code, r.stdout, r.stderr)
	}
	wantStatuses(t, driftReport(t, r), map[string]drift.Status{"span2 " + b + "/stray-b": drift.StatusInSync})
	if !strings.Contains(testbed.Git(t, remote, "show", "main:"+adoptedFile(t, remote)), "namespace: "+b) {
		t.Errorf("adopt: the document does not name namespace %s", b)
	}
}

// adoptedFile returns the file the last commit of remote's main added.
func adoptedFile(t *testing.T, remote string) string {
	t.Helper()
	files := strings.Fields(testbed.Git(t, remote, "diff-tree", "--no-commit-id", "--name-only", "-r", "main"))
	if len(files) != 1 {
		t.Fatalf("the last commit changed %v, want one file", files)
	}
	return files[0]
}
