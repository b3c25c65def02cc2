package validate

import (
	"context"
	"sort"

	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	"k8s.io/apimachinery/pkg/api/operation"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/features"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
)

// getObjectMeta decodes metadata as the server's decoder does, returning the
// paths of unknown metadata fields when strict.
func getObjectMeta(content map[string]any, strict bool) (*metav1.ObjectMeta, bool, []string, error) {
	return schemaobjectmeta.GetObjectMetaWithOptions(content, schemaobjectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: strict})
}

// setObjectMeta writes the decoded metadata back, dropping whatever did not
// decode into ObjectMeta, as the server does.
func setObjectMeta(content map[string]any, meta *metav1.ObjectMeta) error {
	return schemaobjectmeta.SetObjectMeta(content, meta)
}

// validateMeta checks the metadata as the server checks it for a custom
// resource on create, after filling in the namespace the server would take
// from the request. Unlike the server it requires a name: a GitOps object
// cannot rely on generateName.
func (v *Validator) validateMeta(c *compiledVersion, meta *metav1.ObjectMeta) field.ErrorList {
	m := *meta
	namespaced := v.kinds[c.gvk.GroupKind()].namespaced
	switch {
	case namespaced && m.Namespace == "":
		m.Namespace = v.defaultNamespace()
	case !namespaced:
		m.Namespace = metav1.NamespaceNone
	}
	var errs field.ErrorList
	if m.Name == "" && m.GenerateName != "" {
		errs = append(errs, field.Required(field.NewPath("metadata", "name"), "an object kept in Git needs a name; generateName is not enough"))
	}
	beta := utilfeature.DefaultFeatureGate.Enabled(features.DeclarativeValidationBeta)
	errs = append(errs, apivalidation.ValidateObjectMetaDeclaratively(context.Background(), operation.Create, &m, nil,
		namespaced, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"), beta)...)
	return errs
}

// unknownField is the error for a field the schema does not declare.
func unknownField(path string) *field.Error {
	return field.Forbidden(field.NewPath(path), "unknown field: it is not declared in the CRD's schema, and the API server would drop it")
}

// dedupe returns the distinct strings of s in their first order.
func dedupe(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := s[:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// metadataErrors localises an error decoding metadata, which the server
// reports for metadata as a whole, to the fields that do not decode into
// ObjectMeta.
func metadataErrors(raw any, decodeErr error) field.ErrorList {
	path := field.NewPath("metadata")
	m, ok := raw.(map[string]any)
	if !ok {
		return field.ErrorList{field.Invalid(path, field.OmitValueType{}, decodeErr.Error())}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs field.ErrorList
	for _, k := range keys {
		one, err := utiljson.Marshal(map[string]any{k: m[k]})
		if err != nil {
			errs = append(errs, field.Invalid(path.Child(k), field.OmitValueType{}, err.Error()))
			continue
		}
		if err := utiljson.Unmarshal(one, &metav1.ObjectMeta{}); err != nil {
			errs = append(errs, field.Invalid(path.Child(k), m[k], err.Error()))
		}
	}
	if len(errs) == 0 {
		errs = append(errs, field.Invalid(path, field.OmitValueType{}, decodeErr.Error()))
	}
	return errs
}
