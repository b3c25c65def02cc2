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
	if err := pruneShallow(repo, w.Root); err != nil {
		return false, err
	}
	return true, nil
}

// pruneShallow drops the shallow commits whose parents are all in the
// clone: go-git records the shallow commits of every fetch but never drops
// those whose parents have arrived (or were there already, as after a
// shallow fetch of a tip that moved on). A clone left with none is
// complete again: as git does, it has no shallow file (an empty one still
// marks a clone shallow for git).
func pruneShallow(repo *git.Repository, root string) error {
	shallow, err := repo.Storer.Shallow()
	if err != nil {
		return fmt.Errorf("reading the shallow commits of %s: %w", root, err)
	}
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
	if len(keep) == len(shallow) {
		return nil
	}
	if len(keep) == 0 {
		err = os.Remove(filepath.Join(root, git.GitDirName, "shallow"))
	} else {
		err = repo.Storer.SetShallow(keep)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("updating the shallow commits of %s: %w", root, err)
	}
	return nil
}
