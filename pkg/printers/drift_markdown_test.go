package printers

import (
	"bytes"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

func writeDriftMarkdown(t *testing.T, r *drift.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteDriftMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// unescapedPipes counts the "|" that delimit cells of a Markdown table row.
func unescapedPipes(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n
}

func TestDriftMarkdownTablesKeepTheirColumns(t *testing.T) {
	hostile := "a|b `c` \\| <details> *x* _y_\nnext"
	rs := []drift.ResourceResult{{Kind: "VPC", Namespace: "default", Name: "v|1", Status: drift.StatusDrifted, File: "a|b.yaml", Line: 1,
		Diffs: []drift.FieldDiff{{Path: "/spec/" + hostile, Desired: hostile, Actual: hostile + "!", Type: drift.DiffChanged}}}}
	r := sampleReport()
	r.Add(drift.FabricReport{Name: "f|g", GitRevision: "`rev`", Summary: drift.SummaryOf(rs), Resources: rs})
	out := writeDriftMarkdown(t, r)
	tables := 0
	want := -1
	for _, l := range outputLines(out) {
		if !strings.HasPrefix(l, "|") {
			want = -1
			continue
		}
		if want < 0 {
			want = unescapedPipes(l)
			tables++
			continue
		}
		if got := unescapedPipes(l); got != want {
			t.Errorf("%d cell delimiters, header has %d: %s", got, want, l)
		}
	}
	// Summary; per fabric lab, edge, f|g a resource table; details of
	// vpc-1, vpc-2, edge-1 and v|1.
	if tables != 1+3+4 {
		t.Errorf("%d tables:\n%s", tables, out)
	}
	if strings.Contains(out, "<details> *x*") || strings.Contains(out, "`c`") {
		t.Errorf("unescaped Markdown:\n%s", out)
	}
	if !strings.Contains(out, "<summary>VPC default/v|1: 1 field</summary>") {
		t.Errorf("details summary missing:\n%s", out)
	}
}

func TestDriftMarkdownVerdict(t *testing.T) {
	if out := writeDriftMarkdown(t, inSyncReport()); !strings.HasPrefix(out, "### ✅ No drift\n") || strings.Contains(out, "####") {
		t.Errorf("in sync:\n%s", out)
	}
	if out := writeDriftMarkdown(t, sampleReport()); !strings.HasPrefix(out, "### ⚠️ Drift found in 5 resources\n\n❌ 1 fabric could not be checked.\n") {
		t.Errorf("drift:\n%s", out)
	}
	r := inSyncReport()
	r.Add(drift.FabricReport{Name: "x", Error: "boom"})
	if out := writeDriftMarkdown(t, r); !strings.HasPrefix(out, "### ❌ 1 fabric could not be checked\n") {
		t.Errorf("error without drift:\n%s", out)
	}
}

func TestMdCell(t *testing.T) {
	tests := map[string]string{
		"a|b":          `a\|b`,
		"`code`":       "\\`code\\`",
		`back\slash`:   `back\\slash`,
		"line\r\nnext": "line next",
		"<b>&amp;":     `\<b\>\&amp;`,
		"plain-text.1": "plain-text.1",
	}
	for in, want := range tests {
		if got := mdCell(in); got != want {
			t.Errorf("mdCell(%q) = %q, want %q", in, got, want)
		}
	}
}
