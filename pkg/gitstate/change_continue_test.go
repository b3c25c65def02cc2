package gitstate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// Continue adds a commit on top of an existing review branch, computed on
// that branch's tree (so it sees the first commit's files), and leaves the
// fabric's branch and the clone as they were.
func TestChangeContinueBranch(t *testing.T) {
	remote, w := newCache(t)
	before := testbed.Git(t, remote, "rev-parse", "main")
	opts := pushOpts()
	opts.NewBranch = "review/vpcs"
	first, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/a.yaml": vpc("vpc-a")}), opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Continue = true
	var sawFirst bool
	second, err := w.Change(context.Background(), func(root string) (map[string][]byte, error) {
		_, err := os.Stat(filepath.Join(root, "fabrics/lab/a.yaml"))
		sawFirst = err == nil
		return map[string][]byte{"fabrics/lab/b.yaml": []byte(vpc("vpc-b"))}, nil
	}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !sawFirst {
		t.Error("the continued change was not computed on the review branch's tree")
	}
	if !second.Pushed || second.Branch != "review/vpcs" || second.Commit != testbed.Git(t, remote, "rev-parse", "review/vpcs") {
		t.Errorf("result %+v", second)
	}
	if parent := testbed.Git(t, remote, "rev-parse", "review/vpcs^"); parent != first.Commit {
		t.Errorf("the second commit's parent is %s, want the first %s", parent, first.Commit)
	}
	if got := testbed.Git(t, remote, "ls-tree", "--name-only", "review/vpcs", "fabrics/lab/"); !strings.Contains(got, "a.yaml") || !strings.Contains(got, "b.yaml") {
		t.Errorf("the branch holds %q", got)
	}
	if tip := testbed.Git(t, remote, "rev-parse", "main"); tip != before {
		t.Errorf("main moved to %s", tip)
	}
	if w.Branch != "main" {
		t.Errorf("workspace branch %q after continuing", w.Branch)
	}
	assertCleanAt(t, w, remote)

	// A branch that does not exist is refused before fn runs.
	opts.NewBranch = "review/none"
	calls := 0
	_, err = w.Change(context.Background(), counted(&calls, put(map[string]string{"fabrics/lab/c.yaml": vpc("vpc-c")})), opts)
	if !errors.Is(err, ErrNoSuchBranch) || !strings.Contains(err.Error(), "review/none") || calls != 0 {
		t.Errorf("a missing branch: %v (fn called %d times)", err, calls)
	}
	assertCleanAt(t, w, remote)

	// Without Continue, the existing branch is refused with ErrBranchExists.
	opts.NewBranch, opts.Continue = "review/vpcs", false
	_, err = w.Change(context.Background(), put(map[string]string{"fabrics/lab/c.yaml": vpc("vpc-c")}), opts)
	if !errors.Is(err, ErrBranchExists) {
		t.Errorf("an existing branch without Continue: %v", err)
	}
	assertCleanAt(t, w, remote)
}
