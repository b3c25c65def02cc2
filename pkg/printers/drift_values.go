package printers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// absentValue stands for the side of a field diff that has no value. It
// cannot be confused with a string, which would be quoted.
const absentValue = "(absent)"

// maxValueRunes is how long a value may be in a narrow table cell.
const maxValueRunes = 40

// maxNarrowDiffs is how many field diffs a narrow table cell lists.
const maxNarrowDiffs = 2

// CompactValue renders a value as drift's table shows it (see
// compactValue), cut to at most n runes (n <= 0: no limit) and with control
// characters escaped, for one-line output elsewhere (sync's plan).
func CompactValue(v interface{}, n int) string {
	s := compactValue(v)
	if n > 0 {
		s = truncate(s, n)
	}
	return Sanitize(s)
}

// Sanitize escapes control characters (see sanitize).
func Sanitize(s string) string { return sanitize(s) }

// compactValue renders a diff value as compact JSON, leaving simple strings
// unquoted: those made of letters, digits and -._/:@ that do not read as a
// JSON number, boolean or null, so that 1002 (a number) and "1002" (a
// string) stay distinct.
func compactValue(v interface{}) string {
	if s, ok := v.(string); ok && plainString(s) {
		return s
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return sanitize(fmt.Sprint(v))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func plainString(s string) bool {
	if s == "" || json.Valid([]byte(s)) {
		return false
	}
	for _, r := range s {
		ok := r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._/:@", r))
		if !ok {
			return false
		}
	}
	return true
}

// diffSides renders the Git and cluster sides of d, absentValue standing
// for the side that has none.
func diffSides(d drift.FieldDiff) (git, cluster string) {
	git, cluster = absentValue, absentValue
	if d.Type != drift.DiffOnlyInCluster {
		git = compactValue(d.Desired)
	}
	if d.Type != drift.DiffOnlyInGit {
		cluster = compactValue(d.Actual)
	}
	return git, cluster
}

// truncate shortens s to at most n runes, ending it with "…" when cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return string(runes[:n-1]) + "…"
}

// fieldsCell renders the diffs of one resource on one line: at most
// maxNarrowDiffs diffs with values truncated, or all of them in full when
// wide.
func fieldsCell(diffs []drift.FieldDiff, wide bool) string {
	if len(diffs) == 0 {
		return "-"
	}
	shown := diffs
	if !wide && len(shown) > maxNarrowDiffs {
		shown = shown[:maxNarrowDiffs]
	}
	parts := make([]string, len(shown))
	for i, d := range shown {
		git, cluster := diffSides(d)
		if !wide {
			git, cluster = truncate(git, maxValueRunes), truncate(cluster, maxValueRunes)
		}
		parts[i] = sanitize(d.Path) + ": " + git + "→" + cluster
	}
	cell := strings.Join(parts, "; ")
	if n := len(diffs) - len(shown); n > 0 {
		cell += fmt.Sprintf(" (+%d more)", n)
	}
	return cell
}

// sanitize replaces control characters (tabs, newlines, escape codes) with
// Go-style escapes so that a cell stays on its line and cannot drive the
// terminal.
func sanitize(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// resourceName is "namespace/name", or the bare name of a cluster-scoped
// resource.
func resourceName(r drift.ResourceResult) string {
	if r.Namespace == "" {
		return r.Name
	}
	return r.Namespace + "/" + r.Name
}

// fileLocation is "file:line", "file" without a line, or "" without a file.
func fileLocation(r drift.ResourceResult) string {
	switch {
	case r.File == "":
		return ""
	case r.Line > 0:
		return r.File + ":" + strconv.Itoa(r.Line)
	}
	return r.File
}

// shortRevision abbreviates a Git revision to 7 characters, as git does.
func shortRevision(rev string) string {
	if len(rev) > 7 {
		return rev[:7]
	}
	return rev
}

// plural renders "1 resource" or "2 resources".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
