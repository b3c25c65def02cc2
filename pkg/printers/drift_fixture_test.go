package printers

import (
	"regexp"
	"strings"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// brokenError is the error of the fabric that could not be read; it holds
// characters that XML, Markdown and tables must escape.
const brokenError = "cloning \"git@example.com:fab/broken.git\": <permission denied> & more | retry `later`"

// longDescription is longer than a narrow cell shows.
const longDescription = "Production VPC for the web tier, managed by the platform team since 2023"

// sampleReport covers two fabrics and a failed one, every status, a changed
// number and string, onlyInGit and onlyInCluster, false, a value with "|",
// a long value, a map, a resource with more than two diffs, and a skipped
// document.
func sampleReport() *drift.Report {
	lab := []drift.ResourceResult{
		{Kind: "Connection", Namespace: "default", Name: "leaf-01--unbundled--server-01", Status: drift.StatusMissingFromCluster,
			File: "fabrics/lab/connections.yaml", Line: 3},
		{Kind: "Switch", Namespace: "default", Name: "leaf-01", Status: drift.StatusInSync,
			File: "fabrics/lab/switches.yaml", Line: 1},
		{Kind: "Switch", Namespace: "default", Name: "spine-01", Status: drift.StatusNotInGit},
		{Kind: "VPC", Namespace: "default", Name: "vpc-1", Status: drift.StatusDrifted,
			File: "fabrics/lab/vpcs.yaml", Line: 1, Diffs: []drift.FieldDiff{
				{Path: "/spec/ipv4Namespace", Desired: "default", Actual: "ipns-2", Type: drift.DiffChanged},
				{Path: "/spec/subnets/default/vlan", Desired: int64(1002), Actual: int64(1099), Type: drift.DiffChanged},
			}},
		{Kind: "VPC", Namespace: "default", Name: "vpc-2", Status: drift.StatusDrifted,
			File: "fabrics/lab/vpcs.yaml", Line: 24, Diffs: []drift.FieldDiff{
				{Path: "/metadata/annotations/hnp.githedgehog.com~1owner", Actual: "team|ops `core`", Type: drift.DiffOnlyInCluster},
				{Path: "/spec/description", Desired: longDescription, Actual: "web", Type: drift.DiffChanged},
				{Path: "/spec/subnets/web/dhcp/enable", Desired: false, Type: drift.DiffOnlyInGit},
				{Path: "/spec/subnets/web/dhcp/range", Desired: map[string]interface{}{"start": "10.0.2.10"},
					Actual: map[string]interface{}{"start": "10.0.2.20", "end": "10.0.2.99"}, Type: drift.DiffChanged},
				{Path: "/spec/subnets/web/vlan", Desired: "1003", Actual: int64(1003), Type: drift.DiffChanged},
			}},
	}
	edge := []drift.ResourceResult{
		{Kind: "VPC", Namespace: "default", Name: "edge-1", Status: drift.StatusDrifted,
			File: "fabrics/edge/vpcs.yaml", Line: 5, Diffs: []drift.FieldDiff{
				{Path: "/spec/restricted", Actual: false, Type: drift.DiffOnlyInCluster},
			}},
		{Kind: "VPC", Namespace: "default", Name: "edge-2", Status: drift.StatusInSync,
			File: "fabrics/edge/vpcs.yaml", Line: 30},
	}
	r := drift.NewReport()
	r.Add(drift.FabricReport{Name: "lab", GitRevision: "1a2b3c4d5e6f7890abcdef1234567890abcdef12",
		Summary: drift.SummaryOf(lab), Resources: lab, Skipped: []resource.Skipped{
			{File: "fabrics/lab/gateway.yaml", Line: 1, APIVersion: "gateway.networking.k8s.io/v1", Kind: "Gateway", Name: "gw"},
		}})
	r.Add(drift.FabricReport{Name: "edge", Summary: drift.SummaryOf(edge), Resources: edge})
	r.Add(drift.FabricReport{Name: "broken", GitRevision: "ffffffffffffffffffffffffffffffffffffffff", Error: brokenError})
	return r
}

// sampleTiming is the timing of sampleReport's run.
func sampleTiming() JUnitTiming {
	return JUnitTiming{Start: time.Date(2026, 12, 2, 5, 12, 0, 0, time.UTC), Total: 2345 * time.Millisecond,
		Fabrics: map[string]time.Duration{"lab": 1500 * time.Millisecond, "edge": 20 * time.Millisecond}}
}

// sampleTool names a fixed version, so that golden files stay put.
var sampleTool = SARIFTool{Name: DriftTool.Name, Version: "v0.0.0-test", InformationURI: DriftTool.InformationURI}

// inSyncReport has one fabric with nothing to report.
func inSyncReport() *drift.Report {
	rs := []drift.ResourceResult{{Kind: "VPC", Namespace: "default", Name: "vpc-1", Status: drift.StatusInSync, File: "vpcs.yaml", Line: 1}}
	r := drift.NewReport()
	r.Add(drift.FabricReport{Name: "lab", GitRevision: "abc", Summary: drift.SummaryOf(rs), Resources: rs})
	return r
}

// sampleDiffs are unified diffs as drift.UnifiedDiff renders them; the
// second lacks its final newline.
var sampleDiffs = []ResourceDiff{
	{Fabric: "lab", Text: "--- git/VPC/default/vpc-1\n+++ cluster/VPC/default/vpc-1\n" +
		"@@ -5,6 +5,6 @@\n spec:\n-  ipv4Namespace: default\n+  ipv4Namespace: ipns-2\n   subnets:\n     default:\n-      vlan: 1002\n+      vlan: 1099\n"},
	{Fabric: "edge", Text: "--- git/VPC/default/edge-1\n+++ cluster/VPC/default/edge-1\n" +
		"@@ -7,3 +7,4 @@\n   name: edge-1\n   namespace: default\n spec:\n+  restricted: false"},
}

var ansiCode = regexp.MustCompile("\x1b\\[[0-9;]*m")

// stripANSI removes colour codes, leaving the visible text.
func stripANSI(s string) string { return ansiCode.ReplaceAllString(s, "") }

// outputLines splits output into lines without the final empty one.
func outputLines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
