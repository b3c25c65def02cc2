package printers

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// CheckFormat returns an error naming the allowed formats when format is not
// one of them.
func CheckFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return fmt.Errorf("unknown output format %q; allowed formats: %s", format, strings.Join(allowed, ", "))
}

// List wraps items in a v1 List, as `kubectl get -o json|yaml` prints them.
func List(items []*unstructured.Unstructured) map[string]interface{} {
	out := make([]interface{}, len(items))
	for i, it := range items {
		out[i] = it.Object
	}
	return map[string]interface{}{
		"apiVersion": "v1",
		"kind":       "List",
		"metadata":   map[string]interface{}{"resourceVersion": ""},
		"items":      out,
	}
}

// WriteJSON writes v as indented JSON with a final newline.
func WriteJSON(w io.Writer, v interface{}) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "    ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteYAML writes v as YAML.
func WriteYAML(w io.Writer, v interface{}) error {
	b, err := yaml.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// WriteData writes v as "json" or "yaml".
func WriteData(w io.Writer, format string, v interface{}) error {
	switch format {
	case "json":
		return WriteJSON(w, v)
	case "yaml":
		return WriteYAML(w, v)
	}
	return CheckFormat(format, "json", "yaml")
}

// Name renders an object as kubectl's `-o name` does: "singular.group/name"
// (kubectl prints the lower-case singular, as in vpc.vpc.githedgehog.com/vpc-1).
func Name(singular, group, name string) string {
	return singular + "." + group + "/" + name
}
