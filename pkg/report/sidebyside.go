package report

import (
	"fmt"
	"strings"
)

// SideRow is one row of a two-column diff: Git on the left, the cluster on
// the right. A hunk header has Hunk set and nothing else.
type SideRow struct {
	Hunk                string
	LeftNo, RightNo     int
	Left, Right         string
	LeftKind, RightKind string // "same", "del", "add", "" (empty cell)
}

// SideBySide turns a unified diff (Git ---, cluster +++) into rows of two
// columns: unchanged lines on both sides, a run of removed lines paired
// with the run of added lines that follows it.
func SideBySide(unified string) []SideRow {
	var out []SideRow
	var del, add []string
	left, right := 0, 0
	flush := func() {
		for i := 0; i < len(del) || i < len(add); i++ {
			var r SideRow
			if i < len(del) {
				left++
				r.LeftNo, r.Left, r.LeftKind = left, del[i], "del"
			}
			if i < len(add) {
				right++
				r.RightNo, r.Right, r.RightKind = right, add[i], "add"
			}
			out = append(out, r)
		}
		del, add = nil, nil
	}
	for _, line := range strings.Split(strings.TrimSuffix(unified, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "--- "), strings.HasPrefix(line, "+++ "):
		case strings.HasPrefix(line, "@@"):
			flush()
			var a, b int
			if _, err := fmt.Sscanf(line, "@@ -%d", &a); err == nil {
				left = a - 1
			}
			if i := strings.Index(line, " +"); i >= 0 {
				if _, err := fmt.Sscanf(line[i:], " +%d", &b); err == nil {
					right = b - 1
				}
			}
			out = append(out, SideRow{Hunk: line})
		case strings.HasPrefix(line, "-"):
			if len(add) > 0 {
				flush()
			}
			del = append(del, line[1:])
		case strings.HasPrefix(line, "+"):
			add = append(add, line[1:])
		case strings.HasPrefix(line, `\`):
		default:
			flush()
			text := strings.TrimPrefix(line, " ")
			left++
			right++
			out = append(out, SideRow{LeftNo: left, RightNo: right, Left: text, Right: text, LeftKind: "same", RightKind: "same"})
		}
	}
	flush()
	return out
}
