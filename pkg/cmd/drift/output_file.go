package drift

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/githedgehog/kubectl-hnp/internal/atomicfile"
	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/printers"
)

// outputFile is one --output-file: a format and where to write it.
type outputFile struct {
	format, path string
}

// parseOutputFiles checks the --output-file values: FORMAT=PATH, a known
// format, and no path twice.
func parseOutputFiles(values []string) ([]outputFile, error) {
	var out []outputFile
	seen := map[string]string{}
	for _, v := range values {
		format, path, ok := strings.Cut(v, "=")
		if !ok || format == "" || path == "" {
			return nil, fmt.Errorf("--output-file %q: want FORMAT=PATH, e.g. junit=drift.xml", v)
		}
		if err := printers.CheckFormat(format, formats...); err != nil {
			return nil, fmt.Errorf("--output-file %q: %w", v, err)
		}
		clean := filepath.Clean(path)
		if prev, dup := seen[clean]; dup {
			return nil, fmt.Errorf("--output-file: %s is given twice (%s and %s)", path, prev, format)
		}
		seen[clean] = format
		out = append(out, outputFile{format: format, path: path})
	}
	return out, nil
}

// completeOutputFile completes --output-file: the formats as "FORMAT="
// until one is typed, then file names.
func completeOutputFile(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if strings.Contains(toComplete, "=") {
		return nil, cobra.ShellCompDirectiveDefault
	}
	var out []cobra.Completion
	for _, f := range formats {
		if strings.HasPrefix(f, toComplete) {
			out = append(out, f+"=")
		}
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}

// writeFiles renders the report in each --output-file format and writes
// the files atomically (internal/atomicfile): each whole or not at all. The
// first failure stops, naming the file.
func (o *Options) writeFiles(rep *driftpkg.Report, comps []*comparison, timing printers.JUnitTiming) error {
	for _, f := range o.files {
		var b bytes.Buffer
		if err := o.print(&b, f.format, false, rep, comps, timing); err != nil {
			return fmt.Errorf("--output-file %s=%s: %w", f.format, f.path, err)
		}
		if err := atomicfile.WriteFile(f.path, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("--output-file %s=%s: %w", f.format, f.path, err)
		}
	}
	return nil
}

// timingOf is the JUnit timing of a run that started at start and ended at
// end.
func timingOf(start, end time.Time, comps []*comparison) printers.JUnitTiming {
	t := printers.JUnitTiming{Start: start, Total: end.Sub(start), Fabrics: map[string]time.Duration{}}
	for _, c := range comps {
		t.Fabrics[c.state.Fabric.Name] = c.elapsed
	}
	return t
}
