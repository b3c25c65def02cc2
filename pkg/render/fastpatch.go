package render

import (
	"fmt"
	"path"
	"strings"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	"sigs.k8s.io/kustomize/api/filters/patchjson6902"
	kres "sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// patchText returns a patch entry's text and where it is written: its
// file (line 1), or the entry of the kustomization for an inline patch.
func (b *fastBuild) patchText(kz *fastKust, field string, i int, p types.Patch) (string, resource.Origin, error) {
	at := kz.entryOrigin(field, i)
	switch {
	case p.Patch != "" && p.Path != "", p.Patch == "" && p.Path == "":
		return "", at, fallback("%s: patch entry %d", kz.file, i)
	case p.Path != "":
		file := path.Join(kz.dir, p.Path)
		data, err := b.readFile(file)
		if err != nil {
			return "", at, err
		}
		return string(data), resource.Origin{File: file, Line: 1}, nil
	}
	return p.Patch, at, nil
}

// patch applies one entry of patches as kustomize's PatchTransformer:
// a strategic-merge patch (by target, or by the ids of its documents) or
// a JSON 6902 patch (by target), told apart as kustomize tells them.
func (b *fastBuild) patch(kz *fastKust, i int, acc *fastAcc) error {
	p := kz.k.Patches[i]
	text, at, err := b.patchText(kz, "patches", i, p)
	if err != nil {
		return err
	}
	text = strings.TrimSpace(text)
	sm, errSM := b.rf.SliceFromBytes([]byte(text))
	js, errJSON := jsonPatchFromBytes([]byte(text))
	both := ((errSM == nil && errJSON == nil) || (sm != nil && js != nil)) && (len(sm) > 0 && len(js) > 0)
	if both || errSM != nil && errJSON != nil {
		return fallback("%s: patch is neither or both of strategic-merge and JSON 6902", at)
	}
	if errSM == nil {
		if err := deletesObjects(sm, at); err != nil {
			return err
		}
		if p.Target != nil {
			if len(sm) > 1 {
				return fallback("%s: several strategic-merge patches with a target", at)
			}
			if len(sm) == 0 {
				return nil
			}
			return b.smpTarget(acc, p.Target, sm[0], at)
		}
		for _, patch := range sm {
			t, err := uniqueTarget(acc, patch, at)
			if err != nil {
				return err
			}
			if err := t.r.ApplySmPatch(patch); err != nil {
				return fallback("%s: %v", at, err)
			}
			t.patched(at)
		}
		return nil
	}
	if p.Target == nil {
		return fallback("%s: a JSON patch without a target", at)
	}
	return jsonPatch(acc, p.Target, text, at, true)
}

// patchesStrategicMerge applies the patchesStrategicMerge field as
// kustomize's PatchStrategicMergeTransformer: each entry is patch text or
// a file, each document patches the one object with its id.
func (b *fastBuild) patchesStrategicMerge(kz *fastKust, acc *fastAcc) error {
	//lint:ignore SA1019 kustomize still builds the deprecated field, so a fabric's kustomization may use it
	for i, e := range kz.k.PatchesStrategicMerge {
		at := kz.entryOrigin("patchesStrategicMerge", i)
		patches, err := b.rf.SliceFromBytes([]byte(e))
		if err != nil {
			file := path.Join(kz.dir, string(e))
			data, rerr := b.readFile(file)
			if rerr != nil {
				return rerr
			}
			if patches, err = b.rf.SliceFromBytes(data); err != nil {
				return fallback("%s: %v", file, err)
			}
			at = resource.Origin{File: file, Line: 1}
		}
		if err := deletesObjects(patches, at); err != nil {
			return err
		}
		for _, patch := range patches {
			t, err := uniqueTarget(acc, patch, at)
			if err != nil {
				return err
			}
			if err := smpCopy(t.r, patch); err != nil {
				return fallback("%s: %v", at, err)
			}
			t.patched(at)
		}
	}
	return nil
}

// deletesObjects leaves patches that delete whole objects to krusty.
func deletesObjects(patches []*kres.Resource, at resource.Origin) error {
	for _, p := range patches {
		m, err := p.Map()
		if _, ok := m["$patch"]; ok || err != nil {
			return fallback("%s: $patch at the top of a strategic-merge patch", at)
		}
	}
	return nil
}

// uniqueTarget finds the one object a strategic-merge patch without a
// target patches: the one with the patch's id, current or previous.
func uniqueTarget(acc *fastAcc, patch *kres.Resource, at resource.Origin) (*fastItem, error) {
	ts := acc.byAnyID(patch.OrgId())
	switch len(ts) {
	case 1:
		return ts[0], nil
	case 0:
		return nil, fmt.Errorf("%s: no resource matches strategic merge patch %q", at, patch.OrgId())
	}
	return nil, fmt.Errorf("%s: multiple resources match strategic merge patch %q", at, patch.OrgId())
}

// smpTarget applies a strategic-merge patch to the objects its target
// selects, as krusty's resource map's ApplySmPatch.
func (b *fastBuild) smpTarget(acc *fastAcc, target *types.Selector, patch *kres.Resource, at resource.Origin) error {
	sel, err := newSelector(target)
	if err != nil {
		return fallback("%s: %v", at, err)
	}
	if err := forEach(acc.items, func(it *fastItem) error {
		ok, err := sel.selects(it)
		if err != nil || !ok {
			return err
		}
		if err := smpCopy(it.r, patch); err != nil {
			return err
		}
		it.patched(at)
		return nil
	}); err != nil {
		return fallback("%s: %v", at, err)
	}
	acc.dropEmpty()
	return nil
}

// smpCopy applies a copy of patch to r with r's group and version, as
// the resource map's ApplySmPatch does for each selected object.
func smpCopy(r, patch *kres.Resource) error {
	c := patch.DeepCopy()
	if err := c.CopyMergeMetaDataFieldsFrom(patch); err != nil {
		return err
	}
	c.SetGvk(r.GetGvk())
	c.SetKind(patch.GetKind())
	return r.ApplySmPatch(c)
}

// json6902 applies one entry of patchesJson6902 as kustomize's
// PatchJson6902Transformer.
func (b *fastBuild) json6902(kz *fastKust, i int, acc *fastAcc) error {
	//lint:ignore SA1019 kustomize still builds the deprecated field, so a fabric's kustomization may use it
	p := kz.k.PatchesJson6902[i]
	if p.Target == nil || p.Target.Name == "" {
		return fallback("%s: patchesJson6902 entry %d without a target name", kz.file, i)
	}
	text, at, err := b.patchText(kz, "patchesJson6902", i, p)
	if err != nil {
		return err
	}
	if text == "" {
		return fallback("%s: empty patch", at)
	}
	if text[0] != '[' {
		j, err := sigsyaml.YAMLToJSON([]byte(text))
		if err != nil {
			return fallback("%s: %v", at, err)
		}
		text = string(j)
	}
	if ops, err := jsonpatch.DecodePatch([]byte(text)); err != nil || len(ops) == 0 {
		return fallback("%s: JSON patch", at)
	}
	return jsonPatch(acc, p.Target, text, at, false)
}

// jsonPatch applies a JSON 6902 patch to the objects target selects,
// keeping kustomize's internal annotations; storeID records the previous
// id first, as the patches field does.
func jsonPatch(acc *fastAcc, target *types.Selector, text string, at resource.Origin, storeID bool) error {
	sel, err := newSelector(target)
	if err != nil {
		return fallback("%s: %v", at, err)
	}
	acc.changed()
	if err := forEach(acc.items, func(it *fastItem) error {
		ok, err := sel.selects(it)
		if err != nil || !ok {
			return err
		}
		if storeID {
			it.storePrev()
		}
		internal := kioutil.GetInternalAnnotations(&it.r.RNode)
		if err := it.r.ApplyFilter(patchjson6902.Filter{Patch: text}); err != nil {
			return err
		}
		ann := it.r.GetAnnotations()
		for k, v := range internal {
			ann[k] = v
		}
		if err := it.r.SetAnnotations(ann); err != nil {
			return err
		}
		it.patched(at)
		return nil
	}); err != nil {
		return fallback("%s: %v", at, err)
	}
	return nil
}

// jsonPatchFromBytes decodes a JSON 6902 patch written as JSON or YAML,
// as kustomize's PatchTransformer does to tell it from a strategic-merge
// patch.
func jsonPatchFromBytes(in []byte) (jsonpatch.Patch, error) {
	ops := string(in)
	if ops == "" {
		return nil, fmt.Errorf("empty json patch operations")
	}
	if ops[0] != '[' {
		j, err := sigsyaml.YAMLToJSON(in)
		if err != nil {
			return nil, err
		}
		ops = string(j)
	}
	return jsonpatch.DecodePatch([]byte(ops))
}

// selector is a patch target, compiled once: kustomize's resource map
// Select, for one object at a time.
type selector struct {
	s  *types.Selector
	re *types.SelectorRegex
}

func newSelector(s *types.Selector) (*selector, error) {
	re, err := types.NewSelectorRegex(s)
	if err != nil {
		return nil, err
	}
	return &selector{s: s, re: re}, nil
}

// selects matches the namespace and the name against the original or the
// current id, the group, version and kind, and the label and annotation
// selectors.
func (s *selector) selects(it *fastItem) (bool, error) {
	r := it.r
	if r.IsNilOrEmpty() {
		return false, nil
	}
	cur, org := r.CurId(), it.orgID()
	if !s.re.MatchNamespace(org.EffectiveNamespace()) && !s.re.MatchNamespace(cur.EffectiveNamespace()) {
		return false, nil
	}
	if !s.re.MatchName(org.Name) && !s.re.MatchName(cur.Name) {
		return false, nil
	}
	if !s.re.MatchGvk(r.GetGvk()) {
		return false, nil
	}
	if ok, err := r.MatchesLabelSelector(s.s.LabelSelector); err != nil || !ok {
		return false, err
	}
	return r.MatchesAnnotationSelector(s.s.AnnotationSelector)
}
