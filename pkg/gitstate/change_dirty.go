package gitstate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// DirtyFileError refuses a change to a file of a local working tree that
// has uncommitted changes of the user's.
type DirtyFileError struct {
	// File is the file, relative to the workspace root.
	File string
	// State is "staged", "not staged" or "untracked".
	State string
	// Root is the working tree.
	Root string
}

// Error names the file and says what to do.
func (e *DirtyFileError) Error() string {
	return fmt.Sprintf("%s has uncommitted changes (%s) in %s: commit or stash them, then try again", e.File, e.State, e.Root)
}

// checkUntouched refuses files whose index entry or working tree file
// differs from the commit parent (zero: an empty tree).
func checkUntouched(repo *git.Repository, parent plumbing.Hash, files []plannedFile, top string) error {
	var tree *object.Tree
	if !parent.IsZero() {
		c, err := object.GetCommit(repo.Storer, parent)
		if err != nil {
			return err
		}
		if tree, err = c.Tree(); err != nil {
			return err
		}
	}
	idx, err := repo.Storer.Index()
	if err != nil {
		return err
	}
	for _, f := range files {
		var head, staged, disk *plumbing.Hash
		if tree != nil {
			if e, err := tree.FindEntry(f.gitPath); err == nil {
				head = &e.Hash
			} else if !errors.Is(err, object.ErrEntryNotFound) && !errors.Is(err, object.ErrDirectoryNotFound) {
				return err
			}
		}
		if e, err := idx.Entry(f.gitPath); err == nil {
			staged = &e.Hash
		} else if !errors.Is(err, index.ErrEntryNotFound) {
			return err
		}
		switch b, err := os.ReadFile(f.abs); {
		case err == nil:
			h := plumbing.ComputeHash(plumbing.BlobObject, b)
			disk = &h
		case !errors.Is(err, fs.ErrNotExist):
			return err
		}
		state := ""
		switch {
		case !sameHash(head, staged):
			state = "staged"
		case staged == nil && disk != nil:
			state = "untracked"
		case !sameHash(staged, disk):
			state = "not staged"
		}
		if state != "" {
			return &DirtyFileError{File: f.rel, State: state, Root: top}
		}
	}
	return nil
}

func sameHash(a, b *plumbing.Hash) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
