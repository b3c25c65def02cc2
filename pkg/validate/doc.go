// Package validate checks a Hedgehog fabric object against the structural
// schema of its CustomResourceDefinition with the API server's own code
// (k8s.io/apiextensions-apiserver), so that `kubectl hnp edit` and `create`
// refuse an invalid object before it is written to Git, naming every bad
// field and the reason in the API server's words.
//
// For one object, Validate does what kube-apiserver does on create, in the
// same order and with the same functions:
//
//   - apiVersion and kind: the kind must have a CRD loaded in the Validator
//     and the version must be one the CRD serves;
//   - metadata is decoded as the server decodes it (wrong types are errors),
//     and checked as for any custom resource: name present and a DNS
//     subdomain, namespace a DNS label, labels, annotations, finalizers and
//     owner references well formed;
//   - unknown fields are found by the structural schema's pruning
//     (schema/pruning); the server drops them silently, Validate reports them
//     when Options.RejectUnknownFields is set (the server's
//     fieldValidation=Strict behaviour);
//   - nulls the schema does not allow are dropped, structural defaults are
//     applied (schema/defaulting), and status is dropped when the version has
//     a status subresource, all as on create;
//   - the OpenAPI v3 schema is evaluated (validation.NewSchemaValidator):
//     types, formats, enums, bounds, lengths, patterns, required fields;
//   - embedded resources' metadata, x-kubernetes-list-type invariants, and the
//     x-kubernetes-validations CEL rules (schema/cel), with the server's cost
//     limits. The Hedgehog CRDs (testdata/crds) have no CEL rules today; the
//     rules are evaluated anyway so that a CRD which gains some is covered.
//
// Errors use the server's field paths and words. Where the server itself
// reports a schema error on the field "<nil>" (kube-openapi's format checks,
// such as an int32 out of range), the field named in the message is used.
// Unknown fields, which the server would refuse at decoding before it
// validates anything, are reported together with the validation errors.
// Numbers are taken as the server would decode them once sent: an integral
// float64 (as YAML decoding gives) is an integer.
//
// Not covered, because it needs the live cluster rather than the schema:
// admission webhooks (Hedgehog's fabric controller validates references
// between objects, IP and VLAN allocation, and so on), validating admission
// policies, uniqueness of names, and update-only rules (immutability,
// transition rules, ratcheting). The object's namespace may be left empty:
// for a namespaced kind it is taken to be Options.DefaultNamespace, as the
// server takes it from the request. metadata.generateName alone is not
// accepted: a GitOps object needs a name.
package validate
