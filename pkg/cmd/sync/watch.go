package sync

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	gosync "sync"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil/watch"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/printers"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// runWatch keeps an informer-backed view of each fabric and of its
// deployer: on a terminal it redraws the summary (the deployer's line
// included) after every change, with a status line for each lost cluster
// or Git remote; in a pipe it prints a line per status change, per change
// of the deployer's state (objects Git changed after the deployed revision
// marked pendingDeploy) and per loss or return of a cluster or Git remote.
// Ctrl-C ends it with exit 0.
func (o *Options) runWatch(ctx context.Context) error {
	fabs, err := o.f.Fabrics(false)
	if err != nil {
		return err
	}
	w := &watch.Watcher{F: o.f, Kinds: o.kinds, Name: o.name, Selector: o.selector, GitPoll: o.GitPoll, Refresh: true}
	if !o.f.IsTerminal() {
		lw := watch.NewLineWriter(o.Out, o.Output == "json")
		w.OnChange, w.OnReachability = lw.Change, lw.Reachability
		w.OnDeployer = func(c watch.DeployerChange) {
			lw.Deployer(c, strings.TrimPrefix(printers.PipelineLine(c.Fabric, c.GitRevision, c.Deployer), "fabric "+c.Fabric+": "))
		}
		return w.Run(ctx, fabs)
	}
	w.OnChange = func(watch.Change) {}
	board := &board{o: o, fabrics: fabs, sums: map[string]FabricSummary{}, lost: map[string]map[string]watch.Reachability{}}
	w.OnUpdate, w.OnReachability, w.OnDeployer = board.update, board.reach, board.deployer
	return w.Run(ctx, fabs)
}

// board redraws the summary of every fabric on the terminal.
type board struct {
	mu      gosync.Mutex
	o       *Options
	fabrics []fabric.Fabric
	sums    map[string]FabricSummary
	// lost holds, per fabric, what is unreachable now ("cluster", "Git").
	lost map[string]map[string]watch.Reachability
	// deployers hold each fabric's last pipeline state (its deployer, and
	// the Git revision it was read against).
	deployers map[string]watch.DeployerChange
}

// deployer records a fabric's new pipeline state and redraws.
func (b *board) deployer(c watch.DeployerChange) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.deployers == nil {
		b.deployers = map[string]watch.DeployerChange{}
	}
	b.deployers[c.Fabric] = c
	if fs, ok := b.sums[c.Fabric]; ok {
		b.sums[c.Fabric] = b.withDeployer(fs)
	}
	b.redraw()
}

// withDeployer adds the fabric's last pipeline state to its summary
// (b.mu held).
func (b *board) withDeployer(fs FabricSummary) FabricSummary {
	if c, ok := b.deployers[fs.Name]; ok {
		fs.Deployer = c.Deployer
		if fs.GitRevision == "" {
			fs.GitRevision = c.GitRevision
		}
	}
	return fs
}

// reach records a lost or recovered cluster or Git remote and redraws.
func (b *board) reach(r watch.Reachability) {
	b.mu.Lock()
	defer b.mu.Unlock()
	what := "cluster"
	if r.Type == watch.TypeGitUnreachable || r.Type == watch.TypeGitReachable {
		what = "Git"
	}
	if b.lost == nil {
		b.lost = map[string]map[string]watch.Reachability{}
	}
	if b.lost[r.Fabric] == nil {
		b.lost[r.Fabric] = map[string]watch.Reachability{}
	}
	if r.Type == watch.TypeClusterUnreachable || r.Type == watch.TypeGitUnreachable {
		b.lost[r.Fabric][what] = r
	} else {
		delete(b.lost[r.Fabric], what)
	}
	b.redraw()
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
	res, _, _, err := compareState(st)
	if err != nil {
		st.Err = err
		res = &drift.Result{}
	}
	b.sums[name] = b.withDeployer(summarize(st, res))
	b.redraw()
}

// redraw clears the terminal and prints every fabric's summary (as last
// seen), then a status line for each lost cluster or Git remote (b.mu held).
func (b *board) redraw() {
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
	fmt.Fprintln(&buf)
	for _, f := range b.fabrics {
		for _, what := range []string{"cluster", "Git"} {
			if r, ok := b.lost[f.Name][what]; ok {
				fmt.Fprintf(&buf, "fabric %s: %s unreachable since %s, retrying: %s\n", f.Name, what, r.Time.UTC().Format(time.RFC3339), r.Error)
			}
		}
	}
	fmt.Fprintf(&buf, "watching %d fabric(s); Git is fetched every %s; Ctrl-C to stop\n", len(b.fabrics), b.o.GitPoll)
	_, _ = b.o.Out.Write(buf.Bytes())
}
