package gitstate

import (
	"fmt"
	"path/filepath"
	"strings"
)

// resolveRoot returns the absolute and the symlink-resolved path of root.
func resolveRoot(root string) (abs, real string, err error) {
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

// within reports whether path is base or lies below it; both must be clean
// absolute paths.
func within(base, path string) bool {
	if path == base {
		return true
	}
	if !strings.HasSuffix(base, string(filepath.Separator)) {
		base += string(filepath.Separator)
	}
	return strings.HasPrefix(path, base)
}
