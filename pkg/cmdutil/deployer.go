package cmdutil

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/githedgehog/kubectl-hnp/pkg/deployer"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
)

// deployerCache holds, for one command run, each fabric's deployer and
// each cluster's index of Flux Kustomizations.
type deployerCache struct {
	mu      sync.Mutex
	found   map[string]*FabricDeployer
	indexes map[string]*deployer.Index
}

// FabricDeployer is a fabric's deployer as one command run found it.
type FabricDeployer struct {
	Ref    deployer.Ref
	Status *deployer.Status
	// Cached says it was found through the discovery cache (one GET), not
	// by LISTs: what that GET could not check is checked later (Pipeline).
	Cached bool
	// target and server are what a discovery looked for, to forget it.
	target deployer.Target
	server string
}

// Deployer finds the fabric's deployer and reads its status: the
// configured Kustomization or Application (one GET), or the Flux
// Kustomization whose GitRepository, branch and path match the fabric's:
// one GET of the Kustomization the discovery cache remembers for the
// fabric, validated, else one LIST of Kustomizations per cluster and one
// of GitRepositories when one has the fabric's path, shared by the
// fabrics of the cluster (deployer.Index.Lookup). branch is the branch
// read ("" for the fabric's own). nil without a deployer. The answer is
// kept for the rest of the command run.
func (f *Factory) Deployer(ctx context.Context, fab *fabric.Fabric, branch string) (*FabricDeployer, error) {
	c := &f.deployers
	c.mu.Lock()
	if d, ok := c.found[fab.Name]; ok {
		c.mu.Unlock()
		return d, nil
	}
	c.mu.Unlock()
	d, err := f.findDeployer(ctx, fab, branch)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.found == nil {
		c.found = map[string]*FabricDeployer{}
	}
	c.found[fab.Name] = d
	return d, nil
}

// ForgetDeployer drops the fabric's cached deployer (after waiting on it,
// its status is stale).
func (f *Factory) ForgetDeployer(fab *fabric.Fabric) {
	f.deployers.mu.Lock()
	delete(f.deployers.found, fab.Name)
	f.deployers.mu.Unlock()
}

func (f *Factory) findDeployer(ctx context.Context, fab *fabric.Fabric, branch string) (*FabricDeployer, error) {
	cl, err := f.Cluster(fab)
	if err != nil {
		return nil, err
	}
	var ref deployer.Ref
	switch {
	case fab.GitOps.FluxKustomization() != "":
		ref, err = deployer.ParseRef(deployer.ToolFlux, fab.GitOps.FluxKustomization())
	case fab.GitOps.ArgoCDApplication() != "":
		ref, err = deployer.ParseRef(deployer.ToolArgoCD, fab.GitOps.ArgoCDApplication())
	default:
		if branch == "" {
			branch = fab.Git.Branch
		}
		x := f.index(cl)
		t := deployer.Target{URL: fab.Git.URL, Branch: branch, Path: fab.Git.RenderPath()}
		d, err := x.Lookup(ctx, f.discoveryCache(), cl.Host, t)
		if err != nil || !d.Found {
			return nil, err
		}
		return &FabricDeployer{Ref: d.Ref, Status: d.Status, Cached: d.Cached, target: t, server: cl.Host}, nil
	}
	if err != nil {
		return nil, err
	}
	st, err := deployer.Read(ctx, cl.Dynamic, ref)
	if err != nil {
		return nil, fmt.Errorf("the configured deployer: %w", err)
	}
	return &FabricDeployer{Ref: ref, Status: st}, nil
}

// discoveryCache is the on-disk memory of discovered deployers,
// $XDG_CACHE_HOME/kubectl-hnp/deployers.
func (f *Factory) discoveryCache() *deployer.DiscoveryCache {
	return &deployer.DiscoveryCache{Dir: filepath.Join(f.CacheDir(), "deployers"), Now: f.Now}
}

// rediscover drops a deployer found through the discovery cache, on disk
// and for this run, and discovers it again (LISTs).
func (f *Factory) rediscover(ctx context.Context, fab *fabric.Fabric, d *FabricDeployer) (*FabricDeployer, error) {
	f.discoveryCache().Forget(d.server, d.target)
	f.ForgetDeployer(fab)
	return f.Deployer(ctx, fab, d.target.Branch)
}

// index is the cluster's Flux index for this command run.
func (f *Factory) index(cl *Cluster) *deployer.Index {
	c := &f.deployers
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.indexes == nil {
		c.indexes = map[string]*deployer.Index{}
	}
	key := clusterKey(cl)
	x := c.indexes[key]
	if x == nil {
		x = &deployer.Index{Dynamic: cl.Dynamic}
		c.indexes[key] = x
	}
	return x
}

// Pipeline is the fabric's deployment pipeline for a report: the
// deployer's status and how many commits Git is ahead of it. It marks the
// results not in sync whose Git side changed after the deployed revision
// as pendingDeploy, with the commit as the reason. Git's history is read
// only when the deployer is behind the commit read; nil without a
// deployer.
func (f *Factory) Pipeline(ctx context.Context, st *FabricState, res *drift.Result) (*drift.Pipeline, error) {
	p, pending, err := f.PipelineState(ctx, st)
	if p == nil || res == nil || pending == nil {
		return p, err
	}
	for i := range res.Resources {
		pending.Mark(&res.Resources[i])
	}
	res.Summary = drift.SummaryOf(res.Resources)
	return p, err
}

// Pending marks the results whose Git side changed after the revision
// the deployer applied (pendingDeploy).
type Pending struct {
	since    *gitstate.Since
	st       *FabricState
	ns       string
	deployed string
	tool     string
}

// Mark sets r.PendingDeploy and r.Reason when r is not in sync and its
// object's Git document (or, rendered, its source file or a patch that
// selects it) changed after the deployed revision, and reports whether it
// did. A nil Pending marks nothing.
func (p *Pending) Mark(r *drift.ResourceResult) bool {
	if p == nil || r.Status == drift.StatusInSync {
		return false
	}
	ch, ok := changedSince(p.since, p.st, r, p.ns)
	if !ok {
		return false
	}
	r.PendingDeploy = true
	r.Reason = fmt.Sprintf("changed in Git in %s %q, after the revision %s deployed (%s)",
		deployer.Short(ch.Commit), ch.Subject, deployer.Short(p.deployed), p.tool)
	return true
}

// PipelineState is the fabric's pipeline (nil without a deployer) and,
// when the deployer is behind the commit read, the Pending marker of what
// changed since. A deployer found through the discovery cache whose
// applied revision is not on the branch read is looked up again (LISTs)
// first: the Kustomization may now fetch another repository.
func (f *Factory) PipelineState(ctx context.Context, st *FabricState) (*drift.Pipeline, *Pending, error) {
	d := st.Deployer
	if d == nil || d.Status == nil {
		return nil, nil, nil
	}
	ws := st.Workspace
	var since *gitstate.Since
	var sinceErr error
	if ws != nil && ws.Revision != "" && d.Status.Revision != "" && d.Status.Revision != ws.Revision {
		since, sinceErr = ws.Since(ctx, st.Fabric.Git.Dir, d.Status.Revision)
		if d.Cached && sinceErr == nil && !since.Known {
			nd, err := f.rediscover(ctx, &st.Fabric, d)
			if err != nil {
				return nil, nil, err
			}
			st.Deployer = nd
			return f.PipelineState(ctx, st)
		}
	}
	s := d.Status
	pipeline := s.Pipeline // a copy: Behind is this report's
	p := &pipeline
	if sinceErr != nil {
		return p, nil, sinceErr
	}
	if since == nil || !since.Known {
		return p, nil, nil
	}
	p.Behind = since.Behind
	return p, &Pending{since: since, st: st, ns: f.Namespace(&st.Fabric), deployed: s.Revision, tool: s.ToolName()}, nil
}

// changedSince finds the newest commit after the deployed revision that
// changed the object's document or, for an object kustomize renders, its
// source file or a patch that selects it.
func changedSince(since *gitstate.Since, st *FabricState, r *drift.ResourceResult, ns string) (gitstate.Change, bool) {
	if ch, ok := since.Object(r.Key(), ns); ok {
		return ch, true
	}
	o := st.Desired[r.Key()]
	if o == nil || !o.Rendered {
		return gitstate.Change{}, false
	}
	var newest gitstate.Change
	found := false
	var files []string
	for _, p := range o.Patches {
		files = append(files, p.File)
	}
	if o.Origin != nil {
		files = append(files, o.Origin.File)
	}
	for _, f := range files {
		if ch, ok := since.File(f); ok && !found {
			newest, found = ch, true
		}
	}
	return newest, found
}

// MarkDeployerSkips sets DeployerSkips on the results not in sync whose
// object the deployer is told not to apply (deployer.ApplyOptOut: Flux's
// reconcile: disabled, ssa: Ignore, ssa: IfNotPresent once it exists), as
// Flux's own diff skips them, and counts them again. An Argo CD
// Application follows none of these: with one as the fabric's deployer,
// nothing is marked.
func MarkDeployerSkips(st *FabricState, res *drift.Result) {
	if res == nil {
		return
	}
	if d := st.Deployer; d != nil && d.Ref.Tool == deployer.ToolArgoCD {
		return
	}
	marked := false
	for i := range res.Resources {
		r := &res.Resources[i]
		if r.Status != drift.StatusDrifted && r.Status != drift.StatusMissingFromCluster {
			continue
		}
		if reason := st.ApplyOptOut(r.Key()); reason != "" {
			r.DeployerSkips, marked = reason, true
		}
	}
	if marked {
		res.Summary = drift.SummaryOf(res.Resources)
	}
}
