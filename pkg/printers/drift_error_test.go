package printers

import (
	"bytes"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// An object the server refused (--server-side) shows its reason in the
// table, as an error in JUnit, and is counted in the summary line.
func TestDriftObjectErrorIsShown(t *testing.T) {
	rep := drift.NewReport()
	res := []drift.ResourceResult{
		{Kind: "VPC", Namespace: "default", Name: "ok", Status: drift.StatusInSync},
		{Kind: "VPC", Namespace: "default", Name: "bad", Status: drift.StatusError, Error: ".spec.notAField: field not declared in schema"},
	}
	rep.Add(drift.FabricReport{Name: "lab", Resources: res, Summary: drift.SummaryOf(res)})
	if !rep.HasErrors() || rep.Summary.Errors != 1 {
		t.Fatalf("report %+v: want one error", rep.Summary)
	}
	var b bytes.Buffer
	if err := WriteDriftTable(&b, rep, DriftOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"1 not judged (error)", "lab\tVPC\tbad\terror\t.spec.notAField: field not declared in schema"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	if err := WriteDriftJUnit(&b, rep, JUnitTiming{}); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, `errors="1"`) || !strings.Contains(out, `<error message=".spec.notAField: field not declared in schema" type="error">`) {
		t.Errorf("junit:\n%s", out)
	}
}
