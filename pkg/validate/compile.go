package validate

import (
	"errors"
	"fmt"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/runtime/schema"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
)

// compiledVersion is everything the server derives from one served version
// of a CRD to decode, default and validate its objects.
type compiledVersion struct {
	gvk schema.GroupVersionKind
	// structural is the structural schema with defaults pruned, as the server
	// keeps it: used for pruning, defaulting, list types, embedded objects and CEL.
	structural *structuralschema.Structural
	// schema is the OpenAPI v3 schema validator.
	schema apiservervalidation.SchemaValidator
	// cel evaluates x-kubernetes-validations; nil when the schema has none.
	cel *cel.Validator
	// preserveUnknownFields turns pruning off (legacy CRDs only).
	preserveUnknownFields bool
	// hasStatus: the version has a status subresource, so create drops status.
	hasStatus bool
}

// compileVersion builds the validator of one version as kube-apiserver's
// customresource handler does.
func compileVersion(gvk schema.GroupVersionKind, ver *apiextensionsv1.CustomResourceDefinitionVersion, preserveUnknownFields bool) (*compiledVersion, error) {
	if ver.Schema == nil || ver.Schema.OpenAPIV3Schema == nil {
		return nil, errors.New("no openAPIV3Schema")
	}
	internal := &apiextensions.CustomResourceValidation{}
	if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(ver.Schema, internal, nil); err != nil {
		return nil, fmt.Errorf("converting the schema to the internal version: %w", err)
	}
	s, err := structuralschema.NewStructural(internal.OpenAPIV3Schema)
	if err != nil {
		return nil, fmt.Errorf("the schema is not structural: %w", err)
	}
	if errs := structuralschema.ValidateStructural(nil, s); len(errs) > 0 {
		return nil, fmt.Errorf("the schema is not structural: %w", errs.ToAggregate())
	}
	// The server does not own the defaults inside s, so it copies s before
	// pruning unknown fields out of the defaults; so do we.
	s = s.DeepCopy()
	if err := structuraldefaulting.PruneDefaults(s); err != nil {
		return nil, fmt.Errorf("pruning the schema's defaults: %w", err)
	}
	sv, _, err := apiservervalidation.NewSchemaValidator(internal.OpenAPIV3Schema)
	if err != nil {
		return nil, fmt.Errorf("building the schema validator: %w", err)
	}
	return &compiledVersion{
		gvk:                   gvk,
		structural:            s,
		schema:                sv,
		cel:                   cel.NewValidator(s, true, celconfig.PerCallLimit),
		preserveUnknownFields: preserveUnknownFields,
		hasStatus:             ver.Subresources != nil && ver.Subresources.Status != nil,
	}, nil
}
