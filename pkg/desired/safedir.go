package desired

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// EscapeError reports a path that would lead the reader out of the
// repository: a ".." that climbs out, an absolute path elsewhere, or a
// symbolic link that resolves outside the repository root.
type EscapeError struct {
	// Path is the offending path as given, or relative to the repository root.
	Path string
	// Reason says how the path escapes.
	Reason string
}

// Error names the path and why it is refused.
func (e *EscapeError) Error() string {
	return fmt.Sprintf("refusing %q: %s", e.Path, e.Reason)
}

// SafeDir returns the absolute, symlink-resolved directory dir of the
// repository at root. It refuses a dir that escapes the repository, whether
// lexically (".." segments, an absolute path elsewhere) or through a symbolic
// link anywhere along the way, and a dir that does not exist or is not a
// directory. An empty dir means the root itself.
func SafeDir(root, dir string) (string, error) {
	rootAbs, rootReal, err := ResolveRoot(root)
	if err != nil {
		return "", err
	}
	var lexical string
	switch {
	case filepath.IsAbs(dir):
		lexical = filepath.Clean(dir)
		if !Within(rootAbs, lexical) && !Within(rootReal, lexical) {
			return "", &EscapeError{Path: dir, Reason: "absolute path outside the repository " + rootAbs}
		}
	default:
		lexical = filepath.Join(rootAbs, dir)
		if !Within(rootAbs, lexical) {
			return "", &EscapeError{Path: dir, Reason: "climbs out of the repository with \"..\""}
		}
	}
	real, err := filepath.EvalSymlinks(lexical)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("fabric directory %q does not exist in %s: %w", dir, rootAbs, fs.ErrNotExist)
		}
		return "", fmt.Errorf("fabric directory %q: %w", dir, err)
	}
	if !Within(rootReal, real) {
		return "", &EscapeError{Path: dir, Reason: "a symbolic link resolves outside the repository"}
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("fabric directory %q: %w", dir, err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("fabric directory %q in %s is not a directory", dir, rootAbs)
	}
	return real, nil
}

// ResolveRoot returns the absolute and the symlink-resolved repository root.
func ResolveRoot(root string) (abs, real string, err error) {
	abs, err = filepath.Abs(root)
	if err != nil {
		return "", "", fmt.Errorf("repository root %q: %w", root, err)
	}
	real, err = filepath.EvalSymlinks(abs)
	if err != nil {
		return "", "", fmt.Errorf("repository root %q: %w", root, err)
	}
	return abs, real, nil
}

// Within reports whether path is base or lies below it; both must be clean
// absolute paths.
func Within(base, path string) bool {
	if path == base {
		return true
	}
	if !strings.HasSuffix(base, string(filepath.Separator)) {
		base += string(filepath.Separator)
	}
	return strings.HasPrefix(path, base)
}
