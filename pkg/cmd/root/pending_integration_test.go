package root

import (
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

const note1 = "fabric lab: 1 commit not pushed (kubectl hnp push)\n"

// Commits made with --no-push stay in the cache clone on the fabric's
// pending ref across every refresh, read commands count them, later edits
// build on them, and push lands them all on a remote that moved on.
func TestNoPushCommitsAreKeptUntilPushed(t *testing.T) {
	h, remote := editFabric(t)
	r := h.run("edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1101", "--no-push")
	if r.code != 0 || !strings.Contains(r.stdout, "refs/hnp/pending/lab") || !strings.Contains(r.stdout, "kubectl hnp push --fabric lab") {
		t.Fatalf("edit --no-push: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	elsewhere := testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/other.txt": "x\n"}, "elsewhere")

	// Reads show the branch as the remote has it, and count the commit.
	r = h.run("get", "vpc", "vpc-1", "-o", "yaml")
	if r.code != 0 || !strings.Contains(r.stderr, note1) || !strings.Contains(r.stdout, "vlan: 1001") {
		t.Errorf("get: exit %d: %s\nstderr %q", r.code, r.stdout, r.stderr)
	}
	for _, args := range [][]string{{"list", "vpc", "--source", "git"}, {"drift", "vpc", "-o", "json"}, {"sync", "-o", "json"}} {
		r = h.run(args...)
		if r.code == 2 || !strings.Contains(r.stderr, note1) || strings.Contains(r.stdout, "diverged") {
			t.Errorf("%v: exit %d: %s\nstderr %q", args, r.code, r.stdout, r.stderr)
		}
	}

	// Later edits build on it, the same object's document included.
	if r = h.run("edit", "vpc", "vpc-2", "--set", "spec.subnets.default.vlan=1102", "--no-push"); r.code != 0 || !strings.Contains(r.stdout, "2 commits not pushed") {
		t.Fatalf("second --no-push: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	if r = h.run("edit", "vpc", "vpc-1", "--set", "spec.subnets.default.dhcp.enable=false", "--no-push"); r.code != 0 || !strings.Contains(r.stdout, "3 commits not pushed") {
		t.Fatalf("third --no-push on the same document: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	if tip := testbed.Git(t, remote, "rev-parse", "main"); tip != elsewhere {
		t.Fatalf("something was pushed: the remote is at %s", tip)
	}

	r = h.run("push", "--fabric", "lab")
	if r.code != 0 || !strings.Contains(r.stdout, "fabric lab: pushed 3 commits to branch main") {
		t.Fatalf("push: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	log := testbed.Git(t, remote, "log", "--format=%s", "-4", "main")
	want := "kubectl-hnp: edit VPC default/vpc-1 (fabric lab)\nkubectl-hnp: edit VPC default/vpc-2 (fabric lab)\nkubectl-hnp: edit VPC default/vpc-1 (fabric lab)\nelsewhere"
	if log != want {
		t.Errorf("the remote's history:\n%s\nwant\n%s", log, want)
	}
	vpcs := remoteFile(t, remote, "main", "fabrics/lab/vpcs/vpcs.yaml")
	for _, s := range []string{"vlan: 1101 # access VLAN", "vlan: 1102", "enable: false"} {
		if !strings.Contains(vpcs, s) {
			t.Errorf("the pushed vpcs.yaml lacks %q:\n%s", s, vpcs)
		}
	}
	r = h.run("list", "vpc", "--source", "git")
	if r.code != 0 || strings.Contains(r.stderr, "not pushed") {
		t.Errorf("after the push: exit %d, stderr %q", r.code, r.stderr)
	}
	if r = h.run("push", "--fabric", "lab"); r.code != 0 || r.stdout != "fabric lab: nothing to push\n" {
		t.Errorf("push again: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
}

// An edit that pushes pushes the commits made before it with --no-push.
func TestEditPushesEarlierUnpushedCommits(t *testing.T) {
	h, remote := editFabric(t)
	const token = "tok-pending-4242"
	url := testbed.ServeHTTP(t, remote, "ci", token)
	h.writeConfig("fabrics:\n- name: lab\n  git: {url: " + url + ", dir: fabrics/lab, auth: {tokenEnv: T, username: ci}}\n  cluster: {kubeconfig: " + lab.KubeconfigPath + ", context: " + lab.Context + "}\n")
	h.env["T"] = token
	if r := h.run("edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1101", "--no-push", "--validate", "none"); r.code != 0 {
		t.Fatalf("edit --no-push: exit %d: %s", r.code, r.stderr)
	}
	r := h.run("edit", "vpc", "vpc-2", "--set", "spec.subnets.default.vlan=1102", "--validate", "none")
	if r.code != 0 || !strings.Contains(r.stdout, "pushed with the 1 commit made earlier without pushing") {
		t.Fatalf("edit: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	if log := testbed.Git(t, remote, "log", "--format=%s", "-2", "main"); !strings.Contains(log, "vpc-2") || !strings.Contains(log, "vpc-1") {
		t.Errorf("the remote's history:\n%s", log)
	}
	if strings.Contains(r.stdout+r.stderr, token) {
		t.Error("the token was printed")
	}
}

// Pending commits that conflict with the remote stay, and push says how
// to get them out.
func TestPushConflictKeepsThePendingCommits(t *testing.T) {
	h, remote := editFabric(t)
	if r := h.run("edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1101", "--no-push"); r.code != 0 {
		t.Fatalf("edit --no-push: exit %d: %s", r.code, r.stderr)
	}
	theirs := strings.Replace(remoteFile(t, remote, "main", "fabrics/lab/vpcs/vpcs.yaml"), "vlan: 1001", "vlan: 1999", 1)
	tip := testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/vpcs/vpcs.yaml": theirs}, "theirs")
	r := h.run("push", "--fabric", "lab")
	for _, want := range []string{"fabric lab:", "1 commit not pushed no longer applies", "fabrics/lab/vpcs/vpcs.yaml", "update-ref -d refs/hnp/pending/lab"} {
		if r.code != 2 || !strings.Contains(r.stderr, want) {
			t.Errorf("push over a conflict: exit %d, stderr lacks %q: %s", r.code, want, r.stderr)
		}
	}
	if got := testbed.Git(t, remote, "rev-parse", "main"); got != tip {
		t.Errorf("the remote moved to %s", got)
	}
	if r = h.run("list", "vpc", "--source", "git"); !strings.Contains(r.stderr, note1) {
		t.Errorf("the pending commit is not kept: stderr %q", r.stderr)
	}
}

// sync --adopt builds on the commits made with --no-push and pushes them
// with the adoption.
func TestSyncAdoptBuildsOnPendingCommits(t *testing.T) {
	const ns = "sync-adopt-pending"
	cluster := strings.NewReplacer("namespace: sync-adopt}", "namespace: "+ns+"}", "namespace: sync-adopt\n", "namespace: "+ns+"\n").Replace(adoptCluster)
	h, remote := syncFabric(t, ns, adoptGit, cluster)
	if r := h.run("edit", "vpc", "vpc-3", "--set", "spec.subnets.default.vlan=1333", "--no-push", "--validate", "none"); r.code != 0 {
		t.Fatalf("edit --no-push: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	r := h.run("sync", "--adopt", "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "pushed with the 1 commit made earlier without pushing") ||
		!strings.Contains(r.stderr, "fabric t: 1 commit not pushed (kubectl hnp push)") {
		t.Fatalf("adopt: exit %d: %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	log := testbed.Git(t, remote, "log", "--format=%s", "-2", "main")
	if want := "kubectl-hnp: adopt 2 objects from the cluster (fabric t)\nkubectl-hnp: edit VPC sync-adopt-pending/vpc-3 (fabric t)"; log != want {
		t.Errorf("the remote's history:\n%s\nwant\n%s", log, want)
	}
	if got := remoteFile(t, remote, "main", "fabrics/t/tenants/vpc-3.yaml"); !strings.Contains(got, "vlan: 1333") {
		t.Errorf("the pending edit is not on the remote:\n%s", got)
	}
}
