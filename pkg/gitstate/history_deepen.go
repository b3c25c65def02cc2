package gitstate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
)

// deepen fetches the whole history of the cache clone's branch when the
// clone is shallow, as `git fetch --unshallow` does, under the clone's
// lock. Offline, or when the clone is complete, it does nothing.
func (w *Workspace) deepen(ctx context.Context, repo *git.Repository) (deepened bool, err error) {
	shallow, err := repo.Storer.Shallow()
	if err != nil {
		return false, fmt.Errorf("reading the shallow commits of %s: %w", w.Root, err)
	}
	if len(shallow) == 0 || w.Branch == "" || w.loc.plain == "" {
		return false, nil
	}
	if err := w.Lock(ctx); err != nil {
		return false, err
	}
	defer func() { _ = w.Unlock() }()
	remote, err := w.ensureOrigin(repo)
	if err != nil {
		return false, err
	}
	spec := config.RefSpec(fmt.Sprintf("+refs/heads/%s:refs/remotes/origin/%s", w.Branch, w.Branch))
	err = remote.FetchContext(ctx, &git.FetchOptions{
		RemoteName: "origin", RefSpecs: []config.RefSpec{spec}, Auth: w.auth, Tags: git.NoTags, Force: true,
		Depth: math.MaxInt32, // git's "infinite" depth: --unshallow
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return false, w.gitError("fetching the history of", w.Branch, err)
	}
	// go-git records new shallow commits but never drops those whose
	// parents have arrived: drop them, so that the clone is complete again.
	var keep []plumbing.Hash
	for _, h := range shallow {
		c, err := repo.CommitObject(h)
		if err != nil {
			keep = append(keep, h)
			continue
		}
		for _, p := range c.ParentHashes {
			if _, err := repo.CommitObject(p); err != nil {
				keep = append(keep, h)
				break
			}
		}
	}
	if len(keep) == 0 {
		// As git does: a complete clone has no shallow file (an empty one
		// still marks the clone shallow for git).
		err = os.Remove(filepath.Join(w.Root, ".git", "shallow"))
	} else {
		err = repo.Storer.SetShallow(keep)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("updating the shallow commits of %s: %w", w.Root, err)
	}
	return true, nil
}
