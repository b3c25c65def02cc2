package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/deployer"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
)

// WaitDeployed follows the fabric's deployer after a push of commit: it
// watches the Kustomization or Application until it reports commit (or a
// newer commit holding it) applied. A failed attempt at such a revision
// ends the wait at once with the deployer's message (exit 1), as does the
// timeout. reconcile first asks the deployer to deploy now. Progress
// (stage and elapsed time) is drawn on a terminal only. Without a
// deployer it says so and returns nil: the caller then waits for the
// cluster alone.
func (f *Factory) WaitDeployed(ctx context.Context, fab *fabric.Fabric, ws *gitstate.Workspace, commit string, timeout time.Duration, reconcile bool) error {
	errOut := f.IOStreams.ErrOut
	f.ForgetDeployer(fab)
	d, err := f.Deployer(ctx, fab, ws.Branch)
	if err != nil {
		return err
	}
	if d == nil {
		if reconcile {
			return fmt.Errorf("--reconcile: fabric %s has no deployer (no Flux Kustomization deploys its Git; name one in the config: gitops: {flux: {kustomization: NAMESPACE/NAME}} or {argocd: {application: NAMESPACE/NAME}})", fab.Name)
		}
		fmt.Fprintf(errOut, "fabric %s: no deployer found (Flux Kustomization or Argo CD Application); waiting for the cluster only\n", fab.Name)
		return nil
	}
	cl, err := f.Cluster(fab)
	if err != nil {
		return err
	}
	tool := d.Status.ToolName() + " " + d.Ref.String()
	if reconcile {
		if err := deployer.Reconcile(ctx, cl.Dynamic, d.Ref, f.Now()); err != nil {
			return err
		}
	}
	start := f.Now()
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	stage := fmt.Sprintf("waiting for %s to apply %s", tool, deployer.Short(commit))
	bar := f.newStageLine(stage, start)
	defer bar.stop()
	st, err := deployer.WaitApplied(wctx, cl.Dynamic, d.Ref, func(sha string) bool { return ws.Includes(commit, sha) },
		func(s *deployer.Status) { bar.set(statusWords(s)) })
	bar.stop()
	var failed *deployer.FailedError
	switch {
	case errors.As(err, &failed):
		fmt.Fprintf(errOut, "Error: %v\n", failed)
		return SilentExit(ExitDrift)
	case err != nil && wctx.Err() != nil && ctx.Err() == nil:
		fmt.Fprintf(errOut, "timed out after %s: %s has not applied %s", timeout, tool, deployer.Short(commit))
		if st != nil {
			fmt.Fprintf(errOut, " (%s)", statusWords(st))
		}
		fmt.Fprintln(errOut)
		return SilentExit(ExitDrift)
	case err != nil:
		return err
	}
	fmt.Fprintf(errOut, "%s applied %s after %s\n", tool, deployer.Short(st.Revision), f.Now().Sub(start).Round(100*time.Millisecond))
	return nil
}

// statusWords is a deployer status in a few words: "applied 3a1c0d2,
// Ready=False: <message>".
func statusWords(s *deployer.Status) string {
	w := "applied " + deployer.Short(s.Revision)
	if s.Revision == "" {
		w = "applied nothing yet"
	}
	if s.Suspended {
		w += ", suspended"
	}
	w += ", Ready=" + s.Ready
	if s.Ready != deployer.ReadyTrue && s.Message != "" {
		w += ": " + s.Message
	}
	return w
}

// stageLine redraws one line on a terminal: a stage, its detail and the
// time elapsed, every second; nothing when stderr is not a terminal.
type stageLine struct {
	mu      sync.Mutex
	f       *Factory
	stage   string
	detail  string
	start   time.Time
	done    chan struct{}
	stopped bool
}

func (f *Factory) newStageLine(stage string, start time.Time) *stageLine {
	b := &stageLine{f: f, stage: stage, start: start, done: make(chan struct{})}
	if !f.StderrIsTerminal() {
		b.stopped = true
		return b
	}
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-b.done:
				return
			case <-t.C:
				b.draw()
			}
		}
	}()
	b.draw()
	return b
}

func (b *stageLine) set(detail string) {
	b.mu.Lock()
	b.detail = detail
	b.mu.Unlock()
	b.draw()
}

func (b *stageLine) draw() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped {
		return
	}
	line := fmt.Sprintf("%s (%s)", b.stage, b.f.Now().Sub(b.start).Round(time.Second))
	if b.detail != "" {
		line += ": " + b.detail
	}
	fmt.Fprintf(b.f.IOStreams.ErrOut, "\r\x1b[K%s", line)
}

func (b *stageLine) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped {
		return
	}
	b.stopped = true
	close(b.done)
	fmt.Fprint(b.f.IOStreams.ErrOut, "\r\x1b[K")
}
