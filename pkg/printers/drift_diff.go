package printers

import (
	"io"
	"strconv"
	"strings"
)

// ResourceDiff is the unified diff of one resource, as drift.UnifiedDiff
// renders it, with the fabric it belongs to.
type ResourceDiff struct {
	// Fabric names the fabric of the resource; it is not printed, the
	// diff headers name the resource.
	Fabric string
	// Text is a unified diff: lines starting with ---, +++, @@, - and +
	// (and a space for context).
	Text string
}

// WriteDriftDiff writes the diffs one after the other, as unified diffs
// concatenate. A diff missing its final newline gets one. With color,
// file headers are bold, hunk headers cyan, removed lines red and added
// lines green.
func WriteDriftDiff(w io.Writer, diffs []ResourceDiff, color bool) error {
	var b strings.Builder
	for _, d := range diffs {
		if d.Text == "" {
			continue
		}
		var h hunk
		text := strings.TrimSuffix(d.Text, "\n")
		for _, line := range strings.Split(text, "\n") {
			if color {
				line = h.color(line)
			}
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// hunk tracks how many old and new lines the current hunk still has, so
// that a removed line reading "--- x" is not taken for a file header.
type hunk struct{ old, new int }

func (h *hunk) color(line string) string {
	var c string
	inBody := h.old > 0 || h.new > 0
	switch {
	case inBody && strings.HasPrefix(line, "-"):
		h.old--
		c = ansiRed
	case inBody && strings.HasPrefix(line, "+"):
		h.new--
		c = ansiGreen
	case inBody && strings.HasPrefix(line, " "):
		h.old--
		h.new--
		return line
	case strings.HasPrefix(line, "@@"):
		h.old, h.new = hunkCounts(line)
		c = ansiCyan
	case strings.HasPrefix(line, "---"), strings.HasPrefix(line, "+++"):
		c = ansiBold
	case strings.HasPrefix(line, "-"):
		c = ansiRed
	case strings.HasPrefix(line, "+"):
		c = ansiGreen
	default:
		return line
	}
	return c + line + ansiReset
}

// hunkCounts reads the line counts of a hunk header "@@ -l,s +l,s @@"; a
// missing count is 1. A header it cannot read yields 0, 0.
func hunkCounts(header string) (old, new int) {
	fields := strings.Fields(header)
	if len(fields) < 3 {
		return 0, 0
	}
	count := func(f, sign string) int {
		if !strings.HasPrefix(f, sign) {
			return 0
		}
		_, n, found := strings.Cut(f[1:], ",")
		if !found {
			return 1
		}
		v, err := strconv.Atoi(n)
		if err != nil || v < 0 {
			return 0
		}
		return v
	}
	return count(fields[1], "-"), count(fields[2], "+")
}
