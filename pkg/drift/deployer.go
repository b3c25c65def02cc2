package drift

import (
	"github.com/githedgehog/kubectl-hnp/internal/jsonvalue"
)

// Mode says how an object's deployer writes it.
type Mode string

// Deployer modes.
const (
	// ModeClientSide is kubectl's client-side apply: a three-way JSON merge
	// patch computed from the last-applied-configuration annotation.
	ModeClientSide Mode = "clientSide"
	// ModeServerSide is server-side apply under a field manager.
	ModeServerSide Mode = "serverSide"
)

// ClientSideApplyManager is the field manager of kubectl's client-side apply.
const ClientSideApplyManager = "kubectl-client-side-apply"

// ServerSideManagers are the field managers of the deployers kubectl-hnp
// knows, in order of preference when several applied an object.
var ServerSideManagers = []string{"kustomize-controller", "argocd-controller", "kubectl-hnp", "kubectl"}

// Deployer is how an object in the cluster was last written from Git.
type Deployer struct {
	Mode Mode
	// Manager is the field manager: ClientSideApplyManager, or the
	// server-side apply manager whose managed fields decide removals.
	Manager string
}

// DeployerOf finds an object's deployer from its managedFields and its
// last-applied-configuration annotation. A server-side apply entry of a
// known deployer wins; else an object with the annotation is client-side
// applied; else the first server-side apply manager; else kubectl-hnp
// server-side (nothing of the object is owned by it, so nothing is removed).
func DeployerOf(obj map[string]interface{}) Deployer {
	d := findDeployer(obj)
	return Deployer{Mode: d.mode, Manager: d.manager}
}

// deployer is a Deployer with the managed fields needed to judge removals.
type deployer struct {
	mode    Mode
	manager string
	// owned is the deployer's fieldsV1 set; others are the other entries'.
	owned  map[string]interface{}
	others []map[string]interface{}
}

// managedEntry is one entry of an object's managedFields, its fieldsV1 as
// found (a map, or the JSON text a LIST leaves it as): jsonvalue.FieldsV1
// decodes it when a server-side apply manager's removals are judged.
type managedEntry struct {
	manager, operation, subresource string
	fieldsV1                        any
}

func managedEntries(obj map[string]interface{}) []managedEntry {
	md, _ := obj["metadata"].(map[string]interface{})
	list, _ := md["managedFields"].([]interface{})
	out := make([]managedEntry, 0, len(list))
	for _, e := range list {
		m, _ := e.(map[string]interface{})
		if m == nil {
			continue
		}
		var me managedEntry
		me.manager, _ = m["manager"].(string)
		me.operation, _ = m["operation"].(string)
		me.subresource, _ = m["subresource"].(string)
		me.fieldsV1 = m["fieldsV1"]
		out = append(out, me)
	}
	return out
}

func findDeployer(obj map[string]interface{}) *deployer {
	entries := managedEntries(obj)
	pick := -1
	for _, name := range ServerSideManagers {
		for i, e := range entries {
			if e.manager == name && e.operation == "Apply" && e.subresource == "" {
				pick = i
				break
			}
		}
		if pick >= 0 {
			break
		}
	}
	if pick < 0 && lastAppliedRaw(obj) != "" {
		return &deployer{mode: ModeClientSide, manager: ClientSideApplyManager}
	}
	if pick < 0 {
		for i, e := range entries {
			if e.operation == "Apply" && e.subresource == "" {
				pick = i
				break
			}
		}
	}
	if pick < 0 {
		return &deployer{mode: ModeServerSide, manager: "kubectl-hnp"}
	}
	d := &deployer{mode: ModeServerSide, manager: entries[pick].manager, owned: jsonvalue.FieldsV1(entries[pick].fieldsV1)}
	for i, e := range entries {
		if i != pick && e.subresource == "" {
			d.others = append(d.others, jsonvalue.FieldsV1(e.fieldsV1))
		}
	}
	return d
}

// ownsAlone reports whether the deployer owns the field at path (map keys
// only) as a whole — a leaf of its field set — and no other manager owns it
// or anything below it: a server-side apply that no longer sets the field
// then removes it. A field the deployer owns only parts of is judged part
// by part (see shares).
func (d *deployer) ownsAlone(path []string) bool {
	node := fieldsAt(d.owned, path)
	if node == nil {
		return false
	}
	if _, self := node["."]; len(node) > 0 && !self {
		return false
	}
	for _, o := range d.others {
		if fieldsAt(o, path) != nil {
			return false
		}
	}
	return true
}

// fieldsAt returns the fieldsV1 node of a path of map keys, nil if absent.
func fieldsAt(set map[string]interface{}, path []string) map[string]interface{} {
	cur := set
	for _, seg := range path {
		next, ok := cur["f:"+seg].(map[string]interface{})
		if !ok {
			return nil
		}
		cur = next
	}
	return cur
}

// shares reports whether the deployer owns fields below path that others
// own too or that sit beside other managers' fields.
func (d *deployer) shares(path []string) bool {
	return fieldsAt(d.owned, path) != nil && !d.ownsAlone(path)
}
