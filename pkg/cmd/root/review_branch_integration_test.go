package root

import (
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
)

// Review branches over smart HTTP: --to-branch makes one, --continue adds
// commits to it, --to-branch alone refuses an existing one, and the old
// --branch spelling still works with a warning.
func TestEditReviewBranchContinue(t *testing.T) {
	h, remote := editFabric(t)
	const token = "tok-review-7788"
	url := testbed.ServeHTTP(t, remote, "ci", token)
	h.writeConfig("fabrics:\n- name: lab\n  git: {url: " + url + ", dir: fabrics/lab, auth: {tokenEnv: T, username: ci}}\n  cluster: {kubeconfig: " + lab.KubeconfigPath + ", context: " + lab.Context + "}\n")
	h.env["T"] = token
	head := testbed.Git(t, remote, "rev-parse", "main")
	const file = "fabrics/lab/vpcs/vpcs.yaml"

	r := h.run("edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1701", "--to-branch", "review/vlans", "--validate", "schema")
	if r.code != 0 || !strings.Contains(r.stdout, "pushed to branch review/vlans") || strings.Contains(r.stderr, cmdutil.DeprecatedBranchWarning) {
		t.Fatalf("first edit: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	first := testbed.Git(t, remote, "rev-parse", "review/vlans")

	// Without --continue the existing branch is refused, saying what to do.
	r = h.run("edit", "vpc", "vpc-2", "--set", "spec.subnets.default.vlan=1702", "--to-branch", "review/vlans", "--validate", "schema")
	if r.code != 2 || !strings.Contains(r.stderr, "already exists on the remote") || !strings.Contains(r.stderr, "--to-branch review/vlans --continue") {
		t.Errorf("existing branch without --continue: exit %d: %s", r.code, r.stderr)
	}
	if got := testbed.Git(t, remote, "rev-parse", "review/vlans"); got != first {
		t.Errorf("the refused edit moved the branch to %s", got)
	}

	// --continue: the second edit lands on top of the first, both kept.
	r = h.run("edit", "vpc", "vpc-2", "--set", "spec.subnets.default.vlan=1702", "--to-branch", "review/vlans", "--continue", "--validate", "schema")
	if r.code != 0 || !strings.Contains(r.stdout, "pushed to branch review/vlans") {
		t.Fatalf("continued edit: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	if parent := testbed.Git(t, remote, "rev-parse", "review/vlans^"); parent != first {
		t.Errorf("the second commit's parent is %s, want the first %s", parent, first)
	}
	body := remoteFile(t, remote, "review/vlans", file)
	if !strings.Contains(body, "vlan: 1701") || !strings.Contains(body, "vlan: 1702") {
		t.Errorf("the review branch lacks one of the edits:\n%s", body)
	}
	if got := testbed.Git(t, remote, "rev-parse", "main"); got != head {
		t.Errorf("main moved to %s", got)
	}

	// --continue on a branch that does not exist: a clear error, nothing pushed.
	r = h.run("edit", "vpc", "vpc-2", "--set", "spec.subnets.default.vlan=1703", "--to-branch", "review/none", "--continue", "--validate", "schema")
	if r.code != 2 || !strings.Contains(r.stderr, "does not exist on the remote") || !strings.Contains(r.stderr, "create it with --to-branch review/none") {
		t.Errorf("continuing a missing branch: exit %d: %s", r.code, r.stderr)
	}

	// The old spelling works for one release, with a warning on stderr only.
	r = h.run("edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1704", "--branch", "review/old", "--validate", "schema")
	if r.code != 0 || !strings.Contains(r.stderr, cmdutil.DeprecatedBranchWarning) || strings.Contains(r.stdout, "deprecated") ||
		!strings.Contains(remoteFile(t, remote, "review/old", file), "vlan: 1704") {
		t.Errorf("deprecated --branch: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	if got := testbed.Git(t, remote, "rev-parse", "main"); got != head {
		t.Errorf("main moved to %s", got)
	}
}
