package printers

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/githedgehog/kubectl-hnp/pkg/fabriccheck"
)

// ValidateFormats are the output formats of `kubectl hnp validate`.
var ValidateFormats = []string{"table", "json", "junit", "markdown", "github"}

// WriteValidateTable writes one row per problem (FILE, OBJECT, RULE,
// FIELD, MESSAGE; warnings marked), then the notes and a summary line per
// fabric.
func WriteValidateTable(w io.Writer, r *fabriccheck.Report, opts TableOptions) error {
	if r == nil {
		return errors.New("no validation report to print")
	}
	t := Table{Header: []string{"FILE", "OBJECT", "RULE", "FIELD", "MESSAGE", "FIX"}}
	for _, f := range r.Fabrics {
		for _, o := range f.Objects {
			for _, p := range o.Problems {
				rule := p.Rule
				if p.Warning {
					rule += " (warning)"
				}
				t.Rows = append(t.Rows, []string{dashEmpty(location(o.File, o.Line)), o.Kind + "/" + o.Name, rule,
					dashEmpty(p.Field), OneLine(p.Message), dashEmpty(OneLine(p.Fix))})
			}
		}
	}
	var b strings.Builder
	if len(t.Rows) > 0 {
		if err := WriteTable(&b, t, opts); err != nil {
			return err
		}
	}
	for _, f := range r.Fabrics {
		for _, n := range f.Notes {
			fmt.Fprintf(&b, "note: fabric %s: %s\n", f.Name, OneLine(n))
		}
	}
	for _, f := range r.Fabrics {
		fmt.Fprintln(&b, validateFabricLine(f))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func validateFabricLine(f fabriccheck.Fabric) string {
	if f.Error != "" {
		return fmt.Sprintf("fabric %s: error: %s", f.Name, OneLine(f.Error))
	}
	sum := fabriccheck.NewReport([]fabriccheck.Fabric{f}).Summary
	verdict := "valid"
	if sum.Violations > 0 {
		verdict = "invalid"
	}
	return fmt.Sprintf("fabric %s: %s: %s checked, %s in %s, %s", f.Name, verdict,
		counted(sum.Objects, "object"), counted(sum.Violations, "violation"), counted(sum.Invalid, "object"), counted(sum.Warnings, "warning"))
}

func counted(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

func location(file string, line int) string {
	if file == "" {
		return ""
	}
	if line > 0 {
		return file + ":" + strconv.Itoa(line)
	}
	return file
}

// WriteValidateJUnit writes r as JUnit XML, as drift's JUnit does: a test
// suite per fabric and kind, a test case per object (with its file and
// line), a failure per violation; warnings are in the test case's output,
// not failures. A fabric that could not be read is one erroring test case.
func WriteValidateJUnit(w io.Writer, r *fabriccheck.Report, t JUnitTiming) error {
	if r == nil {
		return errors.New("no validation report to print")
	}
	out := validateSuites{Name: "kubectl-hnp validate", Time: junitSeconds(t.Total)}
	stamp := ""
	if !t.Start.IsZero() {
		stamp = t.Start.UTC().Format("2006-01-02T15:04:05")
	}
	for _, f := range r.Fabrics {
		var suites []validateSuite
		if f.Error != "" {
			suites = append(suites, validateSuite{Name: f.Name, Tests: 1, Errors: 1, Cases: []validateCase{{
				Classname: f.Name, Name: "read fabric", Time: junitSeconds(0),
				Error: &junitProblem{Message: sanitize(f.Error), Type: "error"},
			}}})
		}
		byKind := map[string]int{}
		for _, o := range f.Objects {
			i, ok := byKind[o.Kind]
			if !ok {
				i = len(suites)
				byKind[o.Kind] = i
				suites = append(suites, validateSuite{Name: f.Name + "." + o.Kind})
			}
			s := &suites[i]
			c := validateCase{Classname: f.Name + "." + o.Kind, Name: o.Namespace + "/" + o.Name, File: o.File, Line: o.Line, Time: junitSeconds(0)}
			for _, p := range o.Problems {
				if p.Warning {
					c.Output += "warning: " + problemText(p) + "\n"
					continue
				}
				c.Failures = append(c.Failures, junitProblem{Message: sanitize(OneLine(p.Message)), Type: p.Rule, Text: strings.Map(xmlChar, problemText(p)+"\n")})
			}
			if len(c.Failures) > 0 {
				s.Failures++
			}
			s.Tests++
			s.Cases = append(s.Cases, c)
		}
		for i := range suites {
			suites[i].Timestamp = stamp
			suites[i].Time = junitSeconds(0)
			out.Tests += suites[i].Tests
			out.Failures += suites[i].Failures
			out.Errors += suites[i].Errors
		}
		if len(suites) > 0 {
			suites[0].Time = junitSeconds(t.Fabrics[f.Name])
		}
		out.Suites = append(out.Suites, suites...)
	}
	b, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("rendering JUnit XML: %w", err)
	}
	_, err = io.WriteString(w, xml.Header+string(b)+"\n")
	return err
}

// The JUnit shapes of validate: a test case may fail several times (one
// failure per violation) and carries warnings as its output.
type validateSuites struct {
	XMLName  xml.Name        `xml:"testsuites"`
	Name     string          `xml:"name,attr"`
	Tests    int             `xml:"tests,attr"`
	Failures int             `xml:"failures,attr"`
	Errors   int             `xml:"errors,attr"`
	Time     string          `xml:"time,attr"`
	Suites   []validateSuite `xml:"testsuite"`
}

type validateSuite struct {
	Name      string         `xml:"name,attr"`
	Tests     int            `xml:"tests,attr"`
	Failures  int            `xml:"failures,attr"`
	Errors    int            `xml:"errors,attr"`
	Time      string         `xml:"time,attr"`
	Timestamp string         `xml:"timestamp,attr,omitempty"`
	Cases     []validateCase `xml:"testcase"`
}

type validateCase struct {
	Classname string         `xml:"classname,attr"`
	Name      string         `xml:"name,attr"`
	File      string         `xml:"file,attr,omitempty"`
	Line      int            `xml:"line,attr,omitempty"`
	Time      string         `xml:"time,attr"`
	Failures  []junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem  `xml:"error,omitempty"`
	Output    string         `xml:"system-out,omitempty"`
}

// problemText is one problem on one line: field, message, rule and fix.
func problemText(p fabriccheck.Problem) string {
	var b strings.Builder
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(OneLine(p.Message))
	b.WriteString(" [" + p.Rule + "]")
	if p.Fix != "" {
		b.WriteString(" Fix: " + OneLine(p.Fix))
	}
	return b.String()
}

// WriteValidateMarkdown writes r for a pull request comment: a verdict, a
// table per fabric of the problems (file:line, object, rule, field,
// message, fix), and the notes.
func WriteValidateMarkdown(w io.Writer, r *fabriccheck.Report) error {
	if r == nil {
		return errors.New("no validation report to print")
	}
	var b strings.Builder
	s := r.Summary
	switch {
	case s.Errors > 0:
		fmt.Fprintf(&b, "### ❗ kubectl hnp validate: %s could not be read\n", counted(s.Errors, "fabric"))
	case s.Violations > 0:
		fmt.Fprintf(&b, "### ❌ kubectl hnp validate: %s in %s\n", counted(s.Violations, "violation"), counted(s.Invalid, "object"))
	default:
		fmt.Fprintf(&b, "### ✅ kubectl hnp validate: %s valid\n", counted(s.Objects, "object"))
	}
	for _, f := range r.Fabrics {
		fmt.Fprintf(&b, "\n#### Fabric %s\n\n", mdCell(f.Name))
		if f.Error != "" {
			fmt.Fprintf(&b, "Error: %s\n", mdCell(f.Error))
			continue
		}
		rows := 0
		for _, o := range f.Objects {
			for _, p := range o.Problems {
				if rows == 0 {
					b.WriteString("| | File | Object | Rule | Field | Message | Fix |\n|---|---|---|---|---|---|---|\n")
				}
				rows++
				mark := "❌"
				if p.Warning {
					mark = "⚠️"
				}
				fmt.Fprintf(&b, "| %s | %s | %s | `%s` | %s | %s | %s |\n", mark, mdCode(location(o.File, o.Line)),
					mdCell(o.Kind+" "+o.Name), mdCell(p.Rule), mdCode(p.Field), mdCell(p.Message), mdCell(p.Fix))
			}
		}
		if rows > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s\n", mdCell(validateFabricLine(f)))
		for _, n := range f.Notes {
			fmt.Fprintf(&b, "\n> note: %s\n", mdCell(n))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdCode(s string) string {
	if s == "" {
		return "–"
	}
	return "`" + strings.ReplaceAll(mdCell(s), "`", "'") + "`"
}

// ValidateFindings maps a validation report into findings for the GitHub
// (and SARIF) printers: one per problem, at its object's file and line.
func ValidateFindings(r *fabriccheck.Report) Findings {
	fs := Findings{}
	seen := map[string]bool{}
	for _, f := range r.Fabrics {
		if f.Error != "" {
			fs.Failed = true
			fs.Findings = append(fs.Findings, Finding{Rule: "validate/error", Level: LevelError, Title: "fabric " + f.Name, Message: "fabric " + f.Name + ": " + f.Error, Key: f.Name})
		}
		for _, o := range f.Objects {
			for _, p := range o.Problems {
				lvl := LevelError
				if p.Warning {
					lvl = LevelWarning
				}
				if !seen[p.Rule] {
					seen[p.Rule] = true
					fs.Rules = append(fs.Rules, Rule{ID: p.Rule, Name: p.Rule, Short: "Hedgehog rule " + p.Rule, Level: lvl})
				}
				fs.Findings = append(fs.Findings, Finding{Rule: p.Rule, Level: lvl, File: o.File, Line: o.Line,
					Title: o.Kind + " " + o.Name + ": " + p.Rule, Message: problemText(p), Key: f.Name + "/" + o.Kind + "/" + o.Name + "/" + p.Field})
			}
		}
		for _, n := range f.Notes {
			fs.Findings = append(fs.Findings, Finding{Rule: "validate/note", Level: LevelNote, Title: "fabric " + f.Name, Message: n, Key: f.Name})
		}
	}
	s := r.Summary
	fs.Summary = fmt.Sprintf("kubectl hnp validate: %s checked, %s, %s", counted(s.Objects, "object"), counted(s.Violations, "violation"), counted(s.Warnings, "warning"))
	return fs
}

// WriteValidateGitHub writes r as GitHub Actions workflow commands.
func WriteValidateGitHub(w io.Writer, r *fabriccheck.Report) error {
	if r == nil {
		return errors.New("no validation report to print")
	}
	return WriteGitHub(w, ValidateFindings(r))
}
