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
// newer commit holding it: one the cache clone lacks is fetched to be
// judged, and one not on the branch at all is said on stderr) applied. A
// failed attempt at such a revision
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
	judge := &revisionJudge{ws: ws, commit: commit, tool: tool, bar: bar}
	st, err := deployer.WaitApplied(wctx, cl.Dynamic, d.Ref, func(sha string) bool { return judge.holds(wctx, sha) },
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
			fmt.Fprintf(errOut, " (%s", statusWords(st))
			if judge.offBranch[st.Revision] {
				fmt.Fprintf(errOut, "; %s is not on branch %s of %s", deployer.Short(st.Revision), ws.Branch, ws.URL)
			}
			fmt.Fprint(errOut, ")")
		}
		fmt.Fprintln(errOut)
		return SilentExit(ExitDrift)
	case err != nil:
		return err
	}
	fmt.Fprintf(errOut, "%s applied %s after %s\n", tool, deployer.Short(st.Revision), f.Now().Sub(start).Round(100*time.Millisecond))
	return nil
}

// revisionJudge tests a deployer's revisions against the pushed commit:
// does the revision hold it? A revision the cache clone lacks (someone
// pushed after commit, and the deployer applied that) is fetched to be
// judged; one that is not on the fabric's branch at all is said once on
// stderr (the deployer deploys another branch or repository) and the
// wait goes on. Each revision is judged once.
type revisionJudge struct {
	ws        *gitstate.Workspace
	commit    string
	tool      string
	bar       *stageLine
	seen      map[string]bool
	offBranch map[string]bool
}

func (j *revisionJudge) holds(ctx context.Context, sha string) bool {
	if held, ok := j.seen[sha]; ok {
		return held
	}
	if j.seen == nil {
		j.seen, j.offBranch = map[string]bool{}, map[string]bool{}
	}
	a, err := j.ws.RevisionHolds(ctx, j.commit, sha)
	switch {
	case err != nil && ctx.Err() != nil:
		return false // not judged: the wait is over anyway
	case err != nil:
		j.bar.note(fmt.Sprintf("Warning: judging %s's revision %s: %v (still waiting)", j.tool, deployer.Short(sha), err))
	case a == gitstate.NotOnBranch:
		j.offBranch[sha] = true
		j.bar.note(fmt.Sprintf("Warning: %s reports %s, which is not on branch %s of %s: does it deploy another branch or repository? (still waiting)",
			j.tool, deployer.Short(sha), j.ws.Branch, j.ws.URL))
	}
	j.seen[sha] = a == gitstate.Holds
	return j.seen[sha]
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

// note prints a line of its own on stderr, above the status line.
func (b *stageLine) note(line string) {
	b.mu.Lock()
	if !b.stopped {
		fmt.Fprint(b.f.IOStreams.ErrOut, "\r\x1b[K")
	}
	fmt.Fprintln(b.f.IOStreams.ErrOut, line)
	b.mu.Unlock()
	b.draw()
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
