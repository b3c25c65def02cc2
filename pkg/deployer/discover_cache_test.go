package deployer

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// countingClient is a dynamic client on the control plane that counts its
// requests to Flux's API groups.
func countingClient(t testing.TB, cfg *rest.Config) (dynamic.Interface, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := rt.RoundTrip(r)
			// A request client-go sends again (a connection lost, or 429
			// from a loaded server) counts once: its answer.
			if strings.Contains(r.URL.Path, ".toolkit.fluxcd.io/") && err == nil && resp.StatusCode != http.StatusTooManyRequests {
				n.Add(1)
			}
			return resp, err
		})
	})
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return dyn, &n
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The discovery cache on a real API server: a remembered Kustomization
// costs one GET; every way it can go stale costs a full rediscovery in
// the same lookup, which rewrites (or removes) the entry.
func TestDiscoveryCache(t *testing.T) {
	cp := deployerPlane(t)
	ctx := t.Context()
	cp.Apply(t, `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: fabrics, namespace: flux-system}
spec: {interval: 1m, url: "https://user:s3cret@git.example.com/net/fabrics.git", ref: {branch: main}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: mirror, namespace: flux-system}
spec: {interval: 1m, url: "https://mirror.example.com/net/fabrics.git", ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: lab, namespace: flux-system}
spec: {interval: 1m, prune: true, path: ./fabrics/lab, sourceRef: {kind: GitRepository, name: fabrics}}
`)
	dyn, n := countingClient(t, cp.RestConfig)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cache := &DiscoveryCache{Dir: filepath.Join(t.TempDir(), "deployers"), Now: func() time.Time { return now }}
	target := Target{URL: "https://git.example.com/net/fabrics", Branch: "main", Path: "fabrics/lab"}
	const server = "https://127.0.0.1:6443"
	ks := dyn.Resource(KustomizationGVR).Namespace("flux-system")

	// lookup runs one command's lookup (a fresh Index) and checks what it
	// found, whether through the cache, and its requests to Flux's API.
	lookup := func(t *testing.T, want string, cached bool, requests int64) {
		t.Helper()
		n.Store(0)
		d, err := (&Index{Dynamic: dyn}).Lookup(ctx, cache, server, target)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if d.Found {
			got = d.Ref.String()
		}
		if got != want || d.Cached != cached || n.Load() != requests {
			t.Errorf("found %q (cached %v) with %d requests, want %q (cached %v) with %d", got, d.Cached, n.Load(), want, cached, requests)
		}
		if d.Found && (d.Status == nil || d.Status.Name != want) {
			t.Errorf("status %+v, want the Kustomization's", d.Status)
		}
	}
	entry := func() string {
		b, _ := os.ReadFile(cache.file(server, target))
		return string(b)
	}
	patch := func(t *testing.T, name, p string) {
		t.Helper()
		if _, err := ks.Patch(ctx, name, types.MergePatchType, []byte(p), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("cold: two LISTs, remembered without credentials", func(t *testing.T) {
		lookup(t, "flux-system/lab", false, 2)
		e := entry()
		if !strings.Contains(e, `"kustomization": "flux-system/lab"`) || strings.Contains(e, "s3cret") || strings.Contains(e, "user") {
			t.Errorf("cache entry:\n%s", e)
		}
		if fi, err := os.Stat(cache.file(server, target)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("entry mode: %v %v", fi, err)
		}
	})
	t.Run("warm: one GET", func(t *testing.T) {
		lookup(t, "flux-system/lab", true, 1)
		setStatus(t, cp, Ref{Tool: ToolFlux, Namespace: "flux-system", Name: "lab"}, map[string]interface{}{
			"lastAppliedRevision": "main@sha1:" + shaOld, "lastAttemptedRevision": "refs/heads/main@sha1:" + shaNew,
		})
		lookup(t, "flux-system/lab", true, 1)
	})
	t.Run("another cluster or target is another entry", func(t *testing.T) {
		n.Store(0)
		d, err := (&Index{Dynamic: dyn}).Lookup(ctx, cache, "https://other:6443", target)
		if err != nil || !d.Found || d.Cached || n.Load() != 2 {
			t.Errorf("other server: %+v %v, %d requests", d, err, n.Load())
		}
	})
	t.Run("the applied revision names another branch: rediscovered", func(t *testing.T) {
		setStatus(t, cp, Ref{Tool: ToolFlux, Namespace: "flux-system", Name: "lab"}, map[string]interface{}{
			"lastAppliedRevision": "dev@sha1:" + shaOld,
		})
		// The GitRepository still says main: the same Kustomization, found
		// again by LISTs (1 GET + 2 LISTs).
		lookup(t, "flux-system/lab", false, 3)
		setStatus(t, cp, Ref{Tool: ToolFlux, Namespace: "flux-system", Name: "lab"}, map[string]interface{}{
			"lastAppliedRevision": "main@sha1:" + shaOld,
		})
		lookup(t, "flux-system/lab", true, 1)
	})
	t.Run("gone (404): rediscovered, the new one remembered", func(t *testing.T) {
		if err := ks.Delete(ctx, "lab", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		cp.Apply(t, `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: lab-new, namespace: flux-system}
spec: {interval: 1m, prune: true, path: fabrics/lab, sourceRef: {kind: GitRepository, name: fabrics}}
`)
		lookup(t, "flux-system/lab-new", false, 3)
		lookup(t, "flux-system/lab-new", true, 1)
	})
	t.Run("another source: rediscovered, and nothing deploys the target", func(t *testing.T) {
		patch(t, "lab-new", `{"spec":{"sourceRef":{"name":"mirror"}}}`)
		lookup(t, "", false, 3)
		if e := entry(); e != "" {
			t.Errorf("entry kept for a target nothing deploys:\n%s", e)
		}
		patch(t, "lab-new", `{"spec":{"sourceRef":{"name":"fabrics"}}}`)
		lookup(t, "flux-system/lab-new", false, 2)
	})
	t.Run("another path: rediscovered", func(t *testing.T) {
		patch(t, "lab-new", `{"spec":{"path":"fabrics/other"}}`)
		lookup(t, "", false, 2) // the GET, then one LIST: no Kustomization has the path
		patch(t, "lab-new", `{"spec":{"path":"fabrics/lab"}}`)
		lookup(t, "flux-system/lab-new", false, 2)
	})
	t.Run("too old: rediscovered without the GET", func(t *testing.T) {
		lookup(t, "flux-system/lab-new", true, 1)
		now = now.Add(DefaultDiscoveryMaxAge + time.Minute)
		lookup(t, "flux-system/lab-new", false, 2)
		lookup(t, "flux-system/lab-new", true, 1)
	})
	t.Run("a damaged entry is none", func(t *testing.T) {
		if err := os.WriteFile(cache.file(server, target), []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
		lookup(t, "flux-system/lab-new", false, 2)
		lookup(t, "flux-system/lab-new", true, 1)
	})
}

func TestRevisionBranch(t *testing.T) {
	for in, want := range map[string]string{
		"main@sha1:" + shaNew: "main", "refs/heads/main@sha1:" + shaNew: "main", "release/1.0@sha1:" + shaNew: "release/1.0",
		"main/" + shaNew: "main", "sha1:" + shaNew: "", shaNew: "", "": "",
	} {
		got, ok := RevisionBranch(in)
		if got != want || ok != (want != "") {
			t.Errorf("%q: %q %v, want %q", in, got, ok, want)
		}
	}
}
