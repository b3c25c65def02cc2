package drift

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/printers"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// comparison is the drift of one fabric, with what it was computed from.
type comparison struct {
	state   *cmdutil.FabricState
	opts    driftpkg.Options
	desired resource.Set // Git, or the server-side dry-run results
	result  *driftpkg.Result
	err     error
	// elapsed is how long reading and comparing the fabric took.
	elapsed time.Duration
}

// compare computes one fabric's drift. A fabric that failed to load keeps
// its error and no result.
func (o *Options) compare(ctx context.Context, st *cmdutil.FabricState) *comparison {
	c := &comparison{state: st, err: st.Err}
	if c.err != nil {
		c.elapsed = st.Elapsed
		return c
	}
	start := o.f.Now()
	defer func() { c.elapsed = st.Elapsed + o.f.Now().Sub(start) }()
	if c.opts, c.err = o.options(st); c.err != nil {
		return c
	}
	desired, actual := st.Desired, st.Actual
	if o.name != "" {
		desired, actual = byName(desired, o.name), byName(actual, o.name)
	}
	c.desired = desired
	if o.ServerSide {
		c.desired, c.err = o.serverSide(ctx, st, desired, actual)
		if c.err != nil {
			return c
		}
		// The server's answer holds every field the cluster would store,
		// so everything is compared: what differs is real.
		c.opts.Strict = true
	}
	c.result = driftpkg.Compare(c.desired, actual, c.opts)
	return c
}

// serverSide replaces each desired object that exists in the cluster by the
// result of a server-side dry-run apply of it. Objects missing from the
// cluster stay as they are: they are missing whatever the server says.
func (o *Options) serverSide(ctx context.Context, st *cmdutil.FabricState, desired, actual resource.Set) (resource.Set, error) {
	cl, err := o.f.Cluster(&st.Fabric)
	if err != nil {
		return nil, fmt.Errorf("fabric %s: %w", st.Fabric.Name, err)
	}
	served := map[string]*kinds.Kind{}
	for _, k := range st.Kinds {
		served[k.Kind] = k
	}
	var objs []*resource.Object
	out := make(resource.Set, len(desired))
	for k, d := range desired {
		if _, ok := actual[k]; ok {
			objs = append(objs, d)
		} else {
			out[k] = d
		}
	}
	res, err := cl.Reader().DryRunApply(ctx, served, objs, 0)
	for k, v := range res {
		out[k] = v
	}
	if err != nil {
		return nil, fmt.Errorf("fabric %s: %w", st.Fabric.Name, err)
	}
	return out, nil
}

func byName(set resource.Set, name string) resource.Set {
	out := resource.Set{}
	for k, v := range set {
		if k.Name == name {
			out[k] = v
		}
	}
	return out
}

// report gathers the fabrics' results into the printed report.
func report(comps []*comparison) *driftpkg.Report {
	rep := driftpkg.NewReport()
	for _, c := range comps {
		fr := driftpkg.FabricReport{Name: c.state.Fabric.Name, Skipped: c.state.Skipped}
		if c.state.Workspace != nil {
			fr.GitRevision = c.state.Workspace.Revision
		}
		if c.err != nil {
			// The report is per fabric: its name need not start the message.
			fr.Error = strings.TrimPrefix(c.err.Error(), "fabric "+fr.Name+": ")
		} else {
			fr.Resources = c.result.Resources
			fr.Summary = c.result.Summary
		}
		rep.Add(fr)
	}
	return rep
}

// unifiedDiffs renders each object not in sync as a unified diff.
func unifiedDiffs(comps []*comparison) ([]printers.ResourceDiff, error) {
	var out []printers.ResourceDiff
	for _, c := range comps {
		if c.result == nil {
			continue
		}
		for _, r := range c.result.Resources {
			if r.Status == driftpkg.StatusInSync {
				continue
			}
			k := r.Key()
			text, err := driftpkg.UnifiedDiff(r, c.desired[k], c.state.Actual[k], c.opts)
			if err != nil {
				return nil, fmt.Errorf("fabric %s: %s: %w", c.state.Fabric.Name, k, err)
			}
			out = append(out, printers.ResourceDiff{Fabric: c.state.Fabric.Name, Text: text})
		}
	}
	return out, nil
}
