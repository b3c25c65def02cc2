package render

import (
	"io/fs"
	"path"
	"path/filepath"
	"testing/fstest"
)

// overlay is a Source with some files replaced or removed: what the tree
// will hold after a change, rendered before it is written.
type overlay struct {
	base  fs.FS
	files map[string][]byte
}

// Overlay returns src with the given files (repository-relative) replaced
// by new contents; a nil content removes the file.
func Overlay(src fs.FS, files map[string][]byte) fs.FS { return &overlay{base: src, files: files} }

// Open opens a replaced file from memory, else from the base.
func (o *overlay) Open(name string) (fs.File, error) {
	if b, ok := o.files[name]; ok {
		if b == nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return fstest.MapFS{name: {Data: b, Mode: 0o644}}.Open(name)
	}
	f, err := o.base.Open(name)
	if err != nil && isNewDir(o.files, name) {
		return fstest.MapFS{path.Join(name, ".keep"): {}}.Open(name)
	}
	return f, err
}

// isNewDir reports whether a new file lies below dir.
func isNewDir(files map[string][]byte, dir string) bool {
	for f, b := range files {
		if b != nil && path.Dir(f) == dir {
			return true
		}
	}
	return false
}

// RenderWith renders the kustomization in renderPath of the working tree
// at root as it will be once files are written (nil removes a file).
func RenderWith(root, renderPath string, files map[string][]byte) (*Result, error) {
	r, _, err := openRepo(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return Render(Overlay(r.FS(), files), path.Clean("./"+filepath.ToSlash(renderPath)))
}
