package watch

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/labels"

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
	Time time.Time `json:"time"`
	// Type is TypeStatusChanged, telling these lines from Reachability's.
	Type      string               `json:"type"`
	Fabric    string               `json:"fabric"`
	Kind      string               `json:"kind"`
	Namespace string               `json:"namespace"`
	Name      string               `json:"name"`
	Status    driftpkg.Status      `json:"status"`
	Previous  driftpkg.Status      `json:"previous,omitempty"`
	Diffs     []driftpkg.FieldDiff `json:"diffs,omitempty"`
	// PendingDeploy says the object's Git side changed after the revision
	// the deployer applied: not deployed yet, rather than drift; Reason
	// names the commit.
	PendingDeploy bool   `json:"pendingDeploy,omitempty"`
	Reason        string `json:"reason,omitempty"`

	// PreviousPendingDeploy says Previous was pendingDeploy too.
	PreviousPendingDeploy bool `json:"previousPendingDeploy,omitempty"`
}

// DeployerChange is a new state of a fabric's deployment pipeline: what
// its deployer (Flux Kustomization, Argo CD Application) reports, against
// the Git revision read (a JSON line with -o json).
type DeployerChange struct {
	Time time.Time `json:"time"`
	// Type is TypeDeployerChanged.
	Type        string             `json:"type"`
	Fabric      string             `json:"fabric"`
	GitRevision string             `json:"gitRevision"`
	Deployer    *driftpkg.Pipeline `json:"deployer"`
}

// Watcher keeps the drift of fabrics up to date from informers on their
// clusters and Git fetches, and reports each status change, and each loss
// and return of a cluster or Git remote.
type Watcher struct {
	F                *cmdutil.Factory
	Kinds            []*kinds.Kind
	Name             string
	Selector         labels.Selector
	GitPoll          time.Duration
	Rules            []driftpkg.Rule
	Strict           bool
	NoBuiltinIgnores bool
	// NoDeployerIgnores compares what the deployer leaves out of its own
	// comparison too (cmdutil.LoadOptions.NoDeployerIgnores).
	NoDeployerIgnores bool
	// Health sets how lost clusters and Git remotes are noticed and
	// retried; zero fields take the defaults.
	Health Health
	// OnChange is called for each status change (from one goroutine per
	// fabric: it must be safe for concurrent use).
	OnChange func(Change)
	// OnReachability, when set, is called when a fabric's cluster or Git
	// remote is lost or back (same goroutines as OnChange).
	OnReachability func(Reachability)
	// OnDeployer, when set, has each fabric's deployer found and watched:
	// it is called with the pipeline's first state and every change of it
	// (same goroutines as OnChange), and changes mark the objects whose
	// Git side the deployer has not applied yet as pendingDeploy.
	OnDeployer func(DeployerChange)
	// Refresh fetches Git fast-forward only (sync): commits the remote
	// lacks are kept, not reset away.
	Refresh bool
	// OnUpdate, when set, is called after each batch of changes of a
	// fabric with its current desired and actual state (same goroutines),
	// once no new drift is waiting to be checked.
	OnUpdate func(fabric string, desired, actual resource.Set)
}

// Run watches until ctx is done; a failing fabric is reported at the end
// and makes the exit code 2. A lost cluster or Git remote is not a
// failure: it is reported and retried.
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
	name string
	opts driftpkg.Options
	// hooks default the desired objects as the fabric's webhooks would.
	hooks *judge.Webhooks
	// sel is -l: an object is watched when its Git copy or its cluster
	// copy matches (nil or empty: every object).
	sel labels.Selector
	// desired is nil until Git was read once.
	desired resource.Set
	// actual is nil until the cluster was watched once; live tells
	// whether it is being watched now.
	actual   resource.Set
	live     bool
	statuses map[resource.Key]driftpkg.Status
	// pending marks what the deployer has not applied (nil: nothing);
	// pendings are the objects last reported pendingDeploy.
	pending  marker
	pendings map[resource.Key]bool
	// holds are objects whose new drift waits for their own event, by the
	// resourceVersion of the copy held (watch_hold.go); suspects, while
	// compareChecked collects, the new drifts to check.
	holds    map[resource.Key]string
	suspects []resource.Key
	// gitCheck is set while a cluster event is judged: a new drift then
	// waits for a Git read (watch_verify.go). unverified holds the objects
	// waiting, and wantGit asks the loop for the read.
	gitCheck   bool
	unverified map[resource.Key]bool
	wantGit    bool
	now        func() time.Time
	onChange   func(Change)
}

func (w *Watcher) options(ctx context.Context, fab fabric.Fabric) (driftpkg.Options, *judge.Webhooks, error) {
	model := w.F.WriteModel(ctx, &fab, true)
	opts, err := judge.Options(&fab, model, w.settings())
	return opts, judge.NewWebhooks(&fab, model, nil), err
}

// settings are the comparison choices of the watch's command.
func (w *Watcher) settings() judge.Settings {
	return judge.Settings{Strict: w.Strict, Ignores: w.Rules, NoBuiltinIgnores: w.NoBuiltinIgnores}
}

// update hands the fabric's state to OnUpdate, except while a new drift
// is being checked (watch_verify.go, watch_hold.go): the sets then hold a
// side that is behind, and the picture waits for the check, as the lines
// do.
func (w *Watcher) update(fw *fabricWatch) {
	if w.OnUpdate != nil && fw.comparable() && len(fw.unverified) == 0 && len(fw.holds) == 0 {
		d, a := fw.view(fw.desired, fw.actual)
		w.OnUpdate(fw.name, d, a)
	}
}

func (w *Watcher) filterName(set resource.Set) resource.Set {
	if w.Name == "" || set == nil {
		return set
	}
	return set.Named(w.Name)
}

// comparable tells whether statuses can be judged: Git was read and the
// cluster is being watched.
func (fw *fabricWatch) comparable() bool {
	return fw.desired != nil && fw.actual != nil && fw.live
}

// compareAll compares every object again and reports each status change.
func (fw *fabricWatch) compareAll() {
	if !fw.comparable() {
		return
	}
	fw.hooks.Observe(fw.actual)
	keys := map[resource.Key]bool{}
	for k := range fw.desired {
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
	d, a = fw.view(d, a)
	prev, seen := fw.statuses[k]
	if len(d) == 0 && len(a) == 0 {
		if seen {
			delete(fw.statuses, k)
			prevPending := fw.pendings[k]
			delete(fw.pendings, k)
			delete(fw.holds, k)
			delete(fw.unverified, k)
			fw.onChange(Change{Time: fw.now(), Type: TypeStatusChanged, Fabric: fw.name, Kind: k.Kind, Namespace: k.Namespace, Name: k.Name, Status: StatusDeleted, Previous: prev, PreviousPendingDeploy: prevPending})
		}
		return
	}
	res := judge.One(fw.opts, fw.hooks, k, d[k], a[k])
	fw.mark(&res)
	prevPending := fw.pendings[k]
	if fw.held(k, &res) || fw.suspect(k, &res, prev, seen, prevPending) || fw.unverifiedDrift(k, &res, prev, seen) {
		return
	}
	fw.statuses[k] = res.Status
	if res.PendingDeploy {
		fw.pendings[k] = true
	} else {
		delete(fw.pendings, k)
	}
	if (res.Status == prev && res.PendingDeploy == prevPending) || (!seen && res.Status == driftpkg.StatusInSync) {
		return
	}
	fw.onChange(Change{Time: fw.now(), Type: TypeStatusChanged, Fabric: fw.name, Kind: k.Kind, Namespace: k.Namespace, Name: k.Name,
		Status: res.Status, Previous: prev, Diffs: res.Diffs, PendingDeploy: res.PendingDeploy, Reason: res.Reason, PreviousPendingDeploy: prevPending})
}

// marker marks results pendingDeploy (*cmdutil.Pending; a nil one marks
// nothing).
type marker interface {
	Mark(r *driftpkg.ResourceResult) bool
}

// mark marks r pendingDeploy when the deployer has not applied its Git
// side.
func (fw *fabricWatch) mark(r *driftpkg.ResourceResult) {
	if fw.pending != nil {
		fw.pending.Mark(r)
	}
}

// view keeps the objects -l selects: those whose Git copy or cluster copy
// matches, on both sides, so that a label on one side only never makes an
// object look missing from the other.
func (fw *fabricWatch) view(desired, actual resource.Set) (resource.Set, resource.Set) {
	if fw.sel == nil || fw.sel.Empty() {
		return desired, actual
	}
	return cmdutil.MatchEither(desired, actual, fw.sel)
}
