package watch

import (
	"context"
	"fmt"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/deployer"
	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
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
	d.Status = s
	p.st.Deployer = &d
	return p.judge(ctx)
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
