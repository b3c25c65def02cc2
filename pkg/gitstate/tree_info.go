package gitstate

import (
	"io"
	"io/fs"
	"sort"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// treeInfo is a tree entry as an fs.FileInfo and an fs.DirEntry.
type treeInfo struct {
	t *TreeFS
	n node
}

// Name is the entry's name.
func (i *treeInfo) Name() string { return i.n.name }

// IsDir says a tree or a submodule (an empty directory).
func (i *treeInfo) IsDir() bool { return i.n.mode == filemode.Dir || i.n.mode == filemode.Submodule }

// Sys is nil.
func (i *treeInfo) Sys() any { return nil }

// ModTime is the commit's time: Git keeps no time per file.
func (i *treeInfo) ModTime() time.Time { return i.t.when }

// Size is a blob's size; 0 for a directory.
func (i *treeInfo) Size() int64 {
	if i.IsDir() {
		return 0
	}
	i.t.mu.Lock()
	defer i.t.mu.Unlock()
	o, err := i.t.st.EncodedObject(plumbing.AnyObject, i.n.hash)
	if err != nil {
		return 0
	}
	return o.Size()
}

// Mode is the Git mode as a file mode: directories 0755, symbolic links,
// executables 0755, other files 0644.
func (i *treeInfo) Mode() fs.FileMode {
	switch i.n.mode {
	case filemode.Dir, filemode.Submodule:
		return fs.ModeDir | 0o755
	case filemode.Symlink:
		return fs.ModeSymlink | 0o777
	case filemode.Executable:
		return 0o755
	}
	return 0o644
}

// Type is the type bits of Mode.
func (i *treeInfo) Type() fs.FileMode { return i.Mode().Type() }

// Info is the entry itself.
func (i *treeInfo) Info() (fs.FileInfo, error) { return i, nil }

func sortEntries(des []fs.DirEntry) {
	sort.Slice(des, func(a, b int) bool { return des[a].Name() < des[b].Name() })
}

// treeFile is an open file of a TreeFS.
type treeFile struct {
	info fs.FileInfo
	io.Reader
}

// Stat describes the file.
func (f *treeFile) Stat() (fs.FileInfo, error) { return f.info, nil }

// Close does nothing: the content is in memory.
func (f *treeFile) Close() error { return nil }

// treeDir is an open directory of a TreeFS.
type treeDir struct {
	info    fs.FileInfo
	entries []fs.DirEntry
	off     int
}

// Stat describes the directory.
func (d *treeDir) Stat() (fs.FileInfo, error) { return d.info, nil }

// Close does nothing.
func (d *treeDir) Close() error { return nil }

// Read fails: a directory has no content.
func (d *treeDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.Name(), Err: fs.ErrInvalid}
}

// ReadDir reads the next n entries (all with n <= 0), as fs.ReadDirFile.
func (d *treeDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.off += n
	return rest[:n], nil
}
