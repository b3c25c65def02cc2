package printers

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

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

// jsonOptions make go-json-experiment write what encoding/json's Encoder
// writes with SetIndent("", "    ") and SetEscapeHTML(false).
var jsonOptions = jsonv2.JoinOptions(
	jsonv1.DefaultOptionsV1(),
	jsontext.WithIndent("    "),
	jsontext.EscapeForHTML(false),
)

// WriteJSON writes v as indented JSON with a final newline, byte for byte
// as encoding/json's Encoder would with 4-space indentation and no HTML
// escaping, except that invalid UTF-8 becomes the character U+FFFD where
// encoding/json writes the escape \ufffd (the same string). It streams:
// encoding/json marshals the whole value and then indents it in a second
// buffer, which for a drift report of a fleet was about 35 MB of memory
// written once. A value that cannot be encoded is an error after what was
// encoded before it (beyond the first 64 KiB) has been written.
func WriteJSON(w io.Writer, v interface{}) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := jsonv2.MarshalWrite(bw, v, jsonOptions); err != nil {
		return err
	}
	if err := bw.WriteByte('\n'); err != nil {
		return err
	}
	return bw.Flush()
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
