package deployer

import (
	"context"
	"errors"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
)

// The annotations that ask a deployer to act now.
const (
	// FluxReconcileAnnotation is what `flux reconcile` sets, to a new value
	// each time, on a Kustomization and (--with-source) its source.
	FluxReconcileAnnotation = "reconcile.fluxcd.io/requestedAt"
	// ArgoRefreshAnnotation asks Argo CD to refresh an Application
	// ("normal", or "hard" to regenerate manifests).
	ArgoRefreshAnnotation = "argocd.argoproj.io/refresh"
)

// FailedError is a deployer's failure to apply a revision; its message is
// the deployer's own.
type FailedError struct{ Status *Status }

// Error renders "Flux flux-system/lab failed to apply 3a1c0d2: <message>".
func (e *FailedError) Error() string {
	return fmt.Sprintf("%s %s failed to apply %s: %s", e.Status.ToolName(), e.Status.Name, Short(e.Status.LastAttempt), e.Status.Message)
}

// Short is a commit sha's first 7 characters.
func Short(sha string) string { return sha[:min(7, len(sha))] }

// WaitApplied watches the deployer object until it reports a revision
// that includes the pushed commit applied (includes decides, e.g. by Git
// ancestry) — its status then — or a failed attempt at such a revision: a
// *FailedError at once, with the deployer's message. progress, when set,
// sees every status on the way. It watches (one LIST, then a WATCH), so it
// notices a new status as soon as the API server has it.
func WaitApplied(ctx context.Context, dyn dynamic.Interface, ref Ref, includes func(sha string) bool, progress func(*Status)) (*Status, error) {
	lw := listWatch(dyn, ref)
	var last *Status
	var failed error
	cond := func(ev watch.Event) (bool, error) {
		u, ok := ev.Object.(*unstructured.Unstructured)
		if !ok || ev.Type == watch.Deleted {
			return false, nil
		}
		s := StatusOf(ref.Tool, u)
		last = s
		if progress != nil {
			progress(s)
		}
		switch {
		case s.Revision != "" && includes(s.Revision):
			return true, nil
		case s.failed && s.LastAttempt != "" && includes(s.LastAttempt):
			failed = &FailedError{Status: s}
			return true, nil
		}
		return false, nil
	}
	_, err := watchtools.UntilWithSync(ctx, lw, &unstructured.Unstructured{}, nil, cond)
	if failed != nil {
		return last, failed
	}
	if err != nil {
		if errors.Is(err, watchtools.ErrWatchClosed) || ctx.Err() != nil {
			return last, ctx.Err()
		}
		return last, err
	}
	return last, nil
}

// listWatch lists and watches the deployer object alone.
func listWatch(dyn dynamic.Interface, ref Ref) *cache.ListWatch {
	ri := dyn.Resource(ref.GVR()).Namespace(ref.Namespace)
	sel := fields.OneTermEqualSelector("metadata.name", ref.Name).String()
	return &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.FieldSelector = sel
			return ri.List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.FieldSelector = sel
			return ri.Watch(ctx, o)
		},
	}
}

// Follow watches the deployer object (one LIST, then a WATCH, resumed by
// the informer when it breaks) and calls each with every status it sees,
// until ctx is done (then it returns nil). A deleted object is not
// reported.
func Follow(ctx context.Context, dyn dynamic.Interface, ref Ref, each func(*Status)) error {
	cond := func(ev watch.Event) (bool, error) {
		if u, ok := ev.Object.(*unstructured.Unstructured); ok && ev.Type != watch.Deleted {
			each(StatusOf(ref.Tool, u))
		}
		return false, nil
	}
	_, err := watchtools.UntilWithSync(ctx, listWatch(dyn, ref), &unstructured.Unstructured{}, nil, cond)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// Reconcile asks the deployer to deploy now: for Flux, the annotation
// `flux reconcile --with-source` sets, on the Kustomization and its
// GitRepository; for Argo CD, a normal refresh of the Application.
func Reconcile(ctx context.Context, dyn dynamic.Interface, ref Ref, now time.Time) error {
	if ref.Tool == ToolArgoCD {
		return annotate(ctx, dyn, ref.GVR(), ref.Namespace, ref.Name, ArgoRefreshAnnotation, "normal")
	}
	ks, err := dyn.Resource(KustomizationGVR).Namespace(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("reading the Flux Kustomization %s: %w", ref, err)
	}
	stamp := now.Format(time.RFC3339Nano)
	kind, _, _ := unstructured.NestedString(ks.Object, "spec", "sourceRef", "kind")
	name, _, _ := unstructured.NestedString(ks.Object, "spec", "sourceRef", "name")
	ns, _, _ := unstructured.NestedString(ks.Object, "spec", "sourceRef", "namespace")
	if ns == "" {
		ns = ref.Namespace
	}
	if kind == "GitRepository" && name != "" {
		if err := annotate(ctx, dyn, GitRepositoryGVR, ns, name, FluxReconcileAnnotation, stamp); err != nil {
			return err
		}
	}
	return annotate(ctx, dyn, KustomizationGVR, ref.Namespace, ref.Name, FluxReconcileAnnotation, stamp)
}

func annotate(ctx context.Context, dyn dynamic.Interface, gvr schema.GroupVersionResource, ns, name, key, value string) error {
	patch := fmt.Sprintf(`{"metadata":{"annotations":{%q:%q}}}`, key, value)
	_, err := dyn.Resource(gvr).Namespace(ns).Patch(ctx, name, types.MergePatchType, []byte(patch), metav1.PatchOptions{})
	if err != nil {
		return fmt.Errorf("annotating %s %s/%s with %s: %w", gvr.Resource, ns, name, key, err)
	}
	return nil
}
