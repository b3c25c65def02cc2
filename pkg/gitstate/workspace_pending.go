package gitstate

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// loadPending counts the fabric's unpushed commits against the last
// fetched remote tip into w.Pending, and deletes a pending ref whose
// commits the remote has all. With checkout it replays them on that tip
// and checks the result out on the fabric's branch, clean, returning how
// many it carried. The caller holds the lock.
func (w *Workspace) loadPending(repo *git.Repository, checkout bool) (int, error) {
	w.Pending = 0
	if w.fabric == "" || w.Branch == "" {
		return 0, nil
	}
	ref := PendingRef(w.fabric)
	tip, known, err := trackedTip(repo, plumbing.NewRemoteReferenceName("origin", w.Branch))
	if err != nil || !known {
		return 0, err
	}
	chain, exists, err := pendingChain(repo, ref, tip)
	if err != nil {
		return 0, fmt.Errorf("cache clone %s: %w", w.Root, err)
	}
	w.Pending = len(chain)
	if exists && len(chain) == 0 {
		if err := repo.Storer.RemoveReference(ref); err != nil {
			return 0, fmt.Errorf("cache clone %s: removing %s, which the remote has: %w", w.Root, ref, err)
		}
		return 0, nil
	}
	if !checkout || len(chain) == 0 {
		return 0, nil
	}
	top, err := replayPending(repo, chain, tip)
	var ce *ConflictError
	if errors.As(err, &ce) {
		return 0, &PendingConflictError{Root: w.Root, Ref: ref, Branch: w.Branch, Count: len(chain), Conflict: ce}
	}
	if err != nil {
		return 0, fmt.Errorf("cache clone %s: replaying the unpushed commits: %w", w.Root, err)
	}
	local := plumbing.NewBranchReferenceName(w.Branch)
	if err := repo.Storer.SetReference(plumbing.NewHashReference(local, top)); err != nil {
		return 0, fmt.Errorf("cache clone %s: %w", w.Root, err)
	}
	if err := w.checkoutLocal(repo, local, top); err != nil {
		return 0, err
	}
	w.Revision = top.String()
	return len(chain), nil
}

// savedAsPending says every commit reachable from local is on the remote
// tip or on some fabric's pending ref, so resetting the branch loses none.
func savedAsPending(repo *git.Repository, local plumbing.Hash) (bool, error) {
	refs, err := repo.References()
	if err != nil {
		return false, err
	}
	defer refs.Close()
	for {
		r, err := refs.Next()
		if err != nil {
			return false, nil // io.EOF: no pending ref holds local
		}
		if !strings.HasPrefix(r.Name().String(), pendingRefPrefix) || r.Type() != plumbing.HashReference {
			continue
		}
		ahead, _, err := aheadBehind(repo.Storer, local, r.Hash())
		if err != nil {
			return false, err
		}
		if ahead == 0 {
			return true, nil
		}
	}
}
