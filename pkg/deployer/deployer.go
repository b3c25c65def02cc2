// Package deployer finds the evidence that a GitOps tool deployed an object
// to a cluster: a Flux Kustomization's inventory that lists it, or Argo CD's
// tracking of it by an Application. sync --apply --prune deletes only what
// such evidence (or Git's history) says Git deployed.
package deployer

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// The deployers' resources, labels and annotations.
var (
	// KustomizationGVR is Flux's Kustomization.
	KustomizationGVR = schema.GroupVersionResource{Group: "kustomize.toolkit.fluxcd.io", Version: "v1", Resource: "kustomizations"}
	// ApplicationGVR is Argo CD's Application.
	ApplicationGVR = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "applications"}
)

const (
	// FluxNameLabel and FluxNamespaceLabel name the Kustomization that
	// applied an object; kustomize-controller sets them.
	FluxNameLabel      = "kustomize.toolkit.fluxcd.io/name"
	FluxNamespaceLabel = "kustomize.toolkit.fluxcd.io/namespace"
	// ArgoTrackingAnnotation is Argo CD's annotation tracking,
	// "<app>:<group>/<kind>:<namespace>/<name>".
	ArgoTrackingAnnotation = "argocd.argoproj.io/tracking-id"
	// ArgoInstanceLabel is Argo CD's label tracking (the application's
	// name); Helm sets it too, so it counts only when the Application
	// lists the object among its resources.
	ArgoInstanceLabel = "app.kubernetes.io/instance"
)

// Config names the fabric's deployer object, "namespace/name": the one it
// is configured with, or the one discovery found (which matches its source
// with the fabric's Git). With one named, only it counts: another
// Kustomization or Application deploys something else — another fabric's
// directory in the same namespace, say — and what it applied is no
// evidence for this one. With none, the deployer an object's labels or
// annotations name counts.
type Config struct {
	FluxKustomization string
	ArgoCDApplication string
}

// known says the fabric's deployer is named.
func (c Config) known() bool { return c.FluxKustomization != "" || c.ArgoCDApplication != "" }

// Evidence says which deployer applied an object.
type Evidence struct {
	// Source is "flux inventory" or "argocd app".
	Source string
	// Owner is the Kustomization ("namespace/name") or the Application's
	// name as Argo CD tracks it.
	Owner string
}

// String renders "flux inventory flux-system/lab" or "argocd app lab".
func (e Evidence) String() string { return e.Source + " " + e.Owner }

// Finder looks up deployer evidence in one cluster. It reads each
// Kustomization and Application once, and is safe for concurrent use. A
// deployer whose CRD is not installed, or whose object does not exist, is
// simply no evidence; other failures to read are collected in Problems.
type Finder struct {
	Dynamic dynamic.Interface
	Config  Config

	mu       sync.Mutex
	cache    map[string]map[string]bool // "kind ns/name" → ids it lists (nil: none)
	problems map[string]bool
}

// Find returns the evidence that a deployer applied obj, if there is any.
func (f *Finder) Find(ctx context.Context, obj *unstructured.Unstructured) (Evidence, bool) {
	if e, ok := f.flux(ctx, obj); ok {
		return e, true
	}
	return f.argo(ctx, obj)
}

// Problems lists the reads that failed for another reason than an absent
// CRD or object, sorted; the objects they concerned have no evidence.
func (f *Finder) Problems() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, 0, len(f.problems))
	for p := range f.problems {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// objectRef is what the deployers identify an object by.
type objectRef struct{ group, kind, namespace, name string }

func refOf(obj *unstructured.Unstructured) objectRef {
	return objectRef{obj.GroupVersionKind().Group, obj.GetKind(), obj.GetNamespace(), obj.GetName()}
}

// fluxID is the id of an object in a Kustomization's inventory:
// "<namespace>_<name>_<group>_<kind>".
func (r objectRef) fluxID() string {
	return r.namespace + "_" + r.name + "_" + r.group + "_" + r.kind
}

// flux finds the Kustomization's inventory listing obj. As Flux's own
// garbage collection, it also wants obj to carry the Kustomization's owner
// labels: Flux sets them on all it applies, and deletes nothing without
// them (whoever removed or changed them took the object over).
func (f *Finder) flux(ctx context.Context, obj *unstructured.Unstructured) (Evidence, bool) {
	l := obj.GetLabels()
	if l[FluxNameLabel] == "" || l[FluxNamespaceLabel] == "" {
		return Evidence{}, false
	}
	owner := l[FluxNamespaceLabel] + "/" + l[FluxNameLabel]
	ref := f.Config.FluxKustomization
	switch {
	case ref == "" && f.Config.known():
		return Evidence{}, false
	case ref == "":
		ref = owner
	case ref != owner:
		return Evidence{}, false
	}
	ids := f.inventory(ctx, "Kustomization", ref, func(ctx context.Context, ns, name string) (map[string]bool, error) {
		u, err := f.Dynamic.Resource(KustomizationGVR).Namespace(ns).Get(ctx, name, getOptions)
		if err != nil {
			return nil, err
		}
		entries, _, _ := unstructured.NestedSlice(u.Object, "status", "inventory", "entries")
		ids := map[string]bool{}
		for _, e := range entries {
			if m, ok := e.(map[string]interface{}); ok {
				if id, ok := m["id"].(string); ok {
					ids[id] = true
				}
			}
		}
		return ids, nil
	})
	if ids[refOf(obj).fluxID()] {
		return Evidence{Source: "flux inventory", Owner: ref}, true
	}
	return Evidence{}, false
}

// inventory reads, once, the set of ids a deployer object ("ns/name") lists.
func (f *Finder) inventory(ctx context.Context, kind, ref string, read func(ctx context.Context, ns, name string) (map[string]bool, error)) map[string]bool {
	key := kind + " " + ref
	f.mu.Lock()
	defer f.mu.Unlock()
	if ids, ok := f.cache[key]; ok {
		return ids
	}
	if f.cache == nil {
		f.cache = map[string]map[string]bool{}
	}
	ns, name, _ := strings.Cut(ref, "/")
	ids, err := read(ctx, ns, name)
	if err != nil && !apierrors.IsNotFound(err) {
		f.problem(fmt.Sprintf("reading %s %s: %v", kind, ref, err))
	}
	f.cache[key] = ids
	return ids
}

// problem records a failed read; the caller holds f.mu.
func (f *Finder) problem(msg string) {
	if f.problems == nil {
		f.problems = map[string]bool{}
	}
	f.problems[msg] = true
}
