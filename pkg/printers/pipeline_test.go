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

// pipelineReport has a fabric whose Flux is one commit behind and not
// Ready, with an object not deployed yet beside a drifted one, and a
// fabric whose Argo CD is up to date.
func pipelineReport() *drift.Report {
	const git = "8ea6e54aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	const old = "3a1c0d2bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	lab := []drift.ResourceResult{
		{Kind: "VPC", Namespace: "default", Name: "vpc-1", Status: drift.StatusDrifted, File: "fabrics/lab/vpcs.yaml", Line: 1,
			Diffs: []drift.FieldDiff{{Path: "/spec/subnets/default/vlan", Desired: int64(1002), Actual: int64(1099), Type: drift.DiffChanged}}},
		{Kind: "VPC", Namespace: "default", Name: "vpc-2", Status: drift.StatusDrifted, File: "fabrics/lab/vpcs.yaml", Line: 12, PendingDeploy: true,
			Reason: `changed in Git in 8ea6e54 "kubectl-hnp: edit VPC default/vpc-2 (fabric lab)", after the revision 3a1c0d2 deployed (Flux)`,
			Diffs:  []drift.FieldDiff{{Path: "/spec/subnets/default/vlan", Desired: int64(1302), Actual: int64(1002), Type: drift.DiffChanged}}},
		{Kind: "VPC", Namespace: "default", Name: "vpc-3", Status: drift.StatusInSync, File: "fabrics/lab/vpcs.yaml", Line: 24},
	}
	edge := []drift.ResourceResult{
		{Kind: "VPC", Namespace: "default", Name: "edge-1", Status: drift.StatusInSync, File: "fabrics/edge/vpcs.yaml", Line: 1},
	}
	r := drift.NewReport()
	r.Add(drift.FabricReport{Name: "lab", GitRevision: git, Summary: drift.SummaryOf(lab), Resources: lab,
		Deployer: &drift.Pipeline{Tool: "flux", Name: "flux-system/lab", Revision: old, Ready: "False", LastAttempt: git, Behind: 1,
			Message: "VPC/default/vpc-2 dry-run failed: .spec.subnets.default.vlan: Invalid value: 1302 | 4096"}})
	r.Add(drift.FabricReport{Name: "edge", GitRevision: git, Summary: drift.SummaryOf(edge), Resources: edge,
		Deployer: &drift.Pipeline{Tool: "argocd", Name: "argocd/edge", Revision: git, Ready: "True"}})
	return r
}

// The CI formats carry the pipeline: each fabric's deployer state, and the
// objects not deployed yet marked as such (a warning, a skipped test
// case), not as drift.
func TestDriftPipelineGolden(t *testing.T) {
	for name, write := range map[string]func(*strings.Builder) error{
		"drift-pipeline-junit":    func(b *strings.Builder) error { return WriteDriftJUnit(b, pipelineReport(), sampleTiming()) },
		"drift-pipeline-sarif":    func(b *strings.Builder) error { return WriteDriftSARIF(b, pipelineReport(), sampleTool) },
		"drift-pipeline-github":   func(b *strings.Builder) error { return WriteDriftGitHub(b, pipelineReport()) },
		"drift-pipeline-markdown": func(b *strings.Builder) error { return WriteDriftMarkdown(b, pipelineReport()) },
	} {
		var b strings.Builder
		if err := write(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		golden(t, name, b.String())
	}
	// Only pendingDeploy objects: the verdict says nothing drifted.
	rep := drift.NewReport()
	for _, f := range pipelineReport().Fabrics {
		if f.Name == "lab" {
			f.Resources = f.Resources[1:]
			f.Summary = drift.SummaryOf(f.Resources)
		}
		rep.Add(f)
	}
	var b strings.Builder
	if err := WriteDriftMarkdown(&b, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "### ⏳ No drift; 1 resource not deployed yet (pendingDeploy)\n") {
		t.Errorf("verdict:\n%s", b.String())
	}
}

// skipsReport has a drifted object beside two that Flux is told not to
// apply: one changed by hand (ssa: IfNotPresent), one never created
// (reconcile: disabled in Git).
func skipsReport(withDrift bool) *drift.Report {
	res := []drift.ResourceResult{
		{Kind: "VPC", Namespace: "default", Name: "vpc-1", Status: drift.StatusDrifted, File: "fabrics/lab/vpcs.yaml", Line: 1,
			Diffs: []drift.FieldDiff{{Path: "/spec/subnets/default/vlan", Desired: int64(1001), Actual: int64(1091), Type: drift.DiffChanged}}},
		{Kind: "VPC", Namespace: "default", Name: "vpc-5", Status: drift.StatusDrifted, File: "fabrics/lab/vpc-5.yaml", Line: 1,
			DeployerSkips: "kustomize.toolkit.fluxcd.io/ssa: IfNotPresent in Git (Flux only creates it when it is missing)",
			Diffs:         []drift.FieldDiff{{Path: "/spec/subnets/default/vlan", Desired: int64(1005), Actual: int64(1995), Type: drift.DiffChanged}}},
		{Kind: "VPC", Namespace: "default", Name: "vpc-7", Status: drift.StatusMissingFromCluster, File: "fabrics/lab/vpc-7.yaml", Line: 1,
			DeployerSkips: "kustomize.toolkit.fluxcd.io/reconcile: disabled in Git (Flux does not apply it)"},
	}
	if !withDrift {
		res = res[1:]
	}
	r := drift.NewReport()
	r.Add(drift.FabricReport{Name: "lab", GitRevision: "8ea6e54aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", Summary: drift.SummaryOf(res), Resources: res})
	return r
}

// Objects Flux is told not to apply are marked in every format (the
// table's STATUS, a warning of their own rule, a skipped test case) and
// are not drift: drift fails on them only with --fail-on skipped.
func TestDriftDeployerSkips(t *testing.T) {
	rep := skipsReport(true)
	if rep.Summary.DeployerSkips != 2 || rep.Summary.Drifted != 2 || rep.Summary.MissingFromCluster != 1 || !rep.HasRealDrift() {
		t.Errorf("summary %+v", rep.Summary)
	}
	if only := skipsReport(false); only.HasRealDrift() || !only.HasDrift() {
		t.Errorf("only skipped objects: real drift %v, drift %v", only.HasRealDrift(), only.HasDrift())
	}
	var b strings.Builder
	if err := WriteDriftTable(&b, rep, DriftOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2 drifted, 1 missing from cluster, 0 not in Git (2 skipped by Flux)", "vpc-1\tdrifted\t",
		"vpc-5\tdrifted (skipped by Flux)\t", "vpc-7\tmissingFromCluster (skipped by Flux)\t"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table: want %q in\n%s", want, b.String())
		}
	}
	for name, write := range map[string]func(*strings.Builder) error{
		"drift-skips-junit":    func(b *strings.Builder) error { return WriteDriftJUnit(b, rep, sampleTiming()) },
		"drift-skips-sarif":    func(b *strings.Builder) error { return WriteDriftSARIF(b, rep, sampleTool) },
		"drift-skips-github":   func(b *strings.Builder) error { return WriteDriftGitHub(b, rep) },
		"drift-skips-markdown": func(b *strings.Builder) error { return WriteDriftMarkdown(b, rep) },
	} {
		var b strings.Builder
		if err := write(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		golden(t, name, b.String())
	}
	b.Reset()
	if err := WriteDriftMarkdown(&b, skipsReport(false)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "### ⏳ No drift; 2 resources skipped by Flux\n") {
		t.Errorf("verdict:\n%s", b.String())
	}
}
