// Package printers renders command results: aligned tables for people,
// tab-separated rows for pipes, and JSON, YAML and names for scripts.
package printers

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Table is a header and rows of cells, rendered by WriteTable.
type Table struct {
	Header []string
	Rows   [][]string
}

// TableOptions control how a table is written.
type TableOptions struct {
	// NoHeaders omits the header line.
	NoHeaders bool
	// Aligned renders kubectl-style aligned columns (for terminals);
	// otherwise rows are tab-separated, which suits pipes and awk.
	Aligned bool
}

// WriteTable renders t to w.
func WriteTable(w io.Writer, t Table, opts TableOptions) error {
	if !opts.Aligned {
		var b strings.Builder
		if !opts.NoHeaders {
			b.WriteString(strings.Join(t.Header, "\t"))
			b.WriteByte('\n')
		}
		for _, r := range t.Rows {
			b.WriteString(strings.Join(r, "\t"))
			b.WriteByte('\n')
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	if len(t.Rows) == 0 && opts.NoHeaders {
		return nil
	}
	cell := tw.CellConfig{
		Formatting: tw.CellFormatting{AutoFormat: tw.Off, AutoWrap: tw.WrapNone},
		Alignment:  tw.CellAlignment{Global: tw.AlignLeft},
		Padding:    tw.CellPadding{Global: tw.Padding{Left: "", Right: "   ", Overwrite: true}},
	}
	var buf strings.Builder
	tbl := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{
				Separators: tw.Separators{ShowHeader: tw.Off, ShowFooter: tw.Off, BetweenRows: tw.Off, BetweenColumns: tw.Off},
				Lines:      tw.Lines{ShowTop: tw.Off, ShowBottom: tw.Off, ShowHeaderLine: tw.Off, ShowFooterLine: tw.Off},
			},
		})),
		tablewriter.WithConfig(tablewriter.Config{Header: cell, Row: cell}),
		tablewriter.WithTrimSpace(tw.Off),
	)
	if !opts.NoHeaders {
		tbl.Header(toAny(t.Header)...)
	}
	for _, r := range t.Rows {
		if err := tbl.Append(r); err != nil {
			return fmt.Errorf("rendering table: %w", err)
		}
	}
	if err := tbl.Render(); err != nil {
		return fmt.Errorf("rendering table: %w", err)
	}
	// The renderer pads the last column too; kubectl's tables have no
	// trailing blanks, and neither do ours.
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	var out strings.Builder
	for _, l := range lines {
		out.WriteString(strings.TrimRight(l, " "))
		out.WriteByte('\n')
	}
	_, err := io.WriteString(w, out.String())
	return err
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
