package root

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// editFabric configures the lab fabric on a fresh bare remote of the sample
// repository, with a commit identity, and returns the harness and remote.
func editFabric(t *testing.T) (*harness, string) {
	t.Helper()
	remote := testbed.NewBareRemote(t, sampleFiles(t))
	h := newHarness(t)
	h.writeConfig("fabrics:\n" + fabricYAML("lab", remote, "fabrics/lab", lab))
	for k, v := range map[string]string{
		"GIT_AUTHOR_NAME": "Ops Person", "GIT_AUTHOR_EMAIL": "ops@example.com",
		"GIT_COMMITTER_NAME": "Ops Person", "GIT_COMMITTER_EMAIL": "ops@example.com",
	} {
		h.env[k] = v
	}
	return h, remote
}

// remoteFile reads a file at the tip of a remote branch.
func remoteFile(t *testing.T, remote, branch, path string) string {
	t.Helper()
	return testbed.Git(t, remote, "show", branch+":"+path) + "\n"
}

func TestEditSetCommitsAndPushesOnlyThatDocument(t *testing.T) {
	h, remote := editFabric(t)
	before := remoteFile(t, remote, "main", "fabrics/lab/vpcs/vpcs.yaml")
	r := h.run("edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1201", "--set", "spec.subnets.default.dhcp.enable=false")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "VPC default/vpc-1: committed") || !strings.Contains(r.stdout, "pushed to branch main") {
		t.Errorf("stdout: %s", r.stdout)
	}
	after := remoteFile(t, remote, "main", "fabrics/lab/vpcs/vpcs.yaml")
	want := strings.Replace(strings.Replace(before, "vlan: 1001 # access VLAN", "vlan: 1201 # access VLAN", 1), "enable: true", "enable: false", 1)
	if after != want {
		t.Errorf("write-back is not byte-exact outside the edited values:\n--- want\n%s\n--- got\n%s", want, after)
	}
	log := testbed.Git(t, remote, "log", "-1", "--format=%an <%ae>|%s", "main")
	if log != "Ops Person <ops@example.com>|kubectl-hnp: edit VPC default/vpc-1 (fabric lab)" {
		t.Errorf("commit: %s", log)
	}
	if files := testbed.Git(t, remote, "show", "--name-only", "--format=", "main"); files != "fabrics/lab/vpcs/vpcs.yaml" {
		t.Errorf("committed files: %q", files)
	}
}

func TestEditInvalidValueIsRefusedAndNothingPushed(t *testing.T) {
	h, remote := editFabric(t)
	head := testbed.Git(t, remote, "rev-parse", "main")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"edit", "sw", "leaf-01", "--set", "spec.role=router"}, "spec.role"},
		{[]string{"edit", "sw", "leaf-01", "--set", "spec.linkFlapErrDisable.flapThreshold=51"}, "spec.linkFlapErrDisable.flapThreshold"},
		{[]string{"edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=abc"}, "spec.subnets.default.vlan"},
		{[]string{"edit", "vpc", "vpc-1", "--set", "metadata.name=other"}, "metadata.name may not change"},
		{[]string{"edit", "vpc", "vpc-1", "--set", "spec.subnetz.x=1"}, "spec.subnetz"},
		{[]string{"edit", "vpc", "vpc-9", "--set", "spec.x=1"}, `VPC "vpc-9" not found in Git`},
		{[]string{"edit", "srv", "server-01", "--set", "spec.description=x"}, "JSON files is not supported"},
	}
	for _, tt := range tests {
		r := h.run(tt.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %s (want %q)", tt.args, r.code, r.stderr, tt.want)
		}
	}
	if got := testbed.Git(t, remote, "rev-parse", "main"); got != head {
		t.Errorf("something was pushed")
	}
}

func TestEditDryRunPrintsDiffTouchesNothing(t *testing.T) {
	h, remote := editFabric(t)
	head := testbed.Git(t, remote, "rev-parse", "main")
	r := h.run("edit", "vpc/vpc-2", "--patch", `{"spec":{"subnets":{"default":{"vlan":1202}}}}`, "--dry-run")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden(t, "edit-dry-run", r.stdout)
	if got := testbed.Git(t, remote, "rev-parse", "main"); got != head {
		t.Errorf("dry run pushed")
	}
}

func TestEditNewBranchAndFile(t *testing.T) {
	h, remote := editFabric(t)
	head := testbed.Git(t, remote, "rev-parse", "main")
	doc := filepath.Join(t.TempDir(), "vpc.yaml")
	body := "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-3\nspec:\n  ipv4Namespace: default\n  vlanNamespace: default\n  subnets:\n    default:\n      subnet: 10.0.3.0/24\n      vlan: 1303\n"
	if err := os.WriteFile(doc, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	r := h.run("edit", "vpc", "vpc-3", "-f", doc, "--to-branch", "change/vpc-3", "-m", "Move vpc-3 to VLAN 1303")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "pushed to branch change/vpc-3") {
		t.Errorf("stdout: %s", r.stdout)
	}
	if got := testbed.Git(t, remote, "rev-parse", "main"); got != head {
		t.Errorf("main moved")
	}
	if !strings.Contains(remoteFile(t, remote, "change/vpc-3", "fabrics/lab/vpcs/vpcs.yaml"), "vlan: 1303") {
		t.Errorf("branch lacks the change")
	}
	if msg := testbed.Git(t, remote, "log", "-1", "--format=%s", "change/vpc-3"); msg != "Move vpc-3 to VLAN 1303" {
		t.Errorf("message %q", msg)
	}
}

// writeEditor writes an editor script and points KUBE_EDITOR at it.
func writeEditor(t *testing.T, h *harness, script string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "editor.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\nset -e\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBE_EDITOR", p)
	h.env["KUBE_EDITOR"] = p
}

func TestEditInteractive(t *testing.T) {
	t.Run("valid change keeps comments", func(t *testing.T) {
		h, remote := editFabric(t)
		writeEditor(t, h, `grep -q "kubectl hnp edit: VPC default/vpc-1, fabric lab" "$1"
sed -i 's/subnet: 10.0.1.0\/24/subnet: 10.0.1.0\/25/; s/# vpc-1: the web tier./# vpc-1: the web tier, smaller./' "$1"
`)
		r := h.run("edit", "vpc", "vpc-1")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		got := remoteFile(t, remote, "main", "fabrics/lab/vpcs/vpcs.yaml")
		if !strings.Contains(got, "# vpc-1: the web tier, smaller.\n") || !strings.Contains(got, "subnet: 10.0.1.0/25") || !strings.Contains(got, "vlan: 1001 # access VLAN") {
			t.Errorf("file:\n%s", got)
		}
		if strings.Contains(got, "kubectl-hnp: everything above") {
			t.Errorf("the header leaked into the file")
		}
	})
	t.Run("unchanged cancels", func(t *testing.T) {
		h, remote := editFabric(t)
		head := testbed.Git(t, remote, "rev-parse", "main")
		writeEditor(t, h, "true\n")
		r := h.run("edit", "vpc", "vpc-1")
		if r.code != 0 || !strings.Contains(r.stdout, "Edit cancelled, no changes made.") {
			t.Errorf("exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
		if testbed.Git(t, remote, "rev-parse", "main") != head {
			t.Errorf("pushed")
		}
	})
	t.Run("invalid reopens with the error, then fixed", func(t *testing.T) {
		h, remote := editFabric(t)
		state := filepath.Join(t.TempDir(), "round")
		writeEditor(t, h, `if [ ! -e `+state+` ]; then
  touch `+state+`
  sed -i 's/vlan: 1001/vlan: not-a-number/' "$1"
else
  grep -q "could not be used" "$1"
  grep -q "spec.subnets.default.vlan" "$1"
  sed -i 's/vlan: not-a-number/vlan: 1011/' "$1"
fi
`)
		r := h.run("edit", "vpc", "vpc-1")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if !strings.Contains(remoteFile(t, remote, "main", "fabrics/lab/vpcs/vpcs.yaml"), "vlan: 1011 # access VLAN") {
			t.Errorf("fix not pushed")
		}
	})
	t.Run("invalid saved unchanged again cancels with exit 2 and keeps the edit", func(t *testing.T) {
		h, remote := editFabric(t)
		head := testbed.Git(t, remote, "rev-parse", "main")
		state := filepath.Join(t.TempDir(), "round")
		writeEditor(t, h, `if [ ! -e `+state+` ]; then touch `+state+`; sed -i 's/vlan: 1001/vlan: not-a-number/' "$1"; fi
`)
		r := h.run("edit", "vpc", "vpc-1")
		if r.code != 2 || !strings.Contains(r.stderr, "Your edit was saved to ") {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		saved := strings.TrimSpace(r.stderr[strings.Index(r.stderr, "saved to ")+len("saved to "):])
		b, err := os.ReadFile(strings.SplitN(saved, "\n", 2)[0])
		if err != nil || !strings.Contains(string(b), "vlan: not-a-number") {
			t.Errorf("saved edit: %v %s", err, b)
		}
		if testbed.Git(t, remote, "rev-parse", "main") != head {
			t.Errorf("pushed")
		}
	})
	t.Run("no editor without a terminal", func(t *testing.T) {
		h, _ := editFabric(t)
		t.Setenv("KUBE_EDITOR", "")
		t.Setenv("EDITOR", "")
		r := h.run("edit", "vpc", "vpc-1")
		if r.code != 2 || !strings.Contains(r.stderr, "no editor can run") {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
	})
}

// The remote moves on while the user edits: in another file the edit is
// replayed on the new tip; in the same document it is a conflict.
func TestEditRemoteMovedOn(t *testing.T) {
	t.Run("elsewhere: replayed", func(t *testing.T) {
		h, remote := editFabric(t)
		// The editor pushes someone else's change to another file before
		// saving the user's: the remote moves on during the edit.
		clone := t.TempDir()
		testbed.Git(t, clone, "clone", "-q", remote, ".")
		writeEditor(t, h, `cd `+clone+` && echo "moved on" > fabrics/lab/notes.txt && git add fabrics/lab/notes.txt && `+
			`GIT_AUTHOR_NAME=x GIT_AUTHOR_EMAIL=x@x GIT_COMMITTER_NAME=x GIT_COMMITTER_EMAIL=x@x git -c commit.gpgSign=false commit -qm other && git push -q origin HEAD:main
sed -i 's/vlan: 1002/vlan: 1222/' "$1"
`)
		r := h.run("edit", "vpc", "vpc-2")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if !strings.Contains(remoteFile(t, remote, "main", "fabrics/lab/vpcs/vpcs.yaml"), "vlan: 1222") ||
			remoteFile(t, remote, "main", "fabrics/lab/notes.txt") != "moved on\n" {
			t.Errorf("both changes should be on the remote")
		}
	})
	t.Run("same document: conflict, edit saved", func(t *testing.T) {
		h, remote := editFabric(t)
		// The editor itself pushes a competing change to the same document
		// before saving the user's: the remote moves on during the edit.
		clone := t.TempDir()
		testbed.Git(t, clone, "clone", "-q", remote, ".")
		script := `cd ` + clone + ` && sed -i 's/vlan: 1002/vlan: 1333/' fabrics/lab/vpcs/vpcs.yaml && ` +
			`GIT_AUTHOR_NAME=x GIT_AUTHOR_EMAIL=x@x GIT_COMMITTER_NAME=x GIT_COMMITTER_EMAIL=x@x git -c commit.gpgSign=false commit -qam competing && git push -q origin HEAD:main
sed -i 's/vlan: 1002/vlan: 1444/' "$1"
`
		writeEditor(t, h, script)
		r := h.run("edit", "vpc", "vpc-2")
		if r.code != 2 || !strings.Contains(r.stderr, "changed on the remote") || !strings.Contains(r.stderr, "Your edit was saved to ") {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if got := remoteFile(t, remote, "main", "fabrics/lab/vpcs/vpcs.yaml"); !strings.Contains(got, "vlan: 1333") || strings.Contains(got, "1444") {
			t.Errorf("remote:\n%s", got)
		}
		// The cache clone is clean: a later command works and sees the remote.
		if r := h.run("get", "vpc", "vpc-2", "-o", "yaml"); r.code != 0 || !strings.Contains(r.stdout, "1333") {
			t.Errorf("after conflict: exit %d %s %s", r.code, r.stdout, r.stderr)
		}
	})
}

func TestEditOverHTTPWithToken(t *testing.T) {
	h, remote := editFabric(t)
	const token = "tok-edit-5566"
	url := testbed.ServeHTTP(t, remote, "ci", token)
	h.writeConfig("fabrics:\n- name: lab\n  git: {url: " + url + ", dir: fabrics/lab, auth: {tokenEnv: T, username: ci}}\n  cluster: {kubeconfig: " + lab.KubeconfigPath + ", context: " + lab.Context + "}\n")
	h.env["T"] = token
	r := h.run("edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1501")
	if r.code != 0 || !strings.Contains(remoteFile(t, remote, "main", "fabrics/lab/vpcs/vpcs.yaml"), "vlan: 1501") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// The token is wrong now: fetching fails before any edit; with --offline
	// the edit is made on the cache, and the push fails; --set can be run
	// again, so nothing is "saved".
	h.env["T"] = "wrong-" + token
	r = h.run("edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1502", "--offline", "--validate", "schema")
	if r.code != 2 || strings.Contains(r.stderr, token) || strings.Contains(r.stderr, "Your edit was saved") {
		t.Errorf("wrong token: exit %d: %s", r.code, r.stderr)
	}
	if strings.Contains(remoteFile(t, remote, "main", "fabrics/lab/vpcs/vpcs.yaml"), "1502") {
		t.Errorf("pushed with a wrong token")
	}
}

func TestEditWait(t *testing.T) {
	h, remote := editFabric(t)
	vpcs := schema.GroupVersionResource{Group: "vpc.githedgehog.com", Version: "v1beta1", Resource: "vpcs"}
	// Not t.Context(): the cleanup below runs after it is cancelled.
	ctx := context.Background()
	setVLAN := func(vlan string) {
		patch := []byte(`{"spec":{"subnets":{"default":{"vlan":` + vlan + `}}}}`)
		if _, err := lab.Dynamic().Resource(vpcs).Namespace("default").Patch(ctx, "vpc-1", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// Other tests expect the lab cluster's vpc-1 as the sample has it.
	t.Cleanup(func() { setVLAN("1001") })

	// Nobody deploys the change: --wait times out with exit 1.
	r := h.run("edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1777", "--wait", "--timeout", "3s")
	if r.code != 1 || !strings.Contains(r.stderr, "timed out after 3s") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// No GitOps tool runs here: the test deploys the change itself while
	// edit waits, as Argo CD would after the push.
	done := make(chan result)
	go func() {
		done <- h.run("edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=1888", "--wait", "--timeout", "50s")
	}()
	deadline := time.After(50 * time.Second)
	for {
		// Deploy once Git has the change (the push happened).
		if strings.Contains(remoteFile(t, remote, "main", "fabrics/lab/vpcs/vpcs.yaml"), "vlan: 1888") {
			break
		}
		select {
		case r := <-done:
			t.Fatalf("edit ended before the deploy: exit %d: %s", r.code, r.stderr)
		case <-deadline:
			t.Fatal("the push never happened")
		default:
		}
	}
	setVLAN("1888")
	if r := <-done; r.code != 0 || !strings.Contains(r.stderr, "converged") {
		t.Errorf("exit %d: %s", r.code, r.stderr)
	}
}
