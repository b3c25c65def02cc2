// Package writepath models, in-process, what kube-apiserver's write path does
// to a custom resource that a deployer sends: it prunes the fields the CRD's
// structural schema does not declare, drops nulls the schema does not allow,
// and applies the schema's defaults (inside list items and maps too), all
// with the API server's own code (k8s.io/apiextensions-apiserver). It also
// answers, per field, what the drift engine needs to judge an apply: whether
// the field survives pruning, what the server would default it to when it
// is absent, and whether a list is atomic or merged by key or value.
//
// It is pure: no I/O. A Model is built once from the CRDs and is safe for
// concurrent use.
package writepath
