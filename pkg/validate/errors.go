package validate

import (
	"fmt"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// FieldError is one invalid field of an object.
type FieldError struct {
	// Path is the field's path as the API server prints it, such as
	// "spec.linkFlapErrDisable.flapThreshold" or "spec.fabric.links[0].leaf.ip".
	Path string
	// Type is the kind of problem: field.ErrorTypeInvalid ("Invalid value"),
	// field.ErrorTypeRequired, field.ErrorTypeNotSupported, and so on.
	Type field.ErrorType
	// Value is the offending value as the server reports it (for a value of
	// the wrong type, the name of its type), or nil when there is none to
	// show (a required field that is missing, an unknown field).
	Value any
	// Reason is the detail in the API server's words.
	Reason string
}

// Error formats the field error exactly as the API server does, such as
// `spec.role: Unsupported value: "router": supported values: "spine", ...`.
func (e FieldError) Error() string {
	fe := field.Error{Type: e.Type, Field: e.Path, BadValue: e.Value, Detail: e.Reason}
	if e.Value == nil {
		fe.BadValue = field.OmitValueType{}
	}
	return fe.Error()
}

// trailingPath finds the field named at the end of a kube-openapi message
// such as "Checked value must be of type integer with format int32 in spec.asn".
var trailingPath = regexp.MustCompile(` in ([A-Za-z0-9_$.\[\]/:-]+)$`)

// fieldError converts an API server field error.
func fieldError(fe *field.Error) FieldError {
	out := FieldError{Path: fe.Field, Type: fe.Type, Value: fe.BadValue, Reason: fe.Detail}
	if out.Path == "<nil>" {
		// Some schema errors (a number out of its format's range) come from
		// kube-openapi without a field, and the server reports them on
		// "<nil>"; the field is named at the end of the message.
		out.Path, out.Value = "", nil
		if m := trailingPath.FindStringSubmatch(fe.Detail); m != nil {
			out.Path = m[1]
		}
	}
	switch fe.Type {
	case field.ErrorTypeRequired, field.ErrorTypeForbidden, field.ErrorTypeTooLong, field.ErrorTypeTooShort, field.ErrorTypeInternal:
		out.Value = nil
	}
	if _, omit := fe.BadValue.(field.OmitValueType); omit {
		out.Value = nil
	}
	return out
}

// Error reports why an object is invalid: every invalid field, in a stable
// order (by path, then by type of problem).
type Error struct {
	// Kind is the object's kind, such as "VPC"; empty if the object has none.
	Kind string
	// Namespace is the object's namespace (Options.DefaultNamespace when the
	// object names none and the kind is namespaced).
	Namespace string
	// Name is the object's name; empty if it has none.
	Name string
	// Fields are the invalid fields; never empty.
	Fields []FieldError
}

// Error names the object, then each invalid field on a line of its own:
//
//	VPC default/vpc-1 is invalid:
//	  spec.subnets.default.vlan: Invalid value: "string": spec.subnets.default.vlan in body must be of type integer: "string"
func (e *Error) Error() string {
	var b strings.Builder
	kind := e.Kind
	if kind == "" {
		kind = "object"
	}
	b.WriteString(kind)
	if id := e.ObjectName(); id != "" {
		b.WriteString(" " + id)
	}
	b.WriteString(" is invalid:")
	for _, f := range e.Fields {
		b.WriteString("\n  ")
		b.WriteString(f.Error())
	}
	return b.String()
}

// ObjectName returns "namespace/name", or just the name when there is no
// namespace, or "" when there is no name.
func (e *Error) ObjectName() string {
	switch {
	case e.Name == "":
		return ""
	case e.Namespace == "":
		return e.Name
	default:
		return e.Namespace + "/" + e.Name
	}
}

// Field returns the first error on the field at path, if any.
func (e *Error) Field(path string) (FieldError, bool) {
	for _, f := range e.Fields {
		if f.Path == path {
			return f, true
		}
	}
	return FieldError{}, false
}

// UnknownKindError reports an object whose kind the Validator has no CRD for.
type UnknownKindError struct {
	// GroupKind is the object's group and kind.
	GroupKind schema.GroupKind
	// CRDName is the name of the CRD that would serve the kind, when the kind
	// is one of the Hedgehog kinds; otherwise empty.
	CRDName string
	// Known are the kinds the Validator does have CRDs for, sorted.
	Known []string
}

// Error names the kind, the CRD it needs, and the kinds that are known.
func (e *UnknownKindError) Error() string {
	gk := e.GroupKind.Kind
	if e.GroupKind.Group != "" {
		gk += "." + e.GroupKind.Group
	}
	msg := fmt.Sprintf("cannot validate kind %s: no CRD for it is loaded", gk)
	if e.CRDName != "" {
		msg += fmt.Sprintf(" (it is served by CRD %s)", e.CRDName)
	}
	if len(e.Known) > 0 {
		msg += "; known kinds: " + strings.Join(e.Known, ", ")
	}
	return msg
}
