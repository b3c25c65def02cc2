package sync

import (
	"strings"
	"testing"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// The summary names the documents Git holds of other kinds under the
// fabric's header, and keeps a fabric's error of several lines on one.
func TestWriteSummarySkippedAndErrors(t *testing.T) {
	sum := Summary{Time: time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC), Fabrics: []FabricSummary{
		{Name: "lab", GitRevision: "1a2b3c4d5e", Total: KindSummary{Kind: "TOTAL"},
			Skipped: []resource.Skipped{{File: "fabrics/lab/gw.yaml", Line: 1, Kind: "Gateway"}}},
		{Name: "broken", Error: "fabrics/b/a.yaml: too many links\nfabrics/b/b.yaml: too many links"},
	}}
	var b strings.Builder
	if err := writeSummary(&b, sum, false); err != nil {
		t.Fatal(err)
	}
	want := "fabric lab: Git revision 1a2b3c4, read 2026-12-02T04:00:00Z\n" +
		"skipped 1 document of kinds kubectl-hnp does not manage: Gateway (1)\n" +
		"KIND\tGIT\tCLUSTER\tIN SYNC\tDRIFTED\tMISSING FROM CLUSTER\tNOT IN GIT\n" +
		"TOTAL\t0\t0\t0\t0\t0\t0\n" +
		"\n" +
		"fabric broken: Git revision -, read 2026-12-02T04:00:00Z\n" +
		"error: fabrics/b/a.yaml: too many links; fabrics/b/b.yaml: too many links\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
