package gitstate

import (
	"context"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

func TestRemoteMoved(t *testing.T) {
	ctx := context.Background()
	remote := testbed.NewBareRemote(t, fabricFiles)
	cache := t.TempDir()
	for name, url := range map[string]string{"bare repository": remote, "smart HTTP with a token": testbed.ServeHTTP(t, remote, "alice", "s3cret-token")} {
		t.Run(name, func(t *testing.T) {
			spec := fabric.GitSpec{URL: url, Branch: "main"}
			if strings.HasPrefix(url, "http") {
				spec.Auth = &fabric.GitAuth{Username: "alice", TokenEnv: "HNP_TEST_TOKEN"}
				t.Setenv("HNP_TEST_TOKEN", "s3cret-token")
			}
			w := mustOpen(t, spec, OpenOptions{CacheDir: cache})
			tip, moved, err := w.RemoteMoved(ctx)
			if err != nil || moved || tip != w.Revision {
				t.Fatalf("right after the fetch: tip %s, moved %v, %v; want %s, not moved", tip, moved, err, w.Revision)
			}
			next := testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/vpc-" + strings.ReplaceAll(name, " ", "-") + ".yaml": vpc("next")}, "next")
			tip, moved, err = w.RemoteMoved(ctx)
			if err != nil || !moved || tip != next {
				t.Fatalf("after a push: tip %s, moved %v, %v; want %s, moved", tip, moved, err, next)
			}
			// The workspace itself is untouched: its revision is the one read.
			if w.Revision == next {
				t.Errorf("RemoteMoved moved the workspace to %s", next)
			}
			// A new Open reads the new tip, and it has not moved since.
			w = mustOpen(t, spec, OpenOptions{CacheDir: cache})
			if _, moved, err := w.RemoteMoved(ctx); err != nil || moved || w.Revision != next {
				t.Errorf("a new read: revision %s, moved %v, %v", w.Revision, moved, err)
			}
		})
	}

	t.Run("gone branch", func(t *testing.T) {
		other := testbed.NewBareRemote(t, fabricFiles)
		testbed.CommitBranch(t, other, "dev", map[string]string{"fabrics/lab/dev.yaml": vpc("dev")}, "dev")
		w := mustOpen(t, fabric.GitSpec{URL: other, Branch: "dev"}, OpenOptions{CacheDir: t.TempDir()})
		testbed.Git(t, other, "branch", "-D", "dev")
		if tip, moved, err := w.RemoteMoved(ctx); err != nil || !moved || tip != "" {
			t.Errorf("a deleted branch: tip %q, moved %v, %v", tip, moved, err)
		}
	})

	t.Run("not fetched", func(t *testing.T) {
		wt := testbed.NewWorkTree(t, fabricFiles)
		if _, moved, err := mustOpen(t, fabric.GitSpec{URL: wt, Branch: "main"}, OpenOptions{}).RemoteMoved(ctx); moved || err != nil {
			t.Errorf("a local working tree: moved %v, %v", moved, err)
		}
		w := mustOpen(t, fabric.GitSpec{URL: remote, Branch: "main"}, OpenOptions{CacheDir: cache, Offline: true})
		testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/offline.yaml": vpc("offline")}, "offline")
		if _, moved, err := w.RemoteMoved(ctx); moved || err != nil {
			t.Errorf("offline: moved %v, %v", moved, err)
		}
	})

	t.Run("unreachable", func(t *testing.T) {
		gone := testbed.NewBareRemote(t, fabricFiles)
		r := testbed.NewHTTPRemote(t, gone, "alice", "s3cret-token")
		t.Setenv("HNP_TEST_TOKEN", "s3cret-token")
		spec := fabric.GitSpec{URL: r.URL, Branch: "main", Auth: &fabric.GitAuth{Username: "alice", TokenEnv: "HNP_TEST_TOKEN"}}
		w := mustOpen(t, spec, OpenOptions{CacheDir: t.TempDir()})
		r.Stop()
		_, moved, err := w.RemoteMoved(ctx)
		if err == nil || moved || !strings.Contains(err.Error(), "listing the refs of") || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("a remote gone: moved %v, %v", moved, err)
		}
	})
}
