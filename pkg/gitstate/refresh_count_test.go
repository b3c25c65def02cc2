package gitstate

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// gitCounts asks git how many commits a has that b lacks, and b that a lacks.
func gitCounts(t *testing.T, repo, a, b string) (int, int) {
	t.Helper()
	f := strings.Fields(testbed.Git(t, repo, "rev-list", "--left-right", "--count", a+"..."+b))
	left, err1 := strconv.Atoi(f[0])
	right, err2 := strconv.Atoi(f[1])
	if len(f) != 2 || err1 != nil || err2 != nil {
		t.Fatalf("rev-list counts %q", f)
	}
	return left, right
}

func TestAheadBehindMatchesGit(t *testing.T) {
	// A history with branches and merges, all commits at the same time,
	// so that no walk may lean on commit dates.
	wt := testbed.NewWorkTree(t, map[string]string{"a": "0"})
	commit := func(file, msg string) {
		testbed.WriteFiles(t, wt, map[string]string{file: msg})
		testbed.Git(t, wt, "add", "-A")
		testbed.Git(t, wt, "commit", "-q", "-m", msg)
	}
	merge := func(branch, msg string) {
		testbed.Git(t, wt, "merge", "-q", "--no-ff", "-m", msg, branch)
	}
	testbed.Git(t, wt, "branch", "side")
	testbed.Git(t, wt, "branch", "far")
	commit("a", "m1")
	commit("a", "m2")
	testbed.Git(t, wt, "checkout", "-q", "side")
	commit("s", "s1")
	testbed.Git(t, wt, "branch", "from-side")
	commit("s", "s2")
	testbed.Git(t, wt, "checkout", "-q", "main")
	merge("side", "merge side")
	commit("a", "m3")
	testbed.Git(t, wt, "checkout", "-q", "from-side")
	commit("f", "f1")
	merge("main", "merge main into from-side")
	commit("f", "f2")
	testbed.Git(t, wt, "checkout", "-q", "far")
	for i := range 5 {
		commit("z", fmt.Sprintf("z%d", i))
	}
	testbed.Git(t, wt, "checkout", "-q", "side")
	commit("s", "s3")
	merge("far", "merge far")

	repo, err := git.PlainOpen(wt)
	if err != nil {
		t.Fatal(err)
	}
	refs := []string{"main", "side", "far", "from-side", "main~1", "main~1^2", "from-side~2", "side^2~2"}
	for _, a := range refs {
		for _, b := range refs {
			ha, hb := testbed.Git(t, wt, "rev-parse", a), testbed.Git(t, wt, "rev-parse", b)
			ahead, behind, err := aheadBehind(repo.Storer, plumbing.NewHash(ha), plumbing.NewHash(hb))
			wantAhead, wantBehind := gitCounts(t, wt, a, b)
			if err != nil || ahead != wantAhead || behind != wantBehind {
				t.Errorf("%s...%s: %d ahead, %d behind, %v; git says %d, %d", a, b, ahead, behind, err, wantAhead, wantBehind)
			}
		}
		// A branch without commits is behind by the whole history.
		ahead, behind, err := aheadBehind(repo.Storer, plumbing.ZeroHash, plumbing.NewHash(testbed.Git(t, wt, "rev-parse", a)))
		if n, _ := strconv.Atoi(testbed.Git(t, wt, "rev-list", "--count", a)); err != nil || ahead != 0 || behind != n {
			t.Errorf("unborn...%s: %d ahead, %d behind, %v; want 0, %d", a, ahead, behind, err, n)
		}
	}
}

func TestAheadBehindInAShallowClone(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	for i := range 3 {
		testbed.CommitFiles(t, remote, map[string]string{"README.md": fmt.Sprint(i)}, fmt.Sprint("commit ", i))
	}
	wt := filepath.Join(t.TempDir(), "shallow")
	testbed.Git(t, filepath.Dir(wt), "clone", "-q", "--depth", "1", "file://"+remote, wt)
	testbed.CommitFiles(t, wt, map[string]string{"README.md": "local"}, "local")
	repo, err := git.PlainOpen(wt)
	if err != nil {
		t.Fatal(err)
	}
	head, tip := testbed.Git(t, wt, "rev-parse", "HEAD"), testbed.Git(t, wt, "rev-parse", "origin/main")
	ahead, behind, err := aheadBehind(repo.Storer, plumbing.NewHash(head), plumbing.NewHash(tip))
	if err != nil || ahead != 1 || behind != 0 {
		t.Errorf("shallow clone: %d ahead, %d behind, %v; want 1, 0", ahead, behind, err)
	}
}
