package gitstate

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// localTree is the user's working tree a change is committed in.
type localTree struct {
	repo *git.Repository
	// top is the top of the working tree, which Root lies in.
	top    string
	branch string
	// parent is the branch's tip; zero on a branch without commits.
	parent plumbing.Hash
}

// changeLocal is Change for a local working tree.
func (w *Workspace) changeLocal(ctx context.Context, fn ChangeFunc, opts ChangeOptions) (*ChangeResult, error) {
	lt, err := w.openLocalTree()
	if err != nil {
		return nil, w.wrapChangeErr(w.Branch, err)
	}
	if opts.Continue {
		// The user's tree is on a branch of the user's choosing: continuing
		// a review branch is committing on it, when it is checked out.
		if lt.branch != opts.NewBranch {
			return nil, w.wrapChangeErr(lt.branch, fmt.Errorf("continuing the branch %s in a local working tree: check it out first (git switch %s), the tree is on %s", opts.NewBranch, opts.NewBranch, lt.branch))
		}
		opts.NewBranch, opts.Continue = "", false
	}
	id, err := resolveIdentity(lt.repo, opts.Getenv)
	if err != nil {
		return nil, err
	}
	res, up, err := w.commitLocal(ctx, lt, id, fn, opts)
	if err != nil || res.NothingToDo || !opts.Push {
		return res, err
	}
	if up == nil {
		res.NoUpstream = true
		return res, nil
	}
	if err := w.pushUpstream(ctx, lt.repo, up, res.Branch, res.Commit, opts.NewBranch != ""); err != nil {
		return res, err
	}
	res.Pushed, res.PushedTo = true, RedactURL(up.url)
	return res, nil
}

// commitLocal computes the change, checks the user's tree, and commits.
func (w *Workspace) commitLocal(ctx context.Context, lt *localTree, id identity, fn ChangeFunc, opts ChangeOptions) (*ChangeResult, *upstream, error) {
	wrap := func(err error) (*ChangeResult, *upstream, error) {
		return nil, nil, w.wrapChangeErr(lt.branch, err)
	}
	target := lt.branch
	if opts.NewBranch != "" {
		if err := w.checkLocalNewBranch(lt, opts.NewBranch); err != nil {
			return wrap(err)
		}
		target = opts.NewBranch
	}
	var up *upstream
	if opts.Push {
		var err error
		if up, err = upstreamOf(lt.repo, lt.branch, lt.top); err != nil {
			return wrap(err)
		}
	}
	changes, err := fn(w.Root)
	if err != nil {
		return wrap(err)
	}
	planned, err := planChange(w.Root, lt.top, opts.Dir, changes)
	if err != nil {
		return wrap(err)
	}
	if len(planned) == 0 {
		return &ChangeResult{Branch: lt.branch, Commit: lt.parent.String(), NothingToDo: true}, up, nil
	}
	if err := checkUntouched(lt.repo, lt.parent, planned, lt.top); err != nil {
		return wrap(err)
	}
	if opts.NewBranch != "" && opts.Push && up != nil {
		if err := w.refuseExistingUpstream(ctx, up, opts.NewBranch); err != nil {
			return nil, nil, err
		}
	}
	ref := plumbing.NewBranchReferenceName(target)
	if target != lt.branch {
		if err := checkoutNew(lt.repo, ref, lt.parent); err != nil {
			return wrap(err)
		}
	}
	files := relsOf(planned)
	log, commit, err := applyChange(lt.repo, planned, lt.parent, ref, id, commitMessage(opts.Message, files))
	if err != nil {
		return wrap(errors.Join(err, rollbackLocal(lt, log, planned, target)))
	}
	w.Revision, w.Branch = commit.String(), target
	return &ChangeResult{Commit: commit.String(), Branch: target, Files: files}, up, nil
}

// openLocalTree opens the repository of a local workspace, on a branch.
func (w *Workspace) openLocalTree() (*localTree, error) {
	repo, err := git.PlainOpenWithOptions(w.Root, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("%s is not in a Git repository: there is nothing to commit to", w.Root)
	}
	if err != nil {
		return nil, fmt.Errorf("opening the working tree %s: %w", w.Root, err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, fmt.Errorf("opening the working tree %s: %w", w.Root, err)
	}
	head, err := repo.Reference(plumbing.HEAD, false)
	if err != nil {
		return nil, fmt.Errorf("reading HEAD of %s: %w", w.Root, err)
	}
	if head.Type() != plumbing.SymbolicReference || !head.Target().IsBranch() {
		return nil, fmt.Errorf("HEAD of %s is detached: check out a branch to commit on", w.Root)
	}
	lt := &localTree{repo: repo, top: wt.Filesystem.Root(), branch: head.Target().Short()}
	if w.Branch != "" && lt.branch != w.Branch {
		return nil, fmt.Errorf("the working tree %s switched from branch %s to %s since it was read: run the command again", w.Root, w.Branch, lt.branch)
	}
	switch tip, err := repo.Reference(head.Target(), true); {
	case err == nil:
		lt.parent = tip.Hash()
	case !errors.Is(err, plumbing.ErrReferenceNotFound):
		return nil, fmt.Errorf("reading branch %s of %s: %w", lt.branch, w.Root, err)
	}
	return lt, nil
}

// checkLocalNewBranch refuses a new branch that exists, or that cannot be
// made because the current branch has no commit yet.
func (w *Workspace) checkLocalNewBranch(lt *localTree, name string) error {
	if err := checkNewBranch(name, lt.branch); err != nil {
		return err
	}
	if lt.parent.IsZero() {
		return fmt.Errorf("branch %s has no commit to start the branch %s from", lt.branch, name)
	}
	if _, err := lt.repo.Reference(plumbing.NewBranchReferenceName(name), false); err == nil {
		return fmt.Errorf("the branch %s already exists in %s", name, w.Root)
	}
	return nil
}

// rollbackLocal undoes a change that failed before its commit: the files
// and their index entries are put back as they were (they had no changes
// of the user's), and HEAD back on the original branch.
func rollbackLocal(lt *localTree, log *writeLog, planned []plannedFile, target string) error {
	err := log.undo()
	err = errors.Join(err, stagePaths(lt.repo, planned))
	if target != lt.branch {
		err = errors.Join(err,
			lt.repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName(lt.branch))),
			lt.repo.Storer.RemoveReference(plumbing.NewBranchReferenceName(target)))
	}
	if err != nil {
		return fmt.Errorf("undoing the change in %s: %w", lt.top, err)
	}
	return nil
}
