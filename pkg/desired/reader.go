// Package desired is the pure reader of a fabric's desired state: it turns
// the YAML files of a fabric's directory, taken from any fs.FS (a working
// tree, a Git tree read from the object store, kustomize's output), into
// the managed objects with their origins (file and line), the documents of
// other kinds it skipped and the documents it could not read. A parse cache
// serves unchanged Git trees without parsing them again (cache.go), and
// unchanged files of a working tree without parsing them (cache_local.go).
package desired

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// State is the desired state of one fabric as read from its directory.
type State struct {
	// Objects are the managed objects, keyed by identity.
	Objects resource.Set
	// Skipped are the documents of kinds kubectl-hnp does not manage, in
	// the order of files and lines: left alone, and reported.
	Skipped []resource.Skipped
	// Files counts the manifest files read.
	Files int
	// Dir is the fabric's directory relative to the repository root, with
	// forward slashes ("." for the root itself).
	Dir string
	// notes are the scalars YAML 1.1 reads otherwise, found while parsing.
	notes []yaml11Note
}

// ParseError is a problem in one manifest file, at a line when known.
type ParseError struct {
	// File is relative to the repository root, with forward slashes.
	File string
	// Line is 1-based; 0 when no line applies.
	Line int
	// Msg says what is wrong.
	Msg string
}

// Error renders the problem as "file:line: message".
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// DuplicateError reports an object defined twice in a fabric.
type DuplicateError struct {
	// Key is the object's identity.
	Key resource.Key
	// First and Second are where it is defined, in the order of reading.
	First, Second resource.Origin
}

// Error names the object and both places that define it.
func (e *DuplicateError) Error() string {
	return fmt.Sprintf("%s is defined twice: %s and %s", e.Key, e.First, e.Second)
}

// Load reads every *.yaml, *.yml and *.json file below root/dir (skipping
// .git directories) and returns the managed objects found there. Errors of
// all files are collected and returned joined, together with whatever did
// parse. Symbolic links that resolve outside root are refused; symbolic
// links to directories inside root are not followed.
func Load(root, dir string) (*State, error) {
	t, err := listTree(root, dir)
	if err != nil {
		return nil, err
	}
	return collect(t.rel, t.files, t.errs)
}

// tree is the manifests below a directory of a working tree.
type tree struct {
	abs, rel string // the directory: its real path, and slash-separated below the root
	files    []manifest
	errs     []error
}

// listTree lists the manifests below root/dir, kept inside root (SafeDir).
func listTree(root, dir string) (*tree, error) {
	abs, err := SafeDir(root, dir)
	if err != nil {
		return nil, err
	}
	_, rootReal, err := ResolveRoot(root)
	if err != nil {
		return nil, err
	}
	rel, _ := filepath.Rel(rootReal, abs)
	files, errs := listFiles(rootReal, abs)
	return &tree{abs: abs, rel: filepath.ToSlash(rel), files: files, errs: errs}, nil
}

// LoadFS reads the manifests below dir (slash-separated, relative to the
// root of fsys; "" or "." for the root) of fsys as Load reads a working
// tree: a Git tree from the object store, or any other source. Symbolic
// links are read only when they name a manifest and fsys resolves them
// (an fs.FS that refuses links leaving it, as a Git tree does); links to
// directories are not followed.
func LoadFS(fsys fs.FS, dir string) (*State, error) {
	dir, err := DirFS(fsys, dir)
	if err != nil {
		return nil, err
	}
	if cf, ok := fsys.(ContentFS); ok {
		if c := cf.ParseCache(); c != nil {
			return c.loadCached(cf, dir)
		}
	}
	files, errs := listFS(fsys, dir)
	return collect(dir, files, errs)
}

// DirFS checks that dir (slash-separated, relative to the root of fsys;
// "" for the root) is a directory of fsys that does not climb out of it,
// and returns it cleaned ("." for the root), as SafeDir does on disk.
func DirFS(fsys fs.FS, dir string) (string, error) {
	clean := path.Clean("./" + filepath.ToSlash(dir))
	if !fs.ValidPath(clean) {
		return "", &EscapeError{Path: dir, Reason: "climbs out of the repository with \"..\""}
	}
	fi, err := fs.Stat(fsys, clean)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("fabric directory %q does not exist in the repository: %w", dir, fs.ErrNotExist)
	case err != nil:
		return "", fmt.Errorf("fabric directory %q: %w", dir, err)
	case !fi.IsDir():
		return "", fmt.Errorf("fabric directory %q is not a directory", dir)
	}
	return clean, nil
}

// collect parses files and gathers their objects, skipped documents,
// YAML 1.1 notes and errors into a State of dir.
func collect(dir string, files []manifest, errs []error) (*State, error) {
	return assemble(dir, parseFiles(files), errs)
}

// assemble gathers what the files of dir yielded, in their order, and the
// errors met listing them into a State.
func assemble(dir string, results []fileResult, errs []error) (*State, error) {
	n := 0
	for i := range results {
		n += len(results[i].objects)
	}
	d := &State{Objects: make(resource.Set, n), Dir: dir, Files: len(results)}
	for i, r := range results {
		if r.err != nil {
			errs = append(errs, r.err)
		}
		d.Skipped = append(d.Skipped, r.skipped...)
		for _, o := range r.objects {
			if prev, dup := d.Objects[o.Key]; dup {
				errs = append(errs, &DuplicateError{Key: o.Key, First: *prev.Origin, Second: *o.Origin})
				continue
			}
			d.Objects[o.Key] = o
		}
		for _, n := range r.notes {
			if d.Objects[n.note.Key] == n.obj {
				d.notes = append(d.notes, n)
			}
		}
		results[i] = fileResult{}
	}
	return d, errors.Join(errs...)
}

// manifest is one file to read: its real path and its name for origins;
// with fsys, path is a path of fsys; link says it is a symbolic link, and
// hash is its content's hash when its directory entry told (HashedEntry).
type manifest struct {
	path, rel string
	fsys      fs.FS
	link      bool
	hash      string
}

func (m manifest) read() ([]byte, error) {
	if m.fsys != nil {
		return fs.ReadFile(m.fsys, m.path)
	}
	return os.ReadFile(m.path)
}

// IsManifest says whether a file name is one the reader reads: *.yaml,
// *.yml or *.json, in any case.
func IsManifest(name string) bool { return isManifest(name) }

func isManifest(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// listFiles walks dir and returns its manifests sorted by relative path.
func listFiles(rootReal, dir string) ([]manifest, []error) {
	var files []manifest
	var errs []error
	relOf := func(p string) string {
		r, _ := filepath.Rel(rootReal, p)
		return filepath.ToSlash(r)
	}
	walkErr := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", relOf(p), err))
			return nil
		}
		if de.IsDir() {
			if de.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		if de.Type()&fs.ModeSymlink != 0 {
			m, err := checkLink(rootReal, p, relOf(p))
			if err != nil {
				errs = append(errs, err)
			} else if m != nil {
				files = append(files, *m)
			}
			return nil
		}
		if de.Type().IsRegular() && isManifest(de.Name()) {
			files = append(files, manifest{path: p, rel: relOf(p)})
		}
		return nil
	})
	if walkErr != nil {
		errs = append(errs, walkErr)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].rel < files[j].rel })
	return files, errs
}

// checkLink decides about a symbolic link met while walking: a manifest
// file inside the repository is read, a link resolving outside is refused,
// anything else is skipped.
func checkLink(rootReal, p, rel string) (*manifest, error) {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		if isManifest(p) {
			return nil, fmt.Errorf("%s: %w", rel, err)
		}
		return nil, nil
	}
	fi, err := os.Stat(target)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	if !fi.IsDir() && !isManifest(p) {
		return nil, nil
	}
	if !Within(rootReal, target) {
		return nil, &EscapeError{Path: rel, Reason: "symbolic link resolves outside the repository"}
	}
	if fi.IsDir() || !fi.Mode().IsRegular() {
		return nil, nil
	}
	return &manifest{path: target, rel: rel}, nil
}

// fileResult is what one file yielded.
type fileResult struct {
	objects []*resource.Object
	skipped []resource.Skipped
	notes   []yaml11Note
	err     error
}

// parseFiles reads and parses files concurrently, at most GOMAXPROCS at a
// time, and returns the results in the order of files.
func parseFiles(files []manifest) []fileResult {
	results := make([]fileResult, len(files))
	eachParallel(len(files), func(i int) { results[i] = parseFile(files[i]) })
	return results
}

// eachParallel calls fn for 0 … n-1 on GOMAXPROCS goroutines, each taking
// the next index as it is free (files differ in size).
func eachParallel(n int, fn func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

func parseFile(m manifest) fileResult {
	src, err := m.read()
	if err != nil {
		return readFailed(m, err)
	}
	return parseSource(m, src)
}

// readFailed is the result of a file that could not be read.
func readFailed(m manifest, err error) fileResult {
	return fileResult{err: fmt.Errorf("%s: %w", m.rel, err)}
}

// parseSource parses the content src of the file m.
func parseSource(m manifest, src []byte) fileResult {
	docs, perrs := parseDocs(m.rel, src)
	var r fileResult
	errs := make([]error, 0, len(perrs))
	for _, err := range perrs {
		errs = append(errs, withFile(err, m.rel))
	}
	for _, doc := range docs {
		r.classify(doc, m.rel, &errs)
	}
	r.err = errors.Join(errs...)
	if len(r.objects) > 0 && !strings.EqualFold(path.Ext(m.rel), ".json") {
		r.notes = scanYAML11(src, r.objects)
	}
	return r
}

// Parse parses one manifest's contents as Load does and returns its
// managed objects and skipped documents; name (the file's path, for
// origins) decides between JSON and YAML. Problems are returned joined,
// with whatever did parse.
func Parse(name string, src []byte) ([]*resource.Object, []resource.Skipped, error) {
	docs, perrs := parseDocs(name, src)
	var r fileResult
	errs := make([]error, 0, len(perrs))
	for _, err := range perrs {
		errs = append(errs, withFile(err, name))
	}
	for _, doc := range docs {
		r.classify(doc, name, &errs)
	}
	return r.objects, r.skipped, errors.Join(errs...)
}

// parseDocs splits a manifest's contents into documents: JSON by its file
// name, else YAML through the fast path when it takes the file, else yaml.v3.
func parseDocs(name string, src []byte) ([]document, []error) {
	if strings.EqualFold(filepath.Ext(name), ".json") {
		return parseJSON(src)
	}
	if simple, ok := parseSimpleYAML(src); ok {
		return simple, nil
	}
	return parseYAML(src)
}

// document is one parsed document of a file. ItemLines holds the lines of
// the elements of a top-level "items" list, for v1 Lists; nonFinite the
// numbers JSON cannot carry (only yaml.v3 reads them: the fast path leaves
// such files to it).
type document struct {
	index, line int
	value       interface{}
	itemLines   []int
	nonFinite   []badNumber
}

// lineError is a parse problem at a line of a file not yet named.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func withFile(err error, file string) error {
	var le *lineError
	if errors.As(err, &le) {
		return &ParseError{File: file, Line: le.line, Msg: le.msg}
	}
	return &ParseError{File: file, Msg: err.Error()}
}
