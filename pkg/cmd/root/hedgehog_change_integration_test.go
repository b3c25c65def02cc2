package root

import (
	"context"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// hedgehogChangeFabric is hedgehogFabric with a Git identity for commits.
func hedgehogChangeFabric(t *testing.T) (*harness, *testbed.ControlPlane, string) {
	t.Helper()
	h, cp, remote := hedgehogFabric(t, "")
	for k, v := range map[string]string{
		"GIT_AUTHOR_NAME": "Ops Person", "GIT_AUTHOR_EMAIL": "ops@example.com",
		"GIT_COMMITTER_NAME": "Ops Person", "GIT_COMMITTER_EMAIL": "ops@example.com",
	} {
		h.env[k] = v
	}
	return h, cp, remote
}

func remoteHead(t *testing.T, remote string) string {
	t.Helper()
	return testbed.Git(t, remote, "rev-parse", "main")
}

// edit, create and delete run the Hedgehog rules on the change as a
// change of the whole fabric: what it introduces refuses it (exit 2,
// nothing committed), what was broken before only warns.
func TestHedgehogRulesGuardGitChanges(t *testing.T) {
	h, _, remote := hedgehogChangeFabric(t)

	t.Run("edit refused", func(t *testing.T) {
		head := remoteHead(t, remote)
		r := h.run("edit", "vpc", "vpc-1", "--set", "spec.subnets.default.vlan=3500", "--validate", "schema")
		if r.code != 2 || !strings.Contains(r.stderr, "vpc.vlan-outside-vlannamespace") || !strings.Contains(r.stderr, "spec.subnets.default.vlan") {
			t.Fatalf("exit %d, want 2 naming the rule and field: %s", r.code, r.stderr)
		}
		if remoteHead(t, remote) != head {
			t.Fatal("a refused edit was pushed")
		}
	})
	t.Run("edit valid", func(t *testing.T) {
		r := h.run("edit", "vpc", "vpc-2", "--set", "spec.subnets.default.vlan=1004", "--validate", "schema")
		if r.code != 0 || strings.Contains(r.stderr, "Warning") {
			t.Fatalf("exit %d, want 0 without warnings: %s", r.code, r.stderr)
		}
	})
	t.Run("create refused", func(t *testing.T) {
		head := remoteHead(t, remote)
		r := h.run("create", "--validate", "schema", "-f", writeTemp(t, `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPCAttachment
metadata:
  name: vpc-9--server-01
spec:
  subnet: vpc-9/default
  connection: server-01--unbundled--leaf-01
`))
		if r.code != 2 || !strings.Contains(r.stderr, "vpcattachment.vpc-missing") {
			t.Fatalf("exit %d, want 2 naming vpcattachment.vpc-missing: %s", r.code, r.stderr)
		}
		if remoteHead(t, remote) != head {
			t.Fatal("a refused create was pushed")
		}
	})
	t.Run("create together", func(t *testing.T) {
		// A VPC and its attachment in one change: valid together.
		r := h.run("create", "--validate", "schema", "-f", writeTemp(t, `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-3
spec:
  subnets:
    default: {subnet: 10.0.4.0/24, vlan: 1005}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPCAttachment
metadata:
  name: vpc-3--server-01
spec:
  subnet: vpc-3
  connection: server-01--unbundled--leaf-01
`))
		if r.code != 0 {
			t.Fatalf("exit %d, want 0: %s", r.code, r.stderr)
		}
	})
	t.Run("update-only rule", func(t *testing.T) {
		// RoCE on is a valid change; with RoCE on, the breakouts are
		// frozen: the webhook refuses such an update, so does the edit.
		if r := h.run("edit", "sw", "leaf-01", "--set", "spec.roce=true", "--validate", "schema"); r.code != 0 {
			t.Fatalf("roce on: exit %d: %s", r.code, r.stderr)
		}
		head := remoteHead(t, remote)
		r := h.run("edit", "sw", "leaf-01", "--set", "spec.portBreakouts.E1/55=4x25G", "--validate", "schema")
		if r.code != 2 || !strings.Contains(r.stderr, "switch.roce-breakouts-immutable") || !strings.Contains(r.stderr, "spec.portBreakouts") {
			t.Fatalf("exit %d, want 2 naming switch.roce-breakouts-immutable: %s", r.code, r.stderr)
		}
		if remoteHead(t, remote) != head {
			t.Fatal("a refused edit was pushed")
		}
		if r := h.run("edit", "sw", "leaf-01", "--set", "spec.roce=false", "--validate", "schema"); r.code != 0 {
			t.Fatalf("roce off: exit %d: %s", r.code, r.stderr)
		}
	})
	t.Run("delete guard", func(t *testing.T) {
		head := remoteHead(t, remote)
		r := h.run("delete", "vpc", "vpc-1", "--yes")
		if r.code != 2 || !strings.Contains(r.stderr, "vpc.in-use") || !strings.Contains(r.stderr, "vpc-1--server-01") {
			t.Fatalf("exit %d, want 2 naming the attachment that still uses vpc-1: %s", r.code, r.stderr)
		}
		if remoteHead(t, remote) != head {
			t.Fatal("a refused delete was pushed")
		}
	})
	t.Run("pre-existing violations warn", func(t *testing.T) {
		// Someone pushed a broken VPC; an unrelated valid edit still goes
		// through, with a warning naming it.
		testbed.CommitFiles(t, remote, map[string]string{"fabrics/hh/broken.yaml": `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-broken
spec:
  subnets:
    default: {subnet: 10.0.5.0/24, vlan: 3999}
`}, "a broken VPC")
		r := h.run("edit", "sw", "border-01", "--set", "spec.description=border", "--validate", "schema")
		if r.code != 0 {
			t.Fatalf("exit %d, want 0: %s", r.code, r.stderr)
		}
		if !strings.Contains(r.stderr, "Warning: fabric hh already has 1 violation") || !strings.Contains(r.stderr, "vpc-broken") {
			t.Fatalf("stderr does not warn of vpc-broken: %s", r.stderr)
		}
	})
	t.Run("validate none skips", func(t *testing.T) {
		r := h.run("delete", "vpcattach", "vpc-3--server-01", "--yes")
		if r.code != 0 {
			t.Fatalf("deleting an attachment: exit %d: %s", r.code, r.stderr)
		}
		r = h.run("delete", "vpc", "vpc-1", "--yes", "--validate", "none")
		if r.code != 0 {
			t.Fatalf("exit %d, want 0: %s", r.code, r.stderr)
		}
	})
}

// sync --adopt refuses to write cluster objects into Git that break the
// rules there (nothing committed), and adopts valid ones.
func TestHedgehogRulesGuardAdopt(t *testing.T) {
	h, cp, remote := hedgehogChangeFabric(t)
	if _, err := cp.CreateYAML(context.Background(), `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-dup
  labels:
    fabric.githedgehog.com/ipv4ns: default
    fabric.githedgehog.com/vlanns: default
spec:
  ipv4Namespace: default
  vlanNamespace: default
  subnets:
    default: {subnet: 10.0.7.0/24, gateway: 10.0.7.1, vlan: 1001, dhcp: {}}
`); err != nil {
		t.Fatal(err)
	}
	head := remoteHead(t, remote)
	r := h.run("sync", "--adopt", "vpc", "vpc-dup", "--yes")
	if r.code != 2 || !strings.Contains(r.stderr, "vpc.vlan-conflict-vpc") {
		t.Fatalf("exit %d, want 2 naming the VLAN taken by vpc-1: %s%s", r.code, r.stdout, r.stderr)
	}
	if remoteHead(t, remote) != head {
		t.Fatal("a refused adoption was pushed")
	}
	if r := h.run("sync", "--adopt", "vpc", "vpc-dup", "--yes", "--validate", "none"); r.code != 0 {
		t.Fatalf("--validate none: exit %d: %s", r.code, r.stderr)
	}
}
