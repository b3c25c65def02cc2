package sync

import (
	"fmt"
	"io"
	"strings"
	gosync "sync"
)

// progress draws a one-line bar on a terminal's stderr while the clusters
// are read: kinds listed so far, and objects read. A nil progress does
// nothing, so callers need not check.
type progress struct {
	mu      gosync.Mutex
	w       io.Writer
	total   int
	kinds   int
	objects int
}

func newProgress(w io.Writer, total int) *progress { return &progress{w: w, total: total} }

const barWidth = 30

// step records one kind of one fabric read with n objects, and redraws.
func (p *progress) step(fabric, kind string, n int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.kinds++
	p.objects += n
	filled := barWidth
	if p.total > 0 && p.kinds < p.total {
		filled = barWidth * p.kinds / p.total
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d kinds, %d objects (%s %s)\033[K",
		strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled), p.kinds, p.total, p.objects, fabric, kind)
}

// done clears the bar.
func (p *progress) done() {
	if p == nil {
		return
	}
	fmt.Fprint(p.w, "\r\033[K")
}
