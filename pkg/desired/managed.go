package desired

import "github.com/githedgehog/kubectl-hnp/pkg/kinds"

// ManagedKind decides about a document's kind as Load does, for other
// readers of desired state (the kustomize renderer): the managed kind; nil
// for a kind kubectl-hnp does not manage (skipped and reported); or, with
// a nil kind, a message when the document looks meant for a managed kind
// but is not quite one (an error, never skipped).
func ManagedKind(apiVersion, kind, name string) (*kinds.Kind, string) {
	return managedKind(apiVersion, kind, name)
}
