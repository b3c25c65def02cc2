// Package suggest finds the names close to a mistyped one, for "did you
// mean" hints: the Levenshtein distance, at most MaxDistance, as kubectl
// and cobra's SuggestionsMinimumDistance suggest commands.
package suggest

import (
	"sort"
	"strings"
)

// MaxDistance is the largest edit distance that still counts as a typo.
const MaxDistance = 2

// Distance is the Levenshtein distance between a and b (runes,
// case-insensitive).
func Distance(a, b string) int {
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Closest returns the candidates within MaxDistance of input, nearest
// first (ties in the candidates' order), without duplicates and without
// input itself.
func Closest(input string, candidates []string) []string {
	type hit struct {
		name string
		d, i int
	}
	var hits []hit
	seen := map[string]bool{}
	for i, c := range candidates {
		if seen[c] || strings.EqualFold(c, input) {
			continue
		}
		seen[c] = true
		if d := Distance(input, c); d <= MaxDistance {
			hits = append(hits, hit{c, d, i})
		}
	}
	sort.SliceStable(hits, func(a, b int) bool { return hits[a].d < hits[b].d })
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.name
	}
	return out
}

// Hint is "did you mean \"x\"?" (or "one of \"x\", \"y\"?") for the
// closest candidates, or "" when none is close.
func Hint(input string, candidates []string) string {
	c := Closest(input, candidates)
	switch len(c) {
	case 0:
		return ""
	case 1:
		return "did you mean \"" + c[0] + "\"?"
	}
	if len(c) > 3 {
		c = c[:3]
	}
	return "did you mean one of \"" + strings.Join(c, "\", \"") + "\"?"
}
