package sync

// sync --apply --prune deletes an object only with evidence that this
// fabric's Git deployed it: a deployer's inventory (Flux, Argo CD) or the
// fabric directory's Git history. Everything else stays.

import (
	"context"
	"fmt"
	gosync "sync"

	"github.com/githedgehog/kubectl-hnp/pkg/deployer"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// The actions and reasons of objects a prune leaves alone.
const (
	actionKeep       = "keep"
	reasonNeverInGit = "not pruned: never in Git (adopt it, or delete it with kubectl)"
	reasonNoEvidence = "not pruned: no evidence that Git deployed it (adopt it, or delete it with kubectl)"
)

// evidence finds why an object not in Git may be pruned. Its sources are
// read lazily, once per fabric and run.
type evidence struct {
	// finder reads deployer inventories; nil without cluster clients.
	finder *deployer.Finder
	// history walks the fabric's Git history; nil without a workspace.
	history func(ctx context.Context) (*gitstate.History, error)
	// ns is the fabric's namespace, which Git documents without one name.
	ns string

	once    gosync.Once
	hist    *gitstate.History
	histErr error
}

// newEvidence gathers the evidence sources of a fabric.
func (o *Options) newEvidence(p *fabricPlan) *evidence {
	st := p.state
	fab := &st.Fabric
	ev := &evidence{ns: o.f.Namespace(fab)}
	if cl, err := o.f.Cluster(fab); err == nil {
		cfg := deployer.Config{FluxKustomization: fab.GitOps.FluxKustomization(), ArgoCDApplication: fab.GitOps.ArgoCDApplication()}
		if d := st.Deployer; cfg == (deployer.Config{}) && d != nil {
			// Found by discovery: the Kustomization or Application that
			// deploys this fabric's Git. Only what it applied counts.
			if d.Ref.Tool == deployer.ToolArgoCD {
				cfg.ArgoCDApplication = d.Ref.String()
			} else {
				cfg.FluxKustomization = d.Ref.String()
			}
		}
		ev.finder = &deployer.Finder{Dynamic: cl.Dynamic, Config: cfg}
	} else {
		p.notes = append(p.notes, fmt.Sprintf("deployer inventories not read: %v", err))
	}
	if ws := st.Workspace; ws != nil {
		dir, deepen := fab.Git.Dir, !o.f.Offline
		ev.history = func(ctx context.Context) (*gitstate.History, error) {
			return ws.History(ctx, dir, gitstate.HistoryOptions{Deepen: deepen})
		}
	}
	return ev
}

// find returns the evidence that Git deployed obj, or "".
func (ev *evidence) find(ctx context.Context, obj *resource.Object) string {
	if ev.finder != nil {
		if e, ok := ev.finder.Find(ctx, obj.Obj); ok {
			return e.String()
		}
	}
	if h := ev.gitHistory(ctx); h != nil {
		if t, ok := h.Lookup(obj.Key, ev.ns); ok {
			return t.String()
		}
	}
	return ""
}

func (ev *evidence) gitHistory(ctx context.Context) *gitstate.History {
	if ev.history == nil {
		return nil
	}
	ev.once.Do(func() { ev.hist, ev.histErr = ev.history(ctx) })
	return ev.hist
}

// keepReason says why an object without evidence stays: it was never in
// Git, or, when a source could not be read completely, there is no
// evidence.
func (ev *evidence) keepReason() string {
	if ev.hist == nil || ev.hist.ShallowAt != "" || (ev.finder != nil && len(ev.finder.Problems()) > 0) {
		return reasonNoEvidence
	}
	return reasonNeverInGit
}

// notes says what could not be read.
func (ev *evidence) notes() []string {
	var out []string
	if ev.histErr != nil {
		out = append(out, fmt.Sprintf("Git history not read: %v", ev.histErr))
	}
	if ev.hist != nil && ev.hist.ShallowAt != "" {
		out = append(out, fmt.Sprintf("Git history is shallow below commit %s: objects removed before it have no evidence (fetch the whole history)", ev.hist.ShallowAt[:min(7, len(ev.hist.ShallowAt))]))
	}
	if ev.finder != nil {
		for _, p := range ev.finder.Problems() {
			out = append(out, "deployer inventory not read: "+p)
		}
	}
	return out
}

// planPrune decides about the objects not in Git: those with evidence are
// pruned, the others are listed as kept. Nothing is pruned when reading the
// fabric's Git had errors.
func (o *Options) planPrune(ctx context.Context, p *fabricPlan, candidates []Step) {
	if len(candidates) == 0 {
		return
	}
	if p.state.Err != nil {
		p.notes = append(p.notes, "nothing pruned: reading the fabric's Git had errors")
		return
	}
	ev := p.evidence
	if ev == nil {
		ev = o.newEvidence(p)
	}
	var appOptions []string
	if d := p.state.Deployer; d != nil && d.Status != nil && d.Status.Tool == deployer.ToolArgoCD {
		appOptions = d.Status.SyncOptions
	}
	if p.state.DeployerErr != nil {
		p.notes = append(p.notes, fmt.Sprintf("the deployer could not be read (%v): an Argo CD Application's syncOptions (Prune=false) are not known; the objects' own annotations are followed", p.state.DeployerErr))
	}
	for _, s := range candidates {
		key := resource.Key{Kind: s.Kind, Namespace: s.Namespace, Name: s.Name}
		// Whatever the evidence, an object its deployer is told never to
		// delete stays: the operator protected it.
		if reason := deployer.PruneOptOut(p.state.Actual[key].Obj.Object, appOptions); reason != "" {
			s.Action, s.Changes = actionKeep, []string{"not pruned: " + reason}
			p.kept = append(p.kept, s)
			continue
		}
		if e := ev.find(ctx, p.state.Actual[key]); e != "" {
			s.Changes, s.Evidence = []string{"delete"}, e
			p.steps = append(p.steps, s)
			p.prune = append(p.prune, key)
			continue
		}
		s.Action, s.Changes = actionKeep, []string{ev.keepReason()}
		p.kept = append(p.kept, s)
	}
	p.notes = append(p.notes, ev.notes()...)
}
