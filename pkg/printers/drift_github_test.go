package printers

import (
	"bytes"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

func TestGitHubEscaping(t *testing.T) {
	fs := Findings{
		Rules: DriftRules,
		Findings: []Finding{{Rule: RuleFabricError, Level: LevelError, File: "a,b:c%/d.yaml", Line: 3,
			Title: "t: 1, 2%", Message: "100% sure\r\nsecond: line, with comma"}},
		Summary: "::not a command\nreally",
	}
	var b bytes.Buffer
	if err := WriteGitHub(&b, fs); err != nil {
		t.Fatal(err)
	}
	want := "::error file=a%2Cb%3Ac%25/d.yaml,line=3,title=t%3A 1%2C 2%25::100%25 sure%0D%0Asecond: line, with comma\n" +
		"not a command; really\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

func TestGitHubLevelsAndLocations(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDriftGitHub(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	lines := outputLines(b.String())
	if len(lines) != 13 {
		t.Fatalf("%d lines, want 12 commands and a summary:\n%s", len(lines), b.String())
	}
	counts := map[string]int{}
	for _, l := range lines[:12] {
		counts[strings.SplitN(strings.TrimPrefix(l, "::"), " ", 2)[0]]++
	}
	if counts["error"] != 11 || counts["notice"] != 1 {
		t.Errorf("commands %v, want 11 errors and a notice", counts)
	}
	if !strings.HasPrefix(lines[3], "::error file=fabrics/lab/vpcs.yaml,line=1,title=VPC default/vpc-1 drifted%3A /spec/subnets/default/vlan::") {
		t.Errorf("field finding: %s", lines[3])
	}
	// The fabric that could not be read has no file: an annotation of the run.
	if !strings.HasPrefix(lines[11], "::error title=fabric broken could not be read::fabric broken: ") {
		t.Errorf("fabric error: %s", lines[11])
	}
	if lines[12] != "kubectl-hnp drift: 5 of 7 objects not in sync (drifted 3, missingFromCluster 1, notInGit 1); 1 fabric could not be read: broken" {
		t.Errorf("summary: %s", lines[12])
	}
}

func TestGitHubInSync(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDriftGitHub(&b, inSyncReport()); err != nil {
		t.Fatal(err)
	}
	if b.String() != "kubectl-hnp drift: 0 of 1 object not in sync (drifted 0, missingFromCluster 0, notInGit 0)\n" {
		t.Errorf("got %q", b.String())
	}
}

func TestDriftFindingsNotInGitWithoutFiles(t *testing.T) {
	rs := []drift.ResourceResult{{Kind: "VPC", Namespace: "default", Name: "v", Status: drift.StatusNotInGit}}
	r := drift.NewReport()
	r.Add(drift.FabricReport{Name: "lab", Summary: drift.SummaryOf(rs), Resources: rs})
	fs := DriftFindings(r)
	if len(fs.Findings) != 1 || fs.Findings[0].File != "" || fs.Failed {
		t.Fatalf("findings %+v", fs)
	}
	// Without a file it cannot be a SARIF result: it is a notification,
	// and the run did not fail.
	run := parseSARIFRun(t, writeSARIF(t, r))
	if len(run.Results) != 0 || len(run.Invocations[0].Notes) != 1 || !run.Invocations[0].ExecutionSuccessful {
		t.Errorf("run %+v", run)
	}
}
