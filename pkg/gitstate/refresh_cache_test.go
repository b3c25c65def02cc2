package gitstate

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// testbedTime is the commit time of every commit the testbed makes.
var testbedTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// ffOpen opens spec with FastForwardOnly and returns the workspace and its
// refresh status, which must be set.
func ffOpen(t *testing.T, spec fabric.GitSpec, opts OpenOptions) (*Workspace, *RefreshStatus) {
	t.Helper()
	opts.FastForwardOnly = true
	w := mustOpen(t, spec, opts)
	if w.Refresh == nil {
		t.Fatal("Open with FastForwardOnly left Refresh nil")
	}
	if !w.Refresh.CommitTime.Equal(w.CommitTime) {
		t.Errorf("Refresh.CommitTime %v, Workspace.CommitTime %v", w.Refresh.CommitTime, w.CommitTime)
	}
	return w, w.Refresh
}

// wantStatus compares the fields of a refresh status that a test cares
// about (all but Upstream and CommitTime).
func wantStatus(t *testing.T, got *RefreshStatus, want RefreshStatus) {
	t.Helper()
	g := *got
	g.Upstream, g.CommitTime = "", time.Time{}
	if g != want {
		t.Errorf("refresh status\n got %+v\nwant %+v", g, want)
	}
}

func TestRefreshCacheClonesThenUpToDate(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	tip := testbed.Git(t, remote, "rev-parse", "main")
	opts := OpenOptions{CacheDir: t.TempDir()}
	w, st := ffOpen(t, fabric.GitSpec{URL: remote}, opts)
	wantStatus(t, st, RefreshStatus{Fetched: true, Message: "cloned"})
	if st.Upstream != remote+" (branch main)" {
		t.Errorf("upstream %q", st.Upstream)
	}
	if !w.CommitTime.Equal(testbedTime) {
		t.Errorf("commit time %v, want %v", w.CommitTime, testbedTime)
	}
	assertClean(t, w, tip)

	w, st = ffOpen(t, fabric.GitSpec{URL: remote}, opts)
	wantStatus(t, st, RefreshStatus{Fetched: true, Message: "up to date"})
	assertClean(t, w, tip)
}

func TestRefreshCacheFastForwards(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	opts := OpenOptions{CacheDir: t.TempDir()}
	first, _ := ffOpen(t, fabric.GitSpec{URL: remote}, opts)
	// Stray files in the cache are still the cache's to throw away.
	testbed.WriteFiles(t, first.Root, map[string]string{"stray.yaml": vpc("stray")})
	testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/vpcs.yaml": vpc("vpc-9")}, "change vpcs")
	tip := testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/old.yaml": testbed.Delete}, "drop old")

	w, st := ffOpen(t, fabric.GitSpec{URL: remote}, opts)
	wantStatus(t, st, RefreshStatus{Fetched: true, Behind: 2, FastForwarded: true, Message: "fast-forwarded 2 commits"})
	assertClean(t, w, tip)
	if got := readTree(t, w, "fabrics/lab/vpcs.yaml"); got != vpc("vpc-9") {
		t.Errorf("vpcs.yaml holds %q", got)
	}
	if inTree(t, w, "fabrics/lab/old.yaml") {
		t.Error("old.yaml was deleted on the remote but is still in the clone")
	}
}

func TestRefreshCacheKeepsUnpushedCommit(t *testing.T) {
	remote, w := newCache(t)
	spec, opts := fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: filepath.Dir(filepath.Dir(w.Root))}
	noPush := pushOpts()
	noPush.Push = false
	res, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/new.yaml": vpc("new")}), noPush)
	if err != nil {
		t.Fatal(err)
	}

	w, st := ffOpen(t, spec, opts)
	wantStatus(t, st, RefreshStatus{Fetched: true, Ahead: 1, Message: "ahead by 1 commit (not pushed)"})
	if w.Revision != res.Commit || testbed.Git(t, w.Root, "rev-parse", "HEAD") != res.Commit || w.Branch != "main" {
		t.Errorf("the clone is at %s (workspace %s on %s), want the unpushed %s", testbed.Git(t, w.Root, "rev-parse", "HEAD"), w.Revision, w.Branch, res.Commit)
	}
	if w.CommitTime.Equal(testbedTime) || w.CommitTime.IsZero() {
		t.Errorf("commit time %v is not that of the unpushed commit", w.CommitTime)
	}

	remoteTip := testbed.CommitFiles(t, remote, map[string]string{"fabrics/other/y.yaml": vpc("y")}, "meanwhile")
	w, st = ffOpen(t, spec, opts)
	wantStatus(t, st, RefreshStatus{Fetched: true, Ahead: 1, Behind: 1, Diverged: true,
		Message: "diverged: 1 local and 1 remote commit; not merged"})
	if head := testbed.Git(t, w.Root, "rev-parse", "HEAD"); head != res.Commit || w.Revision != res.Commit {
		t.Errorf("the diverged clone moved to %s (workspace %s), want %s kept", head, w.Revision, res.Commit)
	}
	if got := testbed.Git(t, w.Root, "rev-parse", "origin/main"); got != remoteTip {
		t.Errorf("origin/main is %s, want the fetched %s", got, remoteTip)
	}
	if !inTree(t, w, "fabrics/lab/new.yaml") || inTree(t, w, "fabrics/other/y.yaml") {
		t.Error("the clone's files are not those of its own commit")
	}

	// Without FastForwardOnly the cache is reset to the remote, as before.
	w = mustOpen(t, spec, opts)
	if w.Refresh != nil {
		t.Errorf("Refresh %+v without FastForwardOnly", w.Refresh)
	}
	assertClean(t, w, remoteTip)
	if inTree(t, w, "fabrics/lab/new.yaml") {
		t.Error("the default Open did not reset the clone to the remote tip")
	}
}

func TestRefreshCacheBackOnTheFabricBranch(t *testing.T) {
	remote, w := newCache(t)
	spec, opts := fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: filepath.Dir(filepath.Dir(w.Root))}
	tip := testbed.Git(t, remote, "rev-parse", "main")

	// An unpushed new branch leaves the clone on that branch: its commit
	// stays on it, and the clone goes back to the fabric's branch.
	noPush := pushOpts()
	noPush.Push, noPush.NewBranch = false, "topic"
	res, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/new.yaml": vpc("new")}), noPush)
	if err != nil {
		t.Fatal(err)
	}
	w, st := ffOpen(t, spec, opts)
	wantStatus(t, st, RefreshStatus{Fetched: true, Message: "up to date"})
	if got := testbed.Git(t, w.Root, "rev-parse", "topic"); got != res.Commit {
		t.Errorf("topic is at %s, want %s", got, res.Commit)
	}
	if w.Branch != "main" || w.Revision != tip || testbed.Git(t, w.Root, "symbolic-ref", "--short", "HEAD") != "main" {
		t.Errorf("workspace on %s at %s, want main at %s", w.Branch, w.Revision, tip)
	}

	// main ahead while HEAD is elsewhere: main is checked out as it is. (The
	// working tree of a clone that reads from its object store is not kept
	// at main: check it out as someone committing there would.)
	testbed.Git(t, w.Root, "checkout", "-q", "-f", "main")
	local := testbed.CommitFiles(t, w.Root, map[string]string{"fabrics/lab/mine.yaml": vpc("mine")}, "local")
	testbed.Git(t, w.Root, "checkout", "-q", "topic")
	testbed.WriteFiles(t, w.Root, map[string]string{"stray.yaml": vpc("stray")})
	w, st = ffOpen(t, spec, opts)
	wantStatus(t, st, RefreshStatus{Fetched: true, Ahead: 1, Message: "ahead by 1 commit (not pushed)"})
	if w.Revision != local || testbed.Git(t, w.Root, "symbolic-ref", "--short", "HEAD") != "main" ||
		testbed.Git(t, w.Root, "rev-parse", "HEAD") != local {
		t.Errorf("workspace at %s, want main at its own %s", w.Revision, local)
	}
	if !inTree(t, w, "fabrics/lab/mine.yaml") || inTree(t, w, "fabrics/lab/new.yaml") {
		t.Error("the clone's files are not those of main")
	}
}

func TestRefreshCacheOffline(t *testing.T) {
	remote, w := newCache(t)
	spec := fabric.GitSpec{URL: remote}
	opts := OpenOptions{CacheDir: filepath.Dir(filepath.Dir(w.Root)), Offline: true}
	_, st := ffOpen(t, spec, opts)
	wantStatus(t, st, RefreshStatus{Message: "offline, not fetched; as of the last fetch: up to date"})
	if st.Upstream != remote+" (branch main)" {
		t.Errorf("upstream %q", st.Upstream)
	}

	noPush := pushOpts()
	noPush.Push = false
	res, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/new.yaml": vpc("new")}), noPush)
	if err != nil {
		t.Fatal(err)
	}
	testbed.CommitFiles(t, remote, map[string]string{"README.md": "moved on\n"}, "unseen offline")
	w, st = ffOpen(t, spec, opts)
	wantStatus(t, st, RefreshStatus{Ahead: 1, Message: "offline, not fetched; as of the last fetch: ahead by 1 commit (not pushed)"})
	if w.Revision != res.Commit {
		t.Errorf("offline workspace at %s, want %s", w.Revision, res.Commit)
	}
}

func TestOpenSetsCommitTime(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	wt := cloneOf(t, remote)
	for _, spec := range []fabric.GitSpec{{URL: remote}, {URL: wt}} {
		w := mustOpen(t, spec, OpenOptions{CacheDir: t.TempDir()})
		if !w.CommitTime.Equal(testbedTime) || w.Refresh != nil {
			t.Errorf("%s: commit time %v, refresh %+v; want %v and no refresh", spec.URL, w.CommitTime, w.Refresh, testbedTime)
		}
	}
	if w := mustOpen(t, fabric.GitSpec{URL: t.TempDir()}, OpenOptions{}); !w.CommitTime.IsZero() {
		t.Errorf("a directory outside Git has commit time %v", w.CommitTime)
	}
}
