package gitstate

import (
	"fmt"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// fastForwardCache brings the freshly fetched cache clone to the remote
// tip unless that would drop local commits, and fills w.Refresh. A branch
// with commits the remote lacks (a change committed without pushing) stays
// where it is, checked out, unless a fabric's pending ref holds those
// commits (see PendingRef); a branch only behind moves to the tip. A clone
// found on another branch (a new branch left unpushed, which keeps its
// commits) is switched back to the fabric's branch. The caller holds the
// lock.
func (w *Workspace) fastForwardCache(repo *git.Repository, branch string, fresh bool) error {
	st := &RefreshStatus{Fetched: true, Upstream: upstreamLabel(w.URL, branch)}
	w.Refresh = st
	tip, ok, err := trackedTip(repo, plumbing.NewRemoteReferenceName("origin", branch))
	if err == nil && !ok {
		err = fmt.Errorf("no remote-tracking ref origin/%s after the fetch", branch)
	}
	if err != nil {
		return w.gitError("reading the fetched tip of", branch, err)
	}
	localRef := plumbing.NewBranchReferenceName(branch)
	local, hasLocal, err := trackedTip(repo, localRef)
	if err != nil {
		return fmt.Errorf("cache clone %s: %w", w.Root, err)
	}
	if fresh || !hasLocal {
		st.Message = "cloned"
		return w.checkoutTip(repo, branch)
	}
	if err := st.compare(repo.Storer, local, tip); err != nil {
		return fmt.Errorf("cache clone %s: %w", w.Root, err)
	}
	if st.Ahead > 0 {
		// A commit made without pushing stays on its fabric's pending ref:
		// the branch itself may move to the tip.
		saved, err := savedAsPending(repo, local)
		if err != nil {
			return fmt.Errorf("cache clone %s: %w", w.Root, err)
		}
		if saved {
			st.Ahead, st.Behind, st.Diverged = 0, 0, false
			st.Message = "up to date"
			return w.checkoutTip(repo, branch)
		}
	}
	if st.Ahead == 0 {
		st.FastForwarded = st.Behind > 0
		st.Message = st.summary()
		return w.checkoutTip(repo, branch)
	}
	st.Message = st.summary()
	head, err := repo.Reference(plumbing.HEAD, false)
	if err != nil {
		return fmt.Errorf("reading HEAD of the cache clone %s: %w", w.Root, err)
	}
	if head.Type() != plumbing.SymbolicReference || head.Target() != localRef {
		if err := w.checkoutLocal(repo, localRef, local); err != nil {
			return err
		}
	}
	w.Revision, w.Branch = local.String(), branch
	return nil
}

// checkoutLocal checks out the clone's branch ref at its own tip, clean
// (the working tree only when the workspace keeps it checked out).
func (w *Workspace) checkoutLocal(repo *git.Repository, ref plumbing.ReferenceName, tip plumbing.Hash) error {
	if err := repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, ref)); err != nil {
		return fmt.Errorf("checking out %s in %s: %w", ref.Short(), w.Root, err)
	}
	return w.resetWorktree(repo, tip)
}

// offlineCacheStatus fills w.Refresh for a cache clone read offline,
// against the remote tip it last fetched.
func (w *Workspace) offlineCacheStatus(repo *git.Repository) error {
	st := &RefreshStatus{Upstream: upstreamLabel(w.URL, w.Branch)}
	w.Refresh = st
	tip, known, err := trackedTip(repo, plumbing.NewRemoteReferenceName("origin", w.Branch))
	if err != nil {
		return fmt.Errorf("cache clone %s: %w", w.Root, err)
	}
	if known {
		if err := st.compare(repo.Storer, plumbing.NewHash(w.Revision), tip); err != nil {
			return fmt.Errorf("cache clone %s: %w", w.Root, err)
		}
	}
	st.Message = st.offlineSummary(known)
	return nil
}
