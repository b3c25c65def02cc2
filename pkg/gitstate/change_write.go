package gitstate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/githedgehog/kubectl-hnp/internal/atomicfile"
)

// priorFile is what a file held before a change wrote it.
type priorFile struct {
	abs     string
	existed bool
	content []byte
	perm    fs.FileMode
}

// writeLog records what writeFiles changed on disk, so that it can be undone.
type writeLog struct {
	prior []priorFile
	// dirs are the directories created, parents before children.
	dirs []string
}

// newFilePerm is the permission of files a change creates.
const newFilePerm = 0o644

// writeFiles writes the planned files atomically (a temporary file renamed
// over the old one), creating directories, and deletes those with nil
// content. It returns the log even on error, to undo the part done.
func writeFiles(files []plannedFile) (*writeLog, error) {
	log := &writeLog{}
	for _, f := range files {
		p := priorFile{abs: f.abs, perm: newFilePerm}
		if fi, err := os.Lstat(f.abs); err == nil {
			b, err := os.ReadFile(f.abs)
			if err != nil {
				return log, err
			}
			p.existed, p.content, p.perm = true, b, fi.Mode().Perm()
		} else if !errors.Is(err, fs.ErrNotExist) {
			return log, err
		}
		log.prior = append(log.prior, p)
		if f.content == nil {
			if err := os.Remove(f.abs); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return log, fmt.Errorf("deleting %s: %w", f.rel, err)
			}
			continue
		}
		if err := log.mkdirs(filepath.Dir(f.abs)); err != nil {
			return log, fmt.Errorf("writing %s: %w", f.rel, err)
		}
		if err := writeAtomic(f.abs, f.content, p.perm); err != nil {
			return log, fmt.Errorf("writing %s: %w", f.rel, err)
		}
	}
	return log, nil
}

// mkdirs creates dir and its missing parents, recording them.
func (l *writeLog) mkdirs(dir string) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || filepath.Dir(d) == d {
			break
		}
		missing = append(missing, d)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o755); err != nil {
			return err
		}
		l.dirs = append(l.dirs, missing[i])
	}
	return nil
}

// undo puts back what the files held and removes the directories created.
// It is best effort: the caller resets what Git tracks anyway.
func (l *writeLog) undo() error {
	if l == nil {
		return nil
	}
	var errs []error
	for i := len(l.prior) - 1; i >= 0; i-- {
		p := l.prior[i]
		var err error
		if p.existed {
			err = writeAtomic(p.abs, p.content, p.perm)
		} else if err = os.Remove(p.abs); errors.Is(err, fs.ErrNotExist) {
			err = nil
		}
		errs = append(errs, err)
	}
	for i := len(l.dirs) - 1; i >= 0; i-- {
		_ = os.Remove(l.dirs[i]) // fails, rightly, if something else lives there
	}
	l.prior, l.dirs = nil, nil
	return errors.Join(errs...)
}

// writeAtomic replaces the file at abs by content, so that a reader sees
// either the old or the new content. A file already there keeps its mode;
// a new one gets perm.
func writeAtomic(abs string, content []byte, perm fs.FileMode) error {
	return atomicfile.ReplaceFile(abs, content, perm)
}
