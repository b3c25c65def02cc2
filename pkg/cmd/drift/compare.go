package drift

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/judge"
	"github.com/githedgehog/kubectl-hnp/pkg/printers"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// comparison is the drift of one fabric, with what it was computed from.
type comparison struct {
	state   *cmdutil.FabricState
	opts    driftpkg.Options
	desired resource.Set // Git, or the server-side dry-run results
	result  *driftpkg.Result
	// pipeline is the fabric's deployer, when it has one.
	pipeline *driftpkg.Pipeline
	err      error
	// elapsed is how long reading and comparing the fabric took.
	elapsed time.Duration
	// warning, when set, is printed with the results (compare runs on the
	// fleet's workers, which do not write to the terminal).
	warning string
}

// compare computes one fabric's drift. A fabric that failed to load keeps
// its error and no result.
func (o *Options) compare(ctx context.Context, st *cmdutil.FabricState) *comparison {
	c := &comparison{state: st, err: st.Err}
	if c.err != nil {
		return c
	}
	desired, actual := st.Desired, st.Actual
	// Evidence beyond the compared objects: the sample, and the whole
	// fabric's objects when a name narrows the comparison.
	evidence := []resource.Set{st.Evidence}
	if o.name != "" {
		desired, actual = desired.Named(o.name), actual.Named(o.name)
		evidence = append(evidence, st.Actual)
	}
	in := judge.Input{Fabric: &st.Fabric, Desired: desired, Actual: actual, Model: st.Model, Settings: o.settings(),
		Evidence: evidence}
	if o.ServerSide {
		cl, err := o.f.Cluster(&st.Fabric)
		if err != nil {
			c.err = fmt.Errorf("fabric %s: %w", st.Fabric.Name, err)
			return c
		}
		in.ServerSide = &judge.ServerSide{Reader: cl.Reader(), Served: st.Kinds}
	}
	out, err := judge.Compare(ctx, in)
	if err != nil {
		c.err = err
		return c
	}
	c.opts, c.desired, c.result = out.Options, out.Desired, out.Result
	if c.pipeline, err = o.f.Pipeline(ctx, st, c.result); err != nil {
		c.warning = fmt.Sprintf("Warning: fabric %s: reading what Git holds after the deployed revision: %v\n", st.Fabric.Name, err)
	}
	if !o.NoDeployerIgnores {
		cmdutil.MarkDeployerSkips(st, c.result)
	}
	return c
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
			fr.Deployer = c.pipeline
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
