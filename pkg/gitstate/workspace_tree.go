package gitstate

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// ErrNoTree is returned by Tree for a workspace whose files are read on
// disk, from Root: a local working tree (uncommitted edits included) or a
// directory outside Git.
var ErrNoTree = errors.New("a local working tree is read from disk, not from the object store")

// Tree returns the files of Revision, read straight from the cache
// clone's object store, as an fs.FS rooted at the repository's top
// (Root): what the fabric's commands read, without a checkout. What
// desired.LoadFS parses from it is kept in a cache beside the clone
// (desired.Cache), so that an unchanged file is parsed once. For a local
// working tree it returns ErrNoTree: read Root instead. Close the TreeFS
// when done.
func (w *Workspace) Tree() (*TreeFS, error) {
	if w.Local {
		return nil, ErrNoTree
	}
	if w.Revision == "" {
		return nil, fmt.Errorf("the cache clone %s has no commit to read", w.Root)
	}
	t, err := openTree(filepath.Join(w.Root, git.GitDirName), plumbing.NewHash(w.Revision))
	if err != nil {
		return nil, err
	}
	t.parsed = w.parsed
	return t, nil
}

// Checkout checks the cache clone's working tree out at Revision, clean,
// for a command that reads the fabric's files from Root before it changes
// them (sync --adopt); Change checks it out itself. A local working tree
// is left as it is.
func (w *Workspace) Checkout(ctx context.Context) error {
	if w.Local || w.Revision == "" {
		return nil
	}
	if err := w.Lock(ctx); err != nil {
		return err
	}
	defer func() { _ = w.Unlock() }()
	repo, err := git.PlainOpen(w.Root)
	if err != nil {
		return fmt.Errorf("opening the cache clone %s: %w", w.Root, err)
	}
	w.checkout = true
	return w.resetWorktree(repo, plumbing.NewHash(w.Revision))
}
