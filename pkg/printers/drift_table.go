package printers

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// DriftOptions control how WriteDriftTable renders a drift report.
type DriftOptions struct {
	// Aligned renders aligned columns (stdout is a terminal); otherwise
	// rows are tab-separated.
	Aligned bool
	// Color marks statuses with symbols and ANSI colours (a terminal, and
	// NO_COLOR unset).
	Color bool
	// All lists resources in sync too.
	All bool
	// Wide lists every field diff in full instead of the first two,
	// truncated.
	Wide bool
	// NoHeaders prints the rows only: no per-fabric summary lines and no
	// header line.
	NoHeaders bool
}

// ANSI escape sequences.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

var statusStyles = map[drift.Status]struct{ symbol, color string }{
	drift.StatusInSync:             {"✓", ansiGreen},
	drift.StatusDrifted:            {"⚠", ansiYellow},
	drift.StatusMissingFromCluster: {"✗", ansiRed},
	drift.StatusNotInGit:           {"↻", ansiCyan},
	drift.StatusError:              {"!", ansiRed},
}

var (
	driftHeader     = []string{"FABRIC", "KIND", "NAME", "STATUS", "FIELDS", "FILE"}
	driftHeaderWide = []string{"FABRIC", "KIND", "NAME", "NAMESPACE", "STATUS", "FIELDS", "FILE"}
)

func dashEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteDriftTable renders r for people: one summary line per fabric (and
// one more when it skipped documents of other kinds), then a blank line and a table of the resources not in sync (all of them with
// o.All), in the order of the report. The table is left out when it would
// have no rows.
func WriteDriftTable(w io.Writer, r *drift.Report, o DriftOptions) error {
	if r == nil {
		return errors.New("no drift report to print")
	}
	var b strings.Builder
	if !o.NoHeaders {
		for _, f := range r.Fabrics {
			b.WriteString(fabricSummaryLine(f))
			b.WriteByte('\n')
			if line := PipelineLine(f.Name, f.GitRevision, f.Deployer); line != "" {
				b.WriteString(line + "\n")
			}
			if line := SkippedLine(f.Skipped); line != "" {
				b.WriteString("fabric " + sanitize(f.Name) + ": " + line + "\n")
			}
		}
	}
	// NAME is the bare name, as in list; -o wide adds NAMESPACE, as list's
	// wide table does.
	t := Table{Header: driftHeader}
	if o.Wide {
		t.Header = driftHeaderWide
	}
	for _, f := range r.Fabrics {
		for _, res := range f.Resources {
			if res.Status == drift.StatusInSync && !o.All {
				continue
			}
			file := fileLocation(res)
			if file == "" {
				file = "-"
			}
			row := []string{sanitize(f.Name), sanitize(res.Kind), sanitize(res.Name)}
			if o.Wide {
				row = append(row, sanitize(dashEmpty(res.Namespace)))
			}
			t.Rows = append(t.Rows, append(row,
				pendingCell(statusCell(res.Status, o.Color), res), resultCell(res, o.Wide), sanitize(file)))
		}
	}
	if len(t.Rows) > 0 && b.Len() > 0 {
		b.WriteByte('\n')
	}
	// The switches that did not apply their config come after the table.
	var after strings.Builder
	if !o.NoHeaders {
		writeUnappliedBlock(&after, r)
	}
	if len(t.Rows) == 0 {
		if after.Len() > 0 && b.Len() > 0 {
			b.WriteByte('\n')
		}
		_, err := io.WriteString(w, b.String()+after.String())
		return err
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if err := WriteTable(w, t, TableOptions{Aligned: o.Aligned, NoHeaders: o.NoHeaders}); err != nil {
		return err
	}
	if after.Len() > 0 {
		_, err := io.WriteString(w, "\n"+after.String())
		return err
	}
	return nil
}

// fabricSummaryLine is, for example, "fabric lab (revision 1a2b3c4): 3
// resources, 1 in sync, 1 drifted, 0 missing from cluster, 1 not in Git".
func fabricSummaryLine(f drift.FabricReport) string {
	name := "fabric " + sanitize(f.Name)
	if f.Error != "" {
		return name + ": error: " + OneLine(f.Error)
	}
	if rev := shortRevision(f.GitRevision); rev != "" {
		name += " (revision " + sanitize(rev) + ")"
	}
	s := f.Summary
	line := fmt.Sprintf("%s: %s, %d in sync, %d drifted, %d missing from cluster, %d not in Git",
		name, plural(s.Total, "resource"), s.InSync, s.Drifted, s.MissingFromCluster, s.NotInGit)
	if s.Errors > 0 {
		line += fmt.Sprintf(", %d not judged (error)", s.Errors)
	}
	if s.PendingDeploy > 0 {
		line += fmt.Sprintf(" (%d pending deploy)", s.PendingDeploy)
	}
	if s.DeployerSkips > 0 {
		line += fmt.Sprintf(" (%d skipped by Flux)", s.DeployerSkips)
	}
	return line
}

// statusCell is the status word, with colour its symbol too, coloured.
func statusCell(s drift.Status, color bool) string {
	st, ok := statusStyles[s]
	if !color || !ok {
		return sanitize(string(s))
	}
	return st.color + st.symbol + " " + string(s) + ansiReset
}

// pendingCell marks the status of an object whose Git change the
// deployer has not applied yet, "drifted (pendingDeploy)", or that the
// deployer is told not to apply, "drifted (skipped by Flux)".
func pendingCell(cell string, res drift.ResourceResult) string {
	switch {
	case res.PendingDeploy:
		return cell + " (pendingDeploy)"
	case res.DeployerSkips != "":
		return cell + " (skipped by Flux)"
	}
	return cell
}

// resultCell is the FIELDS cell: the differing fields, or why an object
// could not be judged.
func resultCell(res drift.ResourceResult, wide bool) string {
	if res.Status == drift.StatusError {
		return sanitize(res.Error)
	}
	return fieldsCell(res.Diffs, wide)
}
