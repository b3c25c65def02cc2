package render

import (
	"crypto/sha256"
	"errors"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

// Kinds of checks a build made on a path, in the order validate re-runs them.
const (
	checkAbsent = 1 << iota // the path did not exist
	checkDir                // the path was a directory
	checkList               // the directory was listed
	checkFile               // the file was read
)

// recordFS is an fs.FS that records every question asked of it (which
// files were read, which paths exist, what directories hold), so that a
// build's result can be reused for as long as the answers stay the same:
// kustomize's output is a function of what it read.
type recordFS struct {
	fs.FS
	mu     sync.Mutex
	checks map[string]int
}

func newRecordFS(src fs.FS) *recordFS { return &recordFS{FS: src, checks: map[string]int{}} }

func (r *recordFS) note(name string, check int) {
	r.mu.Lock()
	r.checks[name] |= check
	r.mu.Unlock()
}

func (r *recordFS) noteStat(name string, fi fs.FileInfo, err error) {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		r.note(name, checkAbsent)
	case err == nil && fi.IsDir():
		r.note(name, checkDir)
	case err == nil:
		r.note(name, checkFile)
	}
}

// Open opens name and records what it is.
func (r *recordFS) Open(name string) (fs.File, error) {
	f, err := r.FS.Open(name)
	if err != nil {
		r.noteStat(name, nil, err)
		return nil, err
	}
	fi, serr := f.Stat()
	r.noteStat(name, fi, serr)
	return f, nil
}

// Stat returns name's file information and records what it is.
func (r *recordFS) Stat(name string) (fs.FileInfo, error) {
	fi, err := fs.Stat(r.FS, name)
	r.noteStat(name, fi, err)
	return fi, err
}

// ReadFile reads name and records it.
func (r *recordFS) ReadFile(name string) ([]byte, error) {
	b, err := fs.ReadFile(r.FS, name)
	if err != nil {
		r.noteStat(name, nil, err)
		return nil, err
	}
	r.note(name, checkFile)
	return b, nil
}

// ReadDir lists name and records the listing.
func (r *recordFS) ReadDir(name string) ([]fs.DirEntry, error) {
	des, err := fs.ReadDir(r.FS, name)
	if err != nil {
		r.noteStat(name, nil, err)
		return nil, err
	}
	r.note(name, checkList)
	return des, nil
}

// input is one recorded answer: a path, the checks made, and a digest of
// the answer (file contents or directory listing).
type input struct {
	Path   string `json:"path"`
	Checks int    `json:"checks"`
	Digest string `json:"digest,omitempty"`
}

// inputs returns the recorded answers, re-asked of src and digested, in
// path order.
func (r *recordFS) inputs(src fs.FS) ([]input, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]input, 0, len(r.checks))
	for p, c := range r.checks {
		in := input{Path: p, Checks: c}
		d, ok := answer(src, p, c)
		if !ok {
			return nil, false
		}
		in.Digest = d
		out = append(out, in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, true
}

// answer asks src the recorded checks of p again and digests the answers;
// ok is false when the answers contradict each other (the source changed
// during the build) or cannot be given.
func answer(src fs.FS, p string, checks int) (string, bool) {
	h := sha256.New()
	fi, err := fs.Stat(src, p)
	switch {
	case checks&checkAbsent != 0:
		if !errors.Is(err, fs.ErrNotExist) || checks != checkAbsent {
			return "", false
		}
		return "", true
	case err != nil:
		return "", false
	}
	if checks&(checkDir|checkList) != 0 {
		if !fi.IsDir() || checks&checkFile != 0 {
			return "", false
		}
		if checks&checkList != 0 {
			des, err := fs.ReadDir(src, p)
			if err != nil {
				return "", false
			}
			var sb strings.Builder
			for _, de := range des {
				sb.WriteString(de.Name())
				if de.IsDir() {
					sb.WriteString("/")
				}
				sb.WriteByte(0)
			}
			h.Write([]byte(sb.String()))
		}
		return digest(h), true
	}
	if fi.IsDir() {
		return "", false
	}
	b, err := fs.ReadFile(src, p)
	if err != nil {
		return "", false
	}
	h.Write(b)
	return digest(h), true
}
