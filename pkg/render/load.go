package render

import (
	"errors"
	"os"
	"path/filepath"

	"sigs.k8s.io/kustomize/api/konfig"

	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// LoadDesired reads a fabric's desired state from the working tree at
// root as its deployer sees it: when the directory renderPath (the
// fabric's git.path, else its dir) holds a kustomization file, the
// objects of `kustomize build renderPath`, with provenance; otherwise the
// raw files of dir, exactly as gitstate.Load reads them.
func LoadDesired(root, dir, renderPath string) (*gitstate.Desired, error) {
	abs, err := gitstate.SafeDir(root, renderPath)
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
		return gitstate.Load(root, dir)
	}
	res, err := Render(r.FS(), rel)
	if err != nil {
		return nil, err
	}
	return res.Desired(rel)
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
func (res *Result) Desired(dir string) (*gitstate.Desired, error) {
	d := &gitstate.Desired{Objects: resource.Set{}, Files: len(res.Files), Dir: dir}
	var errs []error
	for _, o := range res.Objects {
		origin := o.Source
		if origin == nil {
			origin = &resource.Origin{File: res.Kustomization, Line: 1}
		}
		k, msg := gitstate.ManagedKind(o.Obj.GetAPIVersion(), o.Obj.GetKind(), o.Obj.GetName())
		if msg != "" {
			errs = append(errs, &gitstate.ParseError{File: origin.File, Line: origin.Line, Msg: msg})
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
	abs, err := gitstate.SafeDir(root, renderPath)
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
