package gitstate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/gofrs/flock"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

var fabricFiles = map[string]string{
	"fabrics/lab/vpcs.yaml": vpc("vpc-1") + "---\n" + vpc("vpc-2"),
	"README.md":             "# fabrics\n",
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func mustOpen(t *testing.T, spec fabric.GitSpec, opts OpenOptions) *Workspace {
	t.Helper()
	w, err := Open(context.Background(), spec, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", spec.URL, err)
	}
	return w
}

func loadKeys(t *testing.T, w *Workspace, dir string) []resource.Key {
	t.Helper()
	var d *desired.State
	var err error
	if w.Local {
		d, err = desired.Load(w.Root, dir)
	} else {
		tr, terr := w.Tree()
		if terr != nil {
			t.Fatal(terr)
		}
		defer func() { _ = tr.Close() }()
		d, err = desired.LoadFS(tr, dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	return d.Objects.Keys()
}

var cacheNameRe = regexp.MustCompile(`^[A-Za-z0-9._-]+-[0-9a-f]{12}$`)

func TestOpenClonesBarePathAndFileURL(t *testing.T) {
	remote := testbed.NewBareRemote(t, fabricFiles)
	head := testbed.Git(t, remote, "rev-parse", "main")
	for _, url := range []string{remote, "file://" + remote} {
		t.Run(url, func(t *testing.T) {
			cache := t.TempDir()
			w := mustOpen(t, fabric.GitSpec{URL: url}, OpenOptions{CacheDir: cache})
			if w.Local || w.Revision != head || w.Branch != "main" || w.URL != url {
				t.Fatalf("workspace %+v, want a clone of %s at %s on main", w, url, head)
			}
			if filepath.Dir(w.Root) != filepath.Join(cache, "repos") || !cacheNameRe.MatchString(filepath.Base(w.Root)) ||
				!strings.Contains(filepath.Base(w.Root), "remote") {
				t.Errorf("clone at %s, want a readable name below %s/repos", w.Root, cache)
			}
			if keys := loadKeys(t, w, "fabrics/lab"); len(keys) != 2 || keys[0].Name != "vpc-1" {
				t.Errorf("loaded %v", keys)
			}
			if !exists(w.Root+".lock") || flock.New(w.Root+".lock").Locked() {
				t.Error("the lock file should exist beside the clone, released")
			}
		})
	}
}

func TestOpenFetchesNewCommits(t *testing.T) {
	remote := testbed.NewBareRemote(t, fabricFiles)
	opts := OpenOptions{CacheDir: t.TempDir()}
	first := mustOpen(t, fabric.GitSpec{URL: remote}, opts)
	// Local changes in the cache are ours to throw away.
	testbed.WriteFiles(t, first.Root, map[string]string{"stray.yaml": vpc("stray"), "README.md": "changed\n"})

	sha := testbed.CommitFiles(t, remote, map[string]string{
		"fabrics/lab/new.yaml":  vpc("vpc-3"),
		"fabrics/lab/vpcs.yaml": testbed.Delete,
	}, "add vpc-3, drop the others")
	second := mustOpen(t, fabric.GitSpec{URL: remote}, opts)
	if second.Root != first.Root || second.Revision != sha || second.Revision == first.Revision {
		t.Fatalf("second open at %s %s, want %s %s", second.Root, second.Revision, first.Root, sha)
	}
	keys := loadKeys(t, second, "fabrics/lab")
	if len(keys) != 1 || keys[0].Name != "vpc-3" {
		t.Errorf("after fetch loaded %v, want only vpc-3", keys)
	}
	if inTree(t, second, "stray.yaml") || readTree(t, second, "README.md") != "# fabrics\n" {
		t.Error("the cache's working tree was not reset to the fetched tip")
	}
}

func TestOpenOffline(t *testing.T) {
	for _, scheme := range []string{"", "file://"} {
		remote := testbed.NewBareRemote(t, fabricFiles)
		cache := t.TempDir()
		spec := fabric.GitSpec{URL: scheme + remote}
		_, err := Open(context.Background(), spec, OpenOptions{CacheDir: cache, Offline: true})
		if err == nil || !strings.Contains(err.Error(), "no cached copy of "+spec.URL) {
			t.Fatalf("offline without a cache: %v", err)
		}
		online := mustOpen(t, spec, OpenOptions{CacheDir: cache})
		if err := os.RemoveAll(remote); err != nil {
			t.Fatal(err)
		}
		offline := mustOpen(t, spec, OpenOptions{CacheDir: cache, Offline: true})
		if offline.Root != online.Root || offline.Revision != online.Revision || offline.Branch != "main" {
			t.Errorf("offline %+v, want the cache %+v", offline, online)
		}
		if keys := loadKeys(t, offline, "fabrics/lab"); len(keys) != 2 {
			t.Errorf("offline loaded %v", keys)
		}
		// Online, the vanished remote is an error naming it; the cache survives.
		_, err = Open(context.Background(), spec, OpenOptions{CacheDir: cache})
		if err == nil || !strings.Contains(err.Error(), spec.URL) {
			t.Fatalf("online without the remote: %v", err)
		}
		if !inTree(t, online, "fabrics/lab/vpcs.yaml") {
			t.Error("a failed fetch damaged the cache")
		}
	}
}

func TestOpenHTTP(t *testing.T) {
	const token = "s3cr3t-t0ken-value"
	remote := testbed.NewBareRemote(t, fabricFiles)
	url := testbed.ServeHTTP(t, remote, "alice", token)
	env := func(v string) func(string) string {
		return func(name string) string {
			if name == "HNP_TOKEN" {
				return v
			}
			return ""
		}
	}
	spec := fabric.GitSpec{URL: url, Auth: &fabric.GitAuth{TokenEnv: "HNP_TOKEN", Username: "alice"}}
	cache := t.TempDir()

	w := mustOpen(t, spec, OpenOptions{CacheDir: cache, Getenv: env(token)})
	if w.Revision != testbed.Git(t, remote, "rev-parse", "main") || w.URL != url {
		t.Fatalf("workspace %+v", w)
	}
	sha := testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/new.yaml": vpc("vpc-3")}, "more")
	if w = mustOpen(t, spec, OpenOptions{CacheDir: cache, Getenv: env(token)}); w.Revision != sha {
		t.Errorf("fetch over HTTP got %s, want %s", w.Revision, sha)
	}
	if cfg := readFile(t, filepath.Join(w.Root, ".git", "config")); strings.Contains(cfg, token) || strings.Contains(cfg, "alice") {
		t.Errorf(".git/config holds credentials:\n%s", cfg)
	}
	assertNoSecret(t, filepath.Dir(w.Root), token)

	for _, bad := range []string{"wrong-t0ken-value", ""} {
		_, err := Open(context.Background(), spec, OpenOptions{CacheDir: t.TempDir(), Getenv: env(bad)})
		switch {
		case err == nil:
			t.Fatalf("token %q accepted", bad)
		case bad == "" && !strings.Contains(err.Error(), "HNP_TOKEN"):
			t.Errorf("a missing token should name the variable: %v", err)
		case bad != "" && (strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), url+" (default branch)")):
			t.Errorf("error should name %s and hide the token: %v", url, err)
		case bad != "" && !errors.Is(err, transport.ErrAuthenticationRequired) && !errors.Is(err, transport.ErrAuthorizationFailed):
			t.Errorf("error should match go-git's auth errors: %v", err)
		}
	}

	// Credentials written into the URL are used, and neither stored nor shown.
	withUserinfo := strings.Replace(url, "http://", "http://alice:"+token+"@", 1)
	w = mustOpen(t, fabric.GitSpec{URL: withUserinfo}, OpenOptions{CacheDir: cache})
	if strings.Contains(w.URL, token) || !strings.Contains(w.URL, "alice:***@") || strings.Contains(w.Root, token) {
		t.Errorf("workspace shows the token: URL %s, Root %s", w.URL, w.Root)
	}
	if cfg := readFile(t, filepath.Join(w.Root, ".git", "config")); strings.Contains(cfg, token) {
		t.Errorf(".git/config holds the token:\n%s", cfg)
	}
	assertNoSecret(t, filepath.Dir(w.Root), token)
	wrong := strings.Replace(url, "http://", "http://alice:wrong-t0ken-value@", 1)
	_, err := Open(context.Background(), fabric.GitSpec{URL: wrong}, OpenOptions{CacheDir: t.TempDir()})
	if err == nil || strings.Contains(err.Error(), "wrong-t0ken-value") || !strings.Contains(err.Error(), "alice:***@") {
		t.Errorf("error should redact the URL's password: %v", err)
	}
}

// assertNoSecret fails if any file below dir contains secret.
func assertNoSecret(t *testing.T, dir, secret string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.Contains(readFile(t, p), secret) {
			t.Errorf("%s holds the secret", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenHTTPWithoutAuth(t *testing.T) {
	remote := testbed.NewBareRemote(t, fabricFiles)
	url := testbed.ServeHTTP(t, remote, "", "")
	w := mustOpen(t, fabric.GitSpec{URL: url, Branch: "main"}, OpenOptions{CacheDir: t.TempDir()})
	if w.Revision != testbed.Git(t, remote, "rev-parse", "main") || len(loadKeys(t, w, "fabrics/lab")) != 2 {
		t.Errorf("public HTTP remote: %+v", w)
	}
}

func TestOpenLocalWorkTree(t *testing.T) {
	wt := testbed.NewWorkTree(t, fabricFiles)
	head := testbed.Git(t, wt, "rev-parse", "HEAD")
	testbed.WriteFiles(t, wt, map[string]string{"fabrics/lab/draft.yaml": vpc("draft")})

	w := mustOpen(t, fabric.GitSpec{URL: wt, Branch: "main"}, OpenOptions{CacheDir: t.TempDir()})
	if !w.Local || w.Root != wt || w.Revision != head || w.Branch != "main" {
		t.Fatalf("workspace %+v, want %s read in place at %s", w, wt, head)
	}
	if keys := loadKeys(t, w, "fabrics/lab"); len(keys) != 3 {
		t.Errorf("the uncommitted file is not read: %v", keys)
	}
	sub := mustOpen(t, fabric.GitSpec{URL: filepath.Join(wt, "fabrics")}, OpenOptions{})
	if !sub.Local || sub.Root != filepath.Join(wt, "fabrics") || sub.Revision != head {
		t.Errorf("a directory inside the working tree: %+v", sub)
	}
	plain := t.TempDir()
	if w := mustOpen(t, fabric.GitSpec{URL: plain}, OpenOptions{}); !w.Local || w.Revision != "" || w.Branch != "" {
		t.Errorf("a plain directory: %+v", w)
	}
	if _, err := Open(context.Background(), fabric.GitSpec{URL: wt, Branch: "dev"}, OpenOptions{}); err == nil ||
		!strings.Contains(err.Error(), "is on branch main, but the fabric's branch is dev") {
		t.Errorf("branch mismatch: %v", err)
	}
	if _, err := Open(context.Background(), fabric.GitSpec{URL: filepath.Join(plain, "nope")}, OpenOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing directory: %v", err)
	}
}

func TestOpenBranches(t *testing.T) {
	remote := testbed.NewBareRemote(t, fabricFiles)
	devSHA := testbed.CommitBranch(t, remote, "dev", map[string]string{"fabrics/lab/dev.yaml": vpc("dev")}, "dev work")
	cache := t.TempDir()

	dev := mustOpen(t, fabric.GitSpec{URL: remote, Branch: "dev"}, OpenOptions{CacheDir: cache})
	main := mustOpen(t, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: cache})
	if dev.Branch != "dev" || dev.Revision != devSHA || !inTree(t, dev, "fabrics/lab/dev.yaml") {
		t.Errorf("dev: %+v", dev)
	}
	if main.Branch != "main" || main.Root == dev.Root || inTree(t, main, "fabrics/lab/dev.yaml") {
		t.Errorf("default branch: %+v", main)
	}
	// The default branch is whatever the remote's HEAD says.
	testbed.Git(t, remote, "symbolic-ref", "HEAD", "refs/heads/dev")
	if w := mustOpen(t, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: cache}); w.Branch != "dev" || w.Revision != devSHA {
		t.Errorf("after the remote's HEAD moved to dev: %+v", w)
	}
	_, err := Open(context.Background(), fabric.GitSpec{URL: remote, Branch: "nope"}, OpenOptions{CacheDir: cache})
	if err == nil || !strings.Contains(err.Error(), `branch "nope" not found`) || !strings.Contains(err.Error(), "(branch nope)") {
		t.Errorf("a missing branch: %v", err)
	}
	clones, _ := filepath.Glob(filepath.Join(cache, "repos", "*[0-9a-f]"))
	if len(clones) != 2 {
		t.Errorf("a failed first fetch should leave no clone behind: %v", clones)
	}
}

func TestWorkspaceLock(t *testing.T) {
	remote := testbed.NewBareRemote(t, fabricFiles)
	cache := t.TempDir()
	w := mustOpen(t, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: cache})
	if err := w.Lock(context.Background()); err != nil {
		t.Fatal(err)
	}
	other := flock.New(w.Root + ".lock")
	if ok, err := other.TryLock(); ok || err != nil {
		t.Fatalf("the lock is not exclusive: %v %v", ok, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Open(ctx, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: cache}); !errors.Is(err, context.Canceled) {
		t.Errorf("Open while locked elsewhere should wait until its context ends: %v", err)
	}
	if err := w.Unlock(); err != nil {
		t.Fatal(err)
	}
	if ok, err := other.TryLock(); !ok || err != nil {
		t.Fatalf("the lock was not released: %v %v", ok, err)
	}
	_ = other.Unlock()
	local := mustOpen(t, fabric.GitSpec{URL: t.TempDir()}, OpenOptions{})
	if local.Lock(context.Background()) != nil || local.Unlock() != nil {
		t.Error("locking a local workspace should do nothing")
	}
}
