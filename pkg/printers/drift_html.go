package printers

import (
	"io"

	"github.com/githedgehog/kubectl-hnp/pkg/report"
)

// WriteDriftHTML writes a drift report as one self-contained HTML page
// (pkg/report): status bars, counts by kind, the topology picture, the
// table of objects and the side-by-side diffs.
func WriteDriftHTML(w io.Writer, in report.Input) error {
	return report.Write(w, in)
}
