package printers

import (
	"fmt"
	"sort"
	"strings"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// SkippedLine summarises the documents a reader skipped, as "skipped 2
// documents of kinds kubectl-hnp does not manage: Gateway (1),
// Kustomization (1)", kinds by name; "" when there are none. A document
// without a kind counts as "(no kind)".
func SkippedLine(skipped []resource.Skipped) string {
	if len(skipped) == 0 {
		return ""
	}
	counts := map[string]int{}
	for _, s := range skipped {
		k := s.Kind
		if k == "" {
			k = "(no kind)"
		}
		counts[k]++
	}
	names := make([]string, 0, len(counts))
	for k := range counts {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s (%d)", sanitize(k), counts[k])
	}
	return fmt.Sprintf("skipped %s of kinds kubectl-hnp does not manage: %s", plural(len(skipped), "document"), strings.Join(parts, ", "))
}

// OneLine makes text, such as an error of several lines, fit in a table
// cell or a summary line: lines are joined with "; " (blank ones dropped)
// and other control characters escaped.
func OneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return sanitize(s)
	}
	var parts []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return sanitize(strings.Join(parts, "; "))
}
