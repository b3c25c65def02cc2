package list

import (
	"io"

	"github.com/githedgehog/kubectl-hnp/pkg/printers"
)

// TableOptions choose the columns of list's tables.
type TableOptions struct {
	Wide        bool
	ManyFabrics bool
	ManyKinds   bool
	// Sync adds the SYNC and VALUES columns (both sides were read).
	Sync      bool
	NoHeaders bool
	Aligned   bool
	// Agents adds APPLIED and HEARTBEAT to the switches' table (their
	// Agents were read).
	Agents bool
}

// WriteTables prints one table per kind (kind-specific columns differ),
// separated by a blank line, like `kubectl get` of several kinds.
func WriteTables(w io.Writer, items []Item, opts TableOptions) error {
	var order []string
	groups := map[string][]Item{}
	for _, it := range items {
		if _, ok := groups[it.Kind.Kind]; !ok {
			order = append(order, it.Kind.Kind)
		}
		groups[it.Kind.Kind] = append(groups[it.Kind.Kind], it)
	}
	for i, kind := range order {
		if i > 0 && opts.Aligned {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		if err := printers.WriteTable(w, BuildTable(groups[kind], opts), printers.TableOptions{NoHeaders: opts.NoHeaders, Aligned: opts.Aligned}); err != nil {
			return err
		}
	}
	return nil
}

// BuildTable builds the table of items that share one kind.
func BuildTable(items []Item, opts TableOptions) printers.Table {
	var t printers.Table
	if len(items) == 0 {
		return t
	}
	kind := items[0].Kind
	if opts.ManyFabrics {
		t.Header = append(t.Header, "FABRIC")
	}
	if opts.ManyKinds {
		t.Header = append(t.Header, "KIND")
	}
	t.Header = append(t.Header, "NAME")
	if opts.Wide {
		t.Header = append(t.Header, "NAMESPACE")
	}
	if opts.Sync {
		// With both sides read, the columns after VALUES show the cluster's
		// copy where there is one, Git's otherwise: say which, per row.
		t.Header = append(t.Header, "SYNC", "VALUES")
	}
	for _, c := range kind.Columns {
		if !c.Wide || opts.Wide {
			t.Header = append(t.Header, c.Header)
		}
	}
	agents := opts.Agents && kind.Kind == "Switch"
	if agents {
		t.Header = append(t.Header, "APPLIED", "HEARTBEAT")
	}
	if opts.Wide {
		t.Header = append(t.Header, "FILE")
	}
	for _, it := range items {
		var row []string
		if opts.ManyFabrics {
			row = append(row, it.Fabric)
		}
		if opts.ManyKinds {
			row = append(row, kind.Kind)
		}
		row = append(row, it.Key.Name)
		if opts.Wide {
			row = append(row, it.Key.Namespace)
		}
		if opts.Sync {
			row = append(row, dash(string(it.Sync)), dash(it.Values))
		}
		for _, c := range kind.Columns {
			if !c.Wide || opts.Wide {
				row = append(row, dash(c.Value(it.Obj)))
			}
		}
		if agents {
			applied, heartbeat := "-", "-"
			if it.Agent != nil {
				applied, heartbeat = it.Agent.Status.String(), it.Agent.Heartbeat
			}
			row = append(row, applied, heartbeat)
		}
		if opts.Wide {
			file := "-"
			if it.Origin != nil {
				file = it.Origin.String()
			}
			row = append(row, file)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// dash shows an empty cell as "-" in aligned tables and keeps TSV columns
// countable.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
