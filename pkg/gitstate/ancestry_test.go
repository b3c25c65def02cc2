package gitstate

import (
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// A deployer's revision the shallow cache clone has not seen: the branch
// is fetched (then deepened) to judge it, on a real remote.
func TestRevisionHolds(t *testing.T) {
	for _, overHTTP := range []bool{false, true} {
		remote := withHistory(t)
		first := testbed.Git(t, remote, "rev-list", "--max-parents=0", "main")
		other := testbed.CommitBranch(t, remote, "other", map[string]string{"fabrics/lab/o.yaml": vpc("o")}, "another branch")
		spec := fabric.GitSpec{URL: remote, Branch: "main"}
		if overHTTP {
			spec.URL = testbed.ServeHTTP(t, remote, "", "")
		}
		w := mustOpen(t, spec, OpenOptions{CacheDir: t.TempDir()})
		pushed := w.Revision
		// Someone else pushes twice after "our" commit; the deployer
		// applies the newer one.
		testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/q1.yaml": vpc("q1")}, "q1")
		newer := testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/q2.yaml": vpc("q2")}, "q2")
		for _, tt := range []struct {
			name, pushed, sha string
			want              Ancestry
		}{
			{"the pushed commit itself", pushed, pushed, Holds},
			{"a newer commit, fetched", pushed, newer, Holds},
			{"an older commit than the pushed one", newer, pushed, Lacks},
			{"a commit beyond the shallow boundary, deepened", pushed, first, Lacks},
			{"a commit of another branch", pushed, other, NotOnBranch},
			{"a commit nowhere", pushed, "0123456789abcdef0123456789abcdef01234567", NotOnBranch},
		} {
			got, err := w.RevisionHolds(t.Context(), tt.pushed, tt.sha)
			if err != nil || got != tt.want {
				t.Errorf("%s (http %v): %v %v, want %v", tt.name, overHTTP, got, err, tt.want)
			}
		}
		// The clone's checked-out commit did not move.
		if got := testbed.Git(t, w.Root, "rev-parse", "HEAD"); got != pushed {
			t.Errorf("HEAD moved to %s", got)
		}
	}
	// A local working tree is not fetched: an unknown commit is Unknown.
	work := testbed.NewWorkTree(t, changeFiles)
	w := mustOpen(t, fabric.GitSpec{URL: work}, OpenOptions{})
	if got, err := w.RevisionHolds(t.Context(), w.Revision, "0123456789abcdef0123456789abcdef01234567"); err != nil || got != Unknown {
		t.Errorf("local working tree: %v %v, want Unknown", got, err)
	}
}
