package gitstate

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// remoteMoves commits to remote's main a change of vpcs.yaml, a new file
// and a deletion, in two commits, and returns the new tip.
func remoteMoves(t *testing.T, remote string) string {
	t.Helper()
	testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/vpcs.yaml": vpc("vpc-9")}, "change vpcs")
	return testbed.CommitFiles(t, remote, map[string]string{
		"fabrics/lab/new.yaml": vpc("new"),
		"fabrics/lab/old.yaml": testbed.Delete,
	}, "add new, drop old")
}

func TestRefreshLocalFastForwards(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	wt := cloneOf(t, remote)
	testbed.WriteFiles(t, wt, map[string]string{".gitignore": "*.log\n", "debug.log": "ignored\n"})
	testbed.Git(t, wt, "add", ".gitignore")
	testbed.Git(t, wt, "commit", "-q", "-m", "ignore logs")
	testbed.Git(t, wt, "push", "-q", "origin", "main")
	testbed.WriteFiles(t, wt, map[string]string{"notes.txt": "mine\n"})
	tip := remoteMoves(t, remote)

	// Opened below the top of the working tree, as a fabric directory may be.
	w, st := ffOpen(t, fabricSpec(filepath.Join(wt, "fabrics")), OpenOptions{})
	wantStatus(t, st, RefreshStatus{Fetched: true, Behind: 2, FastForwarded: true, Message: "fast-forwarded 2 commits"})
	if st.Upstream != remote+" (branch main)" {
		t.Errorf("upstream %q", st.Upstream)
	}
	if !w.Local || w.Revision != tip || w.Branch != "main" || testbed.Git(t, wt, "rev-parse", "HEAD") != tip {
		t.Errorf("workspace %+v, HEAD %s; want main at %s", w, testbed.Git(t, wt, "rev-parse", "HEAD"), tip)
	}
	if !w.CommitTime.Equal(testbedTime) {
		t.Errorf("commit time %v", w.CommitTime)
	}
	if got := readFile(t, filepath.Join(wt, "fabrics/lab/vpcs.yaml")); got != vpc("vpc-9") {
		t.Errorf("vpcs.yaml on disk holds %q", got)
	}
	if got := readFile(t, filepath.Join(wt, "fabrics/lab/new.yaml")); got != vpc("new") {
		t.Errorf("new.yaml on disk holds %q", got)
	}
	if exists(filepath.Join(wt, "fabrics/lab/old.yaml")) {
		t.Error("old.yaml, deleted upstream, is still on disk")
	}
	if readFile(t, filepath.Join(wt, "notes.txt")) != "mine\n" || readFile(t, filepath.Join(wt, "debug.log")) != "ignored\n" {
		t.Error("the user's untracked or ignored files were touched")
	}
	if got := testbed.Git(t, wt, "status", "--porcelain=v1", "--branch"); got != "## main...origin/main\n?? notes.txt" {
		t.Errorf("git status after the fast-forward:\n%s", got)
	}

	_, st = ffOpen(t, fabricSpec(wt), OpenOptions{})
	wantStatus(t, st, RefreshStatus{Fetched: true, Message: "up to date"})
}

func TestRefreshLocalLeavesADirtyTreeAlone(t *testing.T) {
	for _, tt := range []struct {
		name string
		prep func(t *testing.T, wt string)
		file string // the user's file, left as they made it
		want string
	}{
		{"unstaged", func(t *testing.T, wt string) {
			testbed.WriteFiles(t, wt, map[string]string{"README.md": "edited\n"})
		}, "README.md", "edited\n"},
		{"staged", func(t *testing.T, wt string) {
			testbed.WriteFiles(t, wt, map[string]string{"README.md": "staged\n"})
			testbed.Git(t, wt, "add", "README.md")
		}, "README.md", "staged\n"},
		{"untracked in the way", func(t *testing.T, wt string) {
			testbed.WriteFiles(t, wt, map[string]string{"fabrics/lab/new.yaml": "my own draft\n"})
		}, "fabrics/lab/new.yaml", "my own draft\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			remote := testbed.NewBareRemote(t, changeFiles)
			wt := cloneOf(t, remote)
			before := testbed.Git(t, wt, "rev-parse", "HEAD")
			tt.prep(t, wt)
			statusBefore := testbed.Git(t, wt, "status", "--porcelain=v1")
			tip := remoteMoves(t, remote)

			w, st := ffOpen(t, fabricSpec(wt), OpenOptions{})
			wantStatus(t, st, RefreshStatus{Fetched: true, Behind: 2, Dirty: true,
				Message: "behind by 2 commits; working tree has uncommitted changes, not fast-forwarded"})
			if head := testbed.Git(t, wt, "rev-parse", "HEAD"); head != before || w.Revision != before {
				t.Errorf("HEAD %s, workspace %s; want both left at %s", head, w.Revision, before)
			}
			if got := testbed.Git(t, wt, "rev-parse", "origin/main"); got != tip {
				t.Errorf("origin/main %s, want the fetched %s", got, tip)
			}
			if got := readFile(t, filepath.Join(wt, tt.file)); got != tt.want {
				t.Errorf("%s holds %q, want %q", tt.file, got, tt.want)
			}
			if got := readFile(t, filepath.Join(wt, "fabrics/lab/vpcs.yaml")); got != changeFiles["fabrics/lab/vpcs.yaml"] {
				t.Errorf("vpcs.yaml was changed to %q", got)
			}
			if got := testbed.Git(t, wt, "status", "--porcelain=v1"); got != statusBefore {
				t.Errorf("git status changed from\n%s\nto\n%s", statusBefore, got)
			}
		})
	}
}

func TestRefreshLocalAheadAndDiverged(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	wt := cloneOf(t, remote)
	local := testbed.CommitFiles(t, wt, map[string]string{"fabrics/lab/mine.yaml": vpc("mine")}, "local")

	w, st := ffOpen(t, fabricSpec(wt), OpenOptions{})
	wantStatus(t, st, RefreshStatus{Fetched: true, Ahead: 1, Message: "ahead by 1 commit (not pushed)"})
	if w.Revision != local {
		t.Errorf("workspace at %s, want %s", w.Revision, local)
	}

	tip := remoteMoves(t, remote)
	w, st = ffOpen(t, fabricSpec(wt), OpenOptions{})
	wantStatus(t, st, RefreshStatus{Fetched: true, Ahead: 1, Behind: 2, Diverged: true,
		Message: "diverged: 1 local and 2 remote commits; not merged"})
	if head := testbed.Git(t, wt, "rev-parse", "HEAD"); head != local || w.Revision != local {
		t.Errorf("HEAD %s, workspace %s; want both left at %s", head, w.Revision, local)
	}
	if got := testbed.Git(t, wt, "rev-parse", "origin/main"); got != tip {
		t.Errorf("origin/main %s, want the fetched %s", got, tip)
	}
	if got := testbed.Git(t, wt, "status", "--porcelain=v1", "--branch"); got != "## main...origin/main [ahead 1, behind 2]" {
		t.Errorf("git status:\n%s", got)
	}
}

func TestRefreshLocalWithoutUpstream(t *testing.T) {
	wt := testbed.NewWorkTree(t, changeFiles)
	w, st := ffOpen(t, fabricSpec(wt), OpenOptions{})
	wantStatus(t, st, RefreshStatus{Message: "local tree has no upstream; not fetched"})
	if st.Upstream != "" || !w.CommitTime.Equal(testbedTime) {
		t.Errorf("upstream %q, commit time %v", st.Upstream, w.CommitTime)
	}

	testbed.Git(t, wt, "checkout", "-q", "--detach")
	_, st = ffOpen(t, fabricSpec(wt), OpenOptions{})
	wantStatus(t, st, RefreshStatus{Message: "detached HEAD; not fetched"})

	w, st = ffOpen(t, fabricSpec(t.TempDir()), OpenOptions{})
	wantStatus(t, st, RefreshStatus{Message: "not a Git repository; not fetched"})
	if !w.CommitTime.IsZero() {
		t.Errorf("commit time %v outside Git", w.CommitTime)
	}
}

func TestRefreshLocalOffline(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	wt := cloneOf(t, remote)
	before := testbed.Git(t, wt, "rev-parse", "HEAD")
	tip := remoteMoves(t, remote)

	w, st := ffOpen(t, fabricSpec(wt), OpenOptions{Offline: true})
	wantStatus(t, st, RefreshStatus{Message: "offline, not fetched; as of the last fetch: up to date"})
	if st.Upstream != remote+" (branch main)" || w.Revision != before {
		t.Errorf("upstream %q, workspace at %s", st.Upstream, w.Revision)
	}
	if got := testbed.Git(t, wt, "rev-parse", "origin/main"); got != before {
		t.Errorf("offline, origin/main moved to %s", got)
	}

	testbed.Git(t, wt, "fetch", "-q")
	w, st = ffOpen(t, fabricSpec(wt), OpenOptions{Offline: true})
	wantStatus(t, st, RefreshStatus{Behind: 2, Message: "offline, not fetched; as of the last fetch: behind by 2 commits"})
	if head := testbed.Git(t, wt, "rev-parse", "HEAD"); head != before || w.Revision != before {
		t.Errorf("offline, HEAD moved to %s (workspace %s); the fetched tip is %s", head, w.Revision, tip)
	}
}

func TestRefreshLocalUpstreamGone(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	testbed.CommitBranch(t, remote, "topic", map[string]string{"fabrics/lab/t.yaml": vpc("t")}, "topic")
	wt := cloneOf(t, remote)
	testbed.Git(t, wt, "checkout", "-q", "-b", "topic", "--track", "origin/topic")
	testbed.Git(t, remote, "branch", "-D", "topic")

	w, st := ffOpen(t, fabricSpec(wt), OpenOptions{})
	wantStatus(t, st, RefreshStatus{Fetched: true, Message: "the upstream branch topic is gone from the remote; not fast-forwarded"})
	if st.Upstream != remote+" (branch topic)" || w.Branch != "topic" {
		t.Errorf("upstream %q, branch %s", st.Upstream, w.Branch)
	}
}

func TestRefreshLocalOverHTTP(t *testing.T) {
	serve := func(t *testing.T) (remote, url, withToken string) {
		remote = testbed.NewBareRemote(t, changeFiles)
		url = testbed.ServeHTTP(t, remote, "alice", pushToken)
		return remote, url, strings.Replace(url, "http://", "http://alice:"+pushToken+"@", 1)
	}

	t.Run("token from the fabric's auth", func(t *testing.T) {
		remote, url, withToken := serve(t)
		wt := cloneOf(t, withToken)
		testbed.Git(t, wt, "remote", "set-url", "origin", url)
		tip := remoteMoves(t, remote)
		spec := fabric.GitSpec{URL: wt, Auth: &fabric.GitAuth{TokenEnv: "HNP_TOKEN", Username: "alice"}}
		w, st := ffOpen(t, spec, OpenOptions{Getenv: tokenEnv(pushToken)})
		wantStatus(t, st, RefreshStatus{Fetched: true, Behind: 2, FastForwarded: true, Message: "fast-forwarded 2 commits"})
		if st.Upstream != url+" (branch main)" || w.Revision != tip {
			t.Errorf("upstream %q, workspace at %s; want %s", st.Upstream, w.Revision, tip)
		}

		_, err := Open(context.Background(), spec, OpenOptions{FastForwardOnly: true, Getenv: tokenEnv("wr0ng-t0ken-value")})
		var ge *GitError
		if !errors.As(err, &ge) || ge.Op != "fetching" || strings.Contains(err.Error(), "wr0ng-t0ken-value") || !strings.Contains(err.Error(), url) {
			t.Errorf("a wrong token: %v", err)
		}
	})

	t.Run("token in the remote's URL", func(t *testing.T) {
		remote, _, withToken := serve(t)
		wt := cloneOf(t, withToken)
		tip := remoteMoves(t, remote)
		w, st := ffOpen(t, fabricSpec(wt), OpenOptions{})
		wantStatus(t, st, RefreshStatus{Fetched: true, Behind: 2, FastForwarded: true, Message: "fast-forwarded 2 commits"})
		if strings.Contains(st.Upstream, pushToken) || !strings.Contains(st.Upstream, "alice:***@") || w.Revision != tip {
			t.Errorf("upstream %q, workspace at %s; want a redacted URL, at %s", st.Upstream, w.Revision, tip)
		}
	})
}
