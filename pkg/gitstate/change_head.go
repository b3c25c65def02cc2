package gitstate

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/githedgehog/kubectl-hnp/pkg/desired"
)

// HeadFile returns the content of the file at rel (relative to Root, with
// forward slashes) in the commit HEAD points to: what a change is based on,
// without a local working tree's uncommitted edits. A file missing there
// is an error matching fs.ErrNotExist.
func (w *Workspace) HeadFile(rel string) ([]byte, error) {
	if err := checkRelPath(rel); err != nil {
		return nil, err
	}
	repo, err := git.PlainOpenWithOptions(w.Root, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("opening the repository of %s: %w", w.Root, err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, fmt.Errorf("opening the working tree %s: %w", w.Root, err)
	}
	_, rootReal, err := desired.ResolveRoot(w.Root)
	if err != nil {
		return nil, err
	}
	_, topReal, err := desired.ResolveRoot(wt.Filesystem.Root())
	if err != nil {
		return nil, err
	}
	gitRel, err := filepath.Rel(topReal, filepath.Join(rootReal, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	head, err := repo.Head()
	if err != nil {
		return nil, fmt.Errorf("%s: reading HEAD of %s: %w", rel, w.Root, fs.ErrNotExist)
	}
	c, err := repo.CommitObject(head.Hash())
	if err != nil {
		return nil, fmt.Errorf("reading commit %s: %w", head.Hash(), err)
	}
	f, err := c.File(filepath.ToSlash(gitRel))
	if errors.Is(err, object.ErrFileNotFound) || errors.Is(err, object.ErrDirectoryNotFound) {
		return nil, fmt.Errorf("%s is not in commit %.12s: %w", rel, head.Hash(), fs.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("%s in commit %.12s: %w", rel, head.Hash(), err)
	}
	content, err := f.Contents()
	if err != nil {
		return nil, fmt.Errorf("%s in commit %.12s: %w", rel, head.Hash(), err)
	}
	return []byte(content), nil
}
