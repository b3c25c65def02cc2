package gitstate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// A cache clone is shallow: go-git checks that a push is a fast-forward by
// walking the new commit's history for the remote's tip, and with history
// on the remote the walk ends at the clone's shallow boundary with "object
// not found". Either way the push is stale and replayed.
func TestChangeReplaysWhenRemoteMovedOn(t *testing.T) {
	for name, history := range map[string]bool{"one commit": false, "past a shallow clone": true} {
		t.Run(name, func(t *testing.T) {
			remote := testbed.NewBareRemote(t, changeFiles)
			want := "fabrics/lab/mine.yaml\nfabrics/lab/old.yaml\nfabrics/lab/theirs.yaml\nfabrics/lab/vpcs.yaml"
			if history {
				testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/second.yaml": vpc("second")}, "second")
				want = "fabrics/lab/mine.yaml\nfabrics/lab/old.yaml\nfabrics/lab/second.yaml\nfabrics/lab/theirs.yaml\nfabrics/lab/vpcs.yaml"
			}
			w := mustOpen(t, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: t.TempDir()})
			other := ""
			calls := 0
			fn := func(root string) (map[string][]byte, error) {
				calls++
				if calls == 1 { // someone else pushes meanwhile, to another file
					other = testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/theirs.yaml": vpc("theirs")}, "theirs")
				}
				if !exists(filepath.Join(root, "fabrics/lab/theirs.yaml")) != (calls == 1) {
					t.Errorf("call %d does not see the tree it should", calls)
				}
				return map[string][]byte{"fabrics/lab/mine.yaml": []byte(vpc("mine"))}, nil
			}
			res, err := w.Change(context.Background(), fn, pushOpts())
			if err != nil {
				t.Fatal(err)
			}
			if res.Replays != 1 || calls != 2 || !res.Pushed || res.Commit != testbed.Git(t, remote, "rev-parse", "main") {
				t.Errorf("result %+v after %d calls", res, calls)
			}
			if parent := testbed.Git(t, remote, "rev-parse", "main^"); parent != other {
				t.Errorf("the replayed commit's parent is %s, want the other commit %s", parent, other)
			}
			if got := testbed.Git(t, remote, "ls-tree", "--name-only", "main", "fabrics/lab/"); got != want {
				t.Errorf("the remote holds:\n%s", got)
			}
			assertCleanAt(t, w, remote)
		})
	}
}

// editVPCs is a ChangeFunc as an edit command makes it: it changes
// vpcs.yaml only if it still holds base.
func editVPCs(base, content string) ChangeFunc {
	return func(root string) (map[string][]byte, error) {
		cur, err := os.ReadFile(filepath.Join(root, "fabrics/lab/vpcs.yaml"))
		if err != nil {
			return nil, err
		}
		if string(cur) != base {
			return nil, &ConflictError{File: "fabrics/lab/vpcs.yaml"}
		}
		return map[string][]byte{"fabrics/lab/vpcs.yaml": []byte(content)}, nil
	}
}

func TestChangeConflictOnTheSameDocument(t *testing.T) {
	remote, w := newCache(t)
	base, err := w.HeadFile("fabrics/lab/vpcs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	theirs := ""
	calls := 0
	edit := editVPCs(string(base), vpc("mine"))
	fn := func(root string) (map[string][]byte, error) {
		if calls++; calls == 1 {
			theirs = testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/vpcs.yaml": vpc("theirs")}, "theirs")
		}
		return edit(root)
	}
	res, err := w.Change(context.Background(), fn, pushOpts())
	var conflict *ConflictError
	if !errors.As(err, &conflict) || conflict.File != "fabrics/lab/vpcs.yaml" || res != nil || calls != 2 {
		t.Fatalf("want a conflict on vpcs.yaml after 2 calls, got %+v, %v (%d calls)", res, err, calls)
	}
	if msg := err.Error(); !strings.Contains(msg, remote+" (branch main)") || !strings.Contains(msg, "changed on the remote too") {
		t.Errorf("the error should name the remote, branch and conflict: %v", err)
	}
	if tip := testbed.Git(t, remote, "rev-parse", "main"); tip != theirs {
		t.Errorf("the remote moved to %s, want their commit %s", tip, theirs)
	}
	assertCleanAt(t, w, remote)
}

// busyRemote returns a ChangeFunc that adds mine.yaml while someone else
// pushes to the remote every time, so that the change never lands; it
// counts its calls and records the tree it last saw.
func busyRemote(t *testing.T, remote string, calls *int, seen *string) ChangeFunc {
	return func(root string) (map[string][]byte, error) {
		*calls++
		*seen = testbed.Git(t, root, "rev-parse", "HEAD")
		testbed.CommitFiles(t, remote, map[string]string{"README.md": strings.Repeat("x", *calls)}, "busy")
		return map[string][]byte{"fabrics/lab/mine.yaml": []byte(vpc("mine"))}, nil
	}
}

func TestChangeGivesUpAtTheRetryDeadline(t *testing.T) {
	remote, w := newCache(t)
	calls, seen := 0, ""
	// Each try takes 10s on the workspace's clock: tries at 0s, 10s and
	// 20s fit into 25s; a fourth would not.
	clock := time.Unix(0, 0)
	w.clock = func() time.Time { return clock }
	busy := busyRemote(t, remote, &calls, &seen)
	fn := func(root string) (map[string][]byte, error) {
		clock = clock.Add(10 * time.Second)
		return busy(root)
	}
	opts := pushOpts()
	opts.RetryTimeout = 25 * time.Second
	res, err := w.Change(context.Background(), fn, opts)
	var moved *MovedError
	if !errors.As(err, &moved) || res != nil || calls != 3 || moved.Tries != 3 || moved.Waited != 30*time.Second {
		t.Fatalf("want a *MovedError after several tries, got %+v, %v (%d calls)", res, err, calls)
	}
	msg := err.Error()
	if strings.Contains(msg, "non-fast-forward") || !strings.Contains(msg, "kept moving: each of 3 pushes over 30s") ||
		!strings.Contains(msg, "pushing to "+remote+" (branch main)") {
		t.Errorf("the error should say the remote kept moving, in words, naming remote and branch: %v", err)
	}
	// Clean at the tip last fetched: the remote moved on after that.
	assertClean(t, w, seen)
	if inTree(t, w, "fabrics/lab/mine.yaml") {
		t.Error("the change's file is left in the clone")
	}
}

func TestChangeWithoutRetries(t *testing.T) {
	remote, w := newCache(t)
	calls, seen := 0, ""
	opts := pushOpts()
	opts.RetryTimeout = -1
	_, err := w.Change(context.Background(), busyRemote(t, remote, &calls, &seen), opts)
	var moved *MovedError
	if !errors.As(err, &moved) || calls != 1 || !strings.Contains(err.Error(), "moved on while pushing") {
		t.Fatalf("want one try and a *MovedError, got %v (%d calls)", err, calls)
	}
}
