package validate

import (
	"context"

	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	structurallisttype "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
)

// pruneAndCoerce removes the fields the schema does not declare and the nulls
// it does not allow, and coerces the metadata of embedded objects, as the
// server's decoder does. It returns the paths of the pruned fields when
// strict; coercion errors are appended to errs.
func pruneAndCoerce(c *compiledVersion, content map[string]any, strict bool, errs *field.ErrorList) []string {
	var unknown []string
	if !c.preserveUnknownFields {
		opts := structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: strict}
		unknown = structuralpruning.PruneWithOptions(content, c.structural, true, opts)
		structuraldefaulting.PruneNonNullableNullsWithoutDefaults(content, c.structural)
	}
	ferr, paths := schemaobjectmeta.CoerceWithOptions(nil, content, c.structural, false,
		schemaobjectmeta.CoerceOptions{ReturnUnknownFieldPaths: strict})
	if ferr != nil {
		*errs = append(*errs, ferr)
	}
	return append(unknown, paths...)
}

// defaultAndPrepare applies the structural defaults and, when the version has
// a status subresource, drops status, which a create cannot set.
func defaultAndPrepare(c *compiledVersion, content map[string]any) {
	structuraldefaulting.Default(content, c.structural)
	if c.hasStatus {
		delete(content, "status")
	}
}

// validateSchema runs the schema checks of the server's custom resource
// strategy: the OpenAPI schema, embedded objects' metadata, list-type
// invariants, and the CEL rules unless an earlier error blocks them.
func validateSchema(ctx context.Context, c *compiledVersion, content map[string]any) field.ErrorList {
	errs := apiservervalidation.ValidateCustomResource(nil, content, c.schema)
	errs = append(errs, schemaobjectmeta.Validate(ctx, nil, content, c.structural, false)...)
	errs = append(errs, structurallisttype.ValidateListSetsAndMaps(nil, c.structural, content)...)
	if c.cel == nil {
		return errs
	}
	if blocked := celBlockingError(errs); blocked != nil {
		return append(errs, blocked)
	}
	celErrs, _ := c.cel.Validate(ctx, nil, c.structural, content, nil, celconfig.RuntimeCELCostBudget)
	return append(errs, celErrs...)
}

// celBlockingError mirrors the server: after errors of these types the CEL
// rules are not evaluated, and a note says so.
func celBlockingError(errs field.ErrorList) *field.Error {
	for _, e := range errs {
		switch e.Type {
		case field.ErrorTypeNotSupported, field.ErrorTypeRequired, field.ErrorTypeTooLong, field.ErrorTypeTooMany, field.ErrorTypeTypeInvalid:
			return field.Invalid(nil, nil, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation")
		}
	}
	return nil
}
