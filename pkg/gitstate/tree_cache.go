package gitstate

import (
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/githedgehog/kubectl-hnp/pkg/desired"
)

var (
	_ desired.ContentFS   = (*TreeFS)(nil)
	_ desired.HashedEntry = (*treeInfo)(nil)
)

// ContentHash returns the blob hash of a file entry; a symbolic link's
// (the link itself), a tree's or a submodule's is not given.
func (i *treeInfo) ContentHash() (string, bool) {
	switch i.n.mode {
	case filemode.Regular, filemode.Executable, filemode.Deprecated:
		return i.n.hash.String(), true
	}
	return "", false
}

// ContentHash returns the Git hash of name's content, following symbolic
// links: a file's blob, a directory's tree. Submodules and paths that do
// not resolve are not known.
func (t *TreeFS) ContentHash(name string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, err := t.resolve("hash", name, true)
	if err != nil {
		return "", false
	}
	switch n.mode {
	case filemode.Dir, filemode.Regular, filemode.Executable, filemode.Deprecated:
		return n.hash.String(), true
	}
	return "", false
}

// ParseCache is where desired.LoadFS keeps the manifests it parsed from
// this tree (see desired.Cache): nil unless the workspace set one.
func (t *TreeFS) ParseCache() *desired.Cache { return t.parsed }

// parseCacheDir is the parse cache of a cache clone at root: beside it,
// as its lock is, so that neither a checkout nor a clean touches it.
func parseCacheDir(root string) string { return root + ".parsed" }
