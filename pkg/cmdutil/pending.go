package cmdutil

import (
	"fmt"

	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
)

// NotePending says on stderr how many of the fabric's commits are not
// pushed — "fabric lab: 1 commit not pushed (kubectl hnp push)" — when
// there are any and the count changed since the last note (watch loops
// read a fabric again and again).
func (f *Factory) NotePending(fabricName string, ws *gitstate.Workspace) {
	f.notedMu.Lock()
	defer f.notedMu.Unlock()
	if f.noted == nil {
		f.noted = map[string]int{}
	}
	n := ws.Pending
	if f.noted[fabricName] == n {
		return
	}
	f.noted[fabricName] = n
	if n > 0 {
		fmt.Fprintf(f.IOStreams.ErrOut, "fabric %s: %s not pushed (kubectl hnp push)\n", fabricName, Commits(n))
	}
}

// Commits renders a count of commits: "1 commit", "2 commits".
func Commits(n int) string {
	if n == 1 {
		return "1 commit"
	}
	return fmt.Sprintf("%d commits", n)
}
