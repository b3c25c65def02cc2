package deployer

import (
	"context"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

var getOptions = metav1.GetOptions{}

// argo finds Argo CD's tracking of obj: an annotation whose tracking id
// names obj itself (a copied annotation names another object), or an
// instance label whose Application lists obj among its resources. With a
// configured Application, only that one counts; with a known deployer
// that is no Application, none does.
func (f *Finder) argo(ctx context.Context, obj *unstructured.Unstructured) (Evidence, bool) {
	ref := refOf(obj)
	cfgNS, cfgName, configured := strings.Cut(f.Config.ArgoCDApplication, "/")
	if !configured && f.Config.known() {
		return Evidence{}, false
	}
	// The tracking id names an application of another namespace than Argo
	// CD's own as "<namespace>_<name>".
	isConfigured := func(app string) bool {
		return !configured || app == cfgName || app == cfgNS+"_"+cfgName
	}
	if id := obj.GetAnnotations()[ArgoTrackingAnnotation]; id != "" {
		if app, tracked, ok := parseTrackingID(id); ok && tracked == ref && isConfigured(app) {
			return Evidence{Source: "argocd app", Owner: app}, true
		}
	}
	app := obj.GetLabels()[ArgoInstanceLabel]
	if app == "" || !isConfigured(app) {
		return Evidence{}, false
	}
	read := func(ctx context.Context, _, name string) (map[string]bool, error) {
		list, err := f.Dynamic.Resource(ApplicationGVR).List(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + name})
		if err != nil {
			return nil, err
		}
		return applicationResources(list.Items), nil
	}
	key := "/" + app // any namespace
	if configured {
		key = cfgNS + "/" + cfgName
		read = func(ctx context.Context, ns, name string) (map[string]bool, error) {
			u, err := f.Dynamic.Resource(ApplicationGVR).Namespace(ns).Get(ctx, name, getOptions)
			if err != nil {
				return nil, err
			}
			return applicationResources([]unstructured.Unstructured{*u}), nil
		}
	}
	if f.inventory(ctx, "Application", key, read)[ref.fluxID()] {
		return Evidence{Source: "argocd app", Owner: app}, true
	}
	return Evidence{}, false
}

// parseTrackingID splits "<app>:<group>/<kind>:<namespace>/<name>".
func parseTrackingID(id string) (string, objectRef, bool) {
	parts := strings.SplitN(id, ":", 3)
	if len(parts) != 3 {
		return "", objectRef{}, false
	}
	group, kind, ok1 := strings.Cut(parts[1], "/")
	ns, name, ok2 := strings.Cut(parts[2], "/")
	if !ok1 || !ok2 || parts[0] == "" || kind == "" || name == "" {
		return "", objectRef{}, false
	}
	return parts[0], objectRef{group: group, kind: kind, namespace: ns, name: name}, true
}

// applicationResources is the set of objects the Applications list in
// status.resources, as ids like a Flux inventory's.
func applicationResources(apps []unstructured.Unstructured) map[string]bool {
	ids := map[string]bool{}
	for _, a := range apps {
		res, _, _ := unstructured.NestedSlice(a.Object, "status", "resources")
		for _, r := range res {
			m, ok := r.(map[string]interface{})
			if !ok {
				continue
			}
			s := func(k string) string { v, _ := m[k].(string); return v }
			ids[objectRef{s("group"), s("kind"), s("namespace"), s("name")}.fluxID()] = true
		}
	}
	return ids
}
