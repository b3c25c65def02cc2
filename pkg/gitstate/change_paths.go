package gitstate

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/githedgehog/kubectl-hnp/pkg/desired"
)

// plannedFile is one file of a change.
type plannedFile struct {
	// rel is the path as the ChangeFunc named it, relative to the root.
	rel string
	// abs is where the file lies on disk, symbolic links resolved.
	abs string
	// gitPath is the path in the repository, from the top of the working
	// tree, with forward slashes.
	gitPath string
	// content is the new content; nil deletes the file.
	content []byte
}

// planChange checks the paths a ChangeFunc returned and keeps the files
// whose new content differs from the file on disk, sorted by rel. root is
// the workspace root, top the top of its working tree, and dir the fabric's
// directory relative to root, which every path must lie in.
func planChange(root, top, dir string, files map[string][]byte) ([]plannedFile, error) {
	dirReal, err := desired.SafeDir(root, dir)
	if err != nil {
		return nil, err
	}
	_, rootReal, err := desired.ResolveRoot(root)
	if err != nil {
		return nil, err
	}
	_, topReal, err := desired.ResolveRoot(top)
	if err != nil {
		return nil, err
	}
	rels := make([]string, 0, len(files))
	for rel := range files {
		rels = append(rels, rel)
	}
	sort.Strings(rels)
	seen := map[string]string{}
	var planned []plannedFile
	for _, rel := range rels {
		f, err := planFile(rootReal, topReal, dirReal, dir, rel)
		if err != nil {
			return nil, err
		}
		if other, ok := seen[f.gitPath]; ok {
			return nil, fmt.Errorf("%q and %q are the same file %s", other, rel, f.gitPath)
		}
		seen[f.gitPath] = rel
		f.content = files[rel]
		same, err := sameContent(f.abs, f.content)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rel, err)
		}
		if !same {
			planned = append(planned, f)
		}
	}
	return planned, nil
}

// planFile locates one path of a change and refuses it outside dirReal.
func planFile(rootReal, topReal, dirReal, dir, rel string) (plannedFile, error) {
	if err := checkRelPath(rel); err != nil {
		return plannedFile{}, err
	}
	abs, err := resolveExisting(filepath.Join(rootReal, filepath.FromSlash(rel)))
	if err != nil {
		return plannedFile{}, fmt.Errorf("%s: %w", rel, err)
	}
	if !desired.Within(dirReal, abs) || abs == dirReal {
		where := "the fabric's directory " + dir
		if dir == "" {
			where = "the repository"
		}
		return plannedFile{}, &desired.EscapeError{Path: rel, Reason: "outside " + where}
	}
	gitRel, err := filepath.Rel(topReal, abs)
	if err != nil || !desired.Within(topReal, abs) {
		return plannedFile{}, &desired.EscapeError{Path: rel, Reason: "outside the working tree " + topReal}
	}
	gitPath := filepath.ToSlash(gitRel)
	for _, seg := range strings.Split(gitPath, "/") {
		if strings.EqualFold(seg, ".git") {
			return plannedFile{}, &desired.EscapeError{Path: rel, Reason: "inside .git"}
		}
	}
	return plannedFile{rel: rel, abs: abs, gitPath: gitPath}, nil
}

// checkRelPath accepts a clean relative path with forward slashes.
func checkRelPath(rel string) error {
	switch {
	case rel == "" || rel == ".":
		return errors.New("an empty path")
	case strings.ContainsAny(rel, "\\\x00"):
		return fmt.Errorf("path %q: use forward slashes and no NUL", rel)
	case strings.HasPrefix(rel, "/"):
		return &desired.EscapeError{Path: rel, Reason: "an absolute path, not one relative to the repository"}
	case path.Clean(rel) != rel:
		for _, seg := range strings.Split(rel, "/") {
			if seg == ".." {
				return &desired.EscapeError{Path: rel, Reason: "climbs out with \"..\""}
			}
		}
		return fmt.Errorf("path %q is not clean (want %q)", rel, path.Clean(rel))
	case rel == ".." || strings.HasPrefix(rel, "../"):
		return &desired.EscapeError{Path: rel, Reason: "climbs out with \"..\""}
	}
	return nil
}

// resolveExisting resolves the symbolic links of the longest existing
// prefix of the absolute path p and appends the rest.
func resolveExisting(p string) (string, error) {
	var rest []string
	for cur := p; ; {
		real, err := filepath.EvalSymlinks(cur)
		if err == nil {
			for i := len(rest) - 1; i >= 0; i-- {
				real = filepath.Join(real, rest[i])
			}
			return real, nil
		}
		parent := filepath.Dir(cur)
		if !errors.Is(err, fs.ErrNotExist) || parent == cur {
			return "", err
		}
		rest = append(rest, filepath.Base(cur))
		cur = parent
	}
}

// sameContent says whether the file at abs holds content (nil: is absent).
func sameContent(abs string, content []byte) (bool, error) {
	fi, err := os.Lstat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return content == nil, nil
	}
	if err != nil {
		return false, err
	}
	if !fi.Mode().IsRegular() {
		return false, fmt.Errorf("%s is not a regular file", abs)
	}
	if content == nil {
		return false, nil
	}
	cur, err := os.ReadFile(abs)
	if err != nil {
		return false, err
	}
	return bytes.Equal(cur, content), nil
}

// relsOf returns the rel paths of files.
func relsOf(files []plannedFile) []string {
	rels := make([]string, len(files))
	for i, f := range files {
		rels[i] = f.rel
	}
	return rels
}
