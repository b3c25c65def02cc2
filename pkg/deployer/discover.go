package deployer

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"
	"sync"

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
	// Cached says the answer came from the DiscoveryCache (one GET of
	// the remembered Kustomization) rather than from LISTs.
	Cached bool

	// source is the Kustomization's spec.sourceRef, and repoURL the
	// GitRepository's spec.url, as found: what the cache remembers.
	source  sourceRef
	repoURL string
}

// sourceRef is a Kustomization's spec.sourceRef, its namespace filled in.
type sourceRef struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// sourceOf reads a Kustomization's spec.sourceRef (namespace defaulted to
// the Kustomization's).
func sourceOf(k *unstructured.Unstructured) sourceRef {
	kind, _, _ := unstructured.NestedString(k.Object, "spec", "sourceRef", "kind")
	name, _, _ := unstructured.NestedString(k.Object, "spec", "sourceRef", "name")
	ns, _, _ := unstructured.NestedString(k.Object, "spec", "sourceRef", "namespace")
	if ns == "" {
		ns = k.GetNamespace()
	}
	return sourceRef{Kind: kind, Namespace: ns, Name: name}
}

// Index finds the Flux Kustomizations that deploy fabrics in one cluster.
// It LISTs the Kustomizations of all namespaces once and, only when one
// has a fabric's path, the GitRepositories once: the lookups of all the
// fabrics of a cluster share them. It is safe for concurrent use.
type Index struct {
	Dynamic dynamic.Interface

	mu            sync.Mutex
	ks, repos     []unstructured.Unstructured
	ksRead, rRead bool
	ksErr, rErr   error
}

// Discover finds the Flux Kustomization that deploys the target: the one
// whose spec.path is the target's path and whose GitRepository fetches
// the target's repository (URLs compared without scheme, credentials and
// a ".git" suffix) and branch. No Flux on the cluster (or no permission to
// list) is no deployer; several matches are an error naming them.
func (x *Index) Discover(ctx context.Context, t Target) (Discovered, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.ksRead {
		x.ksRead = true
		x.ks, x.ksErr = x.list(ctx, KustomizationGVR, "Kustomizations")
	}
	if x.ksErr != nil {
		return Discovered{}, x.ksErr
	}
	want := cleanPath(t.Path)
	var candidates []unstructured.Unstructured
	for _, k := range x.ks {
		kind, _, _ := unstructured.NestedString(k.Object, "spec", "sourceRef", "kind")
		p, _, _ := unstructured.NestedString(k.Object, "spec", "path")
		if kind == "GitRepository" && cleanPath(p) == want {
			candidates = append(candidates, k)
		}
	}
	if len(candidates) == 0 {
		return Discovered{}, nil
	}
	if !x.rRead {
		x.rRead = true
		x.repos, x.rErr = x.list(ctx, GitRepositoryGVR, "GitRepositories")
	}
	if x.rErr != nil {
		return Discovered{}, x.rErr
	}
	byName := map[string]*unstructured.Unstructured{}
	for i := range x.repos {
		r := &x.repos[i]
		byName[r.GetNamespace()+"/"+r.GetName()] = r
	}
	wantURL := NormalizeURL(t.URL)
	var found []unstructured.Unstructured
	var url string
	for _, k := range candidates {
		src := sourceOf(&k)
		r := byName[src.Namespace+"/"+src.Name]
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
			url = u
		}
	}
	switch len(found) {
	case 0:
		return Discovered{}, nil
	case 1:
		k := &found[0]
		return Discovered{Ref: Ref{Tool: ToolFlux, Namespace: k.GetNamespace(), Name: k.GetName()}, Status: StatusOf(ToolFlux, k), Found: true,
			source: sourceOf(k), repoURL: url}, nil
	}
	var names []string
	for _, k := range found {
		names = append(names, k.GetNamespace()+"/"+k.GetName())
	}
	sort.Strings(names)
	return Discovered{}, fmt.Errorf("several Flux Kustomizations deploy %s (branch %s, path %s): %s; name the fabric's in its config: gitops: {flux: {kustomization: NAMESPACE/NAME}}",
		wantURL, t.Branch, want, strings.Join(names, ", "))
}

// list LISTs a Flux resource in all namespaces; not served or not
// permitted is an empty list.
func (x *Index) list(ctx context.Context, gvr schema.GroupVersionResource, what string) ([]unstructured.Unstructured, error) {
	l, err := x.Dynamic.Resource(gvr).List(ctx, metav1.ListOptions{})
	if absent(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing Flux %s: %w", what, err)
	}
	return l.Items, nil
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
