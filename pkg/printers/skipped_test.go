package printers

import (
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func TestSkippedLine(t *testing.T) {
	tests := []struct {
		skipped []resource.Skipped
		want    string
	}{
		{nil, ""},
		{[]resource.Skipped{{File: "a.yaml", Line: 1, APIVersion: "gateway.networking.k8s.io/v1", Kind: "Gateway", Name: "gw"}},
			"skipped 1 document of kinds kubectl-hnp does not manage: Gateway (1)"},
		{[]resource.Skipped{{Kind: "Kustomization"}, {Kind: "ConfigMap"}, {}, {Kind: "ConfigMap"}, {Kind: "Bad\nKind"}},
			`skipped 5 documents of kinds kubectl-hnp does not manage: (no kind) (1), Bad\nKind (1), ConfigMap (2), Kustomization (1)`},
	}
	for _, tt := range tests {
		if got := SkippedLine(tt.skipped); got != tt.want {
			t.Errorf("SkippedLine(%v)\n got %q\nwant %q", tt.skipped, got, tt.want)
		}
	}
}

func TestOneLine(t *testing.T) {
	tests := map[string]string{
		"plain":                                  "plain",
		"a: too many links\nb: too many links\n": "a: too many links; b: too many links",
		"first\r\n\n  second  \n":                "first; second",
		"tab\there\x1b[31m":                      `tab\there\x1b[31m`,
	}
	for in, want := range tests {
		if got := OneLine(in); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", in, got, want)
		}
	}
}

// An error of several lines (such as two symbolic link loops) stays on its
// fabric's summary line, without escaped newlines.
func TestDriftTableErrorIsOneLine(t *testing.T) {
	r := drift.NewReport()
	r.Add(drift.FabricReport{Name: "lab", Error: "fabrics/lab/a.yaml: too many links\nfabrics/lab/b.yaml: too many links"})
	out := writeDriftTable(t, r, DriftOptions{})
	want := "fabric lab: error: fabrics/lab/a.yaml: too many links; fabrics/lab/b.yaml: too many links\n"
	if out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	if strings.Contains(out, `\n`) {
		t.Errorf("escaped newline in %q", out)
	}
}
