package list

import (
	"maps"
	"slices"
	"strings"

	"github.com/githedgehog/kubectl-hnp/internal/jsonvalue"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/judge"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Annotations that list adds to the objects it prints as JSON or YAML.
const (
	AnnotationFabric = "hnp.githedgehog.com/fabric"
	AnnotationSync   = "hnp.githedgehog.com/sync"
	AnnotationFile   = "hnp.githedgehog.com/file"
	// AnnotationPatches lists the kustomize patches (path:line, comma
	// separated) that select an object rendered from a kustomization.
	AnnotationPatches = "hnp.githedgehog.com/patches"
)

// Where an item's values come from (the VALUES column).
const (
	ValuesGit     = "git"
	ValuesCluster = "cluster"
)

// Item is one object of one fabric as list shows it.
type Item struct {
	Fabric string
	Kind   *kinds.Kind
	Key    resource.Key
	// Obj is the cluster's copy where it exists, else Git's.
	Obj *unstructured.Unstructured
	// Values says which side Obj was read from: "cluster" or "git".
	Values string
	// Sync is the drift status, "" when only one source was read.
	Sync   drift.Status
	Origin *resource.Origin
	// Rendered says Git's copy was rendered from a kustomization; Origin
	// is then its source document, and Patches the patches selecting it.
	Rendered bool
	Patches  []resource.Origin
	// Agent is the switch's Agent status (a Switch read from the cluster
	// with its Agents; nil otherwise): the APPLIED and HEARTBEAT columns
	// and status.agent in json and yaml.
	Agent *AgentView
}

// Items merges the fabrics' states into items: by fabric, then kind in
// registry order, then namespace and name.
func Items(states []*cmdutil.FabricState, source cmdutil.Source) []Item {
	var out []Item
	for _, st := range states {
		if st.Err != nil && st.Desired == nil && st.Actual == nil {
			continue
		}
		var status map[resource.Key]drift.Status
		if source == cmdutil.SourceBoth && st.Err == nil {
			// The fabric's ignore rules were validated when the config was
			// loaded; a bad one here only loses its effect on SYNC.
			out, err := judge.Sets(&st.Fabric, st.Model, judge.Settings{}, st.Desired, st.Actual, st.Evidence)
			if err != nil {
				continue
			}
			status = make(map[resource.Key]drift.Status, len(out.Result.Resources))
			for _, r := range out.Result.Resources {
				status[resource.Key{Kind: r.Kind, Namespace: r.Namespace, Name: r.Name}] = r.Status
			}
		}
		union := st.Desired
		if len(union) == 0 {
			union = st.Actual
		} else if len(st.Actual) > 0 {
			union = make(resource.Set, len(st.Desired)+len(st.Actual))
			maps.Copy(union, st.Desired)
			maps.Copy(union, st.Actual)
		}
		out = slices.Grow(out, len(union))
		byKind := map[string][]resource.Key{}
		for _, k := range union.Keys() {
			byKind[k.Kind] = append(byKind[k.Kind], k)
		}
		for _, kind := range st.Kinds {
			for _, key := range byKind[kind.Kind] {
				it := Item{Fabric: st.Fabric.Name, Kind: kind, Key: key, Sync: status[key]}
				if d, ok := st.Desired[key]; ok {
					it.Obj, it.Origin, it.Rendered, it.Patches = d.Obj, d.Origin, d.Rendered, d.Patches
					it.Values = ValuesGit
				}
				if a, ok := st.Actual[key]; ok {
					it.Obj, it.Values = a.Obj, ValuesCluster
				}
				out = append(out, it)
			}
		}
	}
	return out
}

// printedCopy is a copy of the item's object as kubectl prints it: without
// managedFields unless showManagedFields, and then with their field sets
// as the API server sent them.
func (it Item) printedCopy(showManagedFields bool) *unstructured.Unstructured {
	u := it.Obj.DeepCopy()
	if showManagedFields {
		jsonvalue.ExpandFieldsV1(u.Object)
	} else {
		u.SetManagedFields(nil)
	}
	return u
}

// Annotated returns a copy of the item's object with list's annotations,
// and without managedFields unless showManagedFields (as kubectl prints).
func (it Item) Annotated(showManagedFields bool) *unstructured.Unstructured {
	u := it.printedCopy(showManagedFields)
	ann := u.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[AnnotationFabric] = it.Fabric
	if it.Sync != "" {
		ann[AnnotationSync] = string(it.Sync)
	}
	if it.Origin != nil {
		ann[AnnotationFile] = it.Origin.String()
	}
	if len(it.Patches) > 0 {
		ps := make([]string, len(it.Patches))
		for i, p := range it.Patches {
			ps[i] = p.String()
		}
		ann[AnnotationPatches] = strings.Join(ps, ",")
	}
	u.SetAnnotations(ann)
	return it.withAgentStatus(u)
}
