package gitstate

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
)

// Ancestry is where a deployer's revision stands relative to a pushed
// commit.
type Ancestry int

const (
	// Unknown: the revision is not in the clone and cannot be fetched (a
	// local working tree, whose remote is not kubectl-hnp's to fetch).
	Unknown Ancestry = iota
	// Holds: the revision is the pushed commit or a commit after it.
	Holds
	// Lacks: the revision is in the branch's history but does not hold
	// the pushed commit (an older commit, or one on another line).
	Lacks
	// NotOnBranch: the revision is not in the branch's history, even
	// fetched whole: the deployer deploys another branch or repository.
	NotOnBranch
)

// RevisionHolds reports whether the commit sha (a deployer's revision) holds the
// pushed commit. A sha the clone lacks — a commit someone else pushed
// after pushed, which the deployer applied before the clone saw it — is
// fetched: the branch's new commits first, then, for a shallow clone that
// still lacks it, the branch's whole history, as `git fetch --unshallow`.
// A sha found then is judged by ancestry; one not found is NotOnBranch.
func (w *Workspace) RevisionHolds(ctx context.Context, pushed, sha string) (Ancestry, error) {
	if pushed == sha {
		return Holds, nil
	}
	repo, err := git.PlainOpenWithOptions(w.Root, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return Unknown, fmt.Errorf("opening %s: %w", w.Root, err)
	}
	if a, ok := ancestry(repo, pushed, sha); ok {
		return a, nil
	}
	if w.Local || w.lock == nil || w.Branch == "" || w.loc.plain == "" {
		return Unknown, nil
	}
	if err := w.fetchNew(ctx, repo); err != nil {
		return Unknown, err
	}
	if a, ok := ancestry(repo, pushed, sha); ok {
		return a, nil
	}
	if _, err := w.deepen(ctx, repo); err != nil {
		return Unknown, err
	}
	if a, ok := ancestry(repo, pushed, sha); ok {
		return a, nil
	}
	return NotOnBranch, nil
}

// ancestry judges sha against pushed when the clone has sha; ok is false
// when it does not.
func ancestry(repo *git.Repository, pushed, sha string) (Ancestry, bool) {
	c, err := repo.CommitObject(plumbing.NewHash(sha))
	if err != nil {
		return Unknown, false
	}
	p, err := repo.CommitObject(plumbing.NewHash(pushed))
	if err != nil {
		return Lacks, true
	}
	// An error is a walk from sha that reached the shallow boundary
	// before pushed: sha does not hold it as far as the clone can tell.
	if ok, err := p.IsAncestor(c); err == nil && ok {
		return Holds, true
	}
	return Lacks, true
}

// fetchNew fetches the branch's commits the clone lacks (no depth: from
// the tip back to what the clone has), under the clone's lock. The
// clone's checked-out branch and HEAD stay where they are.
func (w *Workspace) fetchNew(ctx context.Context, repo *git.Repository) error {
	if err := w.Lock(ctx); err != nil {
		return err
	}
	defer func() { _ = w.Unlock() }()
	remote, err := w.ensureOrigin(repo)
	if err != nil {
		return err
	}
	spec := config.RefSpec(fmt.Sprintf("+refs/heads/%s:refs/remotes/origin/%s", w.Branch, w.Branch))
	err = remote.FetchContext(ctx, &git.FetchOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{spec}, Auth: w.auth, Tags: git.NoTags, Force: true})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return w.gitError("fetching", w.Branch, err)
	}
	return nil
}
