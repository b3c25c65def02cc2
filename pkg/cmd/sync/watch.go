package sync

import (
	"bytes"
	"context"
	"fmt"
	gosync "sync"

	driftcmd "github.com/githedgehog/kubectl-hnp/pkg/cmd/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// runWatch keeps an informer-backed view of each fabric: on a terminal it
// redraws the summary after every change; in a pipe it prints a line per
// status change. Ctrl-C ends it with exit 0.
func (o *Options) runWatch(ctx context.Context) error {
	fabs, err := o.f.Fabrics(false)
	if err != nil {
		return err
	}
	w := &driftcmd.Watcher{F: o.f, Kinds: o.kinds, Name: o.name, Selector: o.selector, GitPoll: o.GitPoll, Refresh: true}
	if !o.f.IsTerminal() {
		w.OnChange = driftcmd.ChangeWriter(o.Out, o.Output == "json")
		return w.Run(ctx, fabs)
	}
	w.OnChange = func(driftcmd.Change) {}
	board := &board{o: o, fabrics: fabs, sums: map[string]FabricSummary{}}
	w.OnUpdate = board.update
	return w.Run(ctx, fabs)
}

// board redraws the summary of every fabric on the terminal.
type board struct {
	mu      gosync.Mutex
	o       *Options
	fabrics []fabric.Fabric
	sums    map[string]FabricSummary
}

func (b *board) update(name string, desired, actual resource.Set) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var fab fabric.Fabric
	for _, f := range b.fabrics {
		if f.Name == name {
			fab = f
		}
	}
	st := &cmdutil.FabricState{Fabric: fab, Desired: desired, Actual: actual, Kinds: b.o.kinds}
	res, err := compareState(st)
	if err != nil {
		st.Err = err
		res = &drift.Result{}
	}
	b.sums[name] = summarize(st, res)
	sum := Summary{Time: b.o.f.Now().UTC()}
	for _, f := range b.fabrics {
		if s, ok := b.sums[f.Name]; ok {
			sum.Fabrics = append(sum.Fabrics, s)
		}
	}
	var buf bytes.Buffer
	buf.WriteString("\033[H\033[2J") // home, clear screen
	if err := writeSummary(&buf, sum, true); err != nil {
		return
	}
	fmt.Fprintf(&buf, "\nwatching %d fabric(s); Git is fetched every %s; Ctrl-C to stop\n", len(b.fabrics), b.o.GitPoll)
	_, _ = b.o.Out.Write(buf.Bytes())
}
