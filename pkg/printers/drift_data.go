package printers

import (
	"errors"
	"io"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// WriteDriftData writes r as "json" or "yaml" in the stable schema of
// drift.Report: every fabric has resources and skipped lists (empty, not
// null) and an error ("" when none), and diff values keep their JSON types.
// YAML is converted from the JSON, so both use the same field names. r is
// not modified.
func WriteDriftData(w io.Writer, format string, r *drift.Report) error {
	if err := CheckFormat(format, "json", "yaml"); err != nil {
		return err
	}
	if r == nil {
		return errors.New("no drift report to print")
	}
	out := *r
	if out.APIVersion == "" {
		out.APIVersion = drift.ReportAPIVersion
	}
	if out.Kind == "" {
		out.Kind = drift.ReportKind
	}
	out.Fabrics = make([]drift.FabricReport, len(r.Fabrics))
	for i, f := range r.Fabrics {
		if f.Resources == nil {
			f.Resources = []drift.ResourceResult{}
		}
		if f.Skipped == nil {
			f.Skipped = []resource.Skipped{}
		}
		out.Fabrics[i] = f
	}
	return WriteData(w, format, &out)
}
