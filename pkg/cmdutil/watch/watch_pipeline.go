package watch

import (
	"context"
	"fmt"
	"reflect"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/deployer"
	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/judge"
)

// pipelineWatch follows one fabric's deployer for --watch (with
// Watcher.OnDeployer): found once after Git is first read, then watched;
// each new state of the pipeline is reported, and the fabric's Pending
// marker is recomputed from Git's history since the deployed revision.
type pipelineWatch struct {
	w   *Watcher
	fab fabric.Fabric
	cl  *cmdutil.Cluster
	fw  *fabricWatch
	// statuses receives the deployer's statuses from Follow.
	statuses chan *deployer.Status

	looked bool
	st     *cmdutil.FabricState
	last   *driftpkg.Pipeline
	// lastGit is the Git revision last's line was judged against.
	lastGit string
	// fetchedFor is the deployed revision Git was last fetched for at
	// once (aheadOfGit).
	fetchedFor string
	// ignores are the deployer's ignore rules the comparison follows
	// (followIgnores).
	ignores []fabric.IgnoreRule
}

// followIgnores makes the fabric's comparison follow the fields its
// deployer leaves out of its own (an Argo CD Application's
// ignoreDifferences), as drift does, and reports whether they changed
// (then every object must be judged again).
func (p *pipelineWatch) followIgnores() bool {
	if p.w.NoDeployerIgnores || p.st == nil || p.st.Deployer == nil || p.st.Deployer.Status == nil {
		return false
	}
	s := p.st.Deployer.Status
	if len(s.Ignores) == len(p.ignores) && (len(s.Ignores) == 0 || reflect.DeepEqual(s.Ignores, p.ignores)) {
		return false
	}
	fab := p.fab
	fab.Ignore = cmdutil.WithDeployerIgnores(p.fab.Ignore, s.Ignores)
	opts, err := judge.Options(&fab, p.fw.opts.Model, p.w.settings())
	if err != nil {
		fmt.Fprintf(p.w.F.IOStreams.ErrOut, "Warning: fabric %s: the deployer's ignore rules: %v\n", p.fab.Name, err)
		return false
	}
	p.ignores, p.fw.opts = s.Ignores, opts
	for _, n := range s.IgnoreNotes {
		fmt.Fprintf(p.w.F.IOStreams.ErrOut, "Warning: fabric %s: %s\n", p.fab.Name, n)
	}
	return true
}

// aheadOfGit reports, once per deployed revision, that the deployer has
// applied a revision the last Git read does not hold (someone pushed, and
// the deployer fetched before the watch's next poll): Git is then fetched
// at once, so that what the deployer applied is judged against the Git it
// came from, not shown as drift until the next poll.
func (p *pipelineWatch) aheadOfGit() bool {
	l := p.last
	if l == nil || p.st == nil || p.st.Workspace == nil || l.Revision == "" || l.Revision == p.st.Workspace.Revision ||
		l.Behind > 0 || l.Revision == p.fetchedFor {
		return false
	}
	p.fetchedFor = l.Revision
	return true
}

// gitRead takes a new read of Git: the first one looks the deployer up
// and starts following it; each one judges the pipeline again.
func (p *pipelineWatch) gitRead(ctx context.Context, st *cmdutil.FabricState) {
	if p.w.OnDeployer == nil || st == nil || st.Workspace == nil {
		return
	}
	prev := p.st
	p.st = st
	if prev != nil {
		st.Deployer = prev.Deployer
	}
	if !p.looked {
		p.looked = true
		d, err := p.w.F.Deployer(ctx, &p.fab, st.Workspace.Branch)
		if err != nil {
			fmt.Fprintf(p.w.F.IOStreams.ErrOut, "Warning: fabric %s: %v\n", p.fab.Name, err)
		}
		if d == nil {
			return
		}
		st.Deployer = d
		p.followIgnores()
		go func() {
			_ = deployer.Follow(ctx, p.cl.Dynamic, d.Ref, func(s *deployer.Status) {
				select {
				case p.statuses <- s:
				case <-ctx.Done():
				}
			})
		}()
	}
	p.judge(ctx)
}

// observe takes a status of the deployer; it reports whether the pipeline
// changed (then the objects' pendingDeploy marks may have).
func (p *pipelineWatch) observe(ctx context.Context, s *deployer.Status) bool {
	if p.st == nil || p.st.Deployer == nil {
		return false
	}
	d := *p.st.Deployer
	d.Status = s.WithSystemIgnores(d.Status)
	p.st.Deployer = &d
	ignores := p.followIgnores()
	return p.judge(ctx) || ignores
}

// judge computes the pipeline and the Pending marker, and reports a
// changed pipeline.
func (p *pipelineWatch) judge(ctx context.Context) bool {
	pl, pending, err := p.w.F.PipelineState(ctx, p.st)
	if err != nil {
		fmt.Fprintf(p.w.F.IOStreams.ErrOut, "Warning: fabric %s: reading what Git holds after the deployed revision: %v\n", p.fab.Name, err)
	}
	p.fw.pending = nil
	if pending != nil {
		p.fw.pending = pending
	}
	if pl == nil || (p.last != nil && *pl == *p.last && p.st.Workspace.Revision == p.lastGit) {
		return false
	}
	p.last, p.lastGit = pl, p.st.Workspace.Revision
	p.w.OnDeployer(DeployerChange{Time: p.w.F.Now(), Type: TypeDeployerChanged, Fabric: p.fab.Name, GitRevision: p.st.Workspace.Revision, Deployer: pl})
	return true
}
