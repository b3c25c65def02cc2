package report

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// obj builds an object of a wiring or vpc kind with a spec.
func obj(kind, name string, spec map[string]interface{}) *resource.Object {
	u := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": kind,
		"metadata": map[string]interface{}{"name": name, "namespace": "default"},
		"spec":     spec,
	}}
	return &resource.Object{Key: resource.KeyOf(u), Obj: u}
}

func link(a, aPort, b, bPort string) map[string]interface{} {
	return map[string]interface{}{a: map[string]interface{}{"port": aPort}, b: map[string]interface{}{"port": bPort}}
}

func links(ls ...map[string]interface{}) []interface{} {
	out := make([]interface{}, len(ls))
	for i, l := range ls {
		out[i] = l
	}
	return out
}

// sampleObjects is a small fabric: two spines, an MCLAG pair, an ESLAG
// pair, a single border leaf, four servers, an External with its
// attachment, a static external and a gateway.
func sampleObjects() resource.Set {
	red := func(g, t string) map[string]interface{} {
		return map[string]interface{}{"role": "server-leaf", "redundancy": map[string]interface{}{"group": g, "type": t}}
	}
	objs := []*resource.Object{
		obj("Switch", "spine-01", map[string]interface{}{"role": "spine"}),
		obj("Switch", "spine-02", map[string]interface{}{"role": "spine"}),
		obj("Switch", "leaf-01", red("mclag-1", "mclag")),
		obj("Switch", "leaf-02", red("mclag-1", "mclag")),
		obj("Switch", "leaf-03", red("eslag-1", "eslag")),
		obj("Switch", "leaf-04", red("eslag-1", "eslag")),
		obj("Switch", "border-01", map[string]interface{}{"role": "border-leaf"}),
		obj("Server", "server-01", map[string]interface{}{}),
		obj("Server", "server-02", map[string]interface{}{}),
		obj("Server", "server-03", map[string]interface{}{}),
		obj("Server", "server-10", map[string]interface{}{}),
		obj("External", "internet", map[string]interface{}{"ipv4Namespace": "default"}),
		obj("ExternalAttachment", "internet-border", map[string]interface{}{"connection": "border-01--external", "external": "internet"}),
		obj("Connection", "border-01--external", map[string]interface{}{"external": map[string]interface{}{
			"link": map[string]interface{}{"switch": map[string]interface{}{"port": "border-01/E1/10"}}}}),
		obj("Connection", "border-01--static-external", map[string]interface{}{"staticExternal": map[string]interface{}{
			"link": map[string]interface{}{"switch": map[string]interface{}{"port": "border-01/E1/11"}}}}),
		obj("Connection", "border-01--gateway--gw-1", map[string]interface{}{"gateway": map[string]interface{}{
			"links": links(link("switch", "border-01/E1/12", "gateway", "gw-1/enp2s1"))}}),
		obj("Connection", "leaf-01--mclag-domain--leaf-02", map[string]interface{}{"mclagDomain": map[string]interface{}{
			"peerLinks": links(link("switch1", "leaf-01/E1/48", "switch2", "leaf-02/E1/48"))}}),
		obj("Connection", "server-01--mclag--leaf-01--leaf-02", map[string]interface{}{"mclag": map[string]interface{}{
			"links": links(link("server", "server-01/enp2s1", "switch", "leaf-01/E1/1"), link("server", "server-01/enp2s2", "switch", "leaf-02/E1/1"))}}),
		obj("Connection", "server-02--eslag--leaf-03--leaf-04", map[string]interface{}{"eslag": map[string]interface{}{
			"links": links(link("server", "server-02/enp2s1", "switch", "leaf-03/E1/1"), link("server", "server-02/enp2s2", "switch", "leaf-04/E1/1"))}}),
		obj("Connection", "server-03--unbundled--leaf-03", map[string]interface{}{"unbundled": map[string]interface{}{
			"link": link("server", "server-03/enp2s1", "switch", "leaf-03/E1/2")}}),
		obj("Connection", "server-10--bundled--leaf-01", map[string]interface{}{"bundled": map[string]interface{}{
			"links": links(link("server", "server-10/enp2s1", "switch", "leaf-01/E1/3"), link("server", "server-10/enp2s2", "switch", "leaf-01/E1/4"))}}),
	}
	for i, sp := range []string{"spine-01", "spine-02"} {
		for j, lf := range []string{"leaf-01", "leaf-02", "leaf-03", "leaf-04", "border-01"} {
			objs = append(objs, obj("Connection", fmt.Sprintf("%s--fabric--%s", sp, lf), map[string]interface{}{"fabric": map[string]interface{}{
				"links": links(link("spine", fmt.Sprintf("%s/E1/%d", sp, j+1), "leaf", fmt.Sprintf("%s/E1/%d", lf, 49+i)))}}))
		}
	}
	set := resource.Set{}
	for _, o := range objs {
		set[o.Key] = o
	}
	return set
}

// sampleInput is a report of the sample fabric with every status, a
// drifted VPC with its diff, a skipped document, a deployer's state, and
// a second fabric that could not be read.
func sampleInput() Input {
	all := sampleObjects()
	status := map[string]drift.Status{
		"spine-02": drift.StatusDrifted, "leaf-04": drift.StatusMissingFromCluster, "server-10": drift.StatusNotInGit,
		"server-02--eslag--leaf-03--leaf-04": drift.StatusMissingFromCluster, "spine-01--fabric--leaf-02": drift.StatusDrifted,
		"server-10--bundled--leaf-01": drift.StatusNotInGit,
	}
	desired, actual := resource.Set{}, resource.Set{}
	var rs []drift.ResourceResult
	for i, k := range all.Keys() {
		st, ok := status[k.Name]
		if !ok {
			st = drift.StatusInSync
		}
		r := drift.ResourceResult{Kind: k.Kind, Namespace: k.Namespace, Name: k.Name, Status: st}
		if st != drift.StatusNotInGit {
			desired[k] = all[k]
			r.File, r.Line = "fabrics/lab/wiring/"+k.Kind+"s.yaml", 1+10*i
		}
		if st != drift.StatusMissingFromCluster {
			actual[k] = all[k]
		}
		if st == drift.StatusDrifted {
			r.Diffs = []drift.FieldDiff{{Path: "/metadata/labels/rack", Desired: "r1", Actual: "r2", Type: drift.DiffChanged}}
		}
		rs = append(rs, r)
	}
	vpc := drift.ResourceResult{Kind: "VPC", Namespace: "default", Name: "vpc-1", Status: drift.StatusDrifted,
		File: "fabrics/lab/vpcs.yaml", Line: 1, Diffs: []drift.FieldDiff{
			{Path: "/spec/ipv4Namespace", Desired: "default", Actual: "<ipns-2>", Type: drift.DiffChanged},
			{Path: "/spec/restricted", Actual: true, Type: drift.DiffOnlyInCluster},
			{Path: "/spec/subnets/default/vlan", Desired: int64(1002), Actual: int64(1099), Type: drift.DiffChanged},
		}}
	rs = append(rs, vpc, drift.ResourceResult{Kind: "VPC", Namespace: "default", Name: "vpc-9", Status: drift.StatusError,
		File: "fabrics/lab/vpcs.yaml", Line: 30, Error: "the server refused the apply: spec.subnets: Invalid value"})
	rep := drift.NewReport()
	rep.Add(drift.FabricReport{Name: "lab", GitRevision: "1a2b3c4d5e6f7890abcdef1234567890abcdef12", Summary: drift.SummaryOf(rs), Resources: rs,
		Skipped: []resource.Skipped{{File: "fabrics/lab/gateway.yaml", Line: 1, APIVersion: "gateway.networking.k8s.io/v1", Kind: "Gateway", Name: "gw"}},
		Unapplied: []drift.Unapplied{
			{Switch: "leaf-02", Namespace: "default", Reason: "pending (gen 4/6)", Generation: 6, LastAppliedGen: 4, Heartbeat: "2026-12-02T06:59:30Z"},
			{Switch: "leaf-09", Namespace: "default", Reason: "failing (gen 3); heartbeat stale (12m ago)", Generation: 3, LastAppliedGen: 2, Heartbeat: "2026-12-02T06:48:00Z"},
		}})
	rep.Add(drift.FabricReport{Name: "broken", Error: `cloning "git@example.com:fab/broken.git": <permission denied> & more`})
	return Input{
		Report:    rep,
		Generated: time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC),
		Fabrics: map[string]*FabricData{"lab": {Desired: desired, Actual: actual, WebURL: "https://github.com/org/fabrics/blob/{rev}/{file}#L{line}",
			Diffs: map[resource.Key]string{vpc.Key(): "--- git/VPC/default/vpc-1\n+++ cluster/VPC/default/vpc-1\n" +
				"@@ -5,6 +5,7 @@\n spec:\n-  ipv4Namespace: default\n+  ipv4Namespace: <ipns-2>\n+  restricted: true\n   subnets:\n     default:\n-      vlan: 1002\n+      vlan: 1099\n"}}},
	}
}
