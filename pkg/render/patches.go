package render

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/resid"

	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// patchEntry records an entry of patches or patchesJson6902: a mapping
// with path or patch, and an optional target.
func (w *walker) patchEntry(k *kustFile, e *yaml.Node, scope fileSet) error {
	var entry struct {
		Path   string          `yaml:"path"`
		Patch  string          `yaml:"patch"`
		Target *types.Selector `yaml:"target"`
	}
	if e.Kind != yaml.MappingNode {
		return nil // kustomize reports the malformed entry
	}
	var tgt yaml.Node
	for i := 0; i+1 < len(e.Content); i += 2 {
		switch e.Content[i].Value {
		case "path":
			entry.Path = e.Content[i+1].Value
		case "patch":
			entry.Patch = e.Content[i+1].Value
		case "target":
			tgt = *e.Content[i+1]
		}
	}
	p := &patch{at: resource.Origin{File: k.file, Line: e.Line}, scope: scope}
	if tgt.Kind == yaml.MappingNode {
		var sel selectorYAML
		if err := tgt.Decode(&sel); err != nil {
			return fmt.Errorf("%s:%d: patch target: %w", k.file, tgt.Line, err)
		}
		entry.Target = sel.selector()
	}
	body := []byte(entry.Patch)
	if isRemote(entry.Path) {
		return &RefusedError{File: k.file, Line: e.Line, Msg: fmt.Sprintf("remote patch %q is refused: kubectl-hnp renders offline, from the repository alone", entry.Path)}
	}
	if entry.Path != "" {
		file := path.Join(k.dir, entry.Path)
		b, err := fs.ReadFile(w.src, file)
		if err != nil {
			return nil // kustomize names the missing patch file
		}
		body, p.at = b, resource.Origin{File: file, Line: 1}
	}
	if entry.Target != nil {
		re, err := types.NewSelectorRegex(entry.Target)
		if err != nil {
			return fmt.Errorf("%s:%d: patch target: %w", k.file, e.Line, err)
		}
		p.target, p.labels, p.annots = re, entry.Target.LabelSelector, entry.Target.AnnotationSelector
	} else {
		p.ids = smpIDs(body)
	}
	w.patches = append(w.patches, p)
	return nil
}

// smpEntry records an entry of patchesStrategicMerge: a file or an inline
// patch.
func (w *walker) smpEntry(k *kustFile, e *yaml.Node, scope fileSet) error {
	p := &patch{at: resource.Origin{File: k.file, Line: e.Line}, scope: scope}
	body := []byte(e.Value)
	if isRemote(e.Value) {
		return &RefusedError{File: k.file, Line: e.Line, Msg: fmt.Sprintf("remote patch %q is refused: kubectl-hnp renders offline, from the repository alone", e.Value)}
	}
	if !strings.Contains(e.Value, "\n") {
		file := path.Join(k.dir, e.Value)
		if b, err := fs.ReadFile(w.src, file); err == nil {
			body, p.at = b, resource.Origin{File: file, Line: 1}
		}
	}
	p.ids = smpIDs(body)
	w.patches = append(w.patches, p)
	return nil
}

// smpIDs returns the kind and name of each document of a strategic-merge
// patch.
func smpIDs(b []byte) []patchID {
	var ids []patchID
	for _, d := range manifest.Split(b) {
		obj, err := manifest.ParseDoc(b[d.Start:d.End])
		if err != nil || obj == nil {
			continue
		}
		kind, _ := obj["kind"].(string)
		meta, _ := obj["metadata"].(map[string]interface{})
		name, _ := meta["name"].(string)
		ids = append(ids, patchID{kind: kind, name: name})
	}
	return ids
}

// selectorYAML is a patch target as written in a kustomization.
type selectorYAML struct {
	Group              string `yaml:"group"`
	Version            string `yaml:"version"`
	Kind               string `yaml:"kind"`
	Name               string `yaml:"name"`
	Namespace          string `yaml:"namespace"`
	LabelSelector      string `yaml:"labelSelector"`
	AnnotationSelector string `yaml:"annotationSelector"`
}

func (s selectorYAML) selector() *types.Selector {
	return &types.Selector{
		ResId: resid.ResId{
			Gvk:       resid.Gvk{Group: s.Group, Version: s.Version, Kind: s.Kind},
			Name:      s.Name,
			Namespace: s.Namespace,
		},
		LabelSelector:      s.LabelSelector,
		AnnotationSelector: s.AnnotationSelector,
	}
}

// candidate is what a patch is matched against: a rendered object, the
// name it has in its source document, and that document's file.
type candidate struct {
	apiVersion, kind string
	name, sourceName string
	namespace        string
	labels, annots   map[string]string
	sourceFile       string
}

// matches reports whether the patch applies to the object, as kustomize
// selects: by target (kind, name and namespace patterns against the
// original or the current identity, label and annotation selectors), or
// by the kind and name of a strategic-merge patch's documents.
func (p *patch) matches(c candidate) bool {
	if !p.scope[c.sourceFile] {
		return false
	}
	if p.target != nil {
		g, v := splitAPIVersion(c.apiVersion)
		if !p.target.MatchGvk(resid.Gvk{Group: g, Version: v, Kind: c.kind}) {
			return false
		}
		if !p.target.MatchName(c.sourceName) && !p.target.MatchName(c.name) {
			return false
		}
		if !p.target.MatchNamespace(c.namespace) {
			return false
		}
		return selects(p.labels, c.labels) && selects(p.annots, c.annots)
	}
	for _, id := range p.ids {
		if id.kind == c.kind && (id.name == c.sourceName || id.name == c.name) {
			return true
		}
	}
	return false
}

func splitAPIVersion(av string) (group, version string) {
	if i := strings.LastIndex(av, "/"); i >= 0 {
		return av[:i], av[i+1:]
	}
	return "", av
}

func selects(expr string, set map[string]string) bool {
	if expr == "" {
		return true
	}
	sel, err := labels.Parse(expr)
	return err == nil && sel.Matches(labels.Set(set))
}
