package render

import (
	"fmt"
	"slices"

	"sigs.k8s.io/kustomize/kyaml/resid"
)

// idKey is a resource id as resid.ResId.Equals compares them: group,
// version, kind, name and effective namespace.
type idKey struct{ group, version, kind, name, ns string }

func keyOf(id resid.ResId) idKey {
	return idKey{id.Group, id.Version, id.Kind, id.Name, id.EffectiveNamespace()}
}

// fastAcc accumulates objects in order, with an index by current id that
// replaces krusty's scan of all objects on every append. Transformers
// change ids, so the index is rebuilt after them, when next needed.
type fastAcc struct {
	items []*fastItem
	byID  map[idKey]*fastItem
	stale bool
	// anyIdx indexes the objects by current and previous ids.
	anyIdx map[idKey][]*fastItem
}

func newFastAcc() *fastAcc { return &fastAcc{byID: map[idKey]*fastItem{}} }

func (a *fastAcc) reindex() error {
	a.byID = make(map[idKey]*fastItem, len(a.items))
	a.stale = false
	for _, it := range a.items {
		k := keyOf(it.r.CurId())
		if other, dup := a.byID[k]; dup {
			return conflict(it, other)
		}
		a.byID[k] = it
	}
	return nil
}

// appendAll appends items, refusing an id already present as krusty's
// resource map does ("may not add resource with an already registered
// id"), naming both source documents.
func (a *fastAcc) appendAll(items []*fastItem) error {
	if a.stale {
		if err := a.reindex(); err != nil {
			return err
		}
	}
	for _, it := range items {
		k := keyOf(it.r.CurId())
		if other, dup := a.byID[k]; dup {
			return conflict(it, other)
		}
		a.byID[k] = it
		a.items = append(a.items, it)
		a.anyIdx = nil
	}
	return nil
}

func conflict(it, other *fastItem) error {
	return fmt.Errorf("may not add resource with an already registered id: %s (%s and %s)",
		it.r.CurId(), it.src, other.src)
}

// dropEmpty removes the objects a patch deleted.
func (a *fastAcc) dropEmpty() {
	a.items = slices.DeleteFunc(a.items, func(it *fastItem) bool { return it.r.IsNilOrEmpty() })
	a.changed()
}

// byAnyID returns the objects one of whose current or previous ids
// equals id (krusty's GetMatchingResourcesByAnyId), from an index built
// once for as long as no transformer changes ids.
func (a *fastAcc) byAnyID(id resid.ResId) []*fastItem {
	if a.anyIdx == nil {
		a.anyIdx = map[idKey][]*fastItem{}
		for _, it := range a.items {
			if it.r.IsNilOrEmpty() {
				continue
			}
			seen := map[idKey]bool{}
			for _, other := range append(it.prevIDs(), it.r.CurId()) {
				if k := keyOf(other); !seen[k] {
					seen[k] = true
					a.anyIdx[k] = append(a.anyIdx[k], it)
				}
			}
		}
	}
	return a.anyIdx[keyOf(id)]
}

// changed notes that a transformer may have changed ids.
func (a *fastAcc) changed() {
	a.stale = true
	a.anyIdx = nil
}
