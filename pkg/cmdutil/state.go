package cmdutil

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/klog/v2"

	"github.com/githedgehog/kubectl-hnp/internal/gcpolicy"
	"github.com/githedgehog/kubectl-hnp/pkg/clusterstate"
	"github.com/githedgehog/kubectl-hnp/pkg/deployer"
	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
	"github.com/githedgehog/kubectl-hnp/pkg/judge"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
	"github.com/githedgehog/kubectl-hnp/pkg/snapshot"
	"github.com/githedgehog/kubectl-hnp/pkg/writepath"
)

// Source says which side(s) of a fabric a command reads.
type Source string

// Sources of state.
const (
	SourceGit     Source = "git"
	SourceCluster Source = "cluster"
	SourceBoth    Source = "both"
)

// ParseSource checks a --source value against the allowed ones.
func ParseSource(s string, allowed ...Source) (Source, error) {
	for _, a := range allowed {
		if Source(s) == a {
			return a, nil
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return "", fmt.Errorf("unknown source %q; allowed: %v", s, names)
}

// Git reports whether the source includes Git.
func (s Source) Git() bool { return s == SourceGit || s == SourceBoth }

// Cluster reports whether the source includes the cluster.
func (s Source) Cluster() bool { return s == SourceCluster || s == SourceBoth }

// LoadOptions select what LoadFabrics reads.
type LoadOptions struct {
	Source   Source
	Kinds    []*kinds.Kind
	Selector labels.Selector
	// Snapshot, when set, stands in for the clusters (list/drift --snapshot).
	Snapshot *snapshot.Snapshot
	// Refresh fetches Git fast-forward only: a clone with commits the
	// remote lacks is reported, not reset (sync).
	Refresh bool
	// Progress, when set, is told about each kind read from a cluster.
	Progress func(fabric, kind string, n int)
	// Fleet bounds how many fabrics are read at once and how long each may take.
	Fleet FleetOptions
	// Deployer reads each fabric's deployer (a Flux Kustomization or an
	// Argo CD Application) with the cluster: FabricState.Deployer.
	Deployer bool
	// Each, when set, is called with each fabric's state in the order of
	// the fabrics, as soon as it and the ones before it are read.
	Each func(*FabricState)
	// Then, when set, is called in the fabric's own turn right after it is
	// read (also when reading failed), within the same --fabric-timeout and
	// concurrency bound: per-fabric work that follows the read (sync's
	// plans). A fabric that runs out of time there comes back as a fresh
	// state with the timeout error; the late work's state is dropped.
	Then func(context.Context, *FabricState)
	// Agents also reads the switches' Agents (one LIST per fabric) when the
	// live cluster is read and Switch is among the kinds: FabricState.Agents.
	Agents bool
	// NoDeployerIgnores leaves the fabric's ignore rules as configured:
	// without it, the fields the deployer leaves out of its own comparison
	// (an Argo CD Application's ignoreDifferences) are added to them
	// (FabricState.Fabric.Ignore), read with the deployer.
	NoDeployerIgnores bool
	// Recheck, when set, is asked after Then, for a fabric whose Git
	// (a cache clone of a remote) and live cluster were both read, whether
	// the remote's branch must be checked (drift: the comparison found some;
	// sync: there is something to do). When it says yes and the branch
	// moved since the fetch, Git is read again at the new tip and Then runs
	// again (see recheckGit).
	Recheck func(*FabricState) bool

	// shared are the LISTs the fabrics of one LoadFabrics share, by
	// clients key (see sharedLists).
	shared map[string]*clusterstate.SharedLists
}

// FabricState is what was read of one fabric. Err is set when reading
// failed; the other fabrics of a command are still read.
type FabricState struct {
	Fabric    fabric.Fabric
	Workspace *gitstate.Workspace
	// Desired holds the Git objects of the selected kinds (nil when Git was not read).
	Desired resource.Set
	// Skipped are the documents of kinds kubectl-hnp does not manage in the
	// fabric's directory (whatever kinds were selected).
	Skipped []resource.Skipped
	// Actual holds the cluster's objects (nil when the cluster was not read).
	Actual resource.Set
	// Kinds are the selected kinds, at the versions the cluster serves.
	Kinds []*kinds.Kind
	// Scalars are Git's plain scalars that YAML 1.1 (kubectl, Argo CD)
	// reads differently from YAML 1.2; Desired holds the YAML 1.1 values.
	Scalars []desired.ScalarNote
	// Model is the write-path model of the fabric's CRDs, read with both
	// sides (nil when unavailable).
	Model *writepath.Model
	// Agents are the switches' Agents (LoadOptions.Agents; nil when not read).
	Agents *hedgehog.Agents
	// AgentsAt is when Agents were read, to judge their heartbeats at: the
	// snapshot's time for a snapshot, zero (now) for a live cluster.
	AgentsAt time.Time
	// Evidence is a sample of cluster objects beyond the selection that
	// shows the fabric's Hedgehog webhook at work, read when both sides are
	// and the selection alone cannot show it (judge.NeedsEvidence); nil
	// otherwise. Pass it to the comparison (judge.Input.Evidence).
	Evidence resource.Set
	// Deployer is the fabric's GitOps tool, with LoadOptions.Deployer and
	// a live cluster; nil when it has none. DeployerErr says why it could
	// not be read (a warning: the fabric's state is still good).
	Deployer    *FabricDeployer
	DeployerErr error
	// Elapsed is how long reading the fabric took (by the Factory's clock).
	Elapsed time.Duration
	Err     error
	// actualAll is the cluster's objects before a label selector that
	// either side may match filtered them (MatchEither), for a second Git
	// read; nil without one.
	actualAll resource.Set
}

// LoadFabrics reads the selected sources of each fabric: fabrics
// concurrently (at most opts.Fleet.Concurrency at once, each within
// opts.Fleet.Timeout), Git and cluster of each fabric in parallel. The
// states come back in the order of fabs, and opts.Each sees them in that
// order as soon as each one and those before it are read.
func (f *Factory) LoadFabrics(ctx context.Context, fabs []fabric.Fabric, opts LoadOptions) []*FabricState {
	blank := func(fab fabric.Fabric) *FabricState { return &FabricState{Fabric: fab, Kinds: opts.Kinds} }
	opts.shared = f.sharedLists(fabs, opts)
	out := runFleet(ctx, fabs, opts.Fleet, opts.Each, blank, func(ctx context.Context, st *FabricState) {
		start := f.Now()
		f.loadFabric(ctx, st, opts)
		if opts.Then != nil {
			opts.Then(ctx, st)
		}
		if opts.Recheck != nil && f.recheckGit(ctx, st, opts) && opts.Then != nil {
			opts.Then(ctx, st)
		}
		st.Elapsed = f.Now().Sub(start)
	})
	for _, st := range out {
		if st.Workspace != nil {
			f.NotePending(st.Fabric.Name, st.Workspace)
		}
	}
	return out
}

func (f *Factory) loadFabric(ctx context.Context, st *FabricState, opts LoadOptions) {
	sel := opts.Selector
	either := opts.Source == SourceBoth && sel != nil && !sel.Empty()
	if either {
		// Both sides are read whole and filtered together below: an object
		// whose label is only on one side must not look missing on the other.
		opts.Selector = nil
	}
	defer func() {
		if either {
			st.actualAll = st.Actual
			st.Desired, st.Actual = MatchEither(st.Desired, st.Actual, sel)
		}
	}()
	var wg sync.WaitGroup
	var gitErr, clusterErr error
	if opts.Source.Git() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gitErr = f.loadGit(ctx, st, opts)
		}()
	}
	if opts.Source.Cluster() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			clusterErr = f.loadCluster(ctx, st, opts)
		}()
	}
	if opts.Source == SourceBoth {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st.Model = f.WriteModel(ctx, &st.Fabric, opts.Snapshot == nil)
		}()
	}
	wg.Wait()
	switch {
	case opts.Deployer && opts.Snapshot != nil && clusterErr == nil:
		// The deployer as the snapshot recorded it: what it had applied
		// then, against Git now.
		if p := opts.Snapshot.Deployer(st.Fabric.Name); p != nil {
			ref, err := deployer.ParseRef(p.Tool, p.Name)
			if err != nil {
				st.DeployerErr = fmt.Errorf("the snapshot's deployer: %w", err)
			} else {
				st.Deployer = &FabricDeployer{Ref: ref, Status: &deployer.Status{Pipeline: *p, Ignores: opts.Snapshot.DeployerIgnores(st.Fabric.Name)}}
			}
		}
	case opts.Deployer && opts.Snapshot == nil && clusterErr == nil:
		branch := ""
		if st.Workspace != nil {
			branch = st.Workspace.Branch
		}
		st.Deployer, st.DeployerErr = f.Deployer(ctx, &st.Fabric, branch)
	}
	if d := st.Deployer; d != nil && d.Status != nil && !opts.NoDeployerIgnores && len(d.Status.Ignores) > 0 {
		klog.V(1).Infof("fabric %s: following %d ignore rule(s) of the deployer %s (--no-deployer-ignores compares those fields too)", st.Fabric.Name, len(d.Status.Ignores), d.Status.Name)
		st.Fabric.Ignore = WithDeployerIgnores(st.Fabric.Ignore, d.Status.Ignores)
	}
	switch {
	case gitErr != nil && clusterErr != nil:
		st.Err = fmt.Errorf("fabric %s: %w\nfabric %s: %w", st.Fabric.Name, gitErr, st.Fabric.Name, clusterErr)
	case gitErr != nil:
		st.Err = fmt.Errorf("fabric %s: %w", st.Fabric.Name, gitErr)
	case clusterErr != nil:
		st.Err = fmt.Errorf("fabric %s: %w", st.Fabric.Name, clusterErr)
	}
}

// recheckGit closes the gap between the two reads of a fabric. Git and the
// cluster are read side by side, so a commit pushed after Git's fetch and
// deployed before the cluster's LIST shows its objects as drift against
// the older Git: a deployment taken for a hand change, which sync would
// even undo. When opts.Recheck asks for it, the remote is asked (one
// listing of its refs) whether the branch moved since the fetch; if it
// did, Git is read again and recheckGit returns true. Asked after the
// cluster read, the listing sees every commit deployed before that read.
// Once: a commit pushed after the listing was not deployed before the
// cluster read, and if it was deployed since, the deployer's status says
// so. A failed listing is only logged (the fetch just worked, and the
// read stands as it is); a failed second read fails the fabric, since its
// first read may show a deployment as drift.
func (f *Factory) recheckGit(ctx context.Context, st *FabricState, opts LoadOptions) bool {
	if st.Err != nil || st.Workspace == nil || st.Workspace.Local || opts.Snapshot != nil || opts.Source != SourceBoth || !opts.Recheck(st) {
		return false
	}
	tip, moved, err := st.Workspace.RemoteMoved(ctx)
	if err != nil {
		klog.V(1).Infof("fabric %s: checking whether Git moved during the read: %v", st.Fabric.Name, err)
		return false
	}
	if !moved {
		return false
	}
	first := st.Workspace.Revision
	klog.V(2).Infof("fabric %s: Git moved during the read (%s to %s): reading it again", st.Fabric.Name, deployer.Short(first), deployer.Short(tip))
	sel := opts.Selector
	either := sel != nil && !sel.Empty() && st.actualAll != nil
	if either {
		opts.Selector = nil
	}
	if err := f.loadGit(ctx, st, opts); err != nil {
		st.Err = fmt.Errorf("fabric %s: Git's branch moved during the read (from %s), and reading it again failed: %w", st.Fabric.Name, deployer.Short(first), err)
		return true
	}
	if either {
		st.Desired, st.Actual = MatchEither(st.Desired, st.actualAll, sel)
	}
	return true
}

func (f *Factory) loadGit(ctx context.Context, st *FabricState, opts LoadOptions) error {
	ws, err := f.openWorkspace(ctx, &st.Fabric, gitstate.OpenOptions{FastForwardOnly: opts.Refresh})
	if err != nil {
		return err
	}
	st.Workspace = ws
	d, err := LoadDesired(ws, &st.Fabric)
	if d != nil {
		// Read as the deployer does: YAML 1.1 for kubectl and Argo CD, YAML
		// 1.2 (as Load read it) for Flux and kustomize builds, which decode
		// with kyaml. The notes become warnings either way.
		st.Scalars = d.YAML11(!readsYAML12(&st.Fabric, d.Objects))
		st.Desired = InNamespace(Filter(d.Objects, opts.Kinds, opts.Selector), f.Namespace(&st.Fabric))
		st.Skipped = d.Skipped
	}
	return err
}

// WithDeployerIgnores returns the fabric's ignore rules followed by its
// deployer's (deployer.Status.Ignores), in a new slice.
func WithDeployerIgnores(own, deployer []fabric.IgnoreRule) []fabric.IgnoreRule {
	if len(deployer) == 0 {
		return own
	}
	return append(append(make([]fabric.IgnoreRule, 0, len(own)+len(deployer)), own...), deployer...)
}

// InNamespace re-keys the objects that name no namespace into ns (the
// fabric's namespace). Objects are not modified.
func InNamespace(set resource.Set, ns string) resource.Set {
	if ns == resource.DefaultNamespace {
		return set
	}
	out := make(resource.Set, len(set))
	for k, o := range set {
		if o.Obj.GetNamespace() == "" {
			k.Namespace = ns
			c := *o
			c.Key = k
			o = &c
		}
		out[k] = o
	}
	return out
}

func (f *Factory) loadCluster(ctx context.Context, st *FabricState, opts LoadOptions) error {
	if opts.Snapshot != nil {
		actual, err := opts.Snapshot.Actual(st.Fabric.Name, opts.Kinds, opts.Selector)
		st.Actual = actual
		if err == nil && opts.Agents && hasKind(opts.Kinds, "Switch") {
			st.Agents, st.AgentsAt = opts.Snapshot.Agents(st.Fabric.Name), opts.Snapshot.Time
		}
		return err
	}
	c, err := f.Cluster(&st.Fabric)
	if err != nil {
		return err
	}
	gcpolicy.ReadingCluster()
	r := c.Reader()
	r.Shared = opts.shared[clientsKey(f.kubeFlagsFor(&st.Fabric))]
	if opts.Progress != nil {
		name := st.Fabric.Name
		r.Progress = func(kind string, n int) { opts.Progress(name, kind, n) }
	}
	// Fabrics on one cluster ask discovery once.
	ks, err := f.served.get(clusterKey(c)+" "+kindNames(opts.Kinds), func() ([]*kinds.Kind, error) {
		return r.Resolve(ctx, opts.Kinds)
	})
	if err != nil {
		return err
	}
	st.Kinds = ks
	sel := ""
	if opts.Selector != nil && !opts.Selector.Empty() {
		sel = opts.Selector.String()
	}
	if opts.Agents && hasKind(ks, "Switch") {
		// Beside the managed kinds' LISTs, not after them.
		done := make(chan struct{})
		go func() {
			defer close(done)
			st.Agents = r.Agents(ctx)
		}()
		defer func() { <-done }()
	}
	if opts.Source == SourceBoth && judge.NeedsEvidence(&st.Fabric, ks, sel) {
		// Beside the managed kinds' LISTs, not after them.
		done := make(chan struct{})
		go func() {
			defer close(done)
			st.Evidence = sampleEvidence(ctx, r, func(ctx context.Context, k *kinds.Kind) ([]*kinds.Kind, error) {
				return f.served.get(clusterKey(c)+" "+k.Kind, func() ([]*kinds.Kind, error) { return r.Resolve(ctx, []*kinds.Kind{k}) })
			})
		}()
		defer func() { <-done }()
	}
	actual, err := r.Load(ctx, ks, sel)
	st.Actual = actual
	return err
}

// sharedLists decides which fabrics of fabs read their cluster with one
// LIST per kind across all namespaces (clusterstate.SharedLists) instead of
// one per kind and namespace. Fabrics share a cluster when they use the
// same kubeconfig and context (so the same credentials). A cluster's
// fabrics (or one fabric spanning several namespaces) share its LISTs when
// they read at least two namespaces in all and they are all the fabrics
// the config places on that cluster: then the LIST across all namespaces
// reads the namespaces of no fabric it was not asked for, except those of
// no configured fabric at all.
func (f *Factory) sharedLists(fabs []fabric.Fabric, opts LoadOptions) map[string]*clusterstate.SharedLists {
	if !opts.Source.Cluster() || opts.Snapshot != nil {
		return nil
	}
	readers := map[string][][]string{}
	selected := map[string]bool{}
	for i := range fabs {
		key := clientsKey(f.kubeFlagsFor(&fabs[i]))
		readers[key] = append(readers[key], f.Namespaces(&fabs[i]))
		selected[fabs[i].Name] = true
	}
	if cfg, err := f.Config(); err == nil {
		for i := range cfg.Fabrics {
			if !selected[cfg.Fabrics[i].Name] {
				delete(readers, clientsKey(f.kubeFlagsFor(&cfg.Fabrics[i])))
			}
		}
	}
	out := map[string]*clusterstate.SharedLists{}
	for key, nss := range readers {
		if s := clusterstate.NewSharedLists(nss); s != nil {
			out[key] = s
		}
	}
	return out
}

// SampleEvidence reads a few objects of the kinds the Hedgehog webhook
// labels (judge.Sample). It is best effort: a failure leaves the fabric
// without the evidence, as before, and the read itself still counts.
func SampleEvidence(ctx context.Context, r *clusterstate.Reader) resource.Set {
	return sampleEvidence(ctx, r, func(ctx context.Context, k *kinds.Kind) ([]*kinds.Kind, error) {
		return r.Resolve(ctx, []*kinds.Kind{k})
	})
}

// sampleEvidence is SampleEvidence with the served version of each kind
// found by resolve (shared by the fabrics of a cluster in loadCluster).
func sampleEvidence(ctx context.Context, r *clusterstate.Reader, resolve func(context.Context, *kinds.Kind) ([]*kinds.Kind, error)) resource.Set {
	set, _ := judge.Sample(ctx, func(ctx context.Context, kind string, limit int64) (resource.Set, error) {
		k, _ := kinds.Lookup(kind)
		ks, _ := resolve(ctx, k) // not served: no sample
		if len(ks) == 0 {
			return nil, nil
		}
		return r.Sample(ctx, ks[0], limit)
	})
	return set
}

func hasKind(ks []*kinds.Kind, kind string) bool {
	for _, k := range ks {
		if k.Kind == kind {
			return true
		}
	}
	return false
}

// MatchEither keeps the objects whose Git copy or cluster copy matches the
// selector, on both sides: `-l` never makes an object look missing from one
// side because only the other side's copy carries the label. Nil sets stay nil.
func MatchEither(desired, actual resource.Set, sel labels.Selector) (resource.Set, resource.Set) {
	match := map[resource.Key]bool{}
	for _, set := range []resource.Set{desired, actual} {
		for k, o := range set {
			if sel.Matches(labels.Set(o.Obj.GetLabels())) {
				match[k] = true
			}
		}
	}
	keep := func(set resource.Set) resource.Set {
		if set == nil {
			return nil
		}
		out := make(resource.Set, len(set))
		for k, o := range set {
			if match[k] {
				out[k] = o
			}
		}
		return out
	}
	return keep(desired), keep(actual)
}

// Filter keeps the objects of the given kinds that match the selector.
func Filter(set resource.Set, ks []*kinds.Kind, sel labels.Selector) resource.Set {
	want := map[string]bool{}
	for _, k := range ks {
		want[k.Kind] = true
	}
	out := make(resource.Set, len(set))
	for key, o := range set {
		if !want[key.Kind] {
			continue
		}
		if sel != nil && !sel.Empty() && !sel.Matches(labels.Set(o.Obj.GetLabels())) {
			continue
		}
		out[key] = o
	}
	return out
}

// readsYAML12 reports whether the fabric's deployer decodes YAML 1.2 (Flux's
// kustomize-controller and any kustomize build use kyaml, on yaml.v3)
// rather than YAML 1.1 (kubectl, Argo CD's plain-directory sources).
func readsYAML12(f *fabric.Fabric, objs resource.Set) bool {
	if f.GitOps != nil && f.GitOps.Flux != nil {
		return true
	}
	for _, o := range objs {
		return o.Rendered
	}
	return false
}

// kindNames is the kinds' names, in order: a key of what was resolved.
func kindNames(ks []*kinds.Kind) string {
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = k.Kind
	}
	return strings.Join(names, ",")
}

// ApplyOptOut is deployer.ApplyOptOut of the object k, from its Git copy
// and its cluster copy (if any); "" when Git has no such object.
func (st *FabricState) ApplyOptOut(k resource.Key) string {
	desired := st.Desired[k]
	if desired == nil {
		return ""
	}
	var actual map[string]interface{}
	if a := st.Actual[k]; a != nil {
		actual = a.Obj.Object
	}
	return deployer.ApplyOptOut(desired.Obj.Object, actual)
}
