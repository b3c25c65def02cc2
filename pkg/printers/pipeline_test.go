package printers

import (
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

func TestPipelineLine(t *testing.T) {
	const git = "8ea6e54aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	const old = "3a1c0d2bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	for _, tt := range []struct {
		p    *drift.Pipeline
		want string
	}{
		{nil, ""},
		{&drift.Pipeline{Tool: "flux", Name: "flux-system/lab", Revision: git, Ready: "True", Message: "Applied revision: main@sha1:" + git},
			"fabric lab: Git 8ea6e54, Flux flux-system/lab applied 8ea6e54 (up to date), Ready=True"},
		{&drift.Pipeline{Tool: "flux", Name: "flux-system/lab", Revision: old, Ready: "False", Message: "dry-run failed: .spec: bad\n", Behind: 2},
			"fabric lab: Git 8ea6e54, Flux flux-system/lab applied 3a1c0d2 (2 commits behind), Ready=False: dry-run failed: .spec: bad"},
		{&drift.Pipeline{Tool: "flux", Name: "flux-system/lab", Revision: old, Ready: "True", Suspended: true, Behind: 1},
			"fabric lab: Git 8ea6e54, Flux flux-system/lab applied 3a1c0d2 (1 commit behind), suspended, Ready=True"},
		{&drift.Pipeline{Tool: "argocd", Name: "argocd/lab", Ready: "Unknown", Message: "sync OutOfSync, health Progressing"},
			"fabric lab: Git 8ea6e54, Argo CD argocd/lab applied nothing yet, Ready=Unknown: sync OutOfSync, health Progressing"},
		{&drift.Pipeline{Tool: "argocd", Name: "argocd/lab", Revision: old, Ready: "True"},
			"fabric lab: Git 8ea6e54, Argo CD argocd/lab applied 3a1c0d2 (not on Git's branch), Ready=True"},
	} {
		if got := PipelineLine("lab", git, tt.p); got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
}

// A pendingDeploy object says so in the table's STATUS; the summary line
// counts them.
func TestDriftTablePendingDeploy(t *testing.T) {
	rep := drift.NewReport()
	res := []drift.ResourceResult{
		{Kind: "VPC", Namespace: "default", Name: "vpc-1", Status: drift.StatusDrifted, PendingDeploy: true, Reason: "changed in Git in 8ea6e54",
			Diffs: []drift.FieldDiff{{Path: "/spec/x", Desired: 1, Actual: 2, Type: drift.DiffChanged}}},
		{Kind: "VPC", Namespace: "default", Name: "vpc-2", Status: drift.StatusDrifted,
			Diffs: []drift.FieldDiff{{Path: "/spec/x", Desired: 1, Actual: 3, Type: drift.DiffChanged}}},
	}
	rep.Add(drift.FabricReport{Name: "lab", Resources: res, Summary: drift.SummaryOf(res)})
	var b strings.Builder
	if err := WriteDriftTable(&b, rep, DriftOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"2 drifted, 0 missing from cluster, 0 not in Git (1 pending deploy)", "vpc-1\tdrifted (pendingDeploy)\t", "vpc-2\tdrifted\t"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in\n%s", want, out)
		}
	}
	if !rep.HasRealDrift() || rep.Summary.PendingDeploy != 1 {
		t.Errorf("summary %+v", rep.Summary)
	}
}
