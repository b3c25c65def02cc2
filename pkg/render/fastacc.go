package render

import (
	"fmt"
	"slices"
	"strings"

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
			for _, other := range append(it.r.PrevIds(), it.r.CurId()) {
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

// sorted returns the objects in kustomize's legacy order (its
// SortOrderTransformer with types.LegacySortOrder and the default lists):
// by the kind's rank in the first and last lists, then by
// group_version_kind, then by id. (Its special case for two Namespace
// kinds does not arise: Namespaces are not rendered here.)
func (a *fastAcc) sorted() []*fastItem {
	type keyed struct {
		it        *fastItem
		rank      int
		gvk, name string
	}
	ks := make([]keyed, len(a.items))
	for i, it := range a.items {
		id := it.r.CurId()
		ks[i] = keyed{it: it, rank: kindRank[id.Kind], gvk: legacyGVKSortString(id.Gvk), name: legacyResIDSortString(id)}
	}
	slices.SortFunc(ks, func(x, y keyed) int {
		if x.gvk != y.gvk {
			if x.rank != y.rank {
				return x.rank - y.rank
			}
			return strings.Compare(x.gvk, y.gvk)
		}
		return strings.Compare(x.name, y.name)
	})
	out := make([]*fastItem, len(ks))
	for i := range ks {
		out[i] = ks[i].it
	}
	return out
}

// The legacy sort's default kind ranks (kustomize's SortOrderTransformer).
var (
	defaultOrderFirst = []string{"Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition",
		"ServiceAccount", "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
		"ConfigMap", "Secret", "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume",
		"PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget"}
	defaultOrderLast = []string{"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"}
	kindRank         = func() map[string]int {
		m := map[string]int{}
		for i, n := range defaultOrderFirst {
			m[n] = -len(defaultOrderFirst) + i
		}
		for i, n := range defaultOrderLast {
			m[n] = 1 + i
		}
		return m
	}()
)

// legacyGVKSortString is the legacy sort's key of a group, version and kind.
func legacyGVKSortString(x resid.Gvk) string {
	g, v, k := x.Group, x.Version, x.Kind
	if g == "" {
		g = "~G"
	}
	if v == "" {
		v = "~V"
	}
	if k == "" {
		k = "~K"
	}
	return g + "_" + v + "_" + k
}

// legacyResIDSortString is the legacy sort's key of an id within a kind.
func legacyResIDSortString(id resid.ResId) string {
	ns, nm := id.Namespace, id.Name
	if ns == "" {
		ns = "~X"
	}
	if nm == "" {
		nm = "~N"
	}
	return id.Gvk.String() + "|" + ns + "|" + nm
}
