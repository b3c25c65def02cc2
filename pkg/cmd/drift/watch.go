package drift

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/githedgehog/kubectl-hnp/pkg/clusterstate"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/judge"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// StatusDeleted is the status --watch reports for an object that is gone
// from both Git and the cluster.
const StatusDeleted driftpkg.Status = "deleted"

// Change is one status change printed by --watch (a JSON line with -o json).
type Change struct {
	Time      time.Time            `json:"time"`
	Fabric    string               `json:"fabric"`
	Kind      string               `json:"kind"`
	Namespace string               `json:"namespace"`
	Name      string               `json:"name"`
	Status    driftpkg.Status      `json:"status"`
	Previous  driftpkg.Status      `json:"previous,omitempty"`
	Diffs     []driftpkg.FieldDiff `json:"diffs,omitempty"`
}

// ChangeWriter returns a function printing changes as lines (or JSON
// lines), safe for concurrent use.
func ChangeWriter(w io.Writer, jsonLines bool) func(Change) {
	return (&changeWriter{w: w, json: jsonLines}).write
}

// changeWriter prints changes, one line each, from several goroutines.
type changeWriter struct {
	mu   sync.Mutex
	w    io.Writer
	json bool
}

func (cw *changeWriter) write(c Change) {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	if cw.json {
		b, err := json.Marshal(c)
		if err == nil {
			fmt.Fprintf(cw.w, "%s\n", b)
		}
		return
	}
	prev := string(c.Previous)
	if prev == "" {
		prev = "(new)"
	}
	line := fmt.Sprintf("%s %s %s %s/%s: %s → %s", c.Time.UTC().Format(time.RFC3339), c.Fabric, c.Kind, c.Namespace, c.Name, prev, c.Status)
	if len(c.Diffs) > 0 {
		var parts []string
		for _, d := range c.Diffs {
			parts = append(parts, d.Path)
		}
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	fmt.Fprintln(cw.w, line)
}

// watch prints the initial drift, then a line per status change until ctx
// is done (Ctrl-C), which is a clean exit.
func (o *Options) watch(ctx context.Context, fabs []fabric.Fabric) error {
	cw := &changeWriter{w: o.Out, json: o.Output == "json"}
	w := &Watcher{F: o.f, Kinds: o.kinds, Name: o.name, Selector: o.selector, GitPoll: o.GitPoll,
		Rules: o.rules, Strict: o.Strict, NoBuiltinIgnores: o.NoBuiltinIgnores, OnChange: cw.write}
	return w.Run(ctx, fabs)
}

// Watcher keeps the drift of fabrics up to date from informers on their
// clusters and Git fetches, and reports each status change.
type Watcher struct {
	F                *cmdutil.Factory
	Kinds            []*kinds.Kind
	Name             string
	Selector         labels.Selector
	GitPoll          time.Duration
	Rules            []driftpkg.Rule
	Strict           bool
	NoBuiltinIgnores bool
	// OnChange is called for each status change (from one goroutine per
	// fabric: it must be safe for concurrent use).
	OnChange func(Change)
	// Refresh fetches Git fast-forward only (sync): commits the remote
	// lacks are kept, not reset away.
	Refresh bool
	// OnUpdate, when set, is called after each batch of changes of a
	// fabric with its current desired and actual state (same goroutines).
	OnUpdate func(fabric string, desired, actual resource.Set)
}

// Run watches until ctx is done; a failing fabric is reported at the end
// and makes the exit code 2.
func (w *Watcher) Run(ctx context.Context, fabs []fabric.Fabric) error {
	errs := make(chan error, len(fabs))
	var wg sync.WaitGroup
	for i := range fabs {
		wg.Add(1)
		go func(fab fabric.Fabric) {
			defer wg.Done()
			if err := w.watchFabric(ctx, fab); err != nil {
				errs <- err
			}
		}(fabs[i])
	}
	wg.Wait()
	close(errs)
	failed := false
	for err := range errs {
		failed = true
		fmt.Fprintf(w.F.IOStreams.ErrOut, "Error: %v\n", err)
	}
	if failed {
		return cmdutil.SilentExit(cmdutil.ExitError)
	}
	return nil
}

// fabricWatch is the live state of one watched fabric.
type fabricWatch struct {
	name     string
	opts     driftpkg.Options
	desired  resource.Set
	actual   resource.Set
	statuses map[resource.Key]driftpkg.Status
	now      func() time.Time
	onChange func(Change)
}

func (w *Watcher) options(ctx context.Context, fab fabric.Fabric) (driftpkg.Options, error) {
	model := w.F.WriteModel(ctx, &fab, true)
	return judge.Options(&fab, model, judge.Settings{Strict: w.Strict, Ignores: w.Rules, NoBuiltinIgnores: w.NoBuiltinIgnores})
}

func (w *Watcher) watchFabric(ctx context.Context, fab fabric.Fabric) error {
	cl, err := w.F.Cluster(&fab)
	if err != nil {
		return fmt.Errorf("fabric %s: %w", fab.Name, err)
	}
	r := cl.Reader()
	ks, err := r.Resolve(ctx, w.Kinds)
	if err != nil {
		return fmt.Errorf("fabric %s: %w", fab.Name, err)
	}
	sel := ""
	if w.Selector != nil && !w.Selector.Empty() {
		sel = w.Selector.String()
	}
	events := make(chan clusterstate.Event, 256)
	actual, err := r.Watch(ctx, ks, sel, events)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("fabric %s: %w", fab.Name, err)
	}
	desired, err := w.loadGit(ctx, fab)
	if err != nil {
		return err
	}
	fw := &fabricWatch{name: fab.Name, actual: w.filterName(actual), statuses: map[resource.Key]driftpkg.Status{}, now: w.F.Now, onChange: w.OnChange}
	if fw.opts, err = w.options(ctx, fab); err != nil {
		return err
	}
	fw.setDesired(desired)
	w.update(fw)
	ticker := time.NewTicker(w.GitPoll)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev := <-events:
			if w.Name != "" && ev.Key.Name != w.Name {
				continue
			}
			if ev.Obj == nil {
				delete(fw.actual, ev.Key)
			} else {
				fw.actual[ev.Key] = &resource.Object{Key: ev.Key, Obj: ev.Obj}
			}
			fw.recompute(ev.Key)
			w.update(fw)
		case <-ticker.C:
			desired, err := w.loadGit(ctx, fab)
			if err != nil {
				fmt.Fprintf(w.F.IOStreams.ErrOut, "Error: %v (will retry)\n", err)
				continue
			}
			fw.setDesired(desired)
			w.update(fw)
		}
	}
}

func (w *Watcher) update(fw *fabricWatch) {
	if w.OnUpdate != nil {
		w.OnUpdate(fw.name, fw.desired, fw.actual)
	}
}

func (w *Watcher) loadGit(ctx context.Context, fab fabric.Fabric) (resource.Set, error) {
	st := w.F.LoadFabrics(ctx, []fabric.Fabric{fab}, cmdutil.LoadOptions{Source: cmdutil.SourceGit, Kinds: w.Kinds, Selector: w.Selector, Refresh: w.Refresh})[0]
	return w.filterName(st.Desired), st.Err
}

func (w *Watcher) filterName(set resource.Set) resource.Set {
	if w.Name == "" {
		return set
	}
	return byName(set, w.Name)
}

// setDesired replaces the desired state and reports every status change.
func (fw *fabricWatch) setDesired(d resource.Set) {
	fw.desired = d
	keys := map[resource.Key]bool{}
	for k := range d {
		keys[k] = true
	}
	for k := range fw.actual {
		keys[k] = true
	}
	for k := range fw.statuses {
		keys[k] = true
	}
	sorted := make([]resource.Key, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	resource.SortKeys(sorted)
	for _, k := range sorted {
		fw.recompute(k)
	}
}

// recompute compares one object again and reports a change of its status.
// The first status of an object is reported only when not in sync.
func (fw *fabricWatch) recompute(k resource.Key) {
	d, a := resource.Set{}, resource.Set{}
	if o, ok := fw.desired[k]; ok {
		d[k] = o
	}
	if o, ok := fw.actual[k]; ok {
		a[k] = o
	}
	prev, seen := fw.statuses[k]
	if len(d) == 0 && len(a) == 0 {
		if seen {
			delete(fw.statuses, k)
			fw.onChange(Change{Time: fw.now(), Fabric: fw.name, Kind: k.Kind, Namespace: k.Namespace, Name: k.Name, Status: StatusDeleted, Previous: prev})
		}
		return
	}
	res := driftpkg.Compare(d, a, fw.opts).Resources[0]
	fw.statuses[k] = res.Status
	if res.Status == prev || (!seen && res.Status == driftpkg.StatusInSync) {
		return
	}
	fw.onChange(Change{Time: fw.now(), Fabric: fw.name, Kind: k.Kind, Namespace: k.Namespace, Name: k.Name, Status: res.Status, Previous: prev, Diffs: res.Diffs})
}
