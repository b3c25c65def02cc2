package writepath

import (
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apimachinery/pkg/runtime"
)

// List types of x-kubernetes-list-type; a list without one is atomic.
const (
	ListAtomic = "atomic"
	ListMap    = "map"
	ListSet    = "set"
)

// Node is the schema of one field, with what the write path needs of it
// computed once.
type Node struct {
	props      map[string]*Node
	additional *Node
	// open: any key is kept (additionalProperties: true or
	// x-kubernetes-preserve-unknown-fields), with no schema below.
	open     bool
	items    *Node
	listType string
	mapKeys  []string
	mapType  string
	def      interface{}
	hasDef   bool
}

func newNode(s *structuralschema.Structural) *Node {
	if s == nil {
		return nil
	}
	n := &Node{listType: ListAtomic, open: s.XPreserveUnknownFields || s.XEmbeddedResource}
	if s.XListType != nil && *s.XListType != "" {
		n.listType = *s.XListType
	}
	n.mapKeys = s.XListMapKeys
	if s.XMapType != nil {
		n.mapType = *s.XMapType
	}
	if len(s.Properties) > 0 {
		n.props = make(map[string]*Node, len(s.Properties))
		for k := range s.Properties {
			p := s.Properties[k]
			n.props[k] = newNode(&p)
		}
	}
	if ap := s.AdditionalProperties; ap != nil {
		if ap.Structural != nil {
			n.additional = newNode(ap.Structural)
		} else if ap.Bool {
			n.open = true
		}
	}
	n.items = newNode(s.Items)
	if s.Default.Object != nil {
		// The value the server stores for the absent field: the default
		// with the defaults of its own fields applied.
		d := runtime.DeepCopyJSONValue(s.Default.Object)
		structuraldefaulting.Default(d, s)
		n.def, n.hasDef = d, true
	}
	return n
}

// Child returns the schema of a map key. known is false when the server
// prunes the key; a nil node with known true means no schema below (the
// field is kept as is).
func (n *Node) Child(key string) (child *Node, known bool) {
	if n == nil {
		return nil, true
	}
	if c, ok := n.props[key]; ok {
		return c, true
	}
	if n.additional != nil {
		return n.additional, true
	}
	return nil, n.open
}

// Items returns the schema of a list's elements (nil: none).
func (n *Node) Items() *Node {
	if n == nil {
		return nil
	}
	return n.items
}

// Default returns the value the server stores for this field when an
// apply leaves it absent: the schema default with nested defaults applied.
// The value must not be modified.
func (n *Node) Default() (interface{}, bool) {
	if n == nil {
		return nil, false
	}
	return n.def, n.hasDef
}

// ListType returns "atomic", "map" or "set" (x-kubernetes-list-type).
func (n *Node) ListType() string {
	if n == nil {
		return ListAtomic
	}
	return n.listType
}

// ListMapKeys returns the keys of a list of type map.
func (n *Node) ListMapKeys() []string {
	if n == nil {
		return nil
	}
	return n.mapKeys
}

// MapAtomic reports whether the map is atomic (x-kubernetes-map-type: atomic).
func (n *Node) MapAtomic() bool { return n != nil && n.mapType == "atomic" }
