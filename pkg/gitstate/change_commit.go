package gitstate

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// stagePaths brings the index entries of gitPaths in line with the working
// tree: a file present is added (even if ignored), a file absent removed.
// Other entries of the index are left as they are.
func stagePaths(repo *git.Repository, files []plannedFile) error {
	wt, err := repo.Worktree()
	if err != nil {
		return err
	}
	for _, f := range files {
		if _, err := wt.Filesystem.Lstat(f.gitPath); err == nil {
			if err := wt.AddWithOptions(&git.AddOptions{Path: f.gitPath, SkipStatus: true}); err != nil {
				return fmt.Errorf("staging %s: %w", f.rel, err)
			}
			continue
		}
		idx, err := repo.Storer.Index()
		if err != nil {
			return err
		}
		if _, err := idx.Remove(f.gitPath); err != nil && !errors.Is(err, index.ErrEntryNotFound) {
			return fmt.Errorf("staging the removal of %s: %w", f.rel, err)
		}
		if err := repo.Storer.SetIndex(idx); err != nil {
			return err
		}
	}
	return nil
}

// commitFiles commits the index entries of files, and nothing else, on top
// of parent (zero for a first commit), and moves ref from parent to the new
// commit, failing if ref moved meanwhile. The files must be staged.
func commitFiles(repo *git.Repository, files []plannedFile, parent plumbing.Hash, ref plumbing.ReferenceName, id identity, msg string) (plumbing.Hash, error) {
	idx, err := repo.Storer.Index()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	edits := map[string]*index.Entry{}
	for _, f := range files {
		e, err := idx.Entry(f.gitPath)
		if err != nil && !errors.Is(err, index.ErrEntryNotFound) {
			return plumbing.ZeroHash, err
		}
		edits[f.gitPath] = e
	}
	var baseTree plumbing.Hash
	var parents []plumbing.Hash
	if !parent.IsZero() {
		c, err := object.GetCommit(repo.Storer, parent)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("reading commit %s: %w", parent, err)
		}
		baseTree, parents = c.TreeHash, []plumbing.Hash{parent}
	}
	tree, _, err := buildTree(repo.Storer, baseTree, edits, true)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	commit := &object.Commit{
		Author: id.author, Committer: id.committer, Message: msg,
		TreeHash: tree, ParentHashes: parents,
	}
	h, err := storeObject(repo.Storer, commit)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	var old *plumbing.Reference
	if !parent.IsZero() {
		old = plumbing.NewHashReference(ref, parent)
	}
	if err := repo.Storer.CheckAndSetReference(plumbing.NewHashReference(ref, h), old); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("moving %s to the new commit: %w", ref.Short(), err)
	}
	return h, nil
}

// encoder is a Git object that can encode itself.
type encoder interface {
	Encode(plumbing.EncodedObject) error
}

func storeObject(s storer.EncodedObjectStorer, o encoder) (plumbing.Hash, error) {
	obj := s.NewEncodedObject()
	if err := o.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(obj)
}

// buildTree writes the tree base (zero: an empty tree) with edits applied:
// path → index entry, nil deleting the path. It reports an empty result,
// which is not written unless it is the root.
func buildTree(s storer.EncodedObjectStorer, base plumbing.Hash, edits map[string]*index.Entry, root bool) (plumbing.Hash, bool, error) {
	entries := map[string]object.TreeEntry{}
	if !base.IsZero() {
		t, err := object.GetTree(s, base)
		if err != nil {
			return plumbing.ZeroHash, false, fmt.Errorf("reading tree %s: %w", base, err)
		}
		for _, e := range t.Entries {
			entries[e.Name] = e
		}
	}
	subs := map[string]map[string]*index.Entry{}
	for p, e := range edits {
		name, rest, nested := strings.Cut(p, "/")
		if nested {
			if subs[name] == nil {
				subs[name] = map[string]*index.Entry{}
			}
			subs[name][rest] = e
			continue
		}
		if old, ok := entries[name]; ok && old.Mode == filemode.Dir {
			return plumbing.ZeroHash, false, fmt.Errorf("%s is a directory in the repository", p)
		}
		if e == nil {
			delete(entries, name)
		} else {
			entries[name] = object.TreeEntry{Name: name, Mode: e.Mode, Hash: e.Hash}
		}
	}
	for name, sub := range subs {
		var subBase plumbing.Hash
		if old, ok := entries[name]; ok {
			if old.Mode != filemode.Dir {
				return plumbing.ZeroHash, false, fmt.Errorf("%s is a file in the repository, not a directory", name)
			}
			subBase = old.Hash
		}
		h, empty, err := buildTree(s, subBase, sub, false)
		if err != nil {
			return plumbing.ZeroHash, false, err
		}
		if empty {
			delete(entries, name)
		} else {
			entries[name] = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
		}
	}
	if len(entries) == 0 && !root {
		return plumbing.ZeroHash, true, nil
	}
	t := &object.Tree{}
	for _, e := range entries {
		t.Entries = append(t.Entries, e)
	}
	sort.Sort(object.TreeEntrySorter(t.Entries))
	h, err := storeObject(s, t)
	return h, len(entries) == 0, err
}

// applyChange writes the planned files, stages them and commits them alone
// on ref, on top of parent. The log it returns undoes the writes, also
// after an error.
func applyChange(repo *git.Repository, files []plannedFile, parent plumbing.Hash, ref plumbing.ReferenceName, id identity, msg string) (*writeLog, plumbing.Hash, error) {
	log, err := writeFiles(files)
	if err != nil {
		return log, plumbing.ZeroHash, err
	}
	if err := stagePaths(repo, files); err != nil {
		return log, plumbing.ZeroHash, err
	}
	h, err := commitFiles(repo, files, parent, ref, id, msg)
	return log, h, err
}
