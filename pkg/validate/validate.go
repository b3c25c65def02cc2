package validate

import (
	"context"
	"errors"
	"fmt"
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// Validate checks obj as kube-apiserver would on create (see the package
// documentation for what that covers) without modifying it. It returns nil
// for a valid object, *UnknownKindError for a kind without a CRD, and
// *Error listing every invalid field otherwise.
func (v *Validator) Validate(obj *unstructured.Unstructured) error {
	if obj == nil || obj.Object == nil {
		return errors.New("cannot validate an empty object")
	}
	c, ferrs := v.resolve(obj)
	if c == nil && ferrs == nil {
		return v.unknownKind(obj)
	}
	if c == nil {
		return v.invalid(obj, nil, ferrs)
	}
	copied, err := copyJSON(obj.Object, "")
	if err != nil {
		return v.invalid(obj, nil, field.ErrorList{field.Invalid(nil, field.OmitValueType{}, err.Error())})
	}
	content := copied.(map[string]any)
	meta, errs := v.decode(c, content)
	errs = append(errs, v.validateContent(c, content, meta)...)
	if len(errs) == 0 {
		return nil
	}
	return v.invalid(obj, meta, errs)
}

// resolve finds the compiled schema for the object's apiVersion and kind. It
// returns neither schema nor errors when the kind has no CRD.
func (v *Validator) resolve(obj *unstructured.Unstructured) (*compiledVersion, field.ErrorList) {
	apiVersion, okV := obj.Object["apiVersion"].(string)
	kind, okK := obj.Object["kind"].(string)
	var errs field.ErrorList
	if !okK || kind == "" {
		errs = append(errs, field.Required(field.NewPath("kind"), "the kind of the object"))
	}
	if !okV || apiVersion == "" {
		errs = append(errs, field.Required(field.NewPath("apiVersion"), "group/version, such as "+kinds.GroupVPC+"/"+kinds.DefaultVersion))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil, field.ErrorList{field.Invalid(field.NewPath("apiVersion"), apiVersion, err.Error())}
	}
	k, ok := v.kinds[gv.WithKind(kind).GroupKind()]
	if !ok {
		return nil, nil
	}
	if c, ok := k.versions[gv.Version]; ok {
		return c, nil
	}
	supported := make([]string, len(k.served))
	for i, s := range k.served {
		supported[i] = gv.Group + "/" + s
	}
	detail := fmt.Sprintf("version %q of kind %s is not served by CRD %s", gv.Version, kind, k.crdName)
	if len(supported) == 0 {
		return nil, field.ErrorList{field.Invalid(field.NewPath("apiVersion"), apiVersion, detail+", which serves no version")}
	}
	fe := field.NotSupported(field.NewPath("apiVersion"), apiVersion, supported)
	fe.Detail = detail + "; " + fe.Detail
	return nil, field.ErrorList{fe}
}

// decode does what the server's decoder does to a custom resource: decode
// metadata, prune unknown fields (reporting them in strict mode), drop nulls
// the schema does not allow, coerce embedded objects' metadata, then apply
// the structural defaults, and drop status when the server would on create.
// It returns the decoded metadata (nil if it cannot be decoded).
func (v *Validator) decode(c *compiledVersion, content map[string]any) (*metav1.ObjectMeta, field.ErrorList) {
	strict := v.opts.RejectUnknownFields
	var errs field.ErrorList
	meta, found, unknown, err := getObjectMeta(content, strict)
	if err != nil {
		// The server refuses the request here; drop the metadata so that the
		// schema does not report it a second time.
		errs = append(errs, metadataErrors(content["metadata"], err)...)
		delete(content, "metadata")
	}
	unknown = append(unknown, pruneAndCoerce(c, content, strict, &errs)...)
	switch {
	case err != nil:
		meta = nil
	case !found:
		meta = &metav1.ObjectMeta{}
	default:
		if err := setObjectMeta(content, meta); err != nil {
			errs = append(errs, field.InternalError(field.NewPath("metadata"), err))
		}
	}
	for _, p := range dedupe(unknown) {
		errs = append(errs, unknownField(p))
	}
	defaultAndPrepare(c, content)
	return meta, errs
}

// invalid builds the *Error for obj from the field errors, sorted by path.
func (v *Validator) invalid(obj *unstructured.Unstructured, meta *metav1.ObjectMeta, errs field.ErrorList) *Error {
	e := &Error{Kind: obj.GetKind(), Name: obj.GetName(), Namespace: obj.GetNamespace()}
	if meta != nil {
		e.Name, e.Namespace = meta.Name, meta.Namespace
	}
	if k, ok := v.kinds[obj.GroupVersionKind().GroupKind()]; ok && k.namespaced && e.Namespace == "" {
		e.Namespace = v.defaultNamespace()
	}
	for _, fe := range errs {
		e.Fields = append(e.Fields, fieldError(fe))
	}
	sort.SliceStable(e.Fields, func(i, j int) bool {
		if e.Fields[i].Path != e.Fields[j].Path {
			return e.Fields[i].Path < e.Fields[j].Path
		}
		return e.Fields[i].Type < e.Fields[j].Type
	})
	return e
}

// unknownKind builds the error for a kind without a CRD.
func (v *Validator) unknownKind(obj *unstructured.Unstructured) *UnknownKindError {
	gk := obj.GroupVersionKind().GroupKind()
	e := &UnknownKindError{GroupKind: gk}
	if k, ok := kinds.Lookup(gk.Kind); ok && k.Group == gk.Group && k.Kind == gk.Kind {
		e.CRDName = k.CRDName()
	}
	for known := range v.kinds {
		e.Known = append(e.Known, known.Kind+"."+known.Group)
	}
	sort.Strings(e.Known)
	return e
}

func (v *Validator) defaultNamespace() string {
	if v.opts.DefaultNamespace != "" {
		return v.opts.DefaultNamespace
	}
	return DefaultNamespace
}

// validateContent runs the create-time validation of the server's custom
// resource strategy on the decoded, defaulted content.
func (v *Validator) validateContent(c *compiledVersion, content map[string]any, meta *metav1.ObjectMeta) field.ErrorList {
	ctx := context.Background()
	var errs field.ErrorList
	if meta != nil {
		errs = append(errs, v.validateMeta(c, meta)...)
	}
	errs = append(errs, validateSchema(ctx, c, content)...)
	return errs
}
