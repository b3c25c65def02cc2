package gitstate

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// CheckoutDirsFunc names the directories (slash-separated, relative to the
// repository's top) that a command changing files reads from a cache
// clone's working tree, given the files of the commit to check out. nil,
// or a list holding the top itself, means every file.
type CheckoutDirsFunc func(tree fs.FS) []string

// sparseDirs returns the directories to check out at commit, as go-git's
// sparse patterns ("dir/"); nil for every file.
func (w *Workspace) sparseDirs(commit plumbing.Hash) ([]string, error) {
	if w.checkoutDirs == nil {
		return nil, nil
	}
	t, err := openTree(filepath.Join(w.Root, git.GitDirName), commit)
	if err != nil {
		return nil, err
	}
	defer func() { _ = t.Close() }()
	dirs := w.checkoutDirs(t)
	if len(dirs) == 0 {
		return nil, nil
	}
	patterns := make([]string, 0, len(dirs))
	for _, d := range dirs {
		clean := path.Clean("./" + filepath.ToSlash(d))
		if clean == "." || !fs.ValidPath(clean) || !t.linkFree(clean) {
			return nil, nil
		}
		patterns = append(patterns, clean+"/")
	}
	return patterns, nil
}

// linkFree says whether dir holds no symbolic link or submodule, and is
// reached through none: then its files are all a change reads of it. A
// directory that does not exist has nothing to read.
func (t *TreeFS) linkFree(dir string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, link, _, err := t.walk(dir, false)
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	if err != nil || link != "" || n.mode != filemode.Dir {
		return false
	}
	tr, err := t.tree(n)
	if err != nil {
		return false
	}
	w := object.NewTreeWalker(tr, true, nil)
	defer w.Close()
	for {
		_, e, err := w.Next()
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil || e.Mode == filemode.Symlink || e.Mode == filemode.Submodule {
			return false
		}
	}
}

// hardReset resets the working tree of repo to commit, only the
// directories of w.checkoutDirs when set (a sparse checkout: the index
// holds every file, those outside marked skip-worktree). The marks of an
// earlier reset are cleared first, as go-git only ever adds them: a clone
// shared by fabrics of other directories checks out each one's.
func (w *Workspace) hardReset(repo *git.Repository, wt *git.Worktree, commit plumbing.Hash) error {
	dirs, err := w.sparseDirs(commit)
	if err != nil {
		return err
	}
	idx, err := repo.Storer.Index()
	if err != nil {
		return err
	}
	cleared := false
	for _, e := range idx.Entries {
		if e.SkipWorktree {
			e.SkipWorktree, cleared = false, true
		}
	}
	if cleared {
		if err := repo.Storer.SetIndex(idx); err != nil {
			return err
		}
	}
	if err := wt.ResetSparsely(&git.ResetOptions{Commit: commit, Mode: git.HardReset}, dirs); err != nil {
		return fmt.Errorf("resetting the cache clone %s to %s: %w", w.Root, commit, err)
	}
	return nil
}
