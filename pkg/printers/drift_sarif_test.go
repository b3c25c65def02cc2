package printers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// sarifDef is the part of a SARIF 2.1.0 schema definition that the test
// checks: required properties (all of them, or any of the sets), the
// properties allowed (the schema forbids others), the definition of each
// object or array-of-object property, and the enums of string properties.
type sarifDef struct {
	required []string
	anyOf    [][]string
	props    map[string]string // property -> definition ("" for a scalar or a free map)
	enums    map[string][]string
}

// sarifSchemaDefs holds, from the SARIF 2.1.0 JSON schema, the definitions of
// the objects the writer emits.
var sarifSchemaDefs = map[string]sarifDef{
	"sarifLog": {required: []string{"version", "runs"}, props: map[string]string{"$schema": "", "version": "", "runs": "run"},
		enums: map[string][]string{"version": {"2.1.0"}}},
	"run":  {required: []string{"tool"}, props: map[string]string{"tool": "tool", "invocations": "invocation", "results": "result"}},
	"tool": {required: []string{"driver"}, props: map[string]string{"driver": "toolComponent"}},
	"toolComponent": {required: []string{"name"}, props: map[string]string{"name": "", "version": "", "informationUri": "",
		"rules": "reportingDescriptor"}},
	"reportingDescriptor": {required: []string{"id"}, props: map[string]string{"id": "", "name": "", "helpUri": "",
		"shortDescription": "multiformatMessageString", "fullDescription": "multiformatMessageString", "defaultConfiguration": "reportingConfiguration"}},
	"multiformatMessageString": {required: []string{"text"}, props: map[string]string{"text": ""}},
	"reportingConfiguration":   {props: map[string]string{"level": ""}, enums: map[string][]string{"level": sarifLevels}},
	"invocation": {required: []string{"executionSuccessful"}, props: map[string]string{"executionSuccessful": "",
		"toolExecutionNotifications": "notification"}},
	"notification": {required: []string{"message"}, props: map[string]string{"message": "message", "level": "",
		"associatedRule": "reportingDescriptorReference"}, enums: map[string][]string{"level": sarifLevels}},
	"reportingDescriptorReference": {anyOf: [][]string{{"index"}, {"guid"}, {"id"}}, props: map[string]string{"id": "", "index": ""}},
	"message":                      {anyOf: [][]string{{"text"}, {"id"}}, props: map[string]string{"text": ""}},
	"result": {required: []string{"message"}, props: map[string]string{"ruleId": "", "ruleIndex": "", "level": "",
		"message": "message", "locations": "location", "partialFingerprints": ""}, enums: map[string][]string{"level": sarifLevels}},
	"location":         {props: map[string]string{"physicalLocation": "physicalLocation"}},
	"physicalLocation": {anyOf: [][]string{{"address"}, {"artifactLocation"}}, props: map[string]string{"artifactLocation": "artifactLocation", "region": "region"}},
	"artifactLocation": {props: map[string]string{"uri": "", "uriBaseId": ""}},
	"region":           {anyOf: [][]string{{"startLine"}, {"charOffset"}, {"byteOffset"}}, props: map[string]string{"startLine": ""}},
}

var sarifLevels = []string{"none", "note", "warning", "error"}

// checkSARIF reports where v breaks the definition def.
func checkSARIF(path, def string, v interface{}, errs *[]string) {
	if arr, ok := v.([]interface{}); ok {
		for i, it := range arr {
			checkSARIF(fmt.Sprintf("%s[%d]", path, i), def, it, errs)
		}
		return
	}
	obj, ok := v.(map[string]interface{})
	if !ok {
		*errs = append(*errs, fmt.Sprintf("%s: not an object", path))
		return
	}
	d := sarifSchemaDefs[def]
	for _, r := range d.required {
		if _, ok := obj[r]; !ok {
			*errs = append(*errs, fmt.Sprintf("%s (%s): required %q missing", path, def, r))
		}
	}
	if len(d.anyOf) > 0 {
		ok := false
		for _, set := range d.anyOf {
			all := true
			for _, r := range set {
				_, has := obj[r]
				all = all && has
			}
			ok = ok || all
		}
		if !ok {
			*errs = append(*errs, fmt.Sprintf("%s (%s): none of %v", path, def, d.anyOf))
		}
	}
	for k, val := range obj {
		child, known := d.props[k]
		if !known {
			*errs = append(*errs, fmt.Sprintf("%s (%s): property %q not in the schema", path, def, k))
			continue
		}
		if enum, ok := d.enums[k]; ok && !contains(enum, fmt.Sprint(val)) {
			*errs = append(*errs, fmt.Sprintf("%s.%s: %v not one of %v", path, k, val, enum))
		}
		if child != "" {
			checkSARIF(path+"."+k, child, val, errs)
		}
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

func writeSARIF(t *testing.T, r *drift.Report) map[string]interface{} {
	t.Helper()
	var b bytes.Buffer
	if err := WriteDriftSARIF(&b, r, sampleTool); err != nil {
		t.Fatal(err)
	}
	var log map[string]interface{}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, b.String())
	}
	var errs []string
	checkSARIF("$", "sarifLog", log, &errs)
	sort.Strings(errs)
	if len(errs) > 0 {
		t.Errorf("not valid SARIF 2.1.0:\n%s", strings.Join(errs, "\n"))
	}
	return log
}

// parsedSARIFRun is the first run of a parsed log, as a CI system reads it.
type parsedSARIFRun struct {
	Tool struct {
		Driver struct {
			Rules []struct {
				ID string `json:"id"`
			} `json:"rules"`
		} `json:"driver"`
	} `json:"tool"`
	Invocations []struct {
		ExecutionSuccessful bool `json:"executionSuccessful"`
		Notes               []struct {
			Level   string `json:"level"`
			Message struct {
				Text string `json:"text"`
			} `json:"message"`
		} `json:"toolExecutionNotifications"`
	} `json:"invocations"`
	Results []struct {
		RuleID    string `json:"ruleId"`
		RuleIndex int    `json:"ruleIndex"`
		Level     string `json:"level"`
		Message   struct {
			Text string `json:"text"`
		} `json:"message"`
		Locations []struct {
			PhysicalLocation struct {
				ArtifactLocation struct {
					URI       string `json:"uri"`
					URIBaseID string `json:"uriBaseId"`
				} `json:"artifactLocation"`
				Region struct {
					StartLine int `json:"startLine"`
				} `json:"region"`
			} `json:"physicalLocation"`
		} `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
	} `json:"results"`
}

func parseSARIFRun(t *testing.T, log map[string]interface{}) parsedSARIFRun {
	t.Helper()
	b, _ := json.Marshal(log["runs"].([]interface{})[0])
	var run parsedSARIFRun
	if err := json.Unmarshal(b, &run); err != nil {
		t.Fatal(err)
	}
	return run
}

func TestDriftSARIFResults(t *testing.T) {
	r := sampleReport()
	run := parseSARIFRun(t, writeSARIF(t, r))
	// One result per differing field (2 + 5 + 1), one per other object not
	// in sync (2), one per skipped document (1).
	if len(run.Results) != 11 {
		t.Fatalf("%d results, want 11", len(run.Results))
	}
	keys := map[string]bool{}
	byRule := map[string]int{}
	for i, res := range run.Results {
		if res.RuleIndex < 0 || res.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: ruleIndex %d does not point at %s", i, res.RuleIndex, res.RuleID)
		}
		// GitHub code scanning refuses a log with a result lacking a file
		// and line, and merges results that share a fingerprint.
		if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation.ArtifactLocation.URI == "" ||
			res.Locations[0].PhysicalLocation.Region.StartLine < 1 {
			t.Errorf("result %d (%s) has no file and line: %+v", i, res.Message.Text, res.Locations)
		}
		k := res.PartialFingerprints[sarifKeyName]
		if k == "" || keys[k] {
			t.Errorf("result %d: fingerprint %q empty or repeated", i, k)
		}
		keys[k] = true
		byRule[res.RuleID]++
	}
	want := map[string]int{"drift/drifted": 8, "drift/missingFromCluster": 1, "drift/notInGit": 1, "drift/skipped": 1}
	for rule, n := range want {
		if byRule[rule] != n {
			t.Errorf("%d results of %s, want %d", byRule[rule], rule, n)
		}
	}
	vlan := run.Results[3]
	loc := vlan.Locations[0].PhysicalLocation
	if vlan.RuleID != "drift/drifted" || vlan.Level != "error" || loc.ArtifactLocation.URI != "fabrics/lab/vpcs.yaml" ||
		loc.ArtifactLocation.URIBaseID != "%SRCROOT%" || loc.Region.StartLine != 1 ||
		vlan.Message.Text != "fabric lab: VPC default/vpc-1 drifted: /spec/subnets/default/vlan is 1002 in Git and 1099 in the cluster (changed)" {
		t.Errorf("vlan result: %+v", vlan)
	}
	spine := run.Results[1]
	if spine.RuleID != "drift/notInGit" || spine.Locations[0].PhysicalLocation.ArtifactLocation.URI != "fabrics/lab/switches.yaml" {
		t.Errorf("notInGit switch is not placed in the fabric's switch file: %+v", spine)
	}
	skipped := run.Results[9]
	if skipped.RuleID != "drift/skipped" || skipped.Level != "note" ||
		skipped.Locations[0].PhysicalLocation.ArtifactLocation.URI != "fabrics/lab/gateway.yaml" {
		t.Errorf("skipped document: %+v", skipped)
	}
	inv := run.Invocations[0]
	if inv.ExecutionSuccessful || len(inv.Notes) != 1 || inv.Notes[0].Level != "error" ||
		inv.Notes[0].Message.Text != "fabric broken: "+brokenError {
		t.Errorf("the unread fabric is not a failed invocation's notification: %+v", inv)
	}
}

func TestDriftSARIFInSync(t *testing.T) {
	run := parseSARIFRun(t, writeSARIF(t, inSyncReport()))
	if len(run.Results) != 0 || !run.Invocations[0].ExecutionSuccessful || len(run.Tool.Driver.Rules) != len(DriftRules) {
		t.Errorf("in-sync run: %+v", run)
	}
}

// An object the server refused is a result of its own rule at its
// document, and the run is not successful.
func TestDriftSARIFObjectNotJudged(t *testing.T) {
	rs := []drift.ResourceResult{{Kind: "VPC", Namespace: "default", Name: "v", Status: drift.StatusError, File: "a b/v.yaml", Line: 7,
		Error: ".spec.notAField: field not declared in schema"}}
	r := drift.NewReport()
	r.Add(drift.FabricReport{Name: "lab", Summary: drift.SummaryOf(rs), Resources: rs})
	run := parseSARIFRun(t, writeSARIF(t, r))
	if len(run.Results) != 1 || run.Results[0].RuleID != "drift/error" || run.Results[0].Level != "error" ||
		run.Tool.Driver.Rules[run.Results[0].RuleIndex].ID != "drift/error" ||
		run.Results[0].Message.Text != "fabric lab: VPC default/v could not be judged: .spec.notAField: field not declared in schema" {
		t.Fatalf("results %+v", run.Results)
	}
	if uri := run.Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI; uri != "a%20b/v.yaml" {
		t.Errorf("uri %q, want a%%20b/v.yaml", uri)
	}
	if run.Invocations[0].ExecutionSuccessful {
		t.Error("a run with an object not judged is successful")
	}
	fs := DriftFindings(r)
	if fs.Summary != "kubectl-hnp drift: 0 of 1 object not in sync (drifted 0, missingFromCluster 0, notInGit 0); 1 not judged (error)" {
		t.Errorf("summary %q", fs.Summary)
	}
}

// A status this printer does not know yet still gets a rule of its own.
func TestDriftSARIFUnknownStatusGetsARule(t *testing.T) {
	rs := []drift.ResourceResult{{Kind: "VPC", Namespace: "default", Name: "v", Status: drift.Status("pendingDeploy"), File: "v.yaml", Line: 7}}
	r := drift.NewReport()
	r.Add(drift.FabricReport{Name: "lab", Summary: drift.SummaryOf(rs), Resources: rs})
	run := parseSARIFRun(t, writeSARIF(t, r))
	if len(run.Results) != 1 || run.Results[0].RuleID != "drift/pendingDeploy" ||
		run.Tool.Driver.Rules[run.Results[0].RuleIndex].ID != "drift/pendingDeploy" {
		t.Fatalf("results %+v", run.Results)
	}
}

func TestFileURI(t *testing.T) {
	for in, want := range map[string]string{
		"fabrics/lab/vpcs.yaml": "fabrics/lab/vpcs.yaml",
		"c:d/e f#?.yaml":        "c%3Ad/e%20f%23%3F.yaml",
		"100%/x.yaml":           "100%25/x.yaml",
	} {
		if got := fileURI(in); got != want {
			t.Errorf("fileURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteSARIFRefusesUndeclaredRule(t *testing.T) {
	var b bytes.Buffer
	err := WriteSARIF(&b, DriftTool, Findings{Findings: []Finding{{Rule: "nope", Level: LevelError, File: "f", Line: 1, Message: "m"}}})
	if err == nil || !strings.Contains(err.Error(), "nope") || b.Len() != 0 {
		t.Errorf("err %v, wrote %q", err, b.String())
	}
}

// The checker itself must catch what it is there for.
func TestSARIFCheckerCatchesViolations(t *testing.T) {
	bad := map[string]interface{}{
		"version": "2.0.0",
		"runs": []interface{}{map[string]interface{}{
			"tool":    map[string]interface{}{"driver": map[string]interface{}{}},
			"results": []interface{}{map[string]interface{}{"level": "fatal", "extra": 1}},
		}},
	}
	var errs []string
	checkSARIF("$", "sarifLog", bad, &errs)
	joined := strings.Join(errs, "\n")
	for _, want := range []string{`$.version: 2.0.0`, `required "name" missing`, `required "message" missing`, `fatal not one of`, `property "extra" not in the schema`} {
		if !strings.Contains(joined, want) {
			t.Errorf("checker missed %q:\n%s", want, joined)
		}
	}
}
