// Package render builds a fabric's desired state as its deployer does:
// `kustomize build` of the fabric's kustomization, in-process with
// kustomize's own API (krusty) and the settings of Flux's
// kustomize-controller (load restrictions none within the repository,
// plugins disabled). Remote resources, Helm charts and external plugins
// are refused. Every rendered object keeps its provenance: the file and
// line of the document it came from and the patches that select it.
//
// Files are read through an fs.FS rooted at the repository, so that a
// working tree (os.Root) and, later, a Git tree can feed it alike.
package render

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"sync"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/kustomize/api/krusty"
	kres "sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Object is one rendered object and where it came from.
type Object struct {
	Obj *unstructured.Unstructured
	// Source is the document the object was read from, nil for objects
	// that a generator made.
	Source *resource.Origin
	// Patches are the patches that select the object, in the order of the
	// kustomizations (inner first).
	Patches []resource.Origin
}

// Result is a rendered kustomization.
type Result struct {
	// Kustomization is the top kustomization file, repository-relative.
	Kustomization string
	// Objects are the rendered objects in kustomize's output order.
	Objects []*Object
	// Files are the repository files the build read, sorted.
	Files []string
	// Listed maps each resource file to the entry of a resources: list
	// that names it (kustomization file and line).
	Listed map[string]resource.Origin
	// Kustomizations are the kustomization files the build reached, the
	// top one first.
	Kustomizations []string

	// renderer is "fast" or "krusty": which renderer built the result;
	// fallback says why krusty did.
	renderer, fallback string
}

// mu serialises builds: kustomize's global state is not safe for
// concurrent builds (kubernetes-sigs/kustomize#3659; Flux serialises too).
var mu sync.Mutex

// originKey is kustomize's origin annotation.
const originKey = "config.kubernetes.io/origin"

// Render builds the kustomization in dir (repository-relative, forward
// slashes) of the repository src, reusing the cache (UseCache) when the
// files the last build of dir read are unchanged.
func Render(src fs.FS, dir string) (*Result, error) {
	dir = path.Clean("./" + dir)
	top, err := FindKustomization(src, dir)
	if err != nil {
		return nil, err
	}
	if top == "" {
		return nil, fmt.Errorf("%s: no kustomization file", dir)
	}
	c := cache.Load()
	if c == nil {
		return build(src, dir, top)
	}
	if res := c.lookup(src, dir, top); res != nil {
		return res, nil
	}
	rec := newRecordFS(src)
	res, err := build(rec, dir, top)
	if err != nil {
		return nil, err
	}
	c.store(rec, src, dir, top, res)
	return res, nil
}

// build renders the kustomization top of dir: on the fast path when it
// stays in its subset, else with krusty.
func build(src fs.FS, dir, top string) (*Result, error) { return buildWith(src, dir, top, true) }

// buildWith is build, with the fast path tried or not (tests compare the two).
func buildWith(src fs.FS, dir, top string, fast bool) (*Result, error) {
	w := &walker{src: src, visiting: map[string]bool{}, listed: map[string]resource.Origin{}}
	if _, err := w.kustomization(dir, resource.Origin{File: top}); err != nil {
		return nil, err
	}
	if !fast {
		return buildKrusty(src, dir, top, w)
	}
	objs, files, err := buildFast(src, dir)
	if err == nil {
		return &Result{Kustomization: top, Listed: w.listed, Kustomizations: w.kustomizations,
			Objects: objs, Files: files, renderer: "fast"}, nil
	}
	if !isNotFast(err) {
		return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
	}
	res, kerr := buildKrusty(src, dir, top, w)
	if res != nil {
		res.fallback = err.Error()
	}
	return res, kerr
}

// buildKrusty runs krusty on the kustomization top of dir, serialised by mu.
func buildKrusty(src fs.FS, dir, top string, w *walker) (*Result, error) {
	v := &vfs{src: src, read: map[string]bool{}}
	keepOrigin, err := v.trackOrigins(top)
	if err != nil {
		return nil, err
	}
	mu.Lock()
	k := krusty.MakeKustomizer(&krusty.Options{
		LoadRestrictions: types.LoadRestrictionsNone,
		PluginConfig:     types.DisabledPluginConfig(),
	})
	m, err := k.Run(v, "/"+dir)
	mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
	}
	res := &Result{Kustomization: top, Listed: w.listed, Kustomizations: w.kustomizations, renderer: "krusty"}
	docs := newDocIndex(src)
	for _, r := range m.Resources() {
		o, err := w.object(r, dir, docs, keepOrigin)
		if err != nil {
			return nil, err
		}
		res.Objects = append(res.Objects, o)
	}
	for f := range v.read {
		res.Files = append(res.Files, f)
	}
	sort.Strings(res.Files)
	return res, nil
}

// object converts one rendered resource and finds its provenance.
func (w *walker) object(r *kres.Resource, dir string, docs *docIndex, keepOrigin bool) (*Object, error) {
	origin, err := r.GetOrigin()
	if err != nil {
		return nil, err
	}
	b, err := r.MarshalJSON()
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{}
	if err := utiljson.Unmarshal(b, &u.Object); err != nil {
		return nil, err
	}
	if !keepOrigin {
		ann := u.GetAnnotations()
		delete(ann, originKey)
		if len(ann) == 0 {
			ann = nil
		}
		u.SetAnnotations(ann)
	}
	o := &Object{Obj: u}
	if origin == nil || origin.Path == "" {
		return o, nil
	}
	file := path.Join(dir, origin.Path)
	src := docs.find(file, u)
	o.Source = src
	c := candidate{
		apiVersion: u.GetAPIVersion(), kind: u.GetKind(), name: u.GetName(), namespace: u.GetNamespace(),
		labels: u.GetLabels(), annots: u.GetAnnotations(), sourceFile: file, sourceName: docs.name(src),
	}
	for _, p := range w.patches {
		if p.matches(c) {
			o.Patches = append(o.Patches, p.at)
		}
	}
	return o, nil
}

// trackOrigins has kustomize annotate every object with its source file:
// the top kustomization is served with originAnnotations added to its
// buildMetadata. keep reports that the kustomization asks for them
// itself, so that the deployer applies them too.
func (v *vfs) trackOrigins(top string) (keep bool, err error) {
	b, err := fs.ReadFile(v.src, top)
	if err != nil {
		return false, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return false, fmt.Errorf("%s: %w", top, err)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return false, nil // kustomize reports what is wrong with it
	}
	root := doc.Content[0]
	var meta *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "buildMetadata" {
			meta = root.Content[i+1]
		}
	}
	if meta == nil {
		meta = &yaml.Node{Kind: yaml.SequenceNode}
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "buildMetadata"}, meta)
	}
	for _, e := range meta.Content {
		if e.Value == types.OriginAnnotations {
			return true, nil
		}
	}
	meta.Content = append(meta.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: types.OriginAnnotations})
	out, err := yaml.Marshal(root)
	if err != nil {
		return false, err
	}
	v.override = map[string][]byte{top: out}
	return false, nil
}
