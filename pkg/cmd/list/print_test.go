package list

import (
	"bytes"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	goldenfile "github.com/githedgehog/kubectl-hnp/internal/golden"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/printers"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func vpcItem(name string, vlan int64, sync drift.Status, values string, line int) Item {
	vpc := kinds.ByKind("VPC")
	u := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": vpc.APIVersion(), "kind": "VPC",
		"metadata": map[string]interface{}{"name": name, "namespace": "default"},
		"spec":     map[string]interface{}{"subnets": map[string]interface{}{"default": map[string]interface{}{"vlan": vlan}}},
	}}
	it := Item{Fabric: "lab", Kind: vpc, Key: resource.KeyOf(u), Obj: u, Sync: sync, Values: values}
	if line > 0 {
		it.Origin = &resource.Origin{File: "fabrics/lab/vpcs.yaml", Line: line}
	}
	return it
}

func sampleItems() []Item {
	return []Item{
		vpcItem("vpc-2", 1099, drift.StatusDrifted, ValuesCluster, 19),
		vpcItem("vpc-3", 1003, drift.StatusMissingFromCluster, ValuesGit, 34),
		vpcItem("vpc-legacy", 1009, drift.StatusNotInGit, ValuesCluster, 0),
	}
}

func TestPrintForms(t *testing.T) {
	tests := []struct {
		name   string
		output string
		table  TableOptions
		sortBy string
	}{
		{"table-both", "table", TableOptions{Sync: true, Aligned: true}, ""},
		{"wide-both", "wide", TableOptions{Sync: true, Wide: true, Aligned: true}, ""},
		{"table-one-source", "table", TableOptions{Aligned: true}, ""},
		{"name", "name", TableOptions{}, ""},
		{"jsonpath-sorted", `jsonpath={range .items[*]}{.metadata.name}={.metadata.annotations.hnp\.githedgehog\.com/sync}{"\n"}{end}`, TableOptions{}, ".spec.subnets.default.vlan"},
		{"custom-columns", "custom-columns=NAME:.metadata.name,FILE:.metadata.annotations.hnp\\.githedgehog\\.com/file", TableOptions{Aligned: true}, ""},
	}
	for _, tt := range tests {
		f, err := printers.ParseObjectFormat(tt.output, "table", "wide", "json", "yaml", "name")
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		items, err := SortItems(sampleItems(), tt.sortBy)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := Print(&b, items, PrintOptions{Format: f, Table: tt.table, Annotate: true}); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		goldenfile.Check(t, filepath.Join("testdata", "print-"+tt.name+".golden"), b.Bytes())
	}
}

func TestPrintSingleObject(t *testing.T) {
	f, _ := printers.ParseObjectFormat("jsonpath={.metadata.name}", "table")
	var b bytes.Buffer
	if err := Print(&b, sampleItems()[:1], PrintOptions{Format: f, Single: true}); err != nil {
		t.Fatal(err)
	}
	if b.String() != "vpc-2" {
		t.Errorf("one object is the template's root: %q", b.String())
	}
}
