package drift

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/clusterstate"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

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
	errs := make(chan error, len(fabs))
	var wg sync.WaitGroup
	for i := range fabs {
		wg.Add(1)
		go func(fab fabric.Fabric) {
			defer wg.Done()
			if err := o.watchFabric(ctx, fab, cw); err != nil {
				errs <- err
			}
		}(fabs[i])
	}
	wg.Wait()
	close(errs)
	failed := false
	for err := range errs {
		failed = true
		fmt.Fprintf(o.ErrOut, "Error: %v\n", err)
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
	out      *changeWriter
}

func (o *Options) watchFabric(ctx context.Context, fab fabric.Fabric, out *changeWriter) error {
	cl, err := o.f.Cluster(&fab)
	if err != nil {
		return err
	}
	r := cl.Reader()
	ks, err := r.Resolve(ctx, o.kinds)
	if err != nil {
		return fmt.Errorf("fabric %s: %w", fab.Name, err)
	}
	sel := ""
	if !o.selector.Empty() {
		sel = o.selector.String()
	}
	events := make(chan clusterstate.Event, 256)
	actual, err := r.Watch(ctx, ks, sel, events)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("fabric %s: %w", fab.Name, err)
	}
	st, err := o.loadGit(ctx, fab)
	if err != nil {
		return err
	}
	fw := &fabricWatch{name: fab.Name, actual: o.filterName(actual), statuses: map[resource.Key]driftpkg.Status{}, now: o.f.Now, out: out}
	if fw.opts, err = o.options(st); err != nil {
		return err
	}
	fw.setDesired(o.filterName(st.Desired))
	ticker := time.NewTicker(o.GitPoll)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev := <-events:
			if o.name != "" && ev.Key.Name != o.name {
				continue
			}
			if ev.Obj == nil {
				delete(fw.actual, ev.Key)
			} else {
				fw.actual[ev.Key] = &resource.Object{Key: ev.Key, Obj: ev.Obj}
			}
			fw.recompute(ev.Key)
		case <-ticker.C:
			st, err := o.loadGit(ctx, fab)
			if err != nil {
				fmt.Fprintf(o.ErrOut, "Error: %v (will retry)\n", err)
				continue
			}
			fw.setDesired(o.filterName(st.Desired))
		}
	}
}

func (o *Options) loadGit(ctx context.Context, fab fabric.Fabric) (*cmdutil.FabricState, error) {
	st := o.f.LoadFabrics(ctx, []fabric.Fabric{fab}, cmdutil.LoadOptions{Source: cmdutil.SourceGit, Kinds: o.kinds, Selector: o.selector})[0]
	return st, st.Err
}

func (o *Options) filterName(set resource.Set) resource.Set {
	if o.name == "" {
		return set
	}
	return byName(set, o.name)
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

// recompute compares one object again and prints a line when its status
// changed. The first status of an object is printed only when not in sync.
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
			fw.out.write(Change{Time: fw.now(), Fabric: fw.name, Kind: k.Kind, Namespace: k.Namespace, Name: k.Name, Status: "deleted", Previous: prev})
		}
		return
	}
	res := driftpkg.Compare(d, a, fw.opts).Resources[0]
	fw.statuses[k] = res.Status
	if res.Status == prev || (!seen && res.Status == driftpkg.StatusInSync) {
		return
	}
	fw.out.write(Change{Time: fw.now(), Fabric: fw.name, Kind: k.Kind, Namespace: k.Namespace, Name: k.Name, Status: res.Status, Previous: prev, Diffs: res.Diffs})
}
