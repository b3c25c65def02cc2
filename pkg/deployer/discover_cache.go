package deployer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/internal/atomicfile"
)

// DefaultDiscoveryMaxAge bounds how long a remembered discovery is trusted
// without a full rediscovery: what one GET cannot check (the
// GitRepository's URL) is checked again at least this often.
const DefaultDiscoveryMaxAge = time.Hour

// DiscoveryCache remembers on disk which Flux Kustomization deploys a
// target in a cluster, so that a discovered deployer costs one GET instead
// of two LISTs. An entry is keyed by the cluster's server and the target's
// normalised Git URL, branch and path, written atomically, and holds no
// credentials. It is only a hint: Lookup checks it against the
// Kustomization it names and rediscovers whenever it does not hold.
type DiscoveryCache struct {
	// Dir holds one JSON file per entry; created when missing.
	Dir string
	// MaxAge bounds an entry's age (DefaultDiscoveryMaxAge when 0).
	MaxAge time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// cacheEntry is one remembered discovery.
type cacheEntry struct {
	Server        string    `json:"server"`
	URL           string    `json:"url"`
	Branch        string    `json:"branch"`
	Path          string    `json:"path"`
	Kustomization string    `json:"kustomization"`
	Source        sourceRef `json:"sourceRef"`
	// RepositoryURL is the GitRepository's spec.url, normalised (no
	// credentials), when it was found.
	RepositoryURL string    `json:"repositoryURL"`
	Found         time.Time `json:"found"`
}

func (c *DiscoveryCache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *DiscoveryCache) maxAge() time.Duration {
	if c.MaxAge > 0 {
		return c.MaxAge
	}
	return DefaultDiscoveryMaxAge
}

// file is the entry's path: a hash of the server and the target.
func (c *DiscoveryCache) file(server string, t Target) string {
	h := sha256.Sum256([]byte(strings.Join([]string{server, NormalizeURL(t.URL), t.Branch, cleanPath(t.Path)}, "\n")))
	return filepath.Join(c.Dir, hex.EncodeToString(h[:16])+".json")
}

// load reads the entry of the target; a missing, unreadable, foreign or
// too old entry is none.
func (c *DiscoveryCache) load(server string, t Target) (cacheEntry, bool) {
	var e cacheEntry
	b, err := os.ReadFile(c.file(server, t))
	if err != nil || json.Unmarshal(b, &e) != nil {
		return e, false
	}
	if e.Server != server || e.URL != NormalizeURL(t.URL) || e.Branch != t.Branch || e.Path != cleanPath(t.Path) {
		return e, false // a hash collision, or a hand-edited file
	}
	if age := c.now().Sub(e.Found); age < 0 || age > c.maxAge() {
		return e, false
	}
	return e, true
}

// store remembers a discovery. The cache is an optimisation: a failure to
// write it is ignored (the next command discovers again).
func (c *DiscoveryCache) store(server string, t Target, d Discovered) {
	e := cacheEntry{Server: server, URL: NormalizeURL(t.URL), Branch: t.Branch, Path: cleanPath(t.Path),
		Kustomization: d.Ref.String(), Source: d.source, RepositoryURL: NormalizeURL(d.repoURL), Found: c.now().UTC()}
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return
	}
	_ = atomicfile.WriteFile(c.file(server, t), append(b, '\n'), 0o600)
}

// Forget drops the target's entry: the next lookup discovers again.
func (c *DiscoveryCache) Forget(server string, t Target) {
	if c == nil {
		return
	}
	_ = os.Remove(c.file(server, t)) // gone already, or unremovable: the next check sees it
}

// Lookup is Discover through the cache. A remembered Kustomization costs
// one GET, and is trusted only when it still exists with the same
// spec.path and spec.sourceRef, the revisions it applied and attempted
// name the target's branch, and the entry is younger than MaxAge;
// anything else (gone, changed, another branch, too old) is a full
// Discover within the same call, whose answer rewrites the entry (or
// removes it when nothing deploys the target). server names the cluster
// (its API server URL). A nil cache is Discover.
func (x *Index) Lookup(ctx context.Context, c *DiscoveryCache, server string, t Target) (Discovered, error) {
	if c == nil {
		return x.Discover(ctx, t)
	}
	if e, ok := c.load(server, t); ok {
		if d, ok := x.check(ctx, e, t); ok {
			return d, nil
		}
	}
	d, err := x.Discover(ctx, t)
	if err != nil {
		return d, err
	}
	if d.Found {
		c.store(server, t, d)
	} else {
		c.Forget(server, t)
	}
	return d, nil
}

// check GETs the remembered Kustomization and says whether it still
// deploys the target.
func (x *Index) check(ctx context.Context, e cacheEntry, t Target) (Discovered, bool) {
	ref, err := ParseRef(ToolFlux, e.Kustomization)
	if err != nil {
		return Discovered{}, false
	}
	k, err := x.Dynamic.Resource(KustomizationGVR).Namespace(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	if err != nil {
		return Discovered{}, false // gone (404), or unreadable: Discover says which
	}
	p, _, _ := unstructured.NestedString(k.Object, "spec", "path")
	if cleanPath(p) != cleanPath(t.Path) || sourceOf(k) != e.Source || e.Source.Kind != "GitRepository" {
		return Discovered{}, false
	}
	if t.Branch != "" {
		for _, field := range []string{"lastAppliedRevision", "lastAttemptedRevision"} {
			rev, _, _ := unstructured.NestedString(k.Object, "status", field)
			if b, ok := RevisionBranch(rev); ok && b != t.Branch {
				return Discovered{}, false
			}
		}
	}
	return Discovered{Ref: ref, Status: StatusOf(ToolFlux, k), Found: true, Cached: true, source: e.Source, repoURL: e.RepositoryURL}, true
}

// RevisionBranch is the branch of a Flux revision: "main" of
// "main@sha1:<sha>", "refs/heads/main@sha1:<sha>" and (before Flux v2.0)
// "main/<sha>". ok is false when the revision names no branch (empty, a
// bare "sha1:<sha>" or sha).
func RevisionBranch(rev string) (string, bool) {
	var b string
	if i := strings.LastIndex(rev, "@"); i >= 0 {
		b = rev[:i]
	} else if i := strings.LastIndex(rev, "/"); i >= 0 {
		b = rev[:i]
	}
	b = strings.TrimPrefix(b, "refs/heads/")
	return b, b != ""
}
