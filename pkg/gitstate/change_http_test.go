package gitstate

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

const pushToken = "s3cr3t-push-t0ken"

// tokenEnv serves token as HNP_TOKEN, with ada's identity.
func tokenEnv(token string) func(string) string {
	return func(name string) string {
		if name == "HNP_TOKEN" {
			return token
		}
		return ada[name]
	}
}

func TestChangePushesOverHTTP(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	url := testbed.ServeHTTP(t, remote, "alice", pushToken)
	cache := t.TempDir()
	for i, spec := range []fabric.GitSpec{
		{URL: url, Auth: &fabric.GitAuth{TokenEnv: "HNP_TOKEN", Username: "alice"}},
		{URL: strings.Replace(url, "http://", "http://alice:"+pushToken+"@", 1)},
	} {
		w := mustOpen(t, spec, OpenOptions{CacheDir: cache, Getenv: tokenEnv(pushToken)})
		name := "fabrics/lab/http-" + strconv.Itoa(i) + ".yaml"
		opts := pushOpts()
		opts.Getenv = tokenEnv(pushToken)
		res, err := w.Change(context.Background(), put(map[string]string{name: vpc("http")}), opts)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Pushed || res.Commit != testbed.Git(t, remote, "rev-parse", "main") || strings.Contains(res.PushedTo, pushToken) {
			t.Errorf("result %+v", res)
		}
		if got := changed(t, remote, "main"); got != "A\t"+name {
			t.Errorf("the pushed commit changed %s", got)
		}
		assertCleanAt(t, w, remote)
		assertNoSecret(t, cache, pushToken)
	}
}

// pushGuard serves the repository at upstream to anyone for reading, and
// for pushing only with basic auth alice and pushToken, as a public
// repository with protected pushes does.
func pushGuard(t *testing.T, upstream string) string {
	t.Helper()
	target, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	target.Path = ""
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/git-receive-pack") || r.URL.Query().Get("service") == "git-receive-pack" {
			if u, p, ok := r.BasicAuth(); !ok || u != "alice" || p != pushToken {
				w.Header().Set("WWW-Authenticate", `Basic realm="push"`)
				http.Error(w, "push denied", http.StatusUnauthorized)
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + strings.TrimPrefix(upstream, target.String())
}

func TestChangeWrongTokenFailsCleanly(t *testing.T) {
	const wrong = "wr0ng-t0ken-value"
	remote := testbed.NewBareRemote(t, changeFiles)
	url := pushGuard(t, testbed.ServeHTTP(t, remote, "", ""))
	before := testbed.Git(t, remote, "rev-parse", "main")
	spec := fabric.GitSpec{URL: url, Auth: &fabric.GitAuth{TokenEnv: "HNP_TOKEN", Username: "alice"}}
	cache := t.TempDir()
	w := mustOpen(t, spec, OpenOptions{CacheDir: cache, Getenv: tokenEnv(wrong)}) // reading needs no token
	opts := pushOpts()
	opts.Getenv = tokenEnv(wrong)
	calls := 0
	res, err := w.Change(context.Background(), counted(&calls, put(map[string]string{"fabrics/lab/new.yaml": vpc("new")})), opts)
	switch {
	case err == nil || res != nil:
		t.Fatalf("a push with a wrong token succeeded: %+v", res)
	case calls != 1:
		t.Errorf("the change should fail at the push, after fn ran once; it ran %d times", calls)
	case strings.Contains(err.Error(), wrong):
		t.Errorf("the error shows the token: %v", err)
	case !strings.Contains(err.Error(), "pushing to "+url+" (branch main)"):
		t.Errorf("the error should name the remote and branch: %v", err)
	case !errors.Is(err, transport.ErrAuthenticationRequired) && !errors.Is(err, transport.ErrAuthorizationFailed):
		t.Errorf("the error should match go-git's auth errors: %v", err)
	}
	if tip := testbed.Git(t, remote, "rev-parse", "main"); tip != before {
		t.Errorf("the remote moved to %s", tip)
	}
	assertCleanAt(t, w, remote)
	assertNoSecret(t, cache, wrong)
	if cfg := readFile(t, filepath.Join(w.Root, ".git", "config")); strings.Contains(cfg, "alice") {
		t.Errorf(".git/config holds credentials:\n%s", cfg)
	}

	// The same clone pushes with the right token.
	w = mustOpen(t, spec, OpenOptions{CacheDir: cache, Getenv: tokenEnv(pushToken)})
	opts.Getenv = tokenEnv(pushToken)
	if res, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/new.yaml": vpc("new")}), opts); err != nil || !res.Pushed {
		t.Fatalf("with the right token: %+v, %v", res, err)
	}
	assertCleanAt(t, w, remote)
}

// A push the server refuses for a reason of its own (here a pre-receive
// hook, which git http-backend runs) is not replayed: the branch did not
// move.
func TestChangeServerRefusalIsNotReplayed(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	testbed.WriteFiles(t, remote, map[string]string{"hooks/pre-receive": "#!/bin/sh\nexit 1\n"})
	if err := os.Chmod(filepath.Join(remote, "hooks/pre-receive"), 0o755); err != nil {
		t.Fatal(err)
	}
	url := testbed.ServeHTTP(t, remote, "", "")
	w := mustOpen(t, fabric.GitSpec{URL: url}, OpenOptions{CacheDir: t.TempDir()})
	before := testbed.Git(t, remote, "rev-parse", "main")
	calls := 0
	res, err := w.Change(context.Background(), counted(&calls, put(map[string]string{"fabrics/lab/new.yaml": vpc("new")})), pushOpts())
	if err == nil || res != nil || calls != 1 || !strings.Contains(err.Error(), "pre-receive hook declined") ||
		!strings.Contains(err.Error(), "pushing to "+url+" (branch main)") {
		t.Fatalf("want the server's refusal after one call, got %+v, %v (%d calls)", res, err, calls)
	}
	if tip := testbed.Git(t, remote, "rev-parse", "main"); tip != before {
		t.Errorf("the remote moved to %s", tip)
	}
	assertCleanAt(t, w, remote)
}
