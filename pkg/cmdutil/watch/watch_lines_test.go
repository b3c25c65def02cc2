package watch

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/githedgehog/kubectl-hnp/internal/golden"
	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// The lines --watch prints, as text and as JSON lines: status changes
// (pendingDeploy marked), the deployer's state, and the loss and return of
// a cluster and a Git remote.
func TestLineWriter(t *testing.T) {
	at := time.Date(2026, 11, 26, 6, 40, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		json bool
	}{{"lines.txt", false}, {"lines.jsonl", true}} {
		var out bytes.Buffer
		lw := NewLineWriter(&out, tc.json)
		lw.Change(Change{Time: at, Type: TypeStatusChanged, Fabric: "lab", Kind: "VPC", Namespace: "default", Name: "vpc-2",
			Status: driftpkg.StatusDrifted, Previous: driftpkg.StatusInSync,
			Diffs: []driftpkg.FieldDiff{{Path: "/spec/subnets/default/vlan", Desired: int64(1002), Actual: int64(1099), Type: "changed"}}})
		// A change the deployer has not applied yet, and then applied.
		lw.Change(Change{Time: at, Type: TypeStatusChanged, Fabric: "lab", Kind: "VPC", Namespace: "default", Name: "vpc-3",
			Status: driftpkg.StatusDrifted, Previous: driftpkg.StatusInSync, PendingDeploy: true,
			Reason: `changed in Git in 8ea6e54 "kubectl-hnp: edit VPC default/vpc-3 (fabric lab)", after the revision 3a1c0d2 deployed (Flux)`,
			Diffs:  []driftpkg.FieldDiff{{Path: "/spec/subnets/default/vlan", Desired: int64(1303), Actual: int64(1003), Type: "changed"}}})
		lw.Change(Change{Time: at, Type: TypeStatusChanged, Fabric: "lab", Kind: "VPC", Namespace: "default", Name: "vpc-3",
			Status: driftpkg.StatusInSync, Previous: driftpkg.StatusDrifted, PreviousPendingDeploy: true})
		lw.Deployer(DeployerChange{Time: at, Type: TypeDeployerChanged, Fabric: "lab", GitRevision: "8ea6e54d0e3c1b2a8ea6e54d0e3c1b2a8ea6e54d",
			Deployer: &driftpkg.Pipeline{Tool: "flux", Name: "flux-system/lab", Revision: "3a1c0d2f00000000000000000000000000000000", Ready: "True", Suspended: true, Behind: 1}},
			"Git 8ea6e54, Flux flux-system/lab applied 3a1c0d2 (1 commit behind), suspended, Ready=True")
		for _, r := range []Reachability{
			{Time: at.Add(time.Second), Type: TypeClusterUnreachable, Fabric: "lab", Error: `probing readiness from the cluster at https://10.0.0.1:6443: Get "https://10.0.0.1:6443/readyz?timeout=5s": dial tcp 10.0.0.1:6443: connect: connection refused`},
			{Time: at.Add(20 * time.Second), Type: TypeClusterReachable, Fabric: "lab"},
			{Time: at.Add(30 * time.Second), Type: TypeGitUnreachable, Fabric: "lab", Error: "fetching https://git.example.com/net/fabrics.git (branch main): context deadline exceeded"},
			{Time: at.Add(60 * time.Second), Type: TypeGitReachable, Fabric: "lab"},
		} {
			lw.Reachability(r)
		}
		golden.Check(t, "testdata/"+tc.name, out.Bytes())
	}
}

// Only changes of reachability are reported: the first failure, not the
// retries that fail again; the return, not every success; nothing when
// all is well from the start. Errors stay on one line.
func TestReachStateReportsChanges(t *testing.T) {
	var got []Reachability
	rs := &reachState{fabric: "lab", now: func() time.Time { return time.Time{} }, report: func(r Reachability) { got = append(got, r) }}
	rs.cluster(nil)
	rs.git(nil)
	rs.cluster(errors.New("dial tcp: connection refused\nand more"))
	rs.cluster(errors.New("dial tcp: connection refused"))
	rs.git(errors.New("fetch failed"))
	rs.cluster(nil)
	rs.cluster(nil)
	rs.git(nil)
	want := []Reachability{
		{Type: TypeClusterUnreachable, Fabric: "lab", Error: "dial tcp: connection refused; and more"},
		{Type: TypeGitUnreachable, Fabric: "lab", Error: "fetch failed"},
		{Type: TypeClusterReachable, Fabric: "lab"},
		{Type: TypeGitReachable, Fabric: "lab"},
	}
	if len(got) != len(want) {
		t.Fatalf("reports %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("report %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// The defaults keep the promise of the docs: a dead or hung API server is
// noticed within 30 s, and retries never wait longer than that.
func TestDefaultHealthNoticesWithin30s(t *testing.T) {
	h := Health{}.withDefaults()
	if h != DefaultHealth {
		t.Errorf("zero Health takes %+v, want DefaultHealth %+v", h, DefaultHealth)
	}
	if d := h.ProbeInterval + h.ProbeTimeout; d > 30*time.Second {
		t.Errorf("a dead server is noticed after up to %s", d)
	}
	if h.RetryMax > 30*time.Second {
		t.Errorf("retries wait up to %s", h.RetryMax)
	}
	b := backoff(h.RetryMin, h.RetryMax)
	var last time.Duration
	for range 20 {
		last = b.Step()
		if last > h.RetryMax+h.RetryMax/10 {
			t.Fatalf("a retry waits %s, more than %s plus jitter", last, h.RetryMax)
		}
	}
	if last < h.RetryMax {
		t.Errorf("the backoff does not grow to %s: %s", h.RetryMax, last)
	}
}
