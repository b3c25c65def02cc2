package render

import (
	"encoding/json"
	"fmt"
	"runtime"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/kustomize/api/filters/annotations"
	"sigs.k8s.io/kustomize/api/filters/labels"
	"sigs.k8s.io/kustomize/api/filters/namespace"
	"sigs.k8s.io/kustomize/api/filters/prefix"
	"sigs.k8s.io/kustomize/api/filters/suffix"
	kres "sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/kio"
)

// transform runs a kustomization's transformers on acc in the order of
// krusty's configureBuiltinTransformers: patchesStrategicMerge, patches,
// namespace, namePrefix, nameSuffix, labels and commonLabels,
// commonAnnotations, patchesJson6902. Each does, per object, what
// kustomize's builtin plugin does, with kustomize's filters.
func (b *fastBuild) transform(kz *fastKust, acc *fastAcc) error {
	k := &kz.k
	if err := b.patchesStrategicMerge(kz, acc); err != nil {
		return err
	}
	for i := range k.Patches {
		if err := b.patch(kz, i, acc); err != nil {
			return err
		}
	}
	if k.Namespace != "" {
		f := namespace.Filter{Namespace: k.Namespace, FsSlice: namespaceSpecs, SetRoleBindingSubjects: namespace.DefaultSubjectsOnly}
		if err := forEach(acc.items, func(it *fastItem) error {
			if it.r.IsNilOrEmpty() {
				return nil
			}
			it.storePrev()
			if err := it.r.ApplyFilter(f); err != nil {
				return fmt.Errorf("%s: namespace: %w", it.src, err)
			}
			return nil
		}); err != nil {
			return err
		}
		acc.changed()
		if err := acc.reindex(); err != nil {
			return fmt.Errorf("namespace transformation produces ID conflict: %w", err)
		}
	}
	if k.NamePrefix != "" {
		if err := eachName(acc, func(it *fastItem, fs types.FieldSpec) error {
			it.storePrev()
			return it.r.ApplyFilter(prefix.Filter{Prefix: k.NamePrefix, FieldSpec: fs})
		}); err != nil {
			return err
		}
	}
	if k.NameSuffix != "" {
		if err := eachName(acc, func(it *fastItem, fs types.FieldSpec) error {
			it.storePrev()
			return it.r.ApplyFilter(suffix.Filter{Suffix: k.NameSuffix, FieldSpec: fs})
		}); err != nil {
			return err
		}
	}
	for _, l := range k.Labels {
		fss, err := labelFieldSpecs(l)
		if err != nil {
			return fallback("%s: labels: %v", kz.file, err)
		}
		if err := applyAll(acc, labels.Filter{Labels: l.Pairs, FsSlice: fss}, len(l.Pairs) > 0); err != nil {
			return err
		}
	}
	//lint:ignore SA1019 kustomize still builds the deprecated field, so a fabric's kustomization may use it
	if err := applyAll(acc, labels.Filter{Labels: k.CommonLabels, FsSlice: labelSpecs}, len(k.CommonLabels) > 0); err != nil {
		return err
	}
	if err := applyAll(acc, annotations.Filter{Annotations: k.CommonAnnotations, FsSlice: annotationsSpecs}, len(k.CommonAnnotations) > 0); err != nil {
		return err
	}
	//lint:ignore SA1019 kustomize still builds the deprecated field, so a fabric's kustomization may use it
	for i := range k.PatchesJson6902 {
		if err := b.json6902(kz, i, acc); err != nil {
			return err
		}
	}
	acc.changed()
	return nil
}

// eachName runs a name transformer (the prefix and suffix plugins) on
// every object for each name field spec. (The plugins also record the
// prefix or suffix in a build annotation, which only name-reference
// fixing reads: not needed here, and stripped from krusty's output.)
func eachName(acc *fastAcc, f func(*fastItem, types.FieldSpec) error) error {
	acc.changed()
	return forEach(acc.items, func(it *fastItem) error {
		for _, fs := range nameSpecs {
			if err := f(it, fs); err != nil {
				return fmt.Errorf("%s: %w", it.src, err)
			}
		}
		return nil
	})
}

// applyAll applies a filter to every object (the labels and annotations
// plugins), when it has something to apply.
func applyAll(acc *fastAcc, f kio.Filter, apply bool) error {
	if !apply {
		return nil
	}
	return forEach(acc.items, func(it *fastItem) error {
		if err := it.r.ApplyFilter(f); err != nil {
			return fmt.Errorf("%s: %w", it.src, err)
		}
		return nil
	})
}

// forEach runs f on every item, GOMAXPROCS at a time: kustomize's
// filters and resource methods change only the object they are given
// (the OpenAPI data they read is guarded by kyaml's lock). The first
// error in item order is returned.
func forEach(items []*fastItem, f func(*fastItem) error) error {
	for _, err := range parallel(len(items), func(i int) error { return f(items[i]) }) {
		if err != nil {
			return err
		}
	}
	return nil
}

// parallel runs f for 0..n-1, GOMAXPROCS at a time (in place when one
// would do), and returns each one's error by index.
func parallel(n int, f func(i int) error) []error {
	errs := make([]error, n)
	w := min(runtime.GOMAXPROCS(0), n)
	if w <= 1 {
		for i := range n {
			errs[i] = f(i)
		}
		return errs
	}
	var wg sync.WaitGroup
	for k := range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := k; i < n; i += w {
				errs[i] = f(i)
			}
		}()
	}
	wg.Wait()
	return errs
}

// labelFieldSpecs are the field specs of one labels entry, merged as
// krusty's LabelTransformer configurator merges them.
func labelFieldSpecs(l types.Label) (types.FsSlice, error) {
	fss := types.FsSlice(l.FieldSpecs)
	var err error
	if l.IncludeSelectors {
		return fss.MergeAll(labelSpecs)
	}
	if l.IncludeTemplates {
		if fss, err = fss.MergeAll(labelSpecs); err != nil {
			return nil, err
		}
	}
	return fss.MergeOne(types.FieldSpec{Path: "metadata/labels", CreateIfNotPresent: true})
}

// unstructuredOf converts a rendered resource as the krusty path does
// (RNode.MarshalJSON, then apimachinery's JSON decoding), without
// RNode.MarshalJSON's round trip through YAML text.
func unstructuredOf(r *kres.Resource) (*unstructured.Unstructured, error) {
	m := map[string]interface{}{}
	if err := r.YNode().Decode(&m); err != nil {
		return nil, err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{}
	if err := utiljson.Unmarshal(b, &u.Object); err != nil {
		return nil, err
	}
	return u, nil
}
