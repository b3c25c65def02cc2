package gitstate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// isolateHome points HOME and XDG_CONFIG_HOME at an empty directory, which
// it returns: no global git config.
func isolateHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	return home
}

func authorAndCommitter(t *testing.T, repo, rev string) string {
	t.Helper()
	return testbed.Git(t, repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>", rev)
}

func TestChangeNeedsAnIdentity(t *testing.T) {
	isolateHome(t)
	remote, w := newCache(t)
	before := testbed.Git(t, remote, "rev-parse", "main")
	for _, env := range []map[string]string{nil, {"GIT_AUTHOR_NAME": "Ada Lovelace"}} {
		opts := pushOpts()
		opts.Getenv = envOf(env)
		calls := 0
		_, err := w.Change(context.Background(), counted(&calls, put(map[string]string{"fabrics/lab/new.yaml": vpc("new")})), opts)
		if !errors.Is(err, ErrNoIdentity) || !strings.Contains(err.Error(), "git config --global user.email") ||
			!strings.Contains(err.Error(), "GIT_AUTHOR_NAME") || calls != 0 {
			t.Errorf("env %v: %v (fn called %d times)", env, err, calls)
		}
		if tip := testbed.Git(t, remote, "rev-parse", "main"); tip != before {
			t.Fatalf("the remote moved to %s", tip)
		}
		assertCleanAt(t, w, remote)
	}

	wt := testbed.NewWorkTree(t, changeFiles)
	head := testbed.Git(t, wt, "rev-parse", "HEAD")
	lw := mustOpen(t, fabricSpec(wt), OpenOptions{})
	opts := pushOpts()
	opts.Getenv = envOf(nil)
	if _, err := lw.Change(context.Background(), put(map[string]string{"fabrics/lab/new.yaml": vpc("new")}), opts); !errors.Is(err, ErrNoIdentity) {
		t.Errorf("a local tree without identity: %v", err)
	}
	if exists(filepath.Join(wt, "fabrics/lab/new.yaml")) || testbed.Git(t, wt, "rev-parse", "HEAD") != head {
		t.Error("a change without identity wrote to the working tree")
	}
}

func TestChangeIdentityFromConfig(t *testing.T) {
	home := isolateHome(t)
	testbed.WriteFiles(t, home, map[string]string{".gitconfig": "[user]\n\tname = Grace Hopper\n\temail = grace@example.com\n"})
	remote, w := newCache(t)
	opts := pushOpts()
	opts.Getenv = envOf(map[string]string{"GIT_COMMITTER_NAME": "CI Bot", "GIT_COMMITTER_EMAIL": "ci@example.com"})
	if _, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/a.yaml": vpc("a")}), opts); err != nil {
		t.Fatal(err)
	}
	if got := authorAndCommitter(t, remote, "main"); got != "Grace Hopper <grace@example.com>|CI Bot <ci@example.com>" {
		t.Errorf("from the global config and the committer's variables: %s", got)
	}

	// The XDG config serves too.
	if err := os.Remove(filepath.Join(home, ".gitconfig")); err != nil {
		t.Fatal(err)
	}
	testbed.WriteFiles(t, home, map[string]string{".config/git/config": "[user]\n\tname = Linus\n\temail = linus@example.com\n"})
	opts.Getenv = envOf(nil)
	if _, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/b.yaml": vpc("b")}), opts); err != nil {
		t.Fatal(err)
	}
	if got := authorAndCommitter(t, remote, "main"); got != "Linus <linus@example.com>|Linus <linus@example.com>" {
		t.Errorf("from the XDG config: %s", got)
	}

	// A repository's own config comes before the global one.
	wt := testbed.NewWorkTree(t, changeFiles)
	testbed.Git(t, wt, "config", "user.name", "Local Person")
	testbed.Git(t, wt, "config", "user.email", "local@example.com")
	lw := mustOpen(t, fabricSpec(wt), OpenOptions{})
	if _, err := lw.Change(context.Background(), put(map[string]string{"fabrics/lab/c.yaml": vpc("c")}), opts); err != nil {
		t.Fatal(err)
	}
	if got := authorAndCommitter(t, wt, "HEAD"); got != "Local Person <local@example.com>|Local Person <local@example.com>" {
		t.Errorf("from the repository's config: %s", got)
	}
}
