package render

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/types"

	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// RefusedError is a kustomization feature kubectl-hnp does not render:
// remote resources, Helm charts, and generator, transformer or validator
// plugins that are not kustomize's built-in ones.
type RefusedError struct {
	// File and Line locate the entry in the kustomization file.
	File string
	Line int
	// Msg says what is refused and why.
	Msg string
}

// Error renders the refusal as "file:line: message".
func (e *RefusedError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// FindKustomization returns the repository-relative path of the
// kustomization file in dir, or "" when dir has none.
func FindKustomization(src fs.FS, dir string) (string, error) {
	for _, name := range konfig.RecognizedKustomizationFileNames() {
		p := path.Join(dir, name)
		fi, err := fs.Stat(src, p)
		if err == nil && !fi.IsDir() {
			return p, nil
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	return "", nil
}

// fileSet is a set of repository-relative file paths.
type fileSet map[string]bool

// patch is one patch of a kustomization and the objects it may change.
type patch struct {
	// at is where the patch is written: its own file, or the entry in the
	// kustomization file for an inline patch.
	at resource.Origin
	// target selects objects (nil: the ids of a strategic-merge patch).
	target *types.SelectorRegex
	labels string
	annots string
	// ids are the kind and name of each document of a strategic-merge
	// patch without a target.
	ids []patchID
	// scope holds the source files of the objects the patch's
	// kustomization accumulates.
	scope fileSet
}

type patchID struct{ kind, name string }

// walker visits the kustomizations a build reaches, refusing what is not
// rendered offline and collecting patches.
type walker struct {
	src     fs.FS
	patches []*patch
	// kustomizations are the kustomization files visited.
	kustomizations []string
	visiting       map[string]bool
	// listed maps a resource file to its entry in a resources: list.
	listed map[string]resource.Origin
}

// kustFile is a parsed kustomization file.
type kustFile struct {
	file, dir string
	root      *yaml.Node
}

func (w *walker) load(dir string) (*kustFile, error) {
	file, err := FindKustomization(w.src, dir)
	if err != nil {
		return nil, err
	}
	if file == "" {
		return nil, nil
	}
	b, err := fs.ReadFile(w.src, file)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	k := &kustFile{file: file, dir: dir}
	if len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode {
		k.root = doc.Content[0]
	} else {
		k.root = &yaml.Node{Kind: yaml.MappingNode}
	}
	w.kustomizations = append(w.kustomizations, file)
	return k, nil
}

// kustomization visits the kustomization in dir and returns the source
// files of the objects it accumulates.
func (w *walker) kustomization(dir string, at resource.Origin) (fileSet, error) {
	if w.visiting[dir] {
		return nil, &RefusedError{File: at.File, Line: at.Line, Msg: fmt.Sprintf("%s: a cycle of kustomizations", dir)}
	}
	w.visiting[dir] = true
	defer delete(w.visiting, dir)
	k, err := w.load(dir)
	if err != nil || k == nil {
		return nil, err
	}
	scope := fileSet{}
	return scope, w.fields(k, scope)
}

// fields walks one kustomization's entries into scope: resources and
// components add source files, patches are recorded against scope.
func (w *walker) fields(k *kustFile, scope fileSet) error {
	var errs []error
	for i := 0; i+1 < len(k.root.Content); i += 2 {
		key, val := k.root.Content[i], k.root.Content[i+1]
		switch key.Value {
		case "resources", "bases":
			for _, e := range seq(val) {
				errs = append(errs, w.resource(k, e, scope))
			}
		case "components":
			for _, e := range seq(val) {
				errs = append(errs, w.component(k, e, scope))
			}
		case "helmCharts", "helmChartInflationGenerator", "helmGlobals":
			errs = append(errs, &RefusedError{File: k.file, Line: key.Line, Msg: key.Value + " is refused: Helm charts are not rendered (no network, no helm binary)"})
		case "generators", "transformers", "validators":
			for _, e := range seq(val) {
				errs = append(errs, w.plugin(k, key.Value, e))
			}
		case "patches", "patchesJson6902":
			for _, e := range seq(val) {
				errs = append(errs, w.patchEntry(k, e, scope))
			}
		case "configurations", "crds":
			for _, e := range seq(val) {
				if isRemote(e.Value) {
					errs = append(errs, &RefusedError{File: k.file, Line: e.Line, Msg: fmt.Sprintf("remote file %q is refused: kubectl-hnp renders offline, from the repository alone", e.Value)})
				}
			}
		case "patchesStrategicMerge":
			for _, e := range seq(val) {
				errs = append(errs, w.smpEntry(k, e, scope))
			}
		}
	}
	return errors.Join(errs...)
}

func seq(n *yaml.Node) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// isRemote reports whether a resource entry names something kustomize
// would fetch over the network.
func isRemote(s string) bool {
	l := strings.ToLower(s)
	for _, p := range []string{"http://", "https://", "git::", "git@", "ssh://", "file://", "github.com/", "gitlab.com/", "bitbucket.org/"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return strings.Contains(l, "?ref=") || strings.Contains(l, ".git//")
}

func (w *walker) resource(k *kustFile, e *yaml.Node, scope fileSet) error {
	s := e.Value
	if isRemote(s) {
		return &RefusedError{File: k.file, Line: e.Line, Msg: fmt.Sprintf("remote resource %q is refused: kubectl-hnp renders offline, from the repository alone", s)}
	}
	p := path.Join(k.dir, s)
	if !fs.ValidPath(p) {
		return &RefusedError{File: k.file, Line: e.Line, Msg: fmt.Sprintf("resource %q is outside the repository", s)}
	}
	fi, err := fs.Stat(w.src, p)
	if err != nil {
		return &RefusedError{File: k.file, Line: e.Line, Msg: fmt.Sprintf("resource %q does not exist in the repository (remote resources are not fetched)", s)}
	}
	if !fi.IsDir() {
		scope[p] = true
		if w.listed != nil {
			w.listed[p] = resource.Origin{File: k.file, Line: e.Line}
		}
		return nil
	}
	sub, err := w.kustomization(p, resource.Origin{File: k.file, Line: e.Line})
	for f := range sub {
		scope[f] = true
	}
	return err
}

// component walks a component: its resources join the including
// kustomization's scope, and its patches act on that scope.
func (w *walker) component(k *kustFile, e *yaml.Node, scope fileSet) error {
	s := e.Value
	if isRemote(s) {
		return &RefusedError{File: k.file, Line: e.Line, Msg: fmt.Sprintf("remote component %q is refused: kubectl-hnp renders offline, from the repository alone", s)}
	}
	p := path.Join(k.dir, s)
	c, err := w.load(p)
	if err != nil {
		return err
	}
	if c == nil {
		return &RefusedError{File: k.file, Line: e.Line, Msg: fmt.Sprintf("component %q has no kustomization file in the repository", s)}
	}
	return w.fields(c, scope)
}

func (w *walker) plugin(k *kustFile, field string, e *yaml.Node) error {
	docs := []map[string]interface{}{}
	if e.Kind == yaml.ScalarNode {
		p := path.Join(k.dir, e.Value)
		fi, err := fs.Stat(w.src, p)
		if err != nil || fi.IsDir() {
			return &RefusedError{File: k.file, Line: e.Line, Msg: fmt.Sprintf("%s entry %q: only files of built-in plugin configuration are rendered", field, e.Value)}
		}
		b, err := fs.ReadFile(w.src, p)
		if err != nil {
			return err
		}
		for _, d := range manifest.Split(b) {
			obj, err := manifest.ParseDoc(b[d.Start:d.End])
			if err == nil && obj != nil {
				docs = append(docs, obj)
			}
		}
	} else {
		var obj map[string]interface{}
		if err := e.Decode(&obj); err == nil {
			docs = append(docs, obj)
		}
	}
	for _, d := range docs {
		meta, _ := d["metadata"].(map[string]interface{})
		ann, _ := meta["annotations"].(map[string]interface{})
		_, fn := ann["config.kubernetes.io/function"]
		if d["apiVersion"] != "builtin" || fn {
			return &RefusedError{File: k.file, Line: e.Line, Msg: fmt.Sprintf("%s: %v %v is an external plugin; exec, Go and KRM-function plugins are refused (as Flux disables them)", field, d["apiVersion"], d["kind"])}
		}
	}
	return nil
}
