package render

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// errReadOnly is returned by every writing method of the file system handed
// to kustomize: rendering never writes.
var errReadOnly = errors.New("the repository is read-only while rendering")

// vfs presents a Source to kustomize as a read-only file system whose root
// "/" is the repository's root. Paths outside it do not exist, which
// confines kustomize to the repository as Flux confines it to the source
// artifact; the Source itself (os.Root, a Git tree) refuses symbolic links
// that leave it.
type vfs struct {
	src fs.FS
	// read records every file kustomize read, repository-relative.
	read map[string]bool
	// override serves other contents for some files (the top
	// kustomization, with origin annotations asked for).
	override map[string][]byte
}

var _ filesys.FileSystem = (*vfs)(nil)

// rel turns an absolute path of the virtual file system into a Source path
// ("." for the root); ok is false for paths that cannot be in the Source.
func rel(p string) (string, bool) {
	p = filepath.ToSlash(p)
	if !path.IsAbs(p) {
		return "", false
	}
	r := strings.TrimPrefix(path.Clean(p), "/")
	if r == "" {
		r = "."
	}
	return r, fs.ValidPath(r)
}

func (v *vfs) stat(p string) (fs.FileInfo, error) {
	r, ok := rel(p)
	if !ok {
		return nil, &fs.PathError{Op: "stat", Path: p, Err: fs.ErrNotExist}
	}
	return fs.Stat(v.src, r)
}

func (v *vfs) Create(string) (filesys.File, error) { return nil, errReadOnly }
func (v *vfs) Mkdir(string) error                  { return errReadOnly }
func (v *vfs) MkdirAll(string) error               { return errReadOnly }
func (v *vfs) RemoveAll(string) error              { return errReadOnly }
func (v *vfs) WriteFile(string, []byte) error      { return errReadOnly }

// Open opens a file for reading.
func (v *vfs) Open(p string) (filesys.File, error) {
	r, ok := rel(p)
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
	}
	f, err := v.src.Open(r)
	if err != nil {
		return nil, err
	}
	return file{f}, nil
}

// file adapts an fs.File to kustomize's File (read-only).
type file struct{ fs.File }

func (f file) Write([]byte) (int, error) { return 0, errReadOnly }

func (f file) Read(b []byte) (int, error) {
	if r, ok := f.File.(io.Reader); ok {
		return r.Read(b)
	}
	return 0, io.EOF
}

func (f file) Stat() (os.FileInfo, error) { return f.File.Stat() }

// IsDir reports whether p is a directory.
func (v *vfs) IsDir(p string) bool {
	fi, err := v.stat(p)
	return err == nil && fi.IsDir()
}

// Exists reports whether p exists.
func (v *vfs) Exists(p string) bool {
	_, err := v.stat(p)
	return err == nil
}

// ReadDir lists the names in a directory.
func (v *vfs) ReadDir(p string) ([]string, error) {
	r, ok := rel(p)
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: p, Err: fs.ErrNotExist}
	}
	des, err := fs.ReadDir(v.src, r)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(des))
	for i, de := range des {
		names[i] = de.Name()
	}
	return names, nil
}

// CleanedAbs splits a path into a confirmed directory and a file name (""
// when the path is a directory).
func (v *vfs) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	if !path.IsAbs(filepath.ToSlash(p)) {
		p = "/" + p
	}
	p = path.Clean(filepath.ToSlash(p))
	fi, err := v.stat(p)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", p, err)
	}
	if fi.IsDir() {
		return filesys.ConfirmedDir(p), "", nil
	}
	return filesys.ConfirmedDir(path.Dir(p)), path.Base(p), nil
}

// Glob returns the paths matching pattern.
func (v *vfs) Glob(pattern string) ([]string, error) {
	r, ok := rel(pattern)
	if !ok {
		return nil, nil
	}
	m, err := fs.Glob(v.src, r)
	if err != nil {
		return nil, err
	}
	for i := range m {
		m[i] = "/" + m[i]
	}
	sort.Strings(m)
	return m, nil
}

// ReadFile returns a file's contents and records that it was read.
func (v *vfs) ReadFile(p string) ([]byte, error) {
	r, ok := rel(p)
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: p, Err: fs.ErrNotExist}
	}
	if b, ok := v.override[r]; ok {
		v.read[r] = true
		return append([]byte(nil), b...), nil
	}
	b, err := fs.ReadFile(v.src, r)
	if err == nil && v.read != nil {
		v.read[r] = true
	}
	return b, err
}

// Walk walks the tree below p.
func (v *vfs) Walk(p string, fn filepath.WalkFunc) error {
	r, ok := rel(p)
	if !ok {
		return fn(p, nil, fs.ErrNotExist)
	}
	return fs.WalkDir(v.src, r, func(q string, de fs.DirEntry, err error) error {
		abs := "/" + q
		if q == "." {
			abs = "/"
		}
		if err != nil {
			return fn(abs, nil, err)
		}
		fi, err := de.Info()
		return fn(abs, fi, err)
	})
}
