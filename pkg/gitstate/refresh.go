package gitstate

import (
	"errors"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// RefreshStatus is what Open did to bring a fabric's repository up to date
// with OpenOptions.FastForwardOnly: whether it fetched, how the local branch
// and the remote one relate, and whether it moved the local branch.
type RefreshStatus struct {
	// Fetched says the remote was fetched; false when offline, or for a
	// local working tree without upstream, on a detached HEAD or outside
	// Git.
	Fetched bool
	// Upstream is the remote compared with, as "URL (branch b)" with the
	// URL redacted; "" when there is none.
	Upstream string
	// Ahead counts the commits of the local branch that the remote branch
	// lacks: changes committed but not pushed.
	Ahead int
	// Behind counts the commits of the remote branch that the local branch
	// lacked when fetched; with FastForwarded, the commits it gained.
	Behind int
	// Diverged says both sides have commits the other lacks: nothing was
	// merged, the local branch stays as it was.
	Diverged bool
	// FastForwarded says the local branch (and its files) moved forward to
	// the remote tip.
	FastForwarded bool
	// Dirty says a local working tree was behind but not fast-forwarded,
	// as it has uncommitted changes.
	Dirty bool
	// Message sums it up on one line, such as "up to date",
	// "fast-forwarded 3 commits" or "diverged: 1 local and 2 remote
	// commits; not merged".
	Message string
	// CommitTime is the committer time of the revision read, HEAD after
	// the refresh; zero when there is none.
	CommitTime time.Time
}

// upstreamLabel renders a remote and branch for RefreshStatus.Upstream.
func upstreamLabel(url, branch string) string {
	return fmt.Sprintf("%s (branch %s)", RedactURL(url), branch)
}

// commits renders a count of commits: "1 commit", "2 commits".
func commits(n int) string {
	if n == 1 {
		return "1 commit"
	}
	return fmt.Sprintf("%d commits", n)
}

// summary renders how the local branch relates to the remote one.
func (s *RefreshStatus) summary() string {
	switch {
	case s.Diverged:
		remote := "remote commits"
		if s.Behind == 1 {
			remote = "remote commit"
		}
		return fmt.Sprintf("diverged: %d local and %d %s; not merged", s.Ahead, s.Behind, remote)
	case s.FastForwarded:
		return "fast-forwarded " + commits(s.Behind)
	case s.Ahead > 0:
		return "ahead by " + commits(s.Ahead) + " (not pushed)"
	case s.Behind > 0 && s.Dirty:
		return "behind by " + commits(s.Behind) + "; working tree has uncommitted changes, not fast-forwarded"
	case s.Behind > 0:
		return "behind by " + commits(s.Behind)
	}
	return "up to date"
}

// compare fills Ahead, Behind and Diverged for the local tip against the
// remote one.
func (s *RefreshStatus) compare(st storer.EncodedObjectStorer, local, remote plumbing.Hash) error {
	ahead, behind, err := aheadBehind(st, local, remote)
	if err != nil {
		return fmt.Errorf("comparing %.12s with the remote tip %.12s: %w", local, remote, err)
	}
	s.Ahead, s.Behind, s.Diverged = ahead, behind, ahead > 0 && behind > 0
	return nil
}

// aheadBehind counts the commits reachable from local but not from remote
// (ahead), and those reachable from remote but not from local (behind), as
// `git rev-list --left-right --count local...remote` does. A zero hash
// stands for a branch without commits. It walks both histories in full
// when the tips differ, which keeps it exact whatever the commit dates;
// the parents of the commits a shallow clone lists are not walked.
func aheadBehind(st storer.EncodedObjectStorer, local, remote plumbing.Hash) (ahead, behind int, err error) {
	if local == remote {
		return 0, 0, nil
	}
	shallow := map[plumbing.Hash]bool{}
	if ss, ok := st.(storer.ShallowStorer); ok {
		list, err := ss.Shallow()
		if err != nil {
			return 0, 0, err
		}
		for _, h := range list {
			shallow[h] = true
		}
	}
	const fromLocal, fromRemote = 1, 2
	seen := map[plumbing.Hash]uint8{}
	walk := func(start plumbing.Hash, bit uint8) error {
		if start.IsZero() {
			return nil
		}
		stack := []plumbing.Hash{start}
		for len(stack) > 0 {
			h := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[h]&bit != 0 {
				continue
			}
			seen[h] |= bit
			if shallow[h] {
				continue
			}
			c, err := object.GetCommit(st, h)
			if err != nil {
				return fmt.Errorf("reading commit %s: %w", h, err)
			}
			stack = append(stack, c.ParentHashes...)
		}
		return nil
	}
	if err := walk(local, fromLocal); err != nil {
		return 0, 0, err
	}
	if err := walk(remote, fromRemote); err != nil {
		return 0, 0, err
	}
	for _, bits := range seen {
		switch bits {
		case fromLocal:
			ahead++
		case fromRemote:
			behind++
		}
	}
	return ahead, behind, nil
}

// readCommitTime sets CommitTime, and Refresh.CommitTime, from Revision.
func (w *Workspace) readCommitTime(repo *git.Repository) error {
	if w.Revision == "" {
		return nil
	}
	c, err := repo.CommitObject(plumbing.NewHash(w.Revision))
	if err != nil {
		return fmt.Errorf("reading commit %s: %w", w.Revision, err)
	}
	w.CommitTime = c.Committer.When
	if w.Refresh != nil {
		w.Refresh.CommitTime = w.CommitTime
	}
	return nil
}

// trackedTip returns the hash a remote-tracking ref points to, zero and
// false when it does not exist.
func trackedTip(repo *git.Repository, name plumbing.ReferenceName) (plumbing.Hash, bool, error) {
	ref, err := repo.Reference(name, true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, false, nil
	}
	if err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("reading %s: %w", name, err)
	}
	return ref.Hash(), true, nil
}

// offlineSummary is the message of a refresh that did not fetch, against
// the remote tip as last fetched, if known.
func (s *RefreshStatus) offlineSummary(known bool) string {
	if !known {
		return "offline, not fetched; never fetched before"
	}
	return "offline, not fetched; as of the last fetch: " + s.summary()
}
