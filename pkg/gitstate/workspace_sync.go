package gitstate

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
)

// sync brings the cache clone to the tip of the remote branch: it creates
// the clone if needed, fetches the branch and hard-resets the working tree
// to it, removing untracked files. The caller holds the lock.
func (w *Workspace) sync(ctx context.Context, branch string) error {
	return w.fetchBranch(ctx, branch, false)
}

// fetchBranch creates the cache clone if needed and fetches the branch.
// Then it hard-resets the clone to the remote tip, or, with ffOnly, moves
// it there only if that drops no local commit, and fills w.Refresh. The
// caller holds the lock.
func (w *Workspace) fetchBranch(ctx context.Context, branch string, ffOnly bool) (err error) {
	fresh := false
	repo, err := git.PlainOpen(w.Root)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		fresh = true
		if repo, err = git.PlainInit(w.Root, false); err != nil {
			return fmt.Errorf("creating the cache clone %s: %w", w.Root, err)
		}
		defer func() {
			if err != nil {
				_ = os.RemoveAll(w.Root) // leave no half-made clone behind
			}
		}()
	} else if err != nil {
		return fmt.Errorf("opening the cache clone %s: %w", w.Root, err)
	}
	remote, err := w.ensureOrigin(repo)
	if err != nil {
		return err
	}
	if branch == "" {
		if branch, err = w.remoteHead(ctx, remote); err != nil {
			return err
		}
	}
	spec := config.RefSpec(fmt.Sprintf("+refs/heads/%s:refs/remotes/origin/%s", branch, branch))
	if err := spec.Validate(); err != nil {
		return fmt.Errorf("branch %q: %w", branch, err)
	}
	depth := 0
	if fresh {
		depth = 1 // the tip alone, without history
	}
	err = remote.FetchContext(ctx, &git.FetchOptions{
		RemoteName: "origin", RefSpecs: []config.RefSpec{spec}, Auth: w.auth, Tags: git.NoTags, Force: true, Depth: depth,
	})
	if errors.Is(err, git.NoMatchingRefSpecError{}) {
		return w.gitError("fetching", branch, fmt.Errorf("branch %q not found on the remote", branch))
	}
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return w.gitError("fetching", branch, err)
	}
	if tip, known, err := trackedTip(repo, plumbing.NewRemoteReferenceName("origin", branch)); err == nil && known {
		w.fetched = tip
	}
	if ffOnly {
		return w.fastForwardCache(repo, branch, fresh)
	}
	return w.checkoutTip(repo, branch)
}

// checkoutTip points the clone's branch and HEAD at the last fetched tip of
// the remote branch (refs/remotes/origin/<branch>) and, for a workspace
// that keeps its working tree checked out, hard-resets the working tree to
// it, removing untracked files. The caller holds the lock.
func (w *Workspace) checkoutTip(repo *git.Repository, branch string) error {
	tip, err := repo.Reference(plumbing.NewRemoteReferenceName("origin", branch), true)
	if err != nil {
		return w.gitError("reading the fetched tip of", branch, err)
	}
	local := plumbing.NewBranchReferenceName(branch)
	for _, ref := range []*plumbing.Reference{
		plumbing.NewHashReference(local, tip.Hash()),
		plumbing.NewSymbolicReference(plumbing.HEAD, local),
	} {
		if err := repo.Storer.SetReference(ref); err != nil {
			return fmt.Errorf("checking out %s in %s: %w", branch, w.Root, err)
		}
	}
	w.Revision, w.Branch = tip.Hash().String(), branch
	return w.resetWorktree(repo, tip.Hash())
}

// resetWorktree hard-resets the working tree to commit (only the
// directories OpenOptions.CheckoutDirs names, when set), removing untracked
// files, when the workspace keeps it checked out; otherwise the working
// tree is left as it is (empty, or as an earlier change left it), and the
// files are read from the object store.
func (w *Workspace) resetWorktree(repo *git.Repository, commit plumbing.Hash) error {
	if !w.checkout {
		return nil
	}
	wt, err := repo.Worktree()
	if err != nil {
		return fmt.Errorf("cache clone %s: %w", w.Root, err)
	}
	if err := w.hardReset(repo, wt, commit); err != nil {
		return err
	}
	if err := wt.Clean(&git.CleanOptions{Dir: true}); err != nil {
		return fmt.Errorf("cleaning the cache clone %s: %w", w.Root, err)
	}
	return nil
}

// ensureOrigin returns the clone's remote "origin", created or corrected
// to point at the plain URL, which carries no credentials.
func (w *Workspace) ensureOrigin(repo *git.Repository) (*git.Remote, error) {
	cfg, err := repo.Config()
	if err != nil {
		return nil, fmt.Errorf("reading the config of %s: %w", w.Root, err)
	}
	rc, ok := cfg.Remotes["origin"]
	if !ok || len(rc.URLs) != 1 || rc.URLs[0] != w.loc.plain {
		cfg.Remotes["origin"] = &config.RemoteConfig{
			Name:  "origin",
			URLs:  []string{w.loc.plain},
			Fetch: []config.RefSpec{"+refs/heads/*:refs/remotes/origin/*"},
		}
		if err := repo.SetConfig(cfg); err != nil {
			return nil, fmt.Errorf("writing the config of %s: %w", w.Root, err)
		}
	}
	return repo.Remote("origin")
}

// remoteHead asks the remote which branch its HEAD points to.
func (w *Workspace) remoteHead(ctx context.Context, remote *git.Remote) (string, error) {
	refs, err := remote.ListContext(ctx, &git.ListOptions{Auth: w.auth})
	if err != nil {
		return "", w.gitError("listing", "", err)
	}
	var head plumbing.Hash
	branches := map[string]plumbing.Hash{}
	for _, r := range refs {
		switch {
		case r.Name() == plumbing.HEAD && r.Type() == plumbing.SymbolicReference:
			return r.Target().Short(), nil
		case r.Name() == plumbing.HEAD:
			head = r.Hash()
		case r.Name().IsBranch():
			branches[r.Name().Short()] = r.Hash()
		}
	}
	// A server that does not say where HEAD points: guess from the hashes.
	for _, b := range []string{"main", "master"} {
		if h, ok := branches[b]; ok && h == head {
			return b, nil
		}
	}
	for b, h := range branches {
		if h == head && !head.IsZero() {
			return b, nil
		}
	}
	return "", w.gitError("finding the default branch of", "", errors.New("the remote has no HEAD; set the fabric's branch"))
}

// openCached reads the cache clone as it is, for offline use; with
// status it fills w.Refresh against the last fetched remote tip.
func (w *Workspace) openCached(branch string, status bool) error {
	repo, err := git.PlainOpen(w.Root)
	if err != nil {
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return w.noCache(branch)
		}
		return fmt.Errorf("opening the cache clone %s: %w", w.Root, err)
	}
	head, err := repo.Head()
	if err != nil {
		return w.noCache(branch)
	}
	if branch != "" && head.Name() != plumbing.NewBranchReferenceName(branch) {
		return w.noCache(branch)
	}
	w.Revision, w.Branch = head.Hash().String(), head.Name().Short()
	if status {
		return w.offlineCacheStatus(repo)
	}
	return nil
}

func (w *Workspace) noCache(branch string) error {
	if branch == "" {
		branch = "default branch"
	} else {
		branch = "branch " + branch
	}
	return fmt.Errorf("offline: no cached copy of %s (%s) in %s; run once without offline mode to fetch it", w.URL, branch, w.Root)
}
