package render

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/provider"
	kres "sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/resid"

	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// The fast renderer builds, in linear time, the kustomizations that use
// only resources, components, namespace, namePrefix, nameSuffix,
// commonLabels, labels, commonAnnotations and the three kinds of patches,
// on objects of kinds kustomize has no special configuration for (see
// fastspecs.go). It walks the kustomizations in kustomize's order, loads
// resources with kustomize's resource factory, transforms each object
// with kustomize's own filters and resource methods in the order krusty
// applies them, keeps the accumulated objects in a map keyed by current
// id (krusty's resource map checks each appended object against all
// others, which is quadratic), and returns them in load order, as krusty
// does with Flux's options. Anything else is rendered by krusty.

// notFast says why a kustomization leaves the fast path's subset: the
// build falls back to krusty, which also reports any error in it.
type notFast struct{ why string }

func (e *notFast) Error() string { return e.why }

func fallback(format string, args ...interface{}) error {
	return &notFast{why: fmt.Sprintf(format, args...)}
}

// fastItem is one accumulated object, where it was read, and the patches
// applied to it.
type fastItem struct {
	r       *kres.Resource
	src     resource.Origin
	patches []resource.Origin
	// prev are the ids the object had before transformers changed them,
	// oldest first: what kustomize keeps in its previousNames,
	// previousNamespaces and previousKinds build annotations, which krusty
	// strips from its output (kept here, the annotations need not be
	// written and parsed again for every object at every step).
	prev []prevID
}

// prevID is a previous id as kustomize's StorePreviousId records it:
// effective namespace, name and kind.
type prevID struct{ ns, name, kind string }

// storePrev records the object's current id (Resource.StorePreviousId).
func (it *fastItem) storePrev() {
	id := it.r.CurId()
	it.prev = append(it.prev, prevID{ns: id.EffectiveNamespace(), name: id.Name, kind: id.Kind})
}

// prevIDs returns the previous ids with the current group and version,
// as kustomize's Resource.PrevIds builds them.
func (it *fastItem) prevIDs() []resid.ResId {
	if len(it.prev) == 0 {
		return nil
	}
	g, v := resid.ParseGroupVersion(it.r.GetApiVersion())
	ids := make([]resid.ResId, len(it.prev))
	for i, p := range it.prev {
		ids[i] = resid.NewResIdWithNamespace(resid.Gvk{Group: g, Version: v, Kind: p.kind}, p.name, p.ns)
	}
	return ids
}

// orgID is the object's first id (Resource.OrgId).
func (it *fastItem) orgID() resid.ResId {
	if ids := it.prevIDs(); len(ids) > 0 {
		return ids[0]
	}
	return it.r.CurId()
}

func (it *fastItem) patched(at resource.Origin) {
	if n := len(it.patches); n > 0 && it.patches[n-1] == at {
		return
	}
	it.patches = append(it.patches, at)
}

// fastBuild is one fast build: the repository, kustomize's resource
// factory, and the files read.
type fastBuild struct {
	src  fs.FS
	rf   *kres.Factory
	read map[string]bool
	// sem bounds the files parsed at once.
	sem chan struct{}
}

// fastKust is a loaded kustomization: kustomize's own type (decoded and
// fixed as krusty does) and its YAML, for the lines of its entries.
type fastKust struct {
	file, dir string
	k         types.Kustomization
	root      *yaml.Node
}

// buildFast renders the kustomization in dir on the fast path; a notFast
// error means it must be rendered by krusty.
func buildFast(src fs.FS, dir string) ([]*Object, []string, error) {
	b := &fastBuild{src: src, rf: provider.NewDefaultDepProvider().GetResourceFactory(), read: map[string]bool{},
		sem: make(chan struct{}, runtime.GOMAXPROCS(0))}
	kz, err := b.load(dir, false)
	if err != nil {
		return nil, nil, err
	}
	acc := newFastAcc()
	if err := b.target(kz, acc); err != nil {
		return nil, nil, err
	}
	// Flux's build options leave krusty's Reorder unset, which keeps the
	// load order (kubectl kustomize's legacy sort is not applied).
	objs, err := objects(acc.items)
	if err != nil {
		return nil, nil, err
	}
	files := make([]string, 0, len(b.read))
	for f := range b.read {
		files = append(files, f)
	}
	sort.Strings(files)
	return objs, files, nil
}

func (b *fastBuild) readFile(p string) ([]byte, error) {
	data, err := fs.ReadFile(b.src, p)
	if err != nil {
		return nil, fallback("%s: %v", p, err)
	}
	b.read[p] = true
	return data, nil
}

// load reads and checks the kustomization in dir as krusty's KustTarget
// does; anything outside the subset, or wrong, is left to krusty.
func (b *fastBuild) load(dir string, component bool) (*fastKust, error) {
	var found []string
	for _, name := range konfig.RecognizedKustomizationFileNames() {
		p := path.Join(dir, name)
		if fi, err := fs.Stat(b.src, p); err == nil && !fi.IsDir() {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		return nil, fallback("%s: %d kustomization files", dir, len(found))
	}
	data, err := b.readFile(found[0])
	if err != nil {
		return nil, err
	}
	kz := &fastKust{file: found[0], dir: dir}
	if err := kz.k.Unmarshal(data); err != nil {
		return nil, fallback("%s: %v", kz.file, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fallback("%s: not a mapping", kz.file)
	}
	kz.root = doc.Content[0]
	for i := 0; i+1 < len(kz.root.Content); i += 2 {
		if key := kz.root.Content[i].Value; !fastFields[key] {
			return nil, fallback("%s:%d: %s", kz.file, kz.root.Content[i].Line, key)
		}
	}
	kz.k.FixKustomization()
	if err := kz.k.CheckEmpty(); err != nil {
		return nil, fallback("%s: %v", kz.file, err)
	}
	if errs := kz.k.EnforceFields(); len(errs) > 0 || component != (kz.k.Kind == types.ComponentKind) {
		return nil, fallback("%s: kind %s", kz.file, kz.k.Kind)
	}
	for _, p := range kz.k.Patches {
		if p.Options != nil && (p.Options.AllowNameChange || p.Options.AllowKindChange) {
			return nil, fallback("%s: a patch that may change names or kinds", kz.file)
		}
	}
	for _, l := range kz.k.Labels {
		for _, f := range l.FieldSpecs {
			if specialKinds[f.Kind] {
				return nil, fallback("%s: a label field spec for %s", kz.file, f.Kind)
			}
		}
	}
	return kz, nil
}

// entries returns the entries of a list field of the kustomization.
func (kz *fastKust) entries(field string) []*yaml.Node {
	for i := 0; i+1 < len(kz.root.Content); i += 2 {
		if kz.root.Content[i].Value == field && kz.root.Content[i+1].Kind == yaml.SequenceNode {
			return kz.root.Content[i+1].Content
		}
	}
	return nil
}

// entryOrigin is where the i-th entry of a list field is written.
func (kz *fastKust) entryOrigin(field string, i int) resource.Origin {
	if e := kz.entries(field); i < len(e) {
		return resource.Origin{File: kz.file, Line: e[i].Line}
	}
	return resource.Origin{File: kz.file, Line: 1}
}

// target accumulates a kustomization into acc as krusty's
// accumulateTarget: resources (files, then nested kustomizations, in list
// order), components (which act on acc itself), then the transformers.
func (b *fastBuild) target(kz *fastKust, acc *fastAcc) error {
	files := make([]chan fileItems, len(kz.k.Resources))
	for i, entry := range kz.k.Resources {
		p := path.Join(kz.dir, entry)
		if !fs.ValidPath(p) {
			return fallback("%s: resource %q", kz.file, entry)
		}
		fi, err := fs.Stat(b.src, p)
		if err != nil {
			return fallback("%s: resource %q: %v", kz.file, entry, err)
		}
		if !fi.IsDir() {
			files[i] = b.loadAsync(p)
		}
	}
	for i, entry := range kz.k.Resources {
		p := path.Join(kz.dir, entry)
		if files[i] != nil {
			f := <-files[i]
			if f.err != nil {
				return f.err
			}
			if err := acc.appendAll(f.items); err != nil {
				return fmt.Errorf("accumulating resources from '%s': %w", p, err)
			}
			continue
		}
		sub, err := b.load(p, false)
		if err != nil {
			return err
		}
		subAcc := newFastAcc()
		if err := b.target(sub, subAcc); err != nil {
			return err
		}
		if err := acc.appendAll(subAcc.items); err != nil {
			return fmt.Errorf("merging resources of '%s': %w", p, err)
		}
	}
	for _, entry := range kz.k.Components {
		p := path.Join(kz.dir, entry)
		if !fs.ValidPath(p) {
			return fallback("%s: component %q", kz.file, entry)
		}
		sub, err := b.load(p, true)
		if err != nil {
			return err
		}
		if err := b.target(sub, acc); err != nil {
			return err
		}
	}
	return b.transform(kz, acc)
}

// fileItems are the objects of a resource file, or why it cannot be read.
type fileItems struct {
	items []*fastItem
	err   error
}

// loadAsync parses a resource file in the background, at most
// GOMAXPROCS at a time; the channel delivers the result.
func (b *fastBuild) loadAsync(p string) chan fileItems {
	ch := make(chan fileItems, 1)
	data, err := b.readFile(p)
	if err != nil {
		ch <- fileItems{err: err}
		return ch
	}
	b.sem <- struct{}{}
	go func() {
		defer func() { <-b.sem }()
		items, err := b.file(p, data)
		ch <- fileItems{items: items, err: err}
	}()
	return ch
}

// file loads the objects of a resource file with kustomize's resource
// factory and pairs each with its source document.
func (b *fastBuild) file(p string, data []byte) ([]*fastItem, error) {
	rs, err := b.resources(data)
	if err != nil {
		return nil, fallback("%s: %v", p, err)
	}
	docs := objectDocs(p, data)
	if len(docs) != len(rs) {
		return nil, fallback("%s: %d documents, %d objects", p, len(docs), len(rs))
	}
	items := make([]*fastItem, len(rs))
	for i, r := range rs {
		kind := r.GetKind()
		if !eligibleKind(kind) {
			return nil, fallback("%s: kind %s", p, kind)
		}
		for k := range r.GetAnnotations() {
			if reservedKey(k) {
				return nil, fallback("%s: annotation %s", p, k)
			}
		}
		for k := range r.GetLabels() {
			if reservedKey(k) {
				return nil, fallback("%s: label %s", p, k)
			}
		}
		items[i] = &fastItem{r: r, src: docs[i]}
	}
	return items, nil
}

// resources parses a resource file as kustomize's resource factory does
// (SliceFromBytes). Its reader copies every object to resolve YAML
// anchors, aliases and merge keys; a file without '&', '*' or '<<' has
// none, and is read without the copy, then checked and converted by the
// factory as SliceFromBytes would. Lists, which the factory inlines, are
// left to it.
func (b *fastBuild) resources(data []byte) ([]*kres.Resource, error) {
	if bytes.ContainsAny(data, "&*") || bytes.Contains(data, []byte("<<")) {
		return b.rf.SliceFromBytes(data)
	}
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(data), OmitReaderAnnotations: true}).Read()
	if err != nil {
		return nil, err
	}
	var rs []*kres.Resource
	for _, n := range nodes {
		if n.IsNilOrEmpty() {
			continue
		}
		if strings.HasSuffix(n.GetKind(), "List") {
			return b.rf.SliceFromBytes(data)
		}
		if _, err := n.GetValidatedMetadata(); err != nil {
			return nil, err
		}
		if nilEntry, at := n.HasNilEntryInList(); nilEntry {
			return nil, fmt.Errorf("empty item at %v in object %v", at, n)
		}
		rs = append(rs, &kres.Resource{RNode: *n}) // the factory's makeOne, for a resource not generated
	}
	return rs, nil
}

// isNotFast reports whether err sends the build to krusty.
func isNotFast(err error) bool {
	var nf *notFast
	return errors.As(err, &nf)
}

// objects converts the rendered resources, GOMAXPROCS at a time.
func objects(items []*fastItem) ([]*Object, error) {
	objs := make([]*Object, len(items))
	errs := parallel(len(items), func(i int) error {
		it := items[i]
		it.r.RemoveBuildAnnotations()
		u, err := unstructuredOf(it.r)
		src := it.src
		objs[i] = &Object{Obj: u, Source: &src, Patches: it.patches}
		return err
	})
	return objs, errors.Join(errs...)
}

// objectDocs returns where each object document of a file starts (its
// first line of content), skipping documents of only blank lines and
// comments as kustomize's reader does.
func objectDocs(file string, b []byte) []resource.Origin {
	var out []resource.Origin
	for _, d := range manifest.Split(b) {
		if n, ok := contentLine(b[d.Start:d.End]); ok {
			out = append(out, resource.Origin{File: file, Doc: d.Index, Line: d.Line + n})
		}
	}
	return out
}

// contentLine counts the blank and comment lines before a document's
// content; ok is false when it has none.
func contentLine(text []byte) (int, bool) {
	n := 0
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			return n, true
		}
		n++
	}
	return 0, false
}
