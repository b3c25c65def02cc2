package hedgehog

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Index is a fabric's objects as [fabric] rules look them up: by kind and
// name, and by label as the controller's webhooks list them. Objects are
// indexed in their defaulted form (the labels the webhook adds are what the
// controller's lookups match), so build it from defaulted copies.
type Index struct {
	byKind map[string]map[string]*unstructured.Unstructured
	order  map[string][]*unstructured.Unstructured
	// labels[kind][key][value] is built per (kind, key) on first use, so
	// that fabric-wide validation stays linear in the number of objects.
	labels map[string]map[string]map[string][]*unstructured.Unstructured
	// memo holds lookup tables the kinds' [fabric] rules build once per
	// Index (see vpcMemo).
	memo map[string]interface{}
	// wiring holds the wiring kinds' fabric-wide lookups (ports, link and
	// switch addresses), built on first use (util_wiring_index.go).
	wiring *wiringIndex
}

// NewIndex indexes objs (the fabric's namespace "default" objects; other
// namespaces are rejected by the local rules anyway).
func NewIndex(objs []*unstructured.Unstructured) *Index {
	idx := &Index{byKind: map[string]map[string]*unstructured.Unstructured{}, order: map[string][]*unstructured.Unstructured{}}
	for _, o := range objs {
		k := o.GetKind()
		m := idx.byKind[k]
		if m == nil {
			m = map[string]*unstructured.Unstructured{}
			idx.byKind[k] = m
		}
		if _, dup := m[o.GetName()]; !dup {
			idx.order[k] = append(idx.order[k], o)
		}
		m[o.GetName()] = o
	}
	return idx
}

// Get returns the object of kind and name, nil when absent.
func (x *Index) Get(kind, name string) *unstructured.Unstructured { return x.byKind[kind][name] }

// List returns the objects of a kind in the order they were indexed.
func (x *Index) List(kind string) []*unstructured.Unstructured { return x.order[kind] }

// WithLabel returns the objects of kind whose label key equals value, as a
// label-selector LIST by the controller would. Not safe for concurrent use.
func (x *Index) WithLabel(kind, key, value string) []*unstructured.Unstructured {
	if x.labels == nil {
		x.labels = map[string]map[string]map[string][]*unstructured.Unstructured{}
	}
	byKey := x.labels[kind]
	if byKey == nil {
		byKey = map[string]map[string][]*unstructured.Unstructured{}
		x.labels[kind] = byKey
	}
	byValue, ok := byKey[key]
	if !ok {
		byValue = map[string][]*unstructured.Unstructured{}
		for _, o := range x.order[kind] {
			if v, ok := o.GetLabels()[key]; ok {
				byValue[v] = append(byValue[v], o)
			}
		}
		byKey[key] = byValue
	}
	return byValue[value]
}
