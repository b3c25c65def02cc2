package desired

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
)

// listFS walks dir of fsys and returns its manifests sorted by path. A
// symbolic link that names a manifest is read through fsys, which resolves
// it (or refuses it); a link to anything else is skipped.
func listFS(fsys fs.FS, dir string) ([]manifest, []error) {
	var files []manifest
	var errs []error
	walkErr := fs.WalkDir(fsys, dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			return nil
		}
		switch {
		case de.IsDir():
			if de.Name() == ".git" {
				return fs.SkipDir
			}
		case de.Type()&fs.ModeSymlink != 0:
			if !isManifest(de.Name()) {
				return nil
			}
			fi, err := fs.Stat(fsys, p)
			switch {
			case errors.Is(err, ErrLinkEscapes):
				errs = append(errs, &EscapeError{Path: p, Reason: "symbolic link resolves outside the repository"})
			case err != nil:
				errs = append(errs, fmt.Errorf("%s: %w", p, err))
			case fi.Mode().IsRegular():
				files = append(files, manifest{path: p, rel: p, fsys: fsys, link: true})
			}
		case de.Type().IsRegular() && isManifest(de.Name()):
			m := manifest{path: p, rel: p, fsys: fsys}
			if he, ok := de.(HashedEntry); ok {
				m.hash, _ = he.ContentHash()
			}
			files = append(files, m)
		}
		return nil
	})
	if walkErr != nil {
		errs = append(errs, walkErr)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].rel < files[j].rel })
	return files, errs
}

// ErrLinkEscapes is what an fs.FS handed to LoadFS returns (wrapped) for a
// symbolic link that resolves outside it; LoadFS reports it as an
// *EscapeError.
var ErrLinkEscapes = errors.New("symbolic link resolves outside the repository")
