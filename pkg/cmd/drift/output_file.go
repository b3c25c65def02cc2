package drift

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

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
// the files. Each file is written whole or not at all; the first failure
// stops, naming the file.
func (o *Options) writeFiles(rep *driftpkg.Report, comps []*comparison, timing printers.JUnitTiming) error {
	for _, f := range o.files {
		var b bytes.Buffer
		if err := o.print(&b, f.format, false, rep, comps, timing); err != nil {
			return fmt.Errorf("--output-file %s=%s: %w", f.format, f.path, err)
		}
		if err := writeFileAtomic(f.path, b.Bytes()); err != nil {
			return fmt.Errorf("--output-file %s=%s: %w", f.format, f.path, err)
		}
	}
	return nil
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory and a rename, so that a reader never sees half a report and a
// failure leaves the old file as it was.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
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
