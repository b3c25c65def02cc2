package writepath

import (
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
)

// ApplyDefaults applies the schema's defaults to obj in place, as the API
// server does when it decodes a request (before the mutating admission
// webhooks run). It does nothing for a kind the Model does not know, or one
// that preserves unknown fields.
func (m *Model) ApplyDefaults(obj map[string]interface{}) {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	c := m.lookup(apiVersion, kind)
	if c == nil || c.preserve {
		return
	}
	structuraldefaulting.Default(obj, c.structural)
}
