package deployer

// What operators write on an object to keep their deployer's hands off it:
// Flux's apply and delete policies (kustomize.toolkit.fluxcd.io/ssa,
// /reconcile and /prune, as labels or annotations) and Argo CD's sync
// options (argocd.argoproj.io/sync-options Prune=false and Prune=confirm,
// and the Application's spec.syncPolicy.syncOptions). sync follows them:
// it neither deletes nor overwrites an object its deployer is told to
// leave; drift marks what Flux is told not to apply (deployerSkips).

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The metadata keys of the deployers' per-object policies.
const (
	FluxPruneKey       = "kustomize.toolkit.fluxcd.io/prune"
	FluxReconcileKey   = "kustomize.toolkit.fluxcd.io/reconcile"
	FluxSSAKey         = "kustomize.toolkit.fluxcd.io/ssa"
	ArgoSyncOptionsKey = "argocd.argoproj.io/sync-options"
)

// fluxMark finds the first of keys whose value, as a label or an
// annotation of obj, is the one given (compared without case, as Flux
// compares them), and renders it "key: value" as written.
func fluxMark(obj map[string]interface{}, keys ...[2]string) string {
	for _, field := range []string{"labels", "annotations"} {
		m, _, _ := unstructured.NestedStringMap(obj, "metadata", field)
		for _, kv := range keys {
			if v, ok := m[kv[0]]; ok && strings.EqualFold(strings.TrimSpace(v), kv[1]) {
				return kv[0] + ": " + v
			}
		}
	}
	return ""
}

// syncOption is the value of the option name (such as "Prune") among Argo
// CD sync options, each "Name=value" (case aside); "" when absent.
func syncOption(options []string, name string) string {
	for _, o := range options {
		k, v, ok := strings.Cut(strings.TrimSpace(o), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.ToLower(strings.TrimSpace(v))
		}
	}
	return ""
}

// objectSyncOptions are the options of obj's argocd.argoproj.io/sync-options
// annotation (comma-separated).
func objectSyncOptions(obj map[string]interface{}) []string {
	v, _, _ := unstructured.NestedString(obj, "metadata", "annotations", ArgoSyncOptionsKey)
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// PruneOptOut says why a deployer is told never to delete obj (the
// cluster's copy of an object Git no longer has), or "" when nothing
// forbids it:
//   - Flux: kustomize.toolkit.fluxcd.io/prune: disabled, or /reconcile:
//     disabled, as a label or annotation (its garbage collection skips both);
//   - Argo CD: Prune=false or Prune=confirm in the object's sync-options
//     annotation, else in appOptions, the Application's
//     spec.syncPolicy.syncOptions (the object's own option wins, as in
//     Argo CD).
//
// Letter case is not compared: a policy written in another case was meant
// all the same, and keeping an object is the safe reading.
func PruneOptOut(obj map[string]interface{}, appOptions []string) string {
	if m := fluxMark(obj, [2]string{FluxPruneKey, "disabled"}, [2]string{FluxReconcileKey, "disabled"}); m != "" {
		return m + " (Flux never deletes it)"
	}
	where := ArgoSyncOptionsKey
	prune := syncOption(objectSyncOptions(obj), "Prune")
	if prune == "" {
		where, prune = "the Argo CD Application's syncOptions", syncOption(appOptions, "Prune")
	}
	switch prune {
	case "false":
		return where + ": Prune=false (Argo CD never prunes it)"
	case "confirm":
		return where + ": Prune=confirm (Argo CD prunes it only when confirmed there; delete it with kubectl)"
	}
	return ""
}

// ApplyOptOut says why Flux is told not to apply desired (Git's object)
// over actual (the cluster's; nil when missing), or "": Flux leaves out an
// object with kustomize.toolkit.fluxcd.io/reconcile: disabled or /ssa:
// Ignore in Git or in the cluster, and one with /ssa: IfNotPresent in Git
// that exists (it only creates it). Letter case is not compared, as Flux
// does not.
func ApplyOptOut(desired, actual map[string]interface{}) string {
	excluded := [][2]string{{FluxReconcileKey, "disabled"}, {FluxSSAKey, "ignore"}}
	if m := fluxMark(desired, excluded...); m != "" {
		return m + " in Git (Flux does not apply it)"
	}
	if actual == nil {
		return ""
	}
	if m := fluxMark(actual, excluded...); m != "" {
		return m + " in the cluster (Flux does not apply it)"
	}
	if m := fluxMark(desired, [2]string{FluxSSAKey, "ifnotpresent"}); m != "" {
		return m + " in Git (Flux only creates it when it is missing)"
	}
	return ""
}
