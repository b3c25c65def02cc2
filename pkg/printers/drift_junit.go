package printers

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr,omitempty"`
	Time       string           `xml:"time,attr"`
	Timestamp  string           `xml:"timestamp,attr,omitempty"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	Properties []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// JUnitTiming is when a drift run started and how long it took, in total
// and per fabric (reading Git and the cluster, and comparing).
type JUnitTiming struct {
	Start   time.Time
	Total   time.Duration
	Fabrics map[string]time.Duration
}

// WriteDriftJUnit writes r as JUnit XML for CI systems: a test suite per
// fabric and a test case per resource, failing when the resource is not in
// sync. A fabric that could not be read has a single "read fabric" test
// case with an error. Test cases carry the file and line of their Git
// document; suites the time from t (in seconds) and the start as
// timestamp, test cases a time of 0 (objects are compared together).
func WriteDriftJUnit(w io.Writer, r *drift.Report, t JUnitTiming) error {
	if r == nil {
		return errors.New("no drift report to print")
	}
	out := junitSuites{Name: "kubectl-hnp drift", Time: junitSeconds(t.Total)}
	for _, f := range r.Fabrics {
		s := junitFabric(f)
		s.Time = junitSeconds(t.Fabrics[f.Name])
		if !t.Start.IsZero() {
			s.Timestamp = t.Start.UTC().Format("2006-01-02T15:04:05")
		}
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Suites = append(out.Suites, s)
	}
	b, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("rendering JUnit XML: %w", err)
	}
	_, err = io.WriteString(w, xml.Header+string(b)+"\n")
	return err
}

func junitFabric(f drift.FabricReport) junitSuite {
	s := junitSuite{Name: f.Name}
	if f.Error != "" {
		s.Tests, s.Errors = 1, 1
		s.Cases = []junitCase{{
			Classname: f.Name,
			Name:      "read fabric",
			Time:      junitSeconds(0),
			Error:     &junitProblem{Message: f.Error, Type: "error"},
		}}
		return s
	}
	s.Properties = junitPipeline(f)
	for _, res := range f.Resources {
		c := junitCase{Classname: f.Name + "." + res.Kind, Name: resourceName(res), File: res.File, Line: res.Line, Time: junitSeconds(0)}
		if res.PendingDeploy {
			// Not deployed yet: skipped, as drift does not fail on it
			// (unless --fail-on pending).
			c.Skipped = &junitSkipped{Message: sanitize(pendingWords(res))}
			s.Skipped++
		} else if res.DeployerSkips != "" && res.Status != drift.StatusInSync {
			// Flux is told not to apply it: skipped, as drift does not
			// fail on it (unless --fail-on skipped).
			c.Skipped = &junitSkipped{Message: sanitize(skippedWords(res))}
			s.Skipped++
		} else if res.Status == drift.StatusError {
			c.Error = &junitProblem{Message: sanitize(res.Error), Type: "error"}
			s.Errors++
		} else if res.Status != drift.StatusInSync {
			c.Failure = junitFailure(res)
			s.Failures++
		}
		s.Tests++
		s.Cases = append(s.Cases, c)
	}
	for _, c := range junitUnapplied(f) {
		s.Tests++
		s.Skipped++
		s.Cases = append(s.Cases, c)
	}
	return s
}

// junitPipeline is the fabric's Git revision and deployer state as the
// suite's properties (deployer.tool, .name, .revision, .ready, .message,
// .lastAttempt, .suspended, .behind); nil without a deployer.
func junitPipeline(f drift.FabricReport) *junitProperties {
	p := f.Deployer
	if p == nil {
		return nil
	}
	props := []junitProperty{{"gitRevision", f.GitRevision}, {"deployer.tool", p.Tool}, {"deployer.name", p.Name},
		{"deployer.revision", p.Revision}, {"deployer.ready", p.Ready}}
	for _, kv := range []junitProperty{{"deployer.message", OneLine(p.Message)}, {"deployer.lastAttempt", p.LastAttempt}} {
		if kv.Value != "" {
			props = append(props, kv)
		}
	}
	if p.Suspended {
		props = append(props, junitProperty{"deployer.suspended", "true"})
	}
	props = append(props, junitProperty{"deployer.behind", fmt.Sprint(p.Behind)})
	for i := range props {
		props[i].Value = strings.Map(xmlChar, sanitize(props[i].Value))
	}
	return &junitProperties{Properties: props}
}

// skippedWords says that Flux is told not to apply an object, why, and
// what differs: "deployerSkips: drifted, skipped by Flux: ...; /spec/x: 1
// → 2".
func skippedWords(res drift.ResourceResult) string {
	return diffWords("deployerSkips: "+string(res.Status)+", skipped by Flux: "+res.DeployerSkips, res)
}

// pendingWords says that an object is not deployed yet, why, and what
// differs: "pendingDeploy: drifted, not deployed yet: changed in Git in
// ...; /spec/x: 1 → 2".
func pendingWords(res drift.ResourceResult) string {
	return diffWords("pendingDeploy: "+string(res.Status)+", not deployed yet: "+res.Reason, res)
}

// diffWords is w followed by what differs: "; /spec/x: 1 → 2".
func diffWords(w string, res drift.ResourceResult) string {
	for _, d := range res.Diffs {
		git, cluster := diffSides(d)
		w += fmt.Sprintf("; %s: %s → %s", d.Path, git, cluster)
	}
	return w
}

func junitFailure(res drift.ResourceResult) *junitProblem {
	p := &junitProblem{Type: string(res.Status)}
	var text strings.Builder
	switch res.Status {
	case drift.StatusDrifted:
		n := len(res.Diffs)
		verb := "fields differ"
		if n == 1 {
			verb = "field differs"
		}
		p.Message = fmt.Sprintf("drifted: %d %s", n, verb)
		for _, d := range res.Diffs {
			git, cluster := diffSides(d)
			fmt.Fprintf(&text, "%s: %s → %s (%s)\n", sanitize(d.Path), git, cluster, sanitize(string(d.Type)))
		}
	case drift.StatusMissingFromCluster:
		p.Message = "missingFromCluster: in Git but not in the cluster"
	case drift.StatusNotInGit:
		p.Message = "notInGit: in the cluster but not in Git"
	default:
		p.Message = string(res.Status)
	}
	if loc := fileLocation(res); loc != "" {
		fmt.Fprintf(&text, "at %s\n", sanitize(loc))
	}
	p.Text = strings.Map(xmlChar, text.String())
	return p
}

// xmlChar maps the characters XML 1.0 does not allow to U+FFFD. The
// encoder escapes attributes and character data, but not CDATA sections.
func xmlChar(r rune) rune {
	switch {
	case r == '\t', r == '\n', r == '\r',
		r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		return r
	}
	return '\uFFFD'
}

// junitSeconds renders d as JUnit's time: seconds with millisecond
// precision.
func junitSeconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}
