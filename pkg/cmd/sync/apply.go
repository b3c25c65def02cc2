package sync

// sync --apply: Git's side goes to the cluster, by server-side apply.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/githedgehog/kubectl-hnp/pkg/clusterstate"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// runApply applies the objects that are drifted or missing from the
// cluster and, with --prune, deletes those Git does not have.
func (o *Options) runApply(ctx context.Context) error {
	return o.resolve(ctx, mode{
		name: actionApply,
		plan: o.planApply,
		act:  o.actApply,
		question: func(n int) string {
			return "change " + counted(n, "object") + " in the cluster"
		},
	})
}

// planApply lists the objects to apply (drifted: the fields that change,
// from the cluster's value to Git's; missing: create) and, with --prune,
// those to delete: the objects not in Git that Git deployed (planPrune).
func (o *Options) planApply(ctx context.Context, p *fabricPlan) {
	st := p.state
	var candidates []Step
	for _, r := range p.result.Resources {
		key := r.Key()
		if r.Status == drift.StatusDrifted || r.Status == drift.StatusMissingFromCluster {
			// What the fabric's deployer is told not to apply, --apply
			// does not apply either: its next run would not undo it.
			if reason := st.ApplyOptOut(key); reason != "" {
				s := newStep(actionKeep, r)
				s.Changes = []string{"not applied: " + reason}
				p.notApplied = append(p.notApplied, s)
				continue
			}
		}
		switch r.Status {
		case drift.StatusDrifted:
			s := newStep(actionApply, r)
			for _, d := range r.Diffs {
				s.Changes = append(s.Changes, fieldChange(d.Path, d.Actual, d.Desired, d.Type != drift.DiffOnlyInGit, d.Type != drift.DiffOnlyInCluster))
				if d.Type == drift.DiffOnlyInCluster {
					if p.removals == nil {
						p.removals = map[resource.Key][]string{}
					}
					p.removals[key] = append(p.removals[key], d.Path)
				}
			}
			p.steps = append(p.steps, s)
			p.apply = append(p.apply, st.Desired[key])
		case drift.StatusMissingFromCluster:
			s := newStep(actionApply, r)
			s.Changes = []string{"create"}
			p.steps = append(p.steps, s)
			p.apply = append(p.apply, st.Desired[key])
		case drift.StatusNotInGit:
			if p.outsideSelection(key) {
				continue
			}
			if !o.Prune {
				if o.name != "" {
					p.notes = append(p.notes, fmt.Sprintf("%s is not in Git: --apply leaves it in the cluster (--prune deletes it)", key))
				}
				continue
			}
			candidates = append(candidates, newStep(actionPrune, r))
		}
	}
	o.planPrune(ctx, p, candidates)
}

// actApply applies, removes the fields Git no longer sets, then prunes
// (each step only when the one before succeeded), then reads the cluster
// again to compare it with Git.
func (o *Options) actApply(ctx context.Context, p *fabricPlan) error {
	st := p.state
	fab := &st.Fabric
	cl, err := o.f.Cluster(fab)
	if err != nil {
		return fmt.Errorf("fabric %s: %w", fab.Name, err)
	}
	r := cl.Reader()
	served := map[string]*kinds.Kind{}
	for _, k := range st.Kinds {
		served[k.Kind] = k
	}
	if len(p.apply) > 0 {
		// Tier by tier, as the controller's webhooks need the objects an
		// object refers to to exist first (namespaces before VPCs, ...).
		for _, tier := range byApplyTier(p.apply, func(o *resource.Object) string { return o.Key.Kind }) {
			if err := r.Apply(ctx, served, tier, o.ForceConflicts, st.Actual); err != nil {
				return fmt.Errorf("fabric %s: %w%s", fab.Name, err, conflictHint(err))
			}
		}
		o.reportf("fabric %s: applied %s (server-side apply, field manager %s)\n", fab.Name, counted(len(p.apply), "object"), clusterstate.FieldManager)
	}
	if len(p.removals) > 0 {
		if err := r.RemoveFields(ctx, served, p.removals); err != nil {
			return fmt.Errorf("fabric %s: %w", fab.Name, err)
		}
		n := 0
		for _, f := range p.removals {
			n += len(f)
		}
		o.reportf("fabric %s: removed %s that Git no longer sets from %s\n", fab.Name, counted(n, "field"), counted(len(p.removals), "object"))
	}
	if len(p.prune) > 0 {
		// The other way round, tier by tier: the webhooks refuse to delete
		// an object while objects of a higher tier refer to it (a VPC while
		// its attachments exist, ...).
		tiers := byApplyTier(p.prune, func(k resource.Key) string { return k.Kind })
		slices.Reverse(tiers)
		for _, tier := range tiers {
			if err := r.Delete(ctx, served, tier, st.Actual); err != nil {
				return fmt.Errorf("fabric %s: %w", fab.Name, err)
			}
		}
		o.reportf("fabric %s: deleted %s\n", fab.Name, counted(len(p.prune), "object"))
	}
	sel := ""
	if o.selector != nil && !o.selector.Empty() {
		sel = o.selector.String()
	}
	actual, err := r.Load(ctx, st.Kinds, sel)
	if err != nil {
		return fmt.Errorf("fabric %s: reading the cluster again: %w", fab.Name, err)
	}
	if o.name != "" {
		actual = actual.Named(o.name)
	}
	p.desired, p.actual, p.revision = st.Desired, actual, revisionOf(st)
	return nil
}

// conflictHint says what to do about conflicts, once, when there are any.
func conflictHint(err error) string {
	var ce *clusterstate.ConflictError
	if errors.As(err, &ce) {
		return "\n(objects with conflicts were not changed; --force-conflicts takes such fields over for kubectl-hnp)"
	}
	return ""
}

// byApplyTier groups items by the hedgehog.ApplyTier of their kind, lowest
// first, keeping their order within a tier.
func byApplyTier[T any](items []T, kind func(T) string) [][]T {
	tiers := map[int][]T{}
	var order []int
	for _, it := range items {
		t := hedgehog.ApplyTier(kind(it))
		if _, ok := tiers[t]; !ok {
			order = append(order, t)
		}
		tiers[t] = append(tiers[t], it)
	}
	sort.Ints(order)
	out := make([][]T, len(order))
	for i, t := range order {
		out[i] = tiers[t]
	}
	return out
}
