package printers

import (
	"fmt"
	"strings"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// RuleUnapplied is the rule id of a switch whose agent has not applied its
// latest config: a warning beside drift, not a drift status.
const RuleUnapplied = "agent/unapplied"

var unappliedRule = Rule{ID: RuleUnapplied, Name: "SwitchConfigNotApplied", Level: LevelWarning, HelpURI: driftHelpURI,
	Short: "The switch's agent has not applied its latest config, or has not reported for over 5 minutes.",
	Full: "The switch's Agent (agent.githedgehog.com) is at a generation its agent has not applied yet (pending), " +
		"has tried and not applied (failing), or its heartbeat is older than 5 minutes (stale or offline). " +
		"The cluster may hold the desired objects while the switch still runs an older config."}

// unappliedSentence is "switch leaf-01 has not applied its latest config:
// pending (gen 4/6)".
func unappliedSentence(u drift.Unapplied) string {
	return fmt.Sprintf("switch %s has not applied its latest config: %s", sanitize(u.Switch), sanitize(u.Reason))
}

// unappliedFindings are the warnings of f's unapplied switches, each at its
// Switch document in Git when known.
func unappliedFindings(f drift.FabricReport) []Finding {
	var out []Finding
	for _, u := range f.Unapplied {
		file, line := switchFile(f, u)
		out = append(out, Finding{Rule: RuleUnapplied, Level: LevelWarning, File: file, Line: line,
			Key:     fmt.Sprintf("%s/agent/%s/%s", f.Name, u.Namespace, u.Switch),
			Title:   fmt.Sprintf("switch %s not applied", u.Switch),
			Message: fmt.Sprintf("fabric %s: %s", f.Name, unappliedSentence(u))})
	}
	return out
}

// switchFile is where the switch's finding goes: its document in Git, else
// the first file holding switches.
func switchFile(f drift.FabricReport, u drift.Unapplied) (string, int) {
	for _, res := range f.Resources {
		if res.Kind == "Switch" && res.Name == u.Switch && res.Namespace == u.Namespace && res.File != "" {
			return res.File, res.Line
		}
	}
	return anchorFile(f, "Switch")
}

// writeUnappliedBlock writes a line per unapplied switch, after drift's table.
func writeUnappliedBlock(b *strings.Builder, r *drift.Report) {
	for _, f := range r.Fabrics {
		for _, u := range f.Unapplied {
			fmt.Fprintf(b, "fabric %s: %s\n", sanitize(f.Name), unappliedSentence(u))
		}
	}
}

// writeMarkdownUnapplied lists f's unapplied switches under the fabric's
// drift, as warnings.
func writeMarkdownUnapplied(b *strings.Builder, f drift.FabricReport) {
	if len(f.Unapplied) == 0 {
		return
	}
	fmt.Fprintf(b, "\n⚠️ Fabric %s: switches that have not applied their latest config\n\n| Switch | Reason |\n|---|---|\n", mdCell(f.Name))
	for _, u := range f.Unapplied {
		fmt.Fprintf(b, "| %s | %s |\n", mdCell(u.Switch), mdCell(u.Reason))
	}
}

// junitUnapplied are test cases of f's unapplied switches, marked skipped
// with a warning message: JUnit has no warnings, and a failure would fail
// the report whatever --fail-on says.
func junitUnapplied(f drift.FabricReport) []junitCase {
	var out []junitCase
	for _, u := range f.Unapplied {
		file, line := switchFile(f, u)
		out = append(out, junitCase{Classname: f.Name + ".Agent", Name: u.Switch, File: file, Line: line, Time: junitSeconds(0),
			Skipped: &junitSkipped{Message: strings.Map(xmlChar, "warning: "+unappliedSentence(u))}})
	}
	return out
}
