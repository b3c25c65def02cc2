package printers

import (
	"bytes"
	"strings"
	"testing"
)

func writeDriftDiff(t *testing.T, diffs []ResourceDiff, color bool) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteDriftDiff(&b, diffs, color); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestDriftDiffConcatenates(t *testing.T) {
	out := writeDriftDiff(t, sampleDiffs, false)
	want := sampleDiffs[0].Text + sampleDiffs[1].Text + "\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if out := writeDriftDiff(t, []ResourceDiff{{Fabric: "lab"}}, true); out != "" {
		t.Errorf("empty diff printed %q", out)
	}
}

func TestDriftDiffColorKeepsText(t *testing.T) {
	if got, want := stripANSI(writeDriftDiff(t, sampleDiffs, true)), writeDriftDiff(t, sampleDiffs, false); got != want {
		t.Errorf("colour changed the text:\n%s", got)
	}
}

func TestDriftDiffColorsByRole(t *testing.T) {
	// A removed line reading "--- b" and an added one reading "+++ c" sit
	// inside a hunk and are not file headers.
	text := "--- git/A\n+++ cluster/A\n@@ -1,3 +1,3 @@\n a\n--- b\n+++ c\n\\ No newline at end of file\n"
	got := outputLines(writeDriftDiff(t, []ResourceDiff{{Text: text}}, true))
	want := []string{
		ansiBold + "--- git/A" + ansiReset,
		ansiBold + "+++ cluster/A" + ansiReset,
		ansiCyan + "@@ -1,3 +1,3 @@" + ansiReset,
		" a",
		ansiRed + "--- b" + ansiReset,
		ansiGreen + "+++ c" + ansiReset,
		`\ No newline at end of file`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestHunkCounts(t *testing.T) {
	tests := map[string][2]int{
		"@@ -5,7 +5,8 @@":  {7, 8},
		"@@ -3 +3 @@":      {1, 1},
		"@@ -0,0 +1,12 @@": {0, 12},
		"@@ -1,x +1,2 @@":  {0, 2},
		"@@":               {0, 0},
	}
	for h, want := range tests {
		if old, new := hunkCounts(h); old != want[0] || new != want[1] {
			t.Errorf("hunkCounts(%q) = %d, %d; want %v", h, old, new, want)
		}
	}
}
