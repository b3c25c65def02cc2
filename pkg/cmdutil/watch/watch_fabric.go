package watch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/clusterstate"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/deployer"
	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/judge"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// watchFabric watches one fabric until ctx is done. A cluster that cannot
// be watched, or a Git remote that cannot be fetched, is reported once and
// retried with backoff, and its return is reported; only errors that no
// retry can mend (the kubeconfig, a kind the cluster does not serve, Git
// content that does not parse at start) end the watch with an error.
func (w *Watcher) watchFabric(ctx context.Context, fab fabric.Fabric) error {
	ctx, cancel := context.WithCancel(ctx) // ends the deployer's watch with this one
	defer cancel()
	h := w.Health.withDefaults()
	cl, err := w.F.Cluster(&fab)
	if err != nil {
		return fmt.Errorf("fabric %s: %w", fab.Name, err)
	}
	r := cl.Reader()
	fw := &fabricWatch{name: fab.Name, sel: w.Selector, statuses: map[resource.Key]driftpkg.Status{}, pendings: map[resource.Key]bool{},
		now: w.F.Now, onChange: w.OnChange}
	pl := &pipelineWatch{w: w, fab: fab, cl: cl, fw: fw, statuses: make(chan *deployer.Status, 8)}
	if fw.opts, fw.hooks, err = w.options(ctx, fab); err != nil {
		return err
	}
	rs := &reachState{fabric: fab.Name, now: w.F.Now, report: w.OnReachability}

	var sess *clusterSession
	defer func() {
		if sess != nil {
			sess.stop()
		}
	}()
	clusterRetry := backoff(h.RetryMin, h.RetryMax)
	gitRetry := backoff(h.RetryMin, min(h.RetryMax, w.GitPoll))
	clusterTimer := time.NewTimer(0)
	defer clusterTimer.Stop()
	gitTimer := time.NewTimer(0)
	defer gitTimer.Stop()
	connected := false // the cluster was watched at least once
	gitRead := false   // Git was read at least once
	var lastGitStart time.Time

	for {
		var events <-chan clusterstate.Event
		var lost <-chan error
		var retry <-chan time.Time
		if sess != nil {
			events, lost = sess.events, sess.lost
		} else {
			retry = clusterTimer.C
		}
		select {
		case <-ctx.Done():
			return nil
		case s := <-pl.statuses:
			if pl.observe(ctx, s) {
				fw.compareChecked(ctx, lagCheck(sess, pl))
				if pl.aheadOfGit() {
					gitTimer.Reset(0)
				}
			}
		case ev := <-events:
			if w.Name != "" && ev.Key.Name != w.Name {
				continue
			}
			if ev.Obj == nil {
				delete(fw.actual, ev.Key)
			} else {
				fw.actual[ev.Key] = &resource.Object{Key: ev.Key, Obj: ev.Obj}
			}
			if fw.comparable() {
				fw.clusterChanged(ev.Key, !rs.gitDown)
			}
			if fw.wantGit {
				fw.wantGit = false
				gitTimer.Reset(verifyDelay(lastGitStart, time.Now()))
			}
			w.update(fw)
		case err := <-lost:
			sess.stop()
			sess, fw.live = nil, false
			if ctx.Err() != nil {
				return nil
			}
			rs.cluster(err)
			clusterTimer.Reset(clusterRetry.Step())
		case <-retry:
			s, err := w.connect(ctx, r, h)
			if ctx.Err() != nil {
				return nil
			}
			var notServed *clusterstate.NotServedError
			if err != nil && !connected && errors.As(err, &notServed) {
				return fmt.Errorf("fabric %s: %w", fab.Name, err)
			}
			if err != nil {
				rs.cluster(err)
				clusterTimer.Reset(clusterRetry.Step())
				continue
			}
			sess, connected, fw.live = s, true, true
			clusterRetry = backoff(h.RetryMin, h.RetryMax)
			fw.actual = w.filterName(s.watching.Initial)
			// Evidence for "auto" defaulting from the whole selection (read
			// without a server-side -l), and from a sample when the selected
			// kinds cannot show it.
			fw.hooks.Observe(s.watching.Initial)
			if !fw.hooks.FabricEvidence() && judge.NeedsEvidence(&fab, w.Kinds, "") {
				fw.hooks.Observe(cmdutil.SampleEvidence(ctx, r))
			}
			rs.cluster(nil)
			fw.compareAll()
			w.update(fw)
		case <-gitTimer.C:
			lastGitStart = time.Now()
			// The first read may be a clone, which takes as long as it
			// takes; later fetches are bounded.
			timeout := h.GitTimeout
			if !gitRead {
				timeout = 0
			}
			st, desired, reachable, err := w.loadGit(ctx, fab, timeout)
			if ctx.Err() != nil {
				return nil
			}
			if !reachable {
				rs.git(errors.New(strings.TrimPrefix(err.Error(), "fabric "+fab.Name+": ")))
				gitTimer.Reset(gitRetry.Step())
				fw.reportUnverified()
				continue
			}
			rs.git(nil)
			gitRetry = backoff(h.RetryMin, min(h.RetryMax, w.GitPoll))
			gitTimer.Reset(w.GitPoll)
			switch {
			case err != nil && !gitRead:
				return err
			case err != nil:
				fmt.Fprintf(w.F.IOStreams.ErrOut, "Error: %v (will retry)\n", err)
				fw.reportUnverified()
			default:
				gitRead = true
				fw.desired = desired
				fw.gitReadDone()
				pl.gitRead(ctx, st)
				fw.compareChecked(ctx, lagCheck(sess, pl))
				w.update(fw)
			}
		}
	}
}

// lagCheck is what compareChecked reads the server with: nil (no check)
// without a live cluster or a deployer.
func lagCheck(sess *clusterSession, pl *pipelineWatch) versionOf {
	if sess == nil || pl.last == nil {
		return nil
	}
	return sess.versions
}

// loadGit fetches and reads the desired state within timeout (0: no
// limit). reachable is false when the Git remote could not be opened or
// fetched.
func (w *Watcher) loadGit(ctx context.Context, fab fabric.Fabric, timeout time.Duration) (_ *cmdutil.FabricState, _ resource.Set, reachable bool, _ error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	st := w.F.LoadFabrics(ctx, []fabric.Fabric{fab}, cmdutil.LoadOptions{Source: cmdutil.SourceGit, Kinds: w.Kinds, Refresh: w.Refresh})[0]
	return st, w.filterName(st.Desired), st.Err == nil || st.Workspace != nil, st.Err
}

// reachState remembers whether a fabric's cluster and Git remote are
// reachable and reports each change. The first success is not reported:
// only a loss, and a return after one.
type reachState struct {
	fabric               string
	now                  func() time.Time
	report               func(Reachability)
	clusterDown, gitDown bool
}

func (rs *reachState) cluster(err error) {
	rs.down(&rs.clusterDown, err, TypeClusterUnreachable, TypeClusterReachable)
}

func (rs *reachState) git(err error) {
	rs.down(&rs.gitDown, err, TypeGitUnreachable, TypeGitReachable)
}

func (rs *reachState) down(down *bool, err error, lostType, backType string) {
	switch {
	case err != nil && !*down:
		*down = true
		rs.emit(Reachability{Type: lostType, Error: oneLine(err.Error())})
	case err == nil && *down:
		*down = false
		rs.emit(Reachability{Type: backType})
	}
}

func (rs *reachState) emit(r Reachability) {
	if rs.report == nil {
		return
	}
	r.Time, r.Fabric = rs.now(), rs.fabric
	rs.report(r)
}

// oneLine joins the lines of a message, so that each event stays one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}
