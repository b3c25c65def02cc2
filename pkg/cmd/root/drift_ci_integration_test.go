package root

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestDriftCIFormatsFromOneRead writes SARIF, JUnit and JSON files beside
// GitHub workflow commands on stdout, from one read of the real cluster,
// and checks that they agree on what drifted and where.
func TestDriftCIFormatsFromOneRead(t *testing.T) {
	h, _ := labProd(t)
	dir := t.TempDir()
	sarifPath, junitPath, jsonPath := filepath.Join(dir, "drift.sarif"), filepath.Join(dir, "drift.xml"), filepath.Join(dir, "drift.json")
	r := h.run("drift", "--fabric", "lab", "-o", "github",
		"--output-file", "sarif="+sarifPath, "--output-file", "junit="+junitPath, "--output-file", "json="+jsonPath)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (drift): %s", r.code, r.stderr)
	}
	golden(t, "drift-lab-github", r.stdout)
	if !strings.Contains(r.stdout, "::error file=fabrics/lab/vpcs/vpcs.yaml,line=19,title=VPC default/vpc-2 drifted%3A /spec/subnets/default/vlan::") {
		t.Errorf("no annotation of vpc-2's VLAN at its document:\n%s", r.stdout)
	}

	// Only the three reports are left: no temporary files.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	if strings.Join(names, " ") != "drift.json drift.sarif drift.xml" {
		t.Errorf("files in the output directory: %v", names)
	}

	rep := driftReport(t, result{stdout: readFile(t, jsonPath)})
	if s := rep.Fabrics[0].Summary; s.Drifted != 1 || s.MissingFromCluster != 1 || s.NotInGit != 1 {
		t.Errorf("json file summary %+v", s)
	}

	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(readFile(t, sarifPath)), &log); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, res := range log.Runs[0].Results {
		l := res.Locations[0].PhysicalLocation
		got[res.RuleID] = l.ArtifactLocation.URI + ":" + strconv.Itoa(l.Region.StartLine)
	}
	if log.Version != "2.1.0" || len(log.Runs[0].Results) != 4 || got["drift/drifted"] != "fabrics/lab/vpcs/vpcs.yaml:19" ||
		!strings.HasPrefix(got["drift/notInGit"], "fabrics/lab/vpcs/") || !strings.HasSuffix(got["drift/notInGit"], ":1") ||
		got["drift/missingFromCluster"] != "fabrics/lab/vpcs/vpcs.yaml:34" || got["drift/skipped"] != "fabrics/lab/namespaces.yaml:20" {
		t.Errorf("sarif results %v", got)
	}

	var suites struct {
		Time   string `xml:"time,attr"`
		Suites []struct {
			Time      string `xml:"time,attr"`
			Timestamp string `xml:"timestamp,attr"`
			Cases     []struct {
				Name string `xml:"name,attr"`
				File string `xml:"file,attr"`
				Line int    `xml:"line,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(readFile(t, junitPath)), &suites); err != nil {
		t.Fatal(err)
	}
	if suites.Time == "" || len(suites.Suites) != 1 || suites.Suites[0].Time == "" || suites.Suites[0].Timestamp == "" {
		t.Errorf("junit times: %+v", suites)
	}
	for _, c := range suites.Suites[0].Cases {
		if c.Name == "default/vpc-2" && (c.File != "fabrics/lab/vpcs/vpcs.yaml" || c.Line != 19) {
			t.Errorf("junit vpc-2 at %s:%d", c.File, c.Line)
		}
	}
}

func TestDriftOutputFileErrors(t *testing.T) {
	h, _ := labProd(t)
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--output-file", "drift.xml"}, `want FORMAT=PATH`},
		{[]string{"--output-file", "xml=drift.xml"}, `unknown output format "xml"`},
		{[]string{"--output-file", "junit=a.xml", "--output-file", "sarif=./a.xml"}, "given twice"},
		{[]string{"--watch", "--output-file", "junit=a.xml"}, "cannot go with --watch"},
	} {
		r := h.run(append([]string{"drift", "--fabric", "lab"}, c.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want exit 2 and %q", c.args, r.code, r.stderr, r.stdout, c.want)
		}
	}
	// A file that cannot be written: the error names it, exit 2, and the
	// report on stdout is complete.
	bad := filepath.Join(dir, "missing", "drift.sarif")
	r := h.run("drift", "--fabric", "lab", "-o", "json", "--output-file", "sarif="+bad)
	if r.code != 2 || !strings.Contains(r.stderr, "--output-file sarif="+bad) {
		t.Errorf("unwritable file: exit %d, stderr %s", r.code, r.stderr)
	}
	if rep := driftReport(t, r); len(rep.Fabrics) != 1 {
		t.Errorf("stdout report: %+v", rep)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
