package deployer

import "testing"

func objMeta(labels, annotations map[string]interface{}) map[string]interface{} {
	md := map[string]interface{}{"name": "vpc-1"}
	if labels != nil {
		md["labels"] = labels
	}
	if annotations != nil {
		md["annotations"] = annotations
	}
	return map[string]interface{}{"metadata": md}
}

func TestPruneOptOut(t *testing.T) {
	ann := func(k, v string) map[string]interface{} { return objMeta(nil, map[string]interface{}{k: v}) }
	for _, tc := range []struct {
		name string
		obj  map[string]interface{}
		app  []string
		want string
	}{
		{"nothing", objMeta(nil, nil), nil, ""},
		{"flux prune disabled, annotation", ann(FluxPruneKey, "disabled"), nil, "kustomize.toolkit.fluxcd.io/prune: disabled (Flux never deletes it)"},
		{"flux prune disabled, label, other case", objMeta(map[string]interface{}{FluxPruneKey: "Disabled"}, nil), nil, "kustomize.toolkit.fluxcd.io/prune: Disabled (Flux never deletes it)"},
		{"flux reconcile disabled", ann(FluxReconcileKey, "disabled"), nil, "kustomize.toolkit.fluxcd.io/reconcile: disabled (Flux never deletes it)"},
		{"flux prune enabled", ann(FluxPruneKey, "enabled"), nil, ""},
		{"flux ssa ignore is no prune policy", ann(FluxSSAKey, "Ignore"), nil, ""},
		{"argo Prune=false", ann(ArgoSyncOptionsKey, "Prune=false"), nil, "argocd.argoproj.io/sync-options: Prune=false (Argo CD never prunes it)"},
		{"argo among others, spaces", ann(ArgoSyncOptionsKey, "Validate=false , Prune=confirm"), nil, "argocd.argoproj.io/sync-options: Prune=confirm (Argo CD prunes it only when confirmed there; delete it with kubectl)"},
		{"argo other options only", ann(ArgoSyncOptionsKey, "Validate=false,Replace=true"), nil, ""},
		{"application Prune=false", objMeta(nil, nil), []string{"CreateNamespace=true", "Prune=false"}, "the Argo CD Application's syncOptions: Prune=false (Argo CD never prunes it)"},
		{"application Prune=confirm", objMeta(nil, nil), []string{"Prune=confirm"}, "the Argo CD Application's syncOptions: Prune=confirm (Argo CD prunes it only when confirmed there; delete it with kubectl)"},
		{"the object's Prune=true wins", ann(ArgoSyncOptionsKey, "Prune=true"), []string{"Prune=false"}, ""},
		{"the object's Prune=false wins", ann(ArgoSyncOptionsKey, "Prune=false"), []string{"Prune=true"}, "argocd.argoproj.io/sync-options: Prune=false (Argo CD never prunes it)"},
		{"a prune label of another tool", ann("example.com/prune", "disabled"), nil, ""},
	} {
		if got := PruneOptOut(tc.obj, tc.app); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestApplyOptOut(t *testing.T) {
	ann := func(k, v string) map[string]interface{} { return objMeta(nil, map[string]interface{}{k: v}) }
	plain := objMeta(nil, nil)
	for _, tc := range []struct {
		name            string
		desired, actual map[string]interface{}
		want            string
	}{
		{"nothing", plain, plain, ""},
		{"nothing, missing", plain, nil, ""},
		{"reconcile disabled in Git", ann(FluxReconcileKey, "disabled"), plain, "kustomize.toolkit.fluxcd.io/reconcile: disabled in Git (Flux does not apply it)"},
		{"reconcile disabled in Git, missing", ann(FluxReconcileKey, "disabled"), nil, "kustomize.toolkit.fluxcd.io/reconcile: disabled in Git (Flux does not apply it)"},
		{"ssa Ignore in the cluster", plain, ann(FluxSSAKey, "Ignore"), "kustomize.toolkit.fluxcd.io/ssa: Ignore in the cluster (Flux does not apply it)"},
		{"ssa ignore as a label", objMeta(map[string]interface{}{FluxSSAKey: "ignore"}, nil), plain, "kustomize.toolkit.fluxcd.io/ssa: ignore in Git (Flux does not apply it)"},
		{"IfNotPresent, present", ann(FluxSSAKey, "IfNotPresent"), plain, "kustomize.toolkit.fluxcd.io/ssa: IfNotPresent in Git (Flux only creates it when it is missing)"},
		{"IfNotPresent, missing: created", ann(FluxSSAKey, "IfNotPresent"), nil, ""},
		{"IfNotPresent only in the cluster counts for nothing", plain, ann(FluxSSAKey, "IfNotPresent"), ""},
		{"ssa Merge", ann(FluxSSAKey, "Merge"), plain, ""},
		{"prune disabled is no apply policy", ann(FluxPruneKey, "disabled"), plain, ""},
	} {
		if got := ApplyOptOut(tc.desired, tc.actual); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
