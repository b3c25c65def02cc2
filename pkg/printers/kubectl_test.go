package printers

import (
	"bytes"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func vpcObj(name string, vlan int64, ns string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "vpc.githedgehog.com/v1beta1",
		"kind":       "VPC",
		"metadata":   map[string]interface{}{"name": name},
		"spec": map[string]interface{}{
			"subnets": map[string]interface{}{"default": map[string]interface{}{"vlan": vlan, "subnet": "10.0." + name[len(name)-1:] + ".0/24"}},
		},
	}}
	if ns != "" {
		u.Object["spec"].(map[string]interface{})["ipv4Namespace"] = ns
	}
	return u
}

func kubectlSample() []*unstructured.Unstructured {
	return []*unstructured.Unstructured{vpcObj("vpc-2", 1020, "default"), vpcObj("vpc-1", 1100, ""), vpcObj("vpc-3", 900, "ipns-2")}
}

func TestParseObjectFormat(t *testing.T) {
	tests := []struct {
		in, name, arg, err string
	}{
		{in: "table", name: "table"},
		{in: "name", name: "name"},
		{in: "jsonpath={.metadata.name}", name: "jsonpath", arg: "{.metadata.name}"},
		{in: "custom-columns=NAME:.metadata.name", name: "custom-columns", arg: "NAME:.metadata.name"},
		{in: "jsonpath", err: "-o jsonpath needs a template"},
		{in: "jsonpath={.metadata.name", err: "invalid jsonpath template"},
		{in: "custom-columns=NAME", err: "expected HEADER:JSONPATH"},
		{in: "go-template={{.x}}", err: `unknown output format "go-template={{.x}}"; allowed formats: table, name, jsonpath=TEMPLATE, custom-columns=SPEC`},
		{in: "xml", err: `unknown output format "xml"`},
	}
	for _, tt := range tests {
		f, err := ParseObjectFormat(tt.in, "table", "name")
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want one containing %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || f.Name != tt.name || f.Arg != tt.arg {
			t.Errorf("%q: got %+v, %v; want %s %q", tt.in, f, err, tt.name, tt.arg)
		}
	}
}

func TestWriteJSONPath(t *testing.T) {
	objs := kubectlSample()
	var b bytes.Buffer
	if err := WriteJSONPath(&b, `{range .items[*]}{.metadata.name}{"\t"}{.spec.subnets.default.vlan}{"\t"}{.spec.ipv4Namespace}{"\n"}{end}`, objs, false); err != nil {
		t.Fatal(err)
	}
	golden(t, "jsonpath-list", b.String())
	b.Reset()
	// One object is the root, as `kubectl get vpc vpc-1 -o jsonpath=…`.
	if err := WriteJSONPath(&b, "{.metadata.name}", objs[:1], true); err != nil {
		t.Fatal(err)
	}
	if b.String() != "vpc-2" {
		t.Errorf("single object: got %q", b.String())
	}
	if err := WriteJSONPath(&b, "{.items[0].metadata.name", objs, false); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("a bad template must fail in one line, got %v", err)
	}
}

func TestCustomColumns(t *testing.T) {
	cols, err := ParseCustomColumns("NAME:.metadata.name,VLAN:{.spec.subnets.default.vlan},IPNS:spec.ipv4Namespace")
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := CustomColumnsTable(cols, kubectlSample())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteTable(&b, tbl, TableOptions{Aligned: true}); err != nil {
		t.Fatal(err)
	}
	golden(t, "custom-columns", b.String())
}

func TestSortOrder(t *testing.T) {
	objs := kubectlSample()
	tests := []struct {
		path string
		want string
	}{
		{".metadata.name", "vpc-1 vpc-2 vpc-3"},
		{"{.spec.subnets.default.vlan}", "vpc-3 vpc-2 vpc-1"}, // numbers by value, not as text
		{".spec.ipv4Namespace", "vpc-1 vpc-2 vpc-3"},          // missing first
		{".spec.nothing", "vpc-2 vpc-1 vpc-3"},                // stable
	}
	for _, tt := range tests {
		order, err := SortOrder(objs, tt.path)
		if err != nil {
			t.Fatalf("%s: %v", tt.path, err)
		}
		var names []string
		for _, i := range order {
			names = append(names, objs[i].GetName())
		}
		if got := strings.Join(names, " "); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.path, got, tt.want)
		}
	}
	if _, err := SortOrder(objs, ".spec.subnets.*.vlan"); err != nil {
		t.Errorf("one value per object is fine: %v", err)
	}
	if err := CheckSortBy(".metadata.name["); err == nil {
		t.Error("a bad --sort-by must be refused")
	}
}

func TestNameIsSingular(t *testing.T) {
	if got := Name("vpc", "vpc.githedgehog.com", "vpc-1"); got != "vpc.vpc.githedgehog.com/vpc-1" {
		t.Errorf("got %s", got)
	}
}
