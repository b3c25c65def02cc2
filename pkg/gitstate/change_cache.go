package gitstate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/githedgehog/kubectl-hnp/pkg/backoff"
)

// changeCache is Change for the cache clone of a remote.
func (w *Workspace) changeCache(ctx context.Context, fn ChangeFunc, opts ChangeOptions) (res *ChangeResult, err error) {
	if err := w.Lock(ctx); err != nil {
		return nil, err
	}
	defer func() { _ = w.Unlock() }()
	branch := w.Branch
	repo, err := git.PlainOpen(w.Root)
	if err != nil {
		return nil, fmt.Errorf("opening the cache clone %s: %w", w.Root, err)
	}
	id, err := resolveIdentity(repo, opts.Getenv)
	if err != nil {
		return nil, err
	}
	// A change is computed on files: the working tree is checked out.
	w.checkout = true
	target := branch
	if opts.NewBranch != "" {
		if err := checkNewBranch(opts.NewBranch, branch); err != nil {
			return nil, err
		}
		target = opts.NewBranch
	} else if opts.Continue {
		return nil, errors.New("continuing a branch needs the branch's name")
	}
	// The tree the change is computed on: the fabric's branch, or the
	// review branch it continues.
	from := branch
	if opts.Continue {
		from = target
		defer func() { w.Branch = branch }()
	}
	var log *writeLog
	defer func() {
		if err == nil {
			return
		}
		_ = log.undo()
		if rerr := w.restoreCache(branch, opts.NewBranch); rerr != nil {
			err = fmt.Errorf("%w; restoring the cache clone also failed: %v", err, rerr)
		}
		res, err = nil, w.wrapChangeErr(branch, err)
	}()

	res = &ChangeResult{Branch: target}
	now := w.clock
	if now == nil {
		now = time.Now
	}
	retry := backoff.Policy{Timeout: opts.RetryTimeout, Now: now}.Start()
	started := now()
	var tip plumbing.Hash
	var lastPush error
	for attempt := 0; ; attempt++ {
		_ = log.undo()
		log = nil
		if err := w.syncFrom(ctx, from, branch); err != nil {
			return nil, err
		}
		// A fresh handle: an open one does not see the packs fetched since.
		if repo, err = git.PlainOpen(w.Root); err != nil {
			return nil, fmt.Errorf("opening the cache clone %s: %w", w.Root, err)
		}
		if lastPush != nil && w.Revision == tip.String() {
			return nil, lastPush // refused although the branch did not move
		}
		tip = plumbing.NewHash(w.Revision)
		if attempt == 0 && opts.NewBranch != "" && opts.Push && !opts.Continue {
			if err := w.refuseExistingBranch(ctx, opts.NewBranch); err != nil {
				return nil, err
			}
		}
		if !opts.Continue {
			if res.Carried, err = w.loadPending(repo, true); err != nil {
				return nil, err
			}
			res.Pending = w.Pending
		}
		base := plumbing.NewHash(w.Revision)
		changes, err := fn(w.Root)
		if err != nil {
			return nil, err
		}
		planned, err := planChange(w.Root, w.Root, opts.Dir, changes)
		if err != nil {
			return nil, err
		}
		ref := plumbing.NewBranchReferenceName(target)
		if len(planned) == 0 {
			res.NothingToDo, res.Commit, res.Files = true, base.String(), nil
			if res.Carried == 0 || !opts.Push || target != branch {
				if opts.Continue {
					return res, w.restoreCache(branch, target)
				}
				return res, nil
			}
		} else {
			res.Files = relsOf(planned)
			if target != branch && !opts.Continue {
				if err := checkoutNew(repo, ref, base); err != nil {
					return nil, err
				}
			}
			var commit plumbing.Hash
			log, commit, err = applyChange(repo, planned, base, ref, id, commitMessage(opts.Message, res.Files))
			if err != nil {
				return nil, err
			}
			res.Commit, w.Revision = commit.String(), commit.String()
		}
		if !opts.Push {
			if target == branch && w.fabric != "" && !res.NothingToDo {
				if err := w.keepPending(repo, plumbing.NewHash(res.Commit)); err != nil {
					return nil, err
				}
				res.Pending = w.Pending
			}
			return res, nil
		}
		perr := pushBranch(ctx, repo, "origin", w.loc.plain, target, ref, w.auth)
		if perr == nil {
			res.Pushed, res.PushedTo = true, w.URL
			if target != branch {
				log = nil
				if err := w.restoreCache(branch, target); err != nil {
					return nil, err
				}
				return res, nil
			}
			if w.fabric != "" && res.Carried > 0 {
				if err := repo.Storer.RemoveReference(PendingRef(w.fabric)); err != nil {
					return nil, fmt.Errorf("pushed, but removing %s from the cache clone %s: %w", PendingRef(w.fabric), w.Root, err)
				}
			}
			res.Pending, w.Pending = 0, 0
			return res, nil
		}
		rej := classifyPush(perr)
		if rej == notRejected {
			return nil, w.gitError("pushing to", target, perr)
		}
		if rej == rejectedStale {
			perr = &MovedError{Branch: target, Tries: attempt + 1, Waited: now().Sub(started), err: perr}
		}
		if target != branch && !opts.Continue {
			return nil, w.gitError("pushing to", target, perr)
		}
		again, werr := retry.Wait(ctx)
		if werr != nil {
			return nil, w.gitError("pushing to", target, errors.Join(perr, werr))
		}
		if !again {
			return nil, w.gitError("pushing to", target, perr)
		}
		lastPush = nil
		if rej == rejectedByServer {
			lastPush = w.gitError("pushing to", target, perr)
		}
		res.Replays++
	}
}

// keepPending points the fabric's pending ref at commit, made without
// pushing on top of the earlier pending commits, and counts them again.
func (w *Workspace) keepPending(repo *git.Repository, commit plumbing.Hash) error {
	ref := PendingRef(w.fabric)
	if err := repo.Storer.SetReference(plumbing.NewHashReference(ref, commit)); err != nil {
		return fmt.Errorf("keeping the commit on %s in the cache clone %s: %w", ref, w.Root, err)
	}
	tip, _, err := trackedTip(repo, plumbing.NewRemoteReferenceName("origin", w.Branch))
	if err != nil {
		return err
	}
	chain, _, err := pendingChain(repo, ref, tip)
	w.Pending = len(chain)
	return err
}

// ErrBranchExists is the reason a new branch is refused: the remote has it.
var ErrBranchExists = errors.New("the branch already exists on the remote")

// ErrNoSuchBranch is the reason a branch to continue is refused: the
// remote does not have it.
var ErrNoSuchBranch = errors.New("the branch does not exist on the remote")

// refuseExistingBranch fails if the remote has the branch already.
func (w *Workspace) refuseExistingBranch(ctx context.Context, name string) error {
	exists, err := remoteHasBranch(ctx, w.loc.plain, name, w.auth)
	if err != nil {
		return w.gitError("listing the branches of", w.Branch, err)
	}
	if exists {
		return w.gitError("creating", name, ErrBranchExists)
	}
	return nil
}

// syncFrom brings the clone to the remote tip of from, the branch a change
// is computed on. A branch other than the fabric's (a review branch being
// continued) must exist on the remote.
func (w *Workspace) syncFrom(ctx context.Context, from, branch string) error {
	if from != branch {
		exists, err := remoteHasBranch(ctx, w.loc.plain, from, w.auth)
		if err != nil {
			return w.gitError("listing the branches of", branch, err)
		}
		if !exists {
			return w.gitError("continuing", from, ErrNoSuchBranch)
		}
	}
	return w.sync(ctx, from)
}

// checkoutNew points the branch ref at base and HEAD at the branch; the
// working tree, at base already, stays as it is.
func checkoutNew(repo *git.Repository, ref plumbing.ReferenceName, base plumbing.Hash) error {
	for _, r := range []*plumbing.Reference{
		plumbing.NewHashReference(ref, base),
		plumbing.NewSymbolicReference(plumbing.HEAD, ref),
	} {
		if err := repo.Storer.SetReference(r); err != nil {
			return fmt.Errorf("creating the branch %s: %w", ref.Short(), err)
		}
	}
	return nil
}

// restoreCache brings the clone back to the last fetched tip of branch,
// clean, and deletes the local branch newBranch if given.
func (w *Workspace) restoreCache(branch, newBranch string) error {
	repo, err := git.PlainOpen(w.Root)
	if err != nil {
		return fmt.Errorf("opening the cache clone %s: %w", w.Root, err)
	}
	err = w.checkoutTip(repo, branch)
	if newBranch != "" {
		rerr := repo.Storer.RemoveReference(plumbing.NewBranchReferenceName(newBranch))
		err = errors.Join(err, rerr)
	}
	return err
}
