package render

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"sigs.k8s.io/kustomize/api/konfig"

	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// LoadDesired reads a fabric's desired state from the working tree at
// root as its deployer sees it: when the directory renderPath (the
// fabric's git.path, else its dir) holds a kustomization file, the
// objects of `kustomize build renderPath`, with provenance; otherwise the
// raw files of dir, exactly as desired.Load reads them.
func LoadDesired(root, dir, renderPath string) (*desired.State, error) {
	return LoadDesiredCached(root, dir, renderPath, nil)
}

// LoadDesiredCached is LoadDesired keeping what it parses of a plain
// directory in c (desired.LoadCached; nil: no cache).
func LoadDesiredCached(root, dir, renderPath string, c *desired.Cache) (*desired.State, error) {
	abs, err := desired.SafeDir(root, renderPath)
	if err != nil {
		return nil, err
	}
	r, rootReal, err := openRepo(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rel, _ := filepath.Rel(rootReal, abs)
	rel = filepath.ToSlash(rel)
	top, err := FindKustomization(r.FS(), rel)
	if err != nil {
		return nil, err
	}
	if top == "" {
		return desired.LoadCached(root, dir, c)
	}
	return renderDesired(r.FS(), rel)
}

// LoadDesiredFS is LoadDesired over any fs.FS rooted at the repository,
// such as a commit's tree read from the object store: the kustomize build
// of renderPath when it holds a kustomization file, else the raw files of
// dir as desired.LoadFS reads them.
func LoadDesiredFS(src fs.FS, dir, renderPath string) (*desired.State, error) {
	rel, err := desired.DirFS(src, renderPath)
	if err != nil {
		return nil, err
	}
	top, err := FindKustomization(src, rel)
	if err != nil {
		return nil, err
	}
	if top == "" {
		return desired.LoadFS(src, dir)
	}
	return renderDesired(src, rel)
}

// renderDesired renders the kustomization in rel and notes the scalars of
// its sources that YAML 1.1 reads otherwise.
func renderDesired(src fs.FS, rel string) (*desired.State, error) {
	res, err := Render(src, rel)
	if err != nil {
		return nil, err
	}
	d, err := res.Desired(rel)
	if d != nil {
		_ = d.ScanYAML11(src) // a source the build read is there; notes are warnings only
	}
	return d, err
}

// openRepo opens the working tree at root (symbolic links resolved) as an
// os.Root, so that rendering cannot read outside it; it returns the real
// path too.
func openRepo(root string) (*os.Root, string, error) {
	rootReal, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, "", err
	}
	r, err := os.OpenRoot(rootReal)
	if err != nil {
		return nil, "", err
	}
	return r, rootReal, nil
}

// Desired turns the rendered objects into a desired state: the managed
// kinds keyed by identity, the others skipped and reported. An object
// that looks meant for a managed kind but is not quite one is an error
// naming its source document, as the raw reader's.
func (res *Result) Desired(dir string) (*desired.State, error) {
	d := &desired.State{Objects: resource.Set{}, Files: len(res.Files), Dir: dir}
	var errs []error
	for _, o := range res.Objects {
		origin := o.Source
		if origin == nil {
			origin = &resource.Origin{File: res.Kustomization, Line: 1}
		}
		k, msg := desired.ManagedKind(o.Obj.GetAPIVersion(), o.Obj.GetKind(), o.Obj.GetName())
		if msg != "" {
			errs = append(errs, &desired.ParseError{File: origin.File, Line: origin.Line, Msg: msg})
			continue
		}
		if k == nil {
			d.Skipped = append(d.Skipped, resource.Skipped{File: origin.File, Line: origin.Line,
				APIVersion: o.Obj.GetAPIVersion(), Kind: o.Obj.GetKind(), Name: o.Obj.GetName()})
			continue
		}
		key := resource.KeyOf(o.Obj)
		key.Kind = k.Kind
		d.Objects[key] = &resource.Object{Key: key, Obj: o.Obj, Origin: origin, Rendered: true, Patches: o.Patches}
	}
	return d, errors.Join(errs...)
}

// HasKustomization reports whether the directory renderPath of the working
// tree at root holds a kustomization file, so that the fabric is rendered.
func HasKustomization(root, renderPath string) (bool, error) {
	abs, err := desired.SafeDir(root, renderPath)
	if err != nil {
		return false, err
	}
	for _, name := range konfig.RecognizedKustomizationFileNames() {
		if fi, err := os.Stat(filepath.Join(abs, name)); err == nil && !fi.IsDir() {
			return true, nil
		}
	}
	return false, nil
}
