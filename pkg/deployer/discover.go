package deployer

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// GitRepositoryGVR is Flux's GitRepository source.
var GitRepositoryGVR = schema.GroupVersionResource{Group: "source.toolkit.fluxcd.io", Version: "v1", Resource: "gitrepositories"}

// Target is what a fabric deploys: its Git repository, branch and the
// path the deployer builds.
type Target struct {
	URL    string
	Branch string
	Path   string
}

// Discovered is the outcome of Discover: the Kustomization that deploys
// the target (Found), with its status as the LIST returned it.
type Discovered struct {
	Ref    Ref
	Status *Status
	Found  bool
}

// Discover finds the Flux Kustomization that deploys the target: the one
// whose spec.path is the target's path and whose GitRepository fetches
// the target's repository (URLs compared without scheme, credentials and
// a ".git" suffix) and branch. It LISTs the Kustomizations of all
// namespaces and, only when one has the path, the GitRepositories. No
// Flux on the cluster (or no permission to list) is no deployer; several
// matches are an error naming them.
func Discover(ctx context.Context, dyn dynamic.Interface, t Target) (Discovered, error) {
	ks, err := dyn.Resource(KustomizationGVR).List(ctx, metav1.ListOptions{})
	if absent(err) {
		return Discovered{}, nil
	}
	if err != nil {
		return Discovered{}, fmt.Errorf("listing Flux Kustomizations: %w", err)
	}
	want := cleanPath(t.Path)
	var candidates []unstructured.Unstructured
	for _, k := range ks.Items {
		kind, _, _ := unstructured.NestedString(k.Object, "spec", "sourceRef", "kind")
		p, _, _ := unstructured.NestedString(k.Object, "spec", "path")
		if kind == "GitRepository" && cleanPath(p) == want {
			candidates = append(candidates, k)
		}
	}
	if len(candidates) == 0 {
		return Discovered{}, nil
	}
	repos, err := dyn.Resource(GitRepositoryGVR).List(ctx, metav1.ListOptions{})
	if absent(err) {
		return Discovered{}, nil
	}
	if err != nil {
		return Discovered{}, fmt.Errorf("listing Flux GitRepositories: %w", err)
	}
	byName := map[string]*unstructured.Unstructured{}
	for i := range repos.Items {
		r := &repos.Items[i]
		byName[r.GetNamespace()+"/"+r.GetName()] = r
	}
	wantURL := NormalizeURL(t.URL)
	var found []unstructured.Unstructured
	for _, k := range candidates {
		name, _, _ := unstructured.NestedString(k.Object, "spec", "sourceRef", "name")
		ns, _, _ := unstructured.NestedString(k.Object, "spec", "sourceRef", "namespace")
		if ns == "" {
			ns = k.GetNamespace()
		}
		r := byName[ns+"/"+name]
		if r == nil {
			continue
		}
		u, _, _ := unstructured.NestedString(r.Object, "spec", "url")
		b, _, _ := unstructured.NestedString(r.Object, "spec", "ref", "branch")
		if b == "" {
			b = "master" // Flux's default when spec.ref names no branch
		}
		if NormalizeURL(u) == wantURL && (t.Branch == "" || b == t.Branch) {
			found = append(found, k)
		}
	}
	switch len(found) {
	case 0:
		return Discovered{}, nil
	case 1:
		k := &found[0]
		return Discovered{Ref: Ref{Tool: ToolFlux, Namespace: k.GetNamespace(), Name: k.GetName()}, Status: StatusOf(ToolFlux, k), Found: true}, nil
	}
	var names []string
	for _, k := range found {
		names = append(names, k.GetNamespace()+"/"+k.GetName())
	}
	sort.Strings(names)
	return Discovered{}, fmt.Errorf("several Flux Kustomizations deploy %s (branch %s, path %s): %s; name the fabric's in its config: gitops: {flux: {kustomization: NAMESPACE/NAME}}",
		wantURL, t.Branch, want, strings.Join(names, ", "))
}

// absent says the resource is not served (no Flux) or not readable (no
// permission): then there is no deployer to show.
func absent(err error) bool {
	return err != nil && (apierrors.IsNotFound(err) || apierrors.IsForbidden(err) || meta.IsNoMatchError(err))
}

// cleanPath makes "./fabrics/lab/", "fabrics/lab" and "/fabrics/lab" one
// path; the repository's top is ".".
func cleanPath(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "" {
		return "."
	}
	return p
}

// NormalizeURL reduces a Git URL to host/path for comparison: no scheme,
// no credentials, no port for the scheme's default, lower-case host, no
// ".git" suffix or trailing slash. "git@host:org/repo.git",
// "ssh://git@host/org/repo" and "https://user:token@host/org/repo.git" are
// all "host/org/repo". A local path stays a cleaned path.
func NormalizeURL(raw string) string {
	s := strings.TrimSpace(raw)
	if !strings.Contains(s, "://") {
		// scp-like: [user@]host:path
		if at, colon := strings.Index(s, "@"), strings.Index(s, ":"); colon > 0 && !strings.HasPrefix(s, "/") && (at < 0 || at < colon) {
			host := s[:colon]
			if at >= 0 {
				host = s[at+1 : colon]
			}
			return strings.ToLower(host) + "/" + trimRepo(s[colon+1:])
		}
		return path.Clean(s)
	}
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	if u.Scheme == "file" {
		return path.Clean(u.Path)
	}
	host := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && !(p == "443" && u.Scheme == "https") && !(p == "80" && u.Scheme == "http") && !(p == "22" && u.Scheme == "ssh") {
		host += ":" + p
	}
	return host + "/" + trimRepo(u.Path)
}

func trimRepo(p string) string {
	p = strings.Trim(p, "/")
	return strings.TrimSuffix(p, ".git")
}
