package printers

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

func writeDriftTable(t *testing.T, r *drift.Report, o DriftOptions) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteDriftTable(&b, r, o); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// tableLines returns the lines of the table after the summary block.
func tableLines(t *testing.T, out string) []string {
	t.Helper()
	_, table, ok := strings.Cut(out, "\n\n")
	if !ok {
		t.Fatalf("no blank line between summary and table in\n%s", out)
	}
	return outputLines(table)
}

func TestDriftTableColorColumnsLineUp(t *testing.T) {
	out := writeDriftTable(t, sampleReport(), DriftOptions{Aligned: true, Color: true})
	if !strings.Contains(out, ansiYellow+"⚠ drifted"+ansiReset) || !strings.Contains(out, ansiRed+"✗ missingFromCluster"+ansiReset) {
		t.Fatalf("statuses are not coloured:\n%q", out)
	}
	lines := tableLines(t, stripANSI(out))
	header := []rune(lines[0])
	for _, col := range []string{"KIND", "NAME", "STATUS", "FIELDS", "FILE"} {
		at := utf8.RuneCountInString(lines[0][:strings.Index(lines[0], col)])
		for _, l := range lines[1:] {
			row := []rune(l)
			if len(row) <= at || row[at-1] != ' ' || row[at] == ' ' {
				t.Errorf("column %s does not start at visible column %d in %q", col, at, l)
			}
		}
		if header[at-1] != ' ' {
			t.Errorf("header column %s not preceded by a blank", col)
		}
	}
}

// cells cuts aligned table lines into cells at the visible columns where
// the header's words start.
func cells(lines []string) [][]string {
	var starts []int
	header := []rune(lines[0])
	for i, r := range header {
		if r != ' ' && (i == 0 || header[i-1] == ' ') {
			starts = append(starts, i)
		}
	}
	out := make([][]string, len(lines))
	for i, l := range lines {
		row := []rune(l)
		for j, s := range starts {
			end := len(row)
			if j+1 < len(starts) && starts[j+1] < end {
				end = starts[j+1]
			}
			cell := ""
			if s < len(row) {
				cell = strings.TrimRight(string(row[s:end]), " ")
			}
			out[i] = append(out[i], cell)
		}
	}
	return out
}

func TestDriftTableColorKeepsCells(t *testing.T) {
	plain := cells(tableLines(t, writeDriftTable(t, sampleReport(), DriftOptions{Aligned: true})))
	color := cells(tableLines(t, stripANSI(writeDriftTable(t, sampleReport(), DriftOptions{Aligned: true, Color: true}))))
	if len(plain) != len(color) {
		t.Fatalf("%d plain lines, %d coloured", len(plain), len(color))
	}
	for i := range plain {
		want := append([]string(nil), plain[i]...)
		if i > 0 {
			want[3] = statusStyles[drift.Status(want[3])].symbol + " " + want[3]
		}
		if strings.Join(color[i], "|") != strings.Join(want, "|") {
			t.Errorf("line %d: got %q, want %q", i, color[i], want)
		}
	}
}

func TestDriftTableNoTrailingBlanks(t *testing.T) {
	for _, o := range []DriftOptions{{Aligned: true}, {Aligned: true, All: true}, {Aligned: true, Wide: true}, {Aligned: true, Color: true}, {}} {
		for _, l := range outputLines(writeDriftTable(t, sampleReport(), o)) {
			if strings.HasSuffix(stripANSI(l), " ") {
				t.Errorf("%+v: trailing blank in %q", o, l)
			}
		}
	}
}

func TestDriftTableRows(t *testing.T) {
	r := sampleReport()
	notInSync := r.Summary.Total - r.Summary.InSync
	if got := len(tableLines(t, writeDriftTable(t, r, DriftOptions{Aligned: true}))) - 1; got != notInSync {
		t.Errorf("%d rows, want %d not in sync", got, notInSync)
	}
	all := tableLines(t, writeDriftTable(t, r, DriftOptions{Aligned: true, All: true}))
	if got := len(all) - 1; got != r.Summary.Total {
		t.Errorf("with All: %d rows, want %d", got, r.Summary.Total)
	}
	// Rows keep the order of the report, fabric by fabric.
	var want []string
	for _, f := range r.Fabrics {
		for _, res := range f.Resources {
			want = append(want, f.Name+" "+res.Kind+" "+res.Name)
		}
	}
	for i, l := range all[1:] {
		if got := strings.Join(strings.Fields(l)[:3], " "); got != want[i] {
			t.Errorf("row %d is %q, want %q", i, got, want[i])
		}
	}
}

func TestDriftTableTabSeparated(t *testing.T) {
	out := writeDriftTable(t, sampleReport(), DriftOptions{})
	lines := tableLines(t, out)
	if lines[0] != strings.Join(driftHeader, "\t") {
		t.Errorf("header %q", lines[0])
	}
	for _, l := range lines {
		if n := len(strings.Split(l, "\t")); n != len(driftHeader) {
			t.Errorf("%d fields in %q", n, l)
		}
	}
}

func TestDriftTableNoHeadersPrintsRowsOnly(t *testing.T) {
	r := sampleReport()
	lines := outputLines(writeDriftTable(t, r, DriftOptions{NoHeaders: true}))
	if len(lines) != r.Summary.Total-r.Summary.InSync {
		t.Fatalf("got %d lines:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	if !strings.HasPrefix(lines[0], "lab\tConnection\t") {
		t.Errorf("first line %q", lines[0])
	}
}

func TestDriftTableNothingToShow(t *testing.T) {
	out := writeDriftTable(t, inSyncReport(), DriftOptions{Aligned: true})
	want := "fabric lab (revision abc): 1 resource, 1 in sync, 0 drifted, 0 missing from cluster, 0 not in Git\n"
	if out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	if out := writeDriftTable(t, inSyncReport(), DriftOptions{Aligned: true, All: true}); !strings.Contains(out, "FABRIC") {
		t.Errorf("with All the in-sync row is missing:\n%s", out)
	}
	if out := writeDriftTable(t, inSyncReport(), DriftOptions{NoHeaders: true}); out != "" {
		t.Errorf("no headers and no rows: got %q", out)
	}
}

func TestFabricSummaryLine(t *testing.T) {
	tests := []struct {
		f    drift.FabricReport
		want string
	}{
		{drift.FabricReport{Name: "lab", GitRevision: "1a2b3c4d5e6f", Summary: drift.Summary{Total: 14, InSync: 11, Drifted: 1, MissingFromCluster: 1, NotInGit: 1}},
			"fabric lab (revision 1a2b3c4): 14 resources, 11 in sync, 1 drifted, 1 missing from cluster, 1 not in Git"},
		{drift.FabricReport{Name: "lab"}, "fabric lab: 0 resources, 0 in sync, 0 drifted, 0 missing from cluster, 0 not in Git"},
		{drift.FabricReport{Name: "lab", GitRevision: "1a2b3c4d", Error: "no such\nrepo"}, "fabric lab: error: no such; repo"},
	}
	for _, tt := range tests {
		if got := fabricSummaryLine(tt.f); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestStatusCell(t *testing.T) {
	if got := statusCell(drift.StatusNotInGit, false); got != "notInGit" {
		t.Errorf("plain: %q", got)
	}
	if got := statusCell(drift.StatusInSync, true); got != ansiGreen+"✓ inSync"+ansiReset {
		t.Errorf("colour: %q", got)
	}
	if got := statusCell("weird\x1b", true); got != `weird\x1b` {
		t.Errorf("unknown status: %q", got)
	}
}

func TestDriftWritersRejectNilReport(t *testing.T) {
	var b bytes.Buffer
	for name, err := range map[string]error{
		"table":    WriteDriftTable(&b, nil, DriftOptions{}),
		"data":     WriteDriftData(&b, "json", nil),
		"junit":    WriteDriftJUnit(&b, nil, JUnitTiming{}),
		"sarif":    WriteDriftSARIF(&b, nil, DriftTool),
		"github":   WriteDriftGitHub(&b, nil),
		"markdown": WriteDriftMarkdown(&b, nil),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if b.Len() != 0 {
		t.Errorf("wrote %q", b.String())
	}
}
