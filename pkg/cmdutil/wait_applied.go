package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/clusterstate"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// AgentSettle is how long an affected Agent's metadata.generation must stay
// put before the generation counts as the one to apply: the fabric's
// controller raises it soon after the objects the switch depends on change,
// maybe more than once.
const AgentSettle = 2 * time.Second

// WaitApplied waits until the agents of the switches that a change to objs
// affects (hedgehog.AffectedSwitches, read from the fabric's cluster) have
// applied it: each Agent's generation has not moved for AgentSettle, and
// its status.lastAppliedGen has reached that generation with the Applied
// condition true. It watches the Agents (an informer: one LIST, then a
// watch), prints progress on stderr when that is a terminal, and gives up
// at deadline with an exit-1 error naming the switches still waiting.
func (f *Factory) WaitApplied(ctx context.Context, fab *fabric.Fabric, objs []*unstructured.Unstructured, deadline time.Time) error {
	cl, err := f.Cluster(fab)
	if err != nil {
		return err
	}
	r := cl.Reader()
	var ks []*kinds.Kind
	for _, name := range []string{"switch", "connection", "vpcattachment"} {
		k, _ := kinds.Lookup(name)
		ks = append(ks, k)
	}
	served, err := r.Resolve(ctx, ks)
	if err != nil {
		return err
	}
	set, err := r.Load(ctx, served, "")
	if err != nil {
		return err
	}
	var whats []string
	affected := map[string]bool{}
	for _, obj := range objs {
		whats = append(whats, obj.GetKind()+" "+cl.Namespace+"/"+obj.GetName())
		for _, sw := range hedgehog.AffectedSwitches(obj, cl.Namespace, set) {
			affected[sw] = true
		}
	}
	what := strings.Join(whats, ", ")
	names := make([]string, 0, len(affected))
	for sw := range affected {
		names = append(names, sw)
	}
	sort.Strings(names)
	errOut := f.IOStreams.ErrOut
	if len(names) == 0 {
		fmt.Fprintf(errOut, "%s affects no switch of fabric %s: no agent to wait for\n", what, fab.Name)
		return nil
	}
	wctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	events := make(chan clusterstate.Event, 64)
	w, err := r.WatchAgents(wctx, events, clusterstate.WatchOptions{})
	if err != nil {
		switch {
		case errors.Is(wctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil:
			return f.appliedTimedOut(deadline, names, nil)
		case apierrors.IsNotFound(errors.Unwrap(err)) || apierrors.IsNotFound(err):
			return fmt.Errorf("--applied: the cluster of fabric %s does not serve agents.agent.githedgehog.com (no Agent CRD): %w", fab.Name, err)
		}
		return fmt.Errorf("--applied: watching the switches' Agents: %w", err)
	}
	defer w.Stop()

	// The settling is timed by the real clock, as its timer is.
	wait := newAppliedWait(names, time.Now())
	for k, o := range w.Initial {
		if k.Namespace == cl.Namespace {
			wait.see(k.Name, o.Obj, time.Now())
		}
	}
	progress := f.StderrIsTerminal()
	if progress {
		fmt.Fprintf(errOut, "waiting for the agents of %s to apply %s...\n", strings.Join(names, ", "), what)
	}
	start := f.Now()
	for {
		states, settle := wait.states(time.Now())
		for _, line := range wait.changed(states) {
			if progress {
				fmt.Fprintf(errOut, "  %s\n", line)
			}
			if f.WaitProgress != nil {
				f.WaitProgress(line)
			}
		}
		if len(states) == 0 {
			fmt.Fprintf(errOut, "%s applied by the agents of %s after %s\n", what, strings.Join(names, ", "), f.Now().Sub(start).Round(time.Second))
			return nil
		}
		if err := wait.next(wctx, events, cl.Namespace, settle); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return f.appliedTimedOut(deadline, names, states)
		}
	}
}

func (f *Factory) appliedTimedOut(deadline time.Time, names []string, states map[string]string) error {
	var waiting []string
	for _, n := range names {
		if s, ok := states[n]; ok || states == nil {
			if s == "" {
				s = "not seen"
			}
			waiting = append(waiting, n+" ("+s+")")
		}
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "timed out at %s: the agents of %s have not applied the change (is the fabric controller running, are the switches up?)\n",
		deadline.Format(time.RFC3339), strings.Join(waiting, ", "))
	return SilentExit(ExitDrift)
}

// appliedWait tracks the affected switches' Agents.
type appliedWait struct {
	names  []string
	agents map[string]*unstructured.Unstructured
	// moved is when each Agent's generation was last seen to change (the
	// start of the wait at first).
	moved map[string]time.Time
	last  map[string]string
}

func newAppliedWait(names []string, now time.Time) *appliedWait {
	w := &appliedWait{names: names, agents: map[string]*unstructured.Unstructured{}, moved: map[string]time.Time{}, last: map[string]string{}}
	for _, n := range names {
		w.moved[n] = now
	}
	return w
}

// next waits for the next Agent event (recorded) or until settle has passed
// (when positive); it fails when ctx ends.
func (w *appliedWait) next(ctx context.Context, events <-chan clusterstate.Event, ns string, settle time.Duration) error {
	var timer <-chan time.Time
	if settle > 0 {
		t := time.NewTimer(settle)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case ev := <-events:
		if ev.Key.Namespace == ns {
			w.see(ev.Key.Name, ev.Obj, time.Now())
		}
	case <-timer:
	}
	return nil
}

// see records an Agent as it is now (nil: deleted).
func (w *appliedWait) see(name string, agent *unstructured.Unstructured, now time.Time) {
	if _, ok := w.moved[name]; !ok {
		return
	}
	if old := w.agents[name]; old == nil || agent == nil || old.GetGeneration() != agent.GetGeneration() {
		w.moved[name] = now
	}
	w.agents[name] = agent
}

// states returns the switches not done yet with what they are at, and how
// long until the next of those that only settle is done.
func (w *appliedWait) states(now time.Time) (map[string]string, time.Duration) {
	out := map[string]string{}
	var settle time.Duration
	for _, n := range w.names {
		a := w.agents[n]
		if a == nil {
			out[n] = string(hedgehog.AppliedNoAgent)
			continue
		}
		st := hedgehog.ReadAgent(a)
		if st.Applied != hedgehog.AppliedYes {
			out[n] = st.String()
			continue
		}
		if left := AgentSettle - now.Sub(w.moved[n]); left > 0 {
			out[n] = fmt.Sprintf("applied gen %d, settling", st.Generation)
			settle = max(settle, left)
		}
	}
	return out, settle
}

// changed returns a progress line for each switch whose state changed.
func (w *appliedWait) changed(states map[string]string) []string {
	var out []string
	for _, n := range w.names {
		s, ok := states[n]
		if !ok {
			s = "applied"
		}
		if w.last[n] != s {
			w.last[n] = s
			out = append(out, n+": "+s)
		}
	}
	return out
}
