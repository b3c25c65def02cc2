package printers

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// parsedJUnit is what a CI system reads back; it is declared apart from
// the writer's types so that the test checks the XML, not the structs.
type parsedJUnit struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Time     string   `xml:"time,attr"`
	Suites   []struct {
		Name      string `xml:"name,attr"`
		Tests     int    `xml:"tests,attr"`
		Failures  int    `xml:"failures,attr"`
		Errors    int    `xml:"errors,attr"`
		Time      string `xml:"time,attr"`
		Timestamp string `xml:"timestamp,attr"`
		Cases     []struct {
			Classname string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			File      string `xml:"file,attr"`
			Line      int    `xml:"line,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, r *drift.Report) parsedJUnit {
	t.Helper()
	var b bytes.Buffer
	if err := WriteDriftJUnit(&b, r, sampleTiming()); err != nil {
		t.Fatal(err)
	}
	var out parsedJUnit
	if err := xml.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatalf("invalid XML: %v\n%s", err, b.String())
	}
	return out
}

func TestDriftJUnitCounts(t *testing.T) {
	r := sampleReport()
	out := parseJUnit(t, r)
	failed := 0
	for _, f := range r.Fabrics {
		if f.Error != "" {
			failed++
		}
	}
	if out.Name != "kubectl-hnp drift" || out.Tests != r.Summary.Total+failed ||
		out.Failures != r.Summary.Total-r.Summary.InSync || out.Errors != failed {
		t.Errorf("testsuites %q: tests=%d failures=%d errors=%d; report total=%d inSync=%d failed=%d",
			out.Name, out.Tests, out.Failures, out.Errors, r.Summary.Total, r.Summary.InSync, failed)
	}
	if len(out.Suites) != len(r.Fabrics) {
		t.Fatalf("%d suites for %d fabrics", len(out.Suites), len(r.Fabrics))
	}
	for i, s := range out.Suites {
		f := r.Fabrics[i]
		failures, errs := 0, 0
		for _, c := range s.Cases {
			if c.Failure != nil {
				failures++
			}
			if c.Error != nil {
				errs++
			}
		}
		if s.Name != f.Name || s.Tests != len(s.Cases) || s.Failures != failures || s.Errors != errs {
			t.Errorf("suite %q: tests=%d failures=%d errors=%d, cases %d/%d/%d", s.Name, s.Tests, s.Failures, s.Errors, len(s.Cases), failures, errs)
		}
		if f.Error == "" && (s.Tests != f.Summary.Total || s.Failures != f.Summary.Total-f.Summary.InSync) {
			t.Errorf("suite %q disagrees with the fabric summary %+v", s.Name, f.Summary)
		}
	}
}

func TestDriftJUnitCases(t *testing.T) {
	out := parseJUnit(t, sampleReport())
	vpc2 := out.Suites[0].Cases[4]
	if vpc2.Classname != "lab.VPC" || vpc2.Name != "default/vpc-2" || vpc2.File != "fabrics/lab/vpcs.yaml" {
		t.Errorf("case %+v", vpc2)
	}
	if vpc2.Failure == nil || vpc2.Failure.Message != "drifted: 5 fields differ" || vpc2.Failure.Type != "drifted" {
		t.Fatalf("failure %+v", vpc2.Failure)
	}
	for _, want := range []string{
		"/spec/subnets/web/dhcp/enable: false → (absent) (onlyInGit)\n",
		"/metadata/annotations/hnp.githedgehog.com~1owner: (absent) → \"team|ops `core`\" (onlyInCluster)\n",
		"/spec/subnets/web/vlan: \"1003\" → 1003 (changed)\n",
		"at fabrics/lab/vpcs.yaml:24\n",
	} {
		if !strings.Contains(vpc2.Failure.Text, want) {
			t.Errorf("failure text lacks %q:\n%s", want, vpc2.Failure.Text)
		}
	}
	if ok := out.Suites[0].Cases[1]; ok.Failure != nil || ok.Error != nil {
		t.Errorf("in-sync case fails: %+v", ok)
	}
	if one := out.Suites[1].Cases[0].Failure; one == nil || one.Message != "drifted: 1 field differs" {
		t.Errorf("single diff: %+v", one)
	}
	broken := out.Suites[2]
	if len(broken.Cases) != 1 || broken.Cases[0].Name != "read fabric" || broken.Cases[0].Error == nil ||
		broken.Cases[0].Error.Message != brokenError {
		t.Errorf("failed fabric: %+v", broken)
	}
}

func TestDriftJUnitEscapesHostileText(t *testing.T) {
	hostile := "]]> <x a=\"b\"> & \x00\x1b[31m\uFFFE \n end"
	rs := []drift.ResourceResult{{Kind: "VPC", Namespace: "default", Name: "v<1>", Status: drift.StatusDrifted, File: hostile, Line: 2,
		Diffs: []drift.FieldDiff{{Path: "/spec/" + hostile, Desired: hostile, Actual: int64(1), Type: drift.DiffChanged}}}}
	r := drift.NewReport()
	r.Add(drift.FabricReport{Name: "f&<", Summary: drift.SummaryOf(rs), Resources: rs})
	r.Add(drift.FabricReport{Name: "bad", Error: hostile})
	out := parseJUnit(t, r)
	c := out.Suites[0].Cases[0]
	if out.Suites[0].Name != "f&<" || c.Name != "default/v<1>" || c.Failure == nil {
		t.Fatalf("names did not survive: %+v", out.Suites[0])
	}
	if !strings.Contains(c.Failure.Text, "]]> <x a=") || !strings.Contains(c.Failure.Text, `\x1b[31m`) {
		t.Errorf("failure text: %q", c.Failure.Text)
	}
	if msg := out.Suites[1].Cases[0].Error.Message; !strings.HasPrefix(msg, "]]> <x a=\"b\"> & ") {
		t.Errorf("error message: %q", msg)
	}
}

func TestDriftJUnitTimeAndLocation(t *testing.T) {
	out := parseJUnit(t, sampleReport())
	if out.Time != "2.345" {
		t.Errorf("testsuites time %q, want 2.345", out.Time)
	}
	for i, want := range []string{"1.500", "0.020", "0.000"} {
		s := out.Suites[i]
		if s.Time != want || s.Timestamp != "2026-12-02T05:12:00" {
			t.Errorf("suite %s: time %q timestamp %q, want %s at 2026-12-02T05:12:00", s.Name, s.Time, s.Timestamp, want)
		}
		for _, c := range s.Cases {
			if c.Time != "0.000" {
				t.Errorf("case %s: time %q", c.Name, c.Time)
			}
		}
	}
	vpc2, spine := out.Suites[0].Cases[4], out.Suites[0].Cases[2]
	if vpc2.File != "fabrics/lab/vpcs.yaml" || vpc2.Line != 24 {
		t.Errorf("vpc-2 at %s:%d, want fabrics/lab/vpcs.yaml:24", vpc2.File, vpc2.Line)
	}
	if spine.File != "" || spine.Line != 0 {
		t.Errorf("notInGit spine-01 has a location %s:%d", spine.File, spine.Line)
	}
}

func TestDriftJUnitWithoutStart(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDriftJUnit(&b, inSyncReport(), JUnitTiming{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "timestamp=") || !strings.Contains(b.String(), `time="0.000"`) {
		t.Errorf("zero timing:\n%s", b.String())
	}
}
