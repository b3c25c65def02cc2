// Package resource holds the object model shared by the desired-state (Git)
// and actual-state (cluster) readers: an object's identity, its origin in
// Git, and sets of objects keyed by identity.
package resource

import (
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// DefaultNamespace is the namespace of an object that names none.
const DefaultNamespace = "default"

// Key identifies an object: its Kind (as in the registry, e.g. "VPC"),
// namespace and name. A missing namespace is DefaultNamespace.
type Key struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// String renders the key as "Kind namespace/name".
func (k Key) String() string { return fmt.Sprintf("%s %s/%s", k.Kind, k.Namespace, k.Name) }

// Less orders keys by kind, namespace, then name.
func (k Key) Less(o Key) bool {
	if k.Kind != o.Kind {
		return k.Kind < o.Kind
	}
	if k.Namespace != o.Namespace {
		return k.Namespace < o.Namespace
	}
	return k.Name < o.Name
}

// KeyOf returns the key of an object, defaulting its namespace.
func KeyOf(u *unstructured.Unstructured) Key {
	ns := u.GetNamespace()
	if ns == "" {
		ns = DefaultNamespace
	}
	return Key{Kind: u.GetKind(), Namespace: ns, Name: u.GetName()}
}

// Origin says where in the Git repository a desired object was read from.
type Origin struct {
	// File is the path relative to the repository root, with forward slashes.
	File string `json:"file"`
	// Doc is the 0-based index of the YAML document in the file.
	Doc int `json:"doc"`
	// Line is the 1-based line where the document's object starts.
	Line int `json:"line"`
}

// String renders the origin as "file:line".
func (o Origin) String() string { return fmt.Sprintf("%s:%d", o.File, o.Line) }

// Object is one managed object with its identity and, for desired objects,
// its origin in Git.
type Object struct {
	Key    Key
	Obj    *unstructured.Unstructured
	Origin *Origin
	// Rendered says that Obj was built by kustomize from a kustomization:
	// Origin is then the source document as written, which Obj differs
	// from by what transformers and patches changed.
	Rendered bool
	// Patches are the kustomize patches that select a rendered object,
	// in the order they are applied (file:line of each).
	Patches []Origin
}

// Set is a collection of objects keyed by identity.
type Set map[Key]*Object

// Named returns the objects of the set called name (of any kind).
func (s Set) Named(name string) Set {
	out := Set{}
	for k, v := range s {
		if k.Name == name {
			out[k] = v
		}
	}
	return out
}

// Keys returns the set's keys sorted by kind, namespace and name.
func (s Set) Keys() []Key {
	keys := make([]Key, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	SortKeys(keys)
	return keys
}

// SortKeys sorts keys by kind, namespace and name.
func SortKeys(keys []Key) {
	sort.Slice(keys, func(i, j int) bool { return keys[i].Less(keys[j]) })
}

// Skipped is a document in a fabric's directory that is not one of the
// managed kinds: it is left alone, and reported so that nothing is skipped
// in silence.
type Skipped struct {
	// File is the path relative to the repository root, with forward slashes.
	File string `json:"file"`
	// Line is the 1-based line where the document starts.
	Line int `json:"line"`
	// APIVersion, Kind and Name are as the document writes them ("" when
	// absent).
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
}
