package printers

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// unappliedReport is sampleReport with two switches of lab that have not
// applied their config: leaf-01 has a Git document, spine-01 has none.
func unappliedReport() *drift.Report {
	r := sampleReport()
	r.Fabrics[0].Unapplied = []drift.Unapplied{
		{Switch: "leaf-01", Namespace: "default", Reason: "pending (gen 4/6)", Generation: 6, LastAppliedGen: 4, Heartbeat: "2026-01-02T03:04:05Z"},
		{Switch: "spine-01", Namespace: "default", Reason: "heartbeat stale (7m ago)", Generation: 2, LastAppliedGen: 2, Heartbeat: "2026-01-02T02:57:05Z"},
	}
	return r
}

func TestDriftUnappliedTableBlock(t *testing.T) {
	out := writeDriftTable(t, unappliedReport(), DriftOptions{})
	want := "\nfabric lab: switch leaf-01 has not applied its latest config: pending (gen 4/6)\n" +
		"fabric lab: switch spine-01 has not applied its latest config: heartbeat stale (7m ago)\n"
	if !strings.HasSuffix(out, want) {
		t.Errorf("the table does not end with the unapplied block:\n%s", out)
	}
	// The block comes after the table, not among its rows.
	if i, j := strings.Index(out, "FABRIC\tKIND"), strings.Index(out, "switch leaf-01 has not"); i < 0 || j < i {
		t.Errorf("block before the table:\n%s", out)
	}
	if out := writeDriftTable(t, unappliedReport(), DriftOptions{NoHeaders: true}); strings.Contains(out, "has not applied") {
		t.Errorf("--no-headers prints rows only:\n%s", out)
	}
	// Everything in sync: the summary lines, a blank line, the block.
	r := inSyncReport()
	r.Fabrics[0].Unapplied = unappliedReport().Fabrics[0].Unapplied[:1]
	out = writeDriftTable(t, r, DriftOptions{})
	if !strings.HasSuffix(out, "\n\nfabric "+r.Fabrics[0].Name+": switch leaf-01 has not applied its latest config: pending (gen 4/6)\n") {
		t.Errorf("in sync with an unapplied switch:\n%q", out)
	}
}

func TestDriftUnappliedFindings(t *testing.T) {
	run := parseSARIFRun(t, writeSARIF(t, unappliedReport()))
	var got []string
	for _, res := range run.Results {
		if res.RuleID != RuleUnapplied {
			continue
		}
		loc := res.Locations[0].PhysicalLocation
		got = append(got, res.Level+" "+loc.ArtifactLocation.URI+":"+strconv.Itoa(loc.Region.StartLine)+" "+res.Message.Text)
		if id := run.Tool.Driver.Rules[res.RuleIndex].ID; id != RuleUnapplied {
			t.Errorf("rule index points at %s", id)
		}
	}
	want := []string{
		"warning fabrics/lab/switches.yaml:1 fabric lab: switch leaf-01 has not applied its latest config: pending (gen 4/6)",
		// No document of its own: the first file holding switches.
		"warning fabrics/lab/switches.yaml:1 fabric lab: switch spine-01 has not applied its latest config: heartbeat stale (7m ago)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("SARIF results:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Without unapplied switches the rule is not declared.
	for _, rule := range parseSARIFRun(t, writeSARIF(t, sampleReport())).Tool.Driver.Rules {
		if rule.ID == RuleUnapplied {
			t.Error("the unapplied rule is declared without unapplied switches")
		}
	}

	var b bytes.Buffer
	if err := WriteDriftGitHub(&b, unappliedReport()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "::warning file=fabrics/lab/switches.yaml,line=1,title=switch leaf-01 not applied::fabric lab: switch leaf-01 has not applied its latest config: pending (gen 4/6)\n") {
		t.Errorf("github annotations:\n%s", b.String())
	}
}

func TestDriftUnappliedMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDriftMarkdown(&b, unappliedReport()); err != nil {
		t.Fatal(err)
	}
	want := "\n⚠️ Fabric lab: switches that have not applied their latest config\n\n| Switch | Reason |\n|---|---|\n" +
		"| leaf-01 | pending (gen 4/6) |\n| spine-01 | heartbeat stale (7m ago) |\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("markdown lacks the unapplied switches:\n%s", b.String())
	}
	// After lab's own drift, before the next fabric.
	if i, j, k := strings.Index(b.String(), "#### Fabric lab"), strings.Index(b.String(), want), strings.Index(b.String(), "#### Fabric edge"); !(i < j && j < k) {
		t.Errorf("misplaced: %d %d %d\n%s", i, j, k, b.String())
	}
}

func TestDriftUnappliedJUnit(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDriftJUnit(&b, unappliedReport(), sampleTiming()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`<testsuite name="lab" tests="7" failures="4" errors="0" skipped="2"`,
		`<testcase classname="lab.Agent" name="leaf-01" file="fabrics/lab/switches.yaml" line="1" time="0.000">`,
		`<skipped message="warning: switch leaf-01 has not applied its latest config: pending (gen 4/6)"></skipped>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("JUnit lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, `failures="6"`) {
		t.Errorf("unapplied switches counted as failures:\n%s", out)
	}
}
