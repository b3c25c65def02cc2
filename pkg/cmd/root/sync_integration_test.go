package root

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

func TestSyncSummary(t *testing.T) {
	h, _ := labProd(t)
	r := h.run("sync", "--fabric", "lab", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var sum struct {
		Kind    string
		Fabrics []struct {
			Name, GitRevision, GitRefresh string
			Kinds                         []map[string]interface{}
			Total                         map[string]interface{}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if sum.Kind != "SyncSummary" || len(sum.Fabrics) != 1 || len(sum.Fabrics[0].Kinds) != 12 || len(sum.Fabrics[0].GitRevision) != 40 {
		t.Fatalf("summary %+v", sum)
	}
	vpc := sum.Fabrics[0].Kinds[0]
	want := map[string]float64{"git": 3, "cluster": 3, "inSync": 1, "drifted": 1, "missingFromCluster": 1, "notInGit": 1}
	for k, v := range want {
		if vpc[k] != v {
			t.Errorf("VPC %s = %v, want %v (%v)", k, vpc[k], v, vpc)
		}
	}
	if tot := sum.Fabrics[0].Total; tot["git"] != float64(15) || tot["cluster"] != float64(15) || tot["inSync"] != float64(13) {
		t.Errorf("total %v", tot)
	}
	r = h.run("sync")
	if r.code != 0 || !strings.Contains(r.stdout, "fabric lab: Git revision ") || !strings.Contains(r.stdout, "fabric prod: Git revision ") {
		t.Fatalf("table: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "KIND\tGIT\tCLUSTER\tIN SYNC\tDRIFTED\tMISSING FROM CLUSTER\tNOT IN GIT\nVPC\t3\t3\t1\t1\t1\t1\n") {
		t.Errorf("table rows:\n%s", r.stdout)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	h, remote := labProd(t)
	snap := filepath.Join(t.TempDir(), "snap.json")
	r := h.run("sync", "--save-snapshot", snap)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	live := h.run("drift", "-o", "json")
	fromSnap := h.run("drift", "-o", "json", "--snapshot", snap)
	if live.code != 1 || fromSnap.code != 1 {
		t.Fatalf("exit codes %d %d: %s %s", live.code, fromSnap.code, live.stderr, fromSnap.stderr)
	}
	if live.stdout != fromSnap.stdout {
		t.Errorf("drift on the snapshot differs from live drift:\n--- live\n%s\n--- snapshot\n%s", live.stdout, fromSnap.stdout)
	}
	// Without any cluster access: a fabric whose kubeconfig does not exist.
	h2 := newHarness(t)
	h2.writeConfig("fabrics:\n- name: lab\n  git: {url: \"" + remote + "\", dir: fabrics/lab}\n  cluster: {kubeconfig: /nonexistent}\n")
	r = h2.run("drift", "vpc", "--snapshot", snap, "-o", "json")
	rep := driftReport(t, r)
	if r.code != 1 || rep.Summary.Drifted != 1 || rep.Summary.NotInGit != 1 {
		t.Errorf("offline drift: exit %d %+v %s", r.code, rep.Summary, r.stderr)
	}
	r = h2.run("list", "vpc", "--snapshot", snap, "--no-headers")
	if r.code != 0 || !strings.Contains(r.stdout, "vpc-legacy\tnotInGit") {
		t.Errorf("list --snapshot: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r = h2.run("drift", "--snapshot", filepath.Join(t.TempDir(), "missing.json")); r.code != 2 {
		t.Errorf("missing snapshot: exit %d", r.code)
	}
	// A partial snapshot would make drift report what it left out.
	for _, args := range [][]string{{"vpc"}, {"vpc", "vpc-1"}, {"-l", "team=db"}} {
		r = h.run(append([]string{"sync", "--save-snapshot", snap}, args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, "records whole fabrics") {
			t.Errorf("partial snapshot %v: exit %d %s", args, r.code, r.stderr)
		}
	}
}

func TestSyncWatchPrintsChanges(t *testing.T) {
	cs, err := kubernetes.NewForConfig(lab.RestConfig)
	if err != nil {
		t.Fatal(err)
	}
	ns := "sync-watched"
	if _, err := cs.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	doc := "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-s, namespace: sync-watched}\nspec:\n  subnets:\n    default: {subnet: 10.3.1.0/24, vlan: 1301}\n"
	lab.Apply(t, doc)
	wt := testbed.NewWorkTree(t, map[string]string{"f/vpc.yaml": doc})
	h := newHarness(t)
	out, stop := background(t, h, "sync", "--watch", "-o", "json", "--repo", wt, "--dir", "f", "--kubeconfig", lab.KubeconfigPath, "-n", ns)
	ctx := t.Context()
	gvr := schema.GroupVersionResource{Group: "vpc.githedgehog.com", Version: "v1beta1", Resource: "vpcs"}
	if err := lab.Dynamic().Resource(gvr).Namespace(ns).Delete(ctx, "vpc-s", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitCtx, waitCancel := context.WithTimeout(ctx, 60e9)
	defer waitCancel()
	out.waitFor(t, waitCtx, `"status":"`+string(drift.StatusMissingFromCluster)+`"`)
	if code, stderr := stop(); code != 0 {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
