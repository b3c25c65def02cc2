package printers

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	cliprinters "k8s.io/cli-runtime/pkg/printers"
	"k8s.io/client-go/util/jsonpath"
)

// ObjectFormat is a parsed -o value of the commands that print objects:
// a plain name (table, wide, json, yaml, name) or one of kubectl's template
// formats, "jsonpath=TEMPLATE" and "custom-columns=SPEC".
type ObjectFormat struct {
	// Name is the format without its argument: "table", "jsonpath", ...
	Name string
	// Arg is what follows "=" for jsonpath and custom-columns.
	Arg string
}

// Templated reports whether the format is jsonpath or custom-columns.
func (f ObjectFormat) Templated() bool {
	return f.Name == "jsonpath" || f.Name == "custom-columns"
}

// ParseObjectFormat reads an -o value. plain are the allowed plain formats;
// jsonpath=… and custom-columns=… are always accepted, and their argument is
// checked here so that a bad template fails before anything is read.
func ParseObjectFormat(output string, plain ...string) (ObjectFormat, error) {
	name, arg, hasArg := strings.Cut(output, "=")
	switch name {
	case "jsonpath", "custom-columns":
		if !hasArg || strings.TrimSpace(arg) == "" {
			return ObjectFormat{}, fmt.Errorf("-o %s needs a template, as in -o %s", name, formatExample(name))
		}
		f := ObjectFormat{Name: name, Arg: arg}
		var err error
		if name == "jsonpath" {
			_, err = newJSONPath(arg)
		} else {
			_, err = ParseCustomColumns(arg)
		}
		return f, err
	}
	allowed := append(append([]string{}, plain...), "jsonpath=TEMPLATE", "custom-columns=SPEC")
	if hasArg {
		return ObjectFormat{}, CheckFormat(output, allowed...)
	}
	for _, p := range plain {
		if output == p {
			return ObjectFormat{Name: output}, nil
		}
	}
	return ObjectFormat{}, CheckFormat(output, allowed...)
}

func formatExample(name string) string {
	if name == "jsonpath" {
		return "jsonpath='{.metadata.name}'"
	}
	return "custom-columns=NAME:.metadata.name,VLAN:.spec.subnets.default.vlan"
}

// newJSONPath compiles a template with kubectl's settings: missing keys
// print nothing instead of failing.
func newJSONPath(tmpl string) (*cliprinters.JSONPathPrinter, error) {
	p, err := cliprinters.NewJSONPathPrinter(tmpl)
	if err != nil {
		return nil, fmt.Errorf("invalid jsonpath template %q: %w", tmpl, err)
	}
	p.AllowMissingKeys(true)
	return p, nil
}

// WriteJSONPath prints the objects through a JSONPath template, as
// `kubectl get -o jsonpath=…` does: one object is the template's root, several
// are wrapped in a v1 List (so {.items[*].metadata.name} works).
func WriteJSONPath(w io.Writer, tmpl string, objs []*unstructured.Unstructured, single bool) error {
	p, err := newJSONPath(tmpl)
	if err != nil {
		return err
	}
	root := &unstructured.Unstructured{Object: List(objs)}
	if single && len(objs) == 1 {
		root = objs[0]
	}
	var buf bytes.Buffer
	if err := p.PrintObj(root, &buf); err != nil {
		// The library's message dumps the whole object; the template is enough.
		return fmt.Errorf("jsonpath %q: %s", tmpl, firstLine(err.Error()))
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// CustomColumn is one column of -o custom-columns: a header and a JSONPath.
type CustomColumn struct {
	Header string
	Path   string
	parser *jsonpath.JSONPath
}

// ParseCustomColumns reads "HEADER:PATH,HEADER:PATH" (PATH as kubectl takes
// it: ".spec.x", "{.spec.x}" or "spec.x").
func ParseCustomColumns(spec string) ([]CustomColumn, error) {
	var out []CustomColumn
	for _, part := range strings.Split(spec, ",") {
		header, path, ok := strings.Cut(part, ":")
		if !ok || strings.TrimSpace(header) == "" || strings.TrimSpace(path) == "" {
			return nil, fmt.Errorf("custom-columns: expected HEADER:JSONPATH, got %q", part)
		}
		expr, err := RelaxedJSONPath(path)
		if err != nil {
			return nil, fmt.Errorf("custom-columns %s: %w", header, err)
		}
		j := jsonpath.New(header).AllowMissingKeys(true)
		if err := j.Parse(expr); err != nil {
			return nil, fmt.Errorf("custom-columns %s: invalid jsonpath %q: %w", header, path, err)
		}
		out = append(out, CustomColumn{Header: header, Path: path, parser: j})
	}
	return out, nil
}

var relaxedRE = regexp.MustCompile(`^\{?(\.?[^{}]*)\}?$`)

// RelaxedJSONPath turns ".a.b", "a.b" or "{.a.b}" into "{.a.b}", as kubectl
// accepts column and sort paths.
func RelaxedJSONPath(path string) (string, error) {
	path = strings.TrimSpace(path)
	m := relaxedRE.FindStringSubmatch(path)
	if m == nil {
		return "", fmt.Errorf("unexpected path %q: expected a JSONPath such as .metadata.name", path)
	}
	expr := m[1]
	if !strings.HasPrefix(expr, ".") {
		expr = "." + expr
	}
	return "{" + expr + "}", nil
}

// CustomColumnsTable evaluates the columns on each object; a value that is
// missing is shown as "<none>", as kubectl does.
func CustomColumnsTable(cols []CustomColumn, objs []*unstructured.Unstructured) (Table, error) {
	var t Table
	for _, c := range cols {
		t.Header = append(t.Header, c.Header)
	}
	for _, o := range objs {
		row := make([]string, len(cols))
		for i, c := range cols {
			vals, err := c.parser.FindResults(o.Object)
			if err != nil {
				return t, fmt.Errorf("custom-columns %s on %s: %w", c.Header, o.GetName(), err)
			}
			var cells []string
			for _, set := range vals {
				for _, v := range set {
					cells = append(cells, fmt.Sprint(v.Interface()))
				}
			}
			row[i] = "<none>"
			if len(cells) > 0 {
				row[i] = Sanitize(strings.Join(cells, ","))
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.TrimSuffix(strings.TrimSpace(s), " Printing more information for debugging the template:")
}
