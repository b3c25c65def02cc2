package gitstate

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// openLab opens the cache clone of remote for the fabric lab.
func openLab(t *testing.T, remote, cache string, opts OpenOptions) *Workspace {
	t.Helper()
	opts.CacheDir, opts.Fabric = cache, "lab"
	return mustOpen(t, fabric.GitSpec{URL: remote}, opts)
}

func noPush(msg string) ChangeOptions {
	return ChangeOptions{Message: msg, Getenv: envOf(ada), Dir: labDir}
}

// nothing is a ChangeFunc that changes nothing: push's.
func nothing(string) (map[string][]byte, error) { return nil, nil }

func TestNoPushCommitsAreKeptAndBuiltOn(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	cache := t.TempDir()
	ctx := context.Background()
	w := openLab(t, remote, cache, OpenOptions{})
	first, err := w.Change(ctx, put(map[string]string{"fabrics/lab/a.yaml": vpc("a")}), noPush("add a"))
	if err != nil || first.Pushed || first.Pending != 1 {
		t.Fatalf("first --no-push: %+v, %v", first, err)
	}
	ref := PendingRef("lab").String()
	if got := testbed.Git(t, w.Root, "rev-parse", ref); got != first.Commit {
		t.Fatalf("%s = %s, want the commit %s", ref, got, first.Commit)
	}

	// A read command's refresh resets the clone to the remote tip, keeps
	// the commit and counts it.
	w = openLab(t, remote, cache, OpenOptions{})
	assertCleanAt(t, w, remote)
	if w.Pending != 1 || w.PendingRef != ref || testbed.Git(t, w.Root, "rev-parse", ref) != first.Commit {
		t.Fatalf("after a refresh: %d pending on %s, want 1 kept", w.Pending, w.PendingRef)
	}
	// So does sync's fast-forward-only refresh, which no longer sees the
	// clone ahead: the commit is safe on its ref.
	w = openLab(t, remote, cache, OpenOptions{FastForwardOnly: true})
	if w.Pending != 1 || w.Refresh.Ahead != 0 || w.Revision != testbed.Git(t, remote, "rev-parse", "main") {
		t.Fatalf("sync refresh: %d pending, refresh %+v", w.Pending, w.Refresh)
	}

	// A second --no-push commit goes on top of the first.
	w = openLab(t, remote, cache, OpenOptions{CheckoutPending: true})
	if !exists(w.Root+"/fabrics/lab/a.yaml") || w.Revision != first.Commit {
		t.Fatalf("CheckoutPending did not check out the pending commit (at %s)", w.Revision)
	}
	second, err := w.Change(ctx, put(map[string]string{"fabrics/lab/b.yaml": vpc("b")}), noPush("add b"))
	if err != nil || second.Carried != 1 || second.Pending != 2 {
		t.Fatalf("second --no-push: %+v, %v", second, err)
	}
	if parent := testbed.Git(t, w.Root, "rev-parse", ref+"^"); parent != first.Commit {
		t.Errorf("the second commit's parent is %s, want the first %s", parent, first.Commit)
	}

	// The remote moves on (another file); pushing replays both on its tip.
	theirs := testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/theirs.yaml": vpc("theirs")}, "theirs")
	w = openLab(t, remote, cache, OpenOptions{})
	res, err := w.Change(ctx, nothing, pushOpts())
	if err != nil || !res.Pushed || res.Carried != 2 || res.Pending != 0 || !res.NothingToDo {
		t.Fatalf("push: %+v, %v", res, err)
	}
	if log := testbed.Git(t, remote, "log", "--format=%s", "-3", "main"); log != "add b\nadd a\ntheirs" {
		t.Errorf("the remote's history:\n%s", log)
	}
	if got := testbed.Git(t, remote, "rev-parse", "main~2"); got != theirs {
		t.Errorf("the replayed commits are not on their commit %s but on %s", theirs, got)
	}
	for _, f := range []string{"a.yaml", "b.yaml", "theirs.yaml"} {
		testbed.Git(t, remote, "cat-file", "-e", "main:fabrics/lab/"+f)
	}
	if refs := testbed.Git(t, w.Root, "for-each-ref", "refs/hnp/"); refs != "" {
		t.Errorf("the pending ref is left after the push: %s", refs)
	}
	w = openLab(t, remote, cache, OpenOptions{})
	if w.Pending != 0 {
		t.Errorf("%d commits pending after the push", w.Pending)
	}
}

func TestPushingAnEditPushesThePendingCommits(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	cache := t.TempDir()
	ctx := context.Background()
	w := openLab(t, remote, cache, OpenOptions{})
	if _, err := w.Change(ctx, put(map[string]string{"fabrics/lab/a.yaml": vpc("a")}), noPush("add a")); err != nil {
		t.Fatal(err)
	}
	w = openLab(t, remote, cache, OpenOptions{CheckoutPending: true})
	opts := pushOpts()
	opts.Message = "add b"
	res, err := w.Change(ctx, put(map[string]string{"fabrics/lab/b.yaml": vpc("b")}), opts)
	if err != nil || !res.Pushed || res.Carried != 1 || res.Pending != 0 {
		t.Fatalf("edit with push: %+v, %v", res, err)
	}
	if log := testbed.Git(t, remote, "log", "--format=%s", "-2", "main"); log != "add b\nadd a" {
		t.Errorf("the remote's history:\n%s", log)
	}
	assertCleanAt(t, w, remote)
}

func TestPendingCommitsInConflictAreKept(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	cache := t.TempDir()
	ctx := context.Background()
	w := openLab(t, remote, cache, OpenOptions{})
	mine, err := w.Change(ctx, put(map[string]string{"fabrics/lab/vpcs.yaml": vpc("mine")}), noPush("mine"))
	if err != nil {
		t.Fatal(err)
	}
	testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/vpcs.yaml": vpc("theirs")}, "theirs")

	_, err = Open(ctx, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: cache, Fabric: "lab", CheckoutPending: true})
	var pc *PendingConflictError
	if !errors.As(err, &pc) || pc.Conflict.File != "fabrics/lab/vpcs.yaml" || pc.Count != 1 {
		t.Fatalf("want a *PendingConflictError on vpcs.yaml, got %v", err)
	}
	for _, want := range []string{"1 commit not pushed", "refs/hnp/pending/lab", "update-ref -d", "format-patch"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}
	w = openLab(t, remote, cache, OpenOptions{})
	_, err = w.Change(ctx, nothing, pushOpts())
	if !errors.As(err, &pc) {
		t.Fatalf("push over a conflict: want a *PendingConflictError, got %v", err)
	}
	if got := testbed.Git(t, w.Root, "rev-parse", PendingRef("lab").String()); got != mine.Commit {
		t.Errorf("the pending commit is not kept after the conflict: %s", got)
	}
	assertCleanAt(t, w, remote)
	if w.Pending != 1 {
		t.Errorf("%d pending after the conflict, want 1", w.Pending)
	}
}

func TestPendingCommitsAlreadyOnTheRemoteAreDropped(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	cache := t.TempDir()
	ctx := context.Background()
	w := openLab(t, remote, cache, OpenOptions{})
	if _, err := w.Change(ctx, put(map[string]string{"fabrics/lab/a.yaml": vpc("a")}), noPush("add a")); err != nil {
		t.Fatal(err)
	}
	// Someone pushed the commit by hand.
	testbed.Git(t, w.Root, "push", "origin", PendingRef("lab").String()+":refs/heads/main")
	w = openLab(t, remote, cache, OpenOptions{})
	if w.Pending != 0 || testbed.Git(t, w.Root, "for-each-ref", "refs/hnp/") != "" {
		t.Errorf("%d pending, refs %q: want none once the remote has the commit", w.Pending, testbed.Git(t, w.Root, "for-each-ref", "refs/hnp/"))
	}
}

func TestPendingRefNames(t *testing.T) {
	for name, want := range map[string]string{"lab": "refs/hnp/pending/lab", "a..b": "refs/hnp/pending/612e2e62", "x.lock": "refs/hnp/pending/782e6c6f636b"} {
		if got := PendingRef(name).String(); got != want {
			t.Errorf("PendingRef(%q) = %s, want %s", name, got, want)
		}
	}
}
