package gitstate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/githedgehog/kubectl-hnp/pkg/desired"
)

// TreeFS is a commit's tree read straight from a repository's object
// store, as a read-only fs.FS: no working tree is needed, and only the
// trees and blobs asked for are read. Symbolic links are followed within
// the tree; one that leaves it is an error wrapping desired.ErrLinkEscapes.
// Submodules are empty directories. It is safe for concurrent use; Close
// it when done.
type TreeFS struct {
	mu     sync.Mutex
	st     *filesystem.Storage
	gitDir string
	// blobStores read blobs concurrently, one store each (a store's
	// packfiles are not safe for concurrent reads); made on demand, at
	// most GOMAXPROCS, and closed by Close.
	blobStores chan *filesystem.Storage
	made       []*filesystem.Storage
	root       *object.Tree
	trees      map[plumbing.Hash]*object.Tree
	// names indexes the entries of the trees read, by name.
	names map[plumbing.Hash]map[string]object.TreeEntry
	when  time.Time
	// parsed is the cache of parsed manifests (ParseCache); nil for none.
	parsed *desired.Cache
}

var (
	_ fs.ReadDirFS  = (*TreeFS)(nil)
	_ fs.ReadFileFS = (*TreeFS)(nil)
	_ fs.StatFS     = (*TreeFS)(nil)
)

// treeCacheSize bounds the objects the store keeps decoded while a tree
// is read: enough for delta bases, small next to the files themselves.
const treeCacheSize = 16 * cache.MiByte

// openTree opens the object store in gitDir and the tree of commit.
func openTree(gitDir string, commit plumbing.Hash) (*TreeFS, error) {
	st := newStore(gitDir)
	c, err := object.GetCommit(st, commit)
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("reading commit %s: %w", commit, err)
	}
	root, err := object.GetTree(st, c.TreeHash)
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("reading the tree of commit %s: %w", commit, err)
	}
	return &TreeFS{st: st, gitDir: gitDir, root: root, trees: map[plumbing.Hash]*object.Tree{},
		names: map[plumbing.Hash]map[string]object.TreeEntry{}, when: c.Committer.When,
		blobStores: make(chan *filesystem.Storage, runtime.GOMAXPROCS(0))}, nil
}

func newStore(gitDir string) *filesystem.Storage {
	return filesystem.NewStorageWithOptions(osfs.New(gitDir), cache.NewObjectLRU(treeCacheSize), filesystem.Options{KeepDescriptors: true})
}

// Close releases the object stores' open files.
func (t *TreeFS) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	errs := []error{t.st.Close()}
	for _, s := range t.made {
		errs = append(errs, s.Close())
	}
	t.made = nil
	return errors.Join(errs...)
}

// readBlob reads a blob with a store of its own, so that files are read
// (inflated, their deltas applied) concurrently.
func (t *TreeFS) readBlob(h plumbing.Hash) ([]byte, error) {
	var st *filesystem.Storage
	select {
	case st = <-t.blobStores:
	default:
		t.mu.Lock()
		if len(t.made) < cap(t.blobStores) {
			st = newStore(t.gitDir)
			t.made = append(t.made, st)
		}
		t.mu.Unlock()
		if st == nil {
			st = <-t.blobStores
		}
	}
	defer func() { t.blobStores <- st }()
	return blobOf(st, h)
}

// maxLinks bounds the symbolic links followed resolving one path, as the
// kernel's ELOOP does.
const maxLinks = 40

// node is a resolved path: an entry of a tree, or the root.
type node struct {
	name  string
	mode  filemode.FileMode
	hash  plumbing.Hash
	isTop bool
}

// resolve finds name, following symbolic links in every element, and in
// the last one too when follow is set. The caller holds t.mu.
func (t *TreeFS) resolve(op, name string, follow bool) (node, error) {
	if !fs.ValidPath(name) {
		return node{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	p := name
	for hops := 0; ; {
		n, link, rest, err := t.walk(p, follow)
		if err != nil {
			return node{}, &fs.PathError{Op: op, Path: name, Err: err}
		}
		if link == "" {
			return n, nil
		}
		if hops++; hops > maxLinks {
			return node{}, &fs.PathError{Op: op, Path: name, Err: errors.New("too many levels of symbolic links")}
		}
		target, err := t.blob(n.hash)
		if err != nil {
			return node{}, &fs.PathError{Op: op, Path: name, Err: err}
		}
		next := path.Join(path.Dir(link), string(target), rest)
		if path.IsAbs(string(target)) || !fs.ValidPath(next) {
			return node{}, &fs.PathError{Op: op, Path: name, Err: desired.ErrLinkEscapes}
		}
		p = next
	}
}

// walk follows p element by element. At a symbolic link that must be
// followed it stops and returns the link's node and path and the rest of
// p after it.
func (t *TreeFS) walk(p string, follow bool) (n node, link, rest string, err error) {
	n = node{name: ".", mode: filemode.Dir, hash: t.root.Hash, isTop: true}
	if p == "." {
		return n, "", "", nil
	}
	elems := strings.Split(p, "/")
	for i, el := range elems {
		if n.mode != filemode.Dir {
			return node{}, "", "", fs.ErrNotExist
		}
		dir, err := t.tree(n)
		if err != nil {
			return node{}, "", "", err
		}
		e, ok := t.entry(dir, el)
		if !ok {
			return node{}, "", "", fs.ErrNotExist
		}
		n = node{name: el, mode: e.Mode, hash: e.Hash}
		last := i == len(elems)-1
		if e.Mode == filemode.Symlink && (!last || follow) {
			return n, strings.Join(elems[:i+1], "/"), strings.Join(elems[i+1:], "/"), nil
		}
	}
	return n, "", "", nil
}

// entry finds a tree's entry by name, indexing the tree on first use (a
// directory of thousands of files is looked up as often). The caller holds
// t.mu.
func (t *TreeFS) entry(tr *object.Tree, name string) (object.TreeEntry, bool) {
	idx, ok := t.names[tr.Hash]
	if !ok {
		idx = make(map[string]object.TreeEntry, len(tr.Entries))
		for _, e := range tr.Entries {
			idx[e.Name] = e
		}
		t.names[tr.Hash] = idx
	}
	e, ok := idx[name]
	return e, ok
}

// tree reads a directory node's tree, once. The caller holds t.mu.
func (t *TreeFS) tree(n node) (*object.Tree, error) {
	if n.isTop {
		return t.root, nil
	}
	if tr, ok := t.trees[n.hash]; ok {
		return tr, nil
	}
	tr, err := object.GetTree(t.st, n.hash)
	if err != nil {
		return nil, err
	}
	t.trees[n.hash] = tr
	return tr, nil
}

// blob reads a blob's content. The caller holds t.mu.
func (t *TreeFS) blob(h plumbing.Hash) ([]byte, error) { return blobOf(t.st, h) }

// blobOf reads a blob's content from st.
func blobOf(st *filesystem.Storage, h plumbing.Hash) ([]byte, error) {
	o, err := st.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, err
	}
	r, err := o.Reader()
	if err != nil {
		return nil, err
	}
	defer func() { _ = r.Close() }()
	b := make([]byte, 0, o.Size())
	buf := bytes.NewBuffer(b)
	_, err = io.Copy(buf, r)
	return buf.Bytes(), err
}

// ReadFile returns a file's content.
func (t *TreeFS) ReadFile(name string) ([]byte, error) {
	t.mu.Lock()
	n, err := t.resolve("read", name, true)
	t.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if n.mode == filemode.Dir || n.mode == filemode.Submodule {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("is a directory")}
	}
	b, err := t.readBlob(n.hash)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return b, nil
}

// ReadDir lists a directory, sorted by name.
func (t *TreeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.readDir(name)
}

func (t *TreeFS) readDir(name string) ([]fs.DirEntry, error) {
	n, err := t.resolve("readdir", name, true)
	if err != nil {
		return nil, err
	}
	if n.mode == filemode.Submodule {
		return nil, nil
	}
	if n.mode != filemode.Dir {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	tr, err := t.tree(n)
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	out := make([]fs.DirEntry, 0, len(tr.Entries))
	for _, e := range tr.Entries {
		out = append(out, &treeInfo{t: t, n: node{name: e.Name, mode: e.Mode, hash: e.Hash}})
	}
	// Git sorts a directory "d" as "d/": fs.ReadDir's order is by name.
	sortEntries(out)
	return out, nil
}

// Stat describes a file, following symbolic links.
func (t *TreeFS) Stat(name string) (fs.FileInfo, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, err := t.resolve("stat", name, true)
	if err != nil {
		return nil, err
	}
	n.name = path.Base(name)
	return &treeInfo{t: t, n: n}, nil
}

// Open opens a file or a directory for reading.
func (t *TreeFS) Open(name string) (fs.File, error) {
	fi, err := t.Stat(name)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		des, err := t.ReadDir(name)
		if err != nil {
			return nil, err
		}
		return &treeDir{info: fi, entries: des}, nil
	}
	b, err := t.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return &treeFile{info: fi, Reader: bytes.NewReader(b)}, nil
}
