package list

import (
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/printers"
)

// PrintOptions say how Print renders items.
type PrintOptions struct {
	Format printers.ObjectFormat
	// Table chooses the columns of table and wide output.
	Table TableOptions
	// Single prints one object as itself (get of one name) rather than in
	// a v1 List, for json, yaml and jsonpath.
	Single bool
	// Annotate adds list's annotations (fabric, sync, file) to the objects
	// printed as json, yaml, jsonpath and custom-columns.
	Annotate          bool
	ShowManagedFields bool
}

// Print renders items in any of list's and get's formats: table, wide,
// json, yaml, name, jsonpath=… and custom-columns=….
func Print(w io.Writer, items []Item, o PrintOptions) error {
	switch o.Format.Name {
	case "table", "wide":
		return WriteTables(w, items, o.Table)
	case "name":
		for _, it := range items {
			if _, err := fmt.Fprintln(w, printers.Name(it.Kind.Singular, it.Kind.Group, it.Key.Name)); err != nil {
				return err
			}
		}
		return nil
	}
	objs := make([]*unstructured.Unstructured, len(items))
	for i, it := range items {
		objs[i] = it.object(o.Annotate, o.ShowManagedFields)
	}
	switch o.Format.Name {
	case "json", "yaml":
		if o.Single && len(objs) == 1 {
			return printers.WriteData(w, o.Format.Name, objs[0].Object)
		}
		return printers.WriteData(w, o.Format.Name, printers.List(objs))
	case "jsonpath":
		return printers.WriteJSONPath(w, o.Format.Arg, objs, o.Single)
	case "custom-columns":
		cols, err := printers.ParseCustomColumns(o.Format.Arg)
		if err != nil {
			return err
		}
		t, err := printers.CustomColumnsTable(cols, objs)
		if err != nil {
			return err
		}
		return printers.WriteTable(w, t, printers.TableOptions{NoHeaders: o.Table.NoHeaders, Aligned: o.Table.Aligned})
	}
	return fmt.Errorf("unknown output format %q", o.Format.Name)
}

// object is the item's object as printed: annotated (list) or as read (get),
// managedFields dropped unless asked for.
func (it Item) object(annotate, showManagedFields bool) *unstructured.Unstructured {
	if annotate {
		return it.Annotated(showManagedFields)
	}
	return it.withAgentStatus(it.printedCopy(showManagedFields))
}

// SortItems orders items by the value at a JSONPath (--sort-by), stably;
// an empty path keeps the order. The path sees the objects as -o json shows
// them, list's annotations included.
func SortItems(items []Item, path string) ([]Item, error) {
	if path == "" {
		return items, nil
	}
	objs := make([]*unstructured.Unstructured, len(items))
	for i, it := range items {
		objs[i] = it.Annotated(true)
	}
	order, err := printers.SortOrder(objs, path)
	if err != nil {
		return nil, err
	}
	out := make([]Item, len(items))
	for i, j := range order {
		out[i] = items[j]
	}
	return out, nil
}
