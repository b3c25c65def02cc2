// Package atomicfile replaces files atomically: the data goes to a temporary
// file in the target's directory, which is written, synced and renamed over
// the target, and the directory is synced, so that a reader (or a machine
// that crashes meanwhile) sees the old content or the new, never a mix.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// modeBits are the parts of a mode that WriteFile sets and ReplaceFile keeps.
const modeBits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

// WriteFile replaces the file at path (or creates it) with data and mode
// perm, exactly (the umask does not apply). The directory must exist. On
// failure the target is unchanged and no temporary file is left behind,
// except when only the final sync of the directory fails: the new content is
// then in place but may not survive a crash, and the error says so.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	return write(path, data, perm&modeBits)
}

// ReplaceFile is WriteFile that keeps the mode of the file it replaces; perm
// is the mode of a file it creates. A symbolic link at path is replaced by
// the file (with the mode of the link's target), not followed.
func ReplaceFile(path string, data []byte, perm fs.FileMode) error {
	mode := perm & modeBits
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode() & modeBits
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return write(path, data, mode)
}

// WriteCache is WriteFile without the syncs, for a cache entry whose reader
// checks it (a checksum) and treats a bad one as missing: readers still see
// the old content or the new, but a machine that crashes meanwhile may leave
// an empty or partial file. A sync costs milliseconds on a real disk, which
// a warm read otherwise spends waiting.
func WriteCache(path string, data []byte, perm fs.FileMode) error {
	return writeOpts(path, data, perm&modeBits, false)
}

func write(path string, data []byte, mode fs.FileMode) error {
	return writeOpts(path, data, mode, true)
}

func writeOpts(path string, data []byte, mode fs.FileMode, durable bool) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	renamed := false
	defer func() {
		if err != nil && !renamed {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	// The mode first, so that the content is never readable more widely
	// than asked (CreateTemp makes the file 0600).
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if durable {
		if err = tmp.Sync(); err != nil {
			return err
		}
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	renamed = true
	if !durable {
		return nil
	}
	if serr := syncDir(dir); serr != nil {
		return fmt.Errorf("%s is written but may not survive a crash: syncing its directory: %w", path, serr)
	}
	return nil
}
