package fabriccheck

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func set(t *testing.T, docs ...string) resource.Set {
	t.Helper()
	out := resource.Set{}
	for _, d := range docs {
		u := parse(t, d)
		out[resource.KeyOf(u)] = &resource.Object{Key: resource.KeyOf(u), Obj: u, Origin: &resource.Origin{File: "f.yaml", Line: 1}}
	}
	return out
}

func parse(t *testing.T, d string) *unstructured.Unstructured {
	t.Helper()
	var m map[string]interface{}
	if err := yaml.Unmarshal([]byte(d), &m); err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: m}
}

const (
	ipns    = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata: {name: default}\nspec: {subnets: [10.0.0.0/16]}\n"
	vlanns  = "apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata: {name: default}\nspec: {ranges: [{from: 1000, to: 1999}]}\n"
	vpc1    = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-1}\nspec: {subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001}}}\n"
	vpcBad  = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-bad}\nspec: {subnets: {default: {subnet: 10.0.2.0/24, vlan: 3000}}}\n"
	peering = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCPeering\nmetadata: {name: p}\nspec: {permit: [{vpc-1: {}, vpc-bad: {}}]}\n"
)

func TestCheckChangeBlocksOnlyWhatItIntroduces(t *testing.T) {
	before := set(t, ipns, vlanns, vpc1, vpcBad)
	// An unrelated valid edit: vpc-bad's VLAN is a warning, not a block.
	edit := parse(t, "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-1}\nspec: {subnets: {default: {subnet: 10.0.1.0/24, vlan: 1002}}}\n")
	res := CheckChange(before, Change{Put: []*unstructured.Unstructured{edit}}, "default", nil)
	if res.Blocked() || len(res.Existing) == 0 {
		t.Fatalf("introduced %v, existing %v: want no block and vpc-bad's violation as existing", res.Introduced, res.Existing)
	}
	// The same edit with a VLAN outside the namespace blocks.
	bad := parse(t, "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-1}\nspec: {subnets: {default: {subnet: 10.0.1.0/24, vlan: 2500}}}\n")
	res = CheckChange(before, Change{Put: []*unstructured.Unstructured{bad}}, "default", nil)
	if !res.Blocked() || res.Introduced[0].Name != "vpc-1" {
		t.Fatalf("introduced %v, want vpc-1's VLAN", res.Introduced)
	}
}

func TestCheckChangeDeleteGuards(t *testing.T) {
	before := set(t, ipns, vlanns, vpc1, vpcBad, peering)
	res := CheckChange(before, Change{Delete: []resource.Key{{Kind: "VPC", Namespace: "default", Name: "vpc-1"}}}, "default", nil)
	guard := false
	for _, v := range res.Introduced {
		guard = guard || (v.Kind == "VPC" && v.Name == "vpc-1")
	}
	if !guard {
		t.Fatalf("deleting a VPC a peering uses: introduced %v, want the delete guard on vpc-1", res.Introduced)
	}
	res = CheckChange(before, Change{Delete: []resource.Key{{Kind: "VPCPeering", Namespace: "default", Name: "p"}}}, "default", nil)
	if res.Blocked() {
		t.Fatalf("deleting the peering: %v", res.Introduced)
	}
}

func TestCheckReportsFileLineAndSelects(t *testing.T) {
	objs := set(t, ipns, vlanns, vpc1, vpcBad)
	fc := Check("f", objs, Options{Select: func(k resource.Key) bool { return k.Kind == "VPC" }})
	if len(fc.Objects) != 2 {
		t.Fatalf("objects %+v, want the 2 VPCs", fc.Objects)
	}
	rep := NewReport([]Fabric{fc})
	if rep.Summary.Invalid != 1 || rep.Summary.Violations == 0 || fc.Objects[1].File != "f.yaml" || fc.Objects[1].Line != 1 {
		t.Fatalf("report %+v", rep)
	}
}

// A problem the fabric has already on other objects (namespaces not kept in
// Git, as installers create them) does not block a new object that shares it.
func TestCheckChangeEstablishedProblemWarns(t *testing.T) {
	before := set(t, vpc1)
	vpc2 := parse(t, "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-2}\nspec: {subnets: {default: {subnet: 10.0.2.0/24, vlan: 1002}}}\n")
	res := CheckChange(before, Change{Put: []*unstructured.Unstructured{vpc2}}, "default", nil)
	if res.Blocked() {
		t.Fatalf("introduced %v: the missing namespaces are the fabric's established state", res.Introduced)
	}
	if len(res.Existing) < 4 {
		t.Fatalf("existing %v, want vpc-1's and vpc-2's missing namespaces", res.Existing)
	}
}
