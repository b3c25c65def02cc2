package gitstate

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

func fabricSpec(url string) fabric.GitSpec { return fabric.GitSpec{URL: url} }

// cloneOf clones remote (a path or URL) into a new working tree, whose
// main then tracks origin/main.
func cloneOf(t testing.TB, remote string) string {
	t.Helper()
	wt := filepath.Join(t.TempDir(), "wt")
	testbed.Git(t, filepath.Dir(wt), "clone", "-q", remote, wt)
	return wt
}

func TestChangeLocalCommitsAndPushesUpstream(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	wt := cloneOf(t, remote)
	before := testbed.Git(t, wt, "rev-parse", "HEAD")
	w := mustOpen(t, fabricSpec(wt), OpenOptions{})
	res, err := w.Change(context.Background(), put(map[string]string{
		"fabrics/lab/vpcs.yaml":    vpc("vpc-9"),
		"fabrics/lab/sub/new.yaml": vpc("new"),
		"fabrics/lab/old.yaml":     testbed.Delete,
	}), pushOpts())
	if err != nil {
		t.Fatal(err)
	}
	head := testbed.Git(t, wt, "rev-parse", "HEAD")
	if !res.Pushed || res.PushedTo != remote || res.NoUpstream || res.Commit != head || res.Branch != "main" || w.Revision != head {
		t.Errorf("result %+v, HEAD %s", res, head)
	}
	if tip := testbed.Git(t, remote, "rev-parse", "main"); tip != head || testbed.Git(t, wt, "rev-parse", "HEAD^") != before {
		t.Errorf("the remote is at %s, want %s on %s", tip, head, before)
	}
	if got := changed(t, wt, "HEAD"); got != "D\tfabrics/lab/old.yaml\nA\tfabrics/lab/sub/new.yaml\nM\tfabrics/lab/vpcs.yaml" {
		t.Errorf("the commit changed:\n%s", got)
	}
	if st := testbed.Git(t, wt, "status", "--porcelain=v1", "--branch"); st != "## main...origin/main" {
		t.Errorf("the working tree should be clean and even with origin/main:\n%s", st)
	}
	if got := readFile(t, filepath.Join(wt, "fabrics/lab/vpcs.yaml")); got != vpc("vpc-9") {
		t.Errorf("the working tree holds %q", got)
	}
}

func TestChangeLocalWithoutUpstream(t *testing.T) {
	wt := testbed.NewWorkTree(t, changeFiles)
	before := testbed.Git(t, wt, "rev-parse", "HEAD")
	w := mustOpen(t, fabricSpec(wt), OpenOptions{})
	res, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/new.yaml": vpc("new")}), pushOpts())
	if err != nil {
		t.Fatal(err)
	}
	if res.Pushed || !res.NoUpstream || res.Commit != testbed.Git(t, wt, "rev-parse", "HEAD") {
		t.Errorf("result %+v", res)
	}
	if parent := testbed.Git(t, wt, "rev-parse", "HEAD^"); parent != before {
		t.Errorf("the commit's parent is %s, want %s", parent, before)
	}
	if st := testbed.Git(t, wt, "status", "--porcelain"); st != "" {
		t.Errorf("the working tree is not clean:\n%s", st)
	}
}

func TestChangeLocalRefusesFilesWithUncommittedChanges(t *testing.T) {
	for _, tt := range []struct {
		state string
		prep  func(t *testing.T, wt string)
		file  string
		after string // the file's content, left as the user made it; "" for none
	}{
		{"not staged", func(t *testing.T, wt string) {
			testbed.WriteFiles(t, wt, map[string]string{"fabrics/lab/vpcs.yaml": "mine\n"})
		}, "fabrics/lab/vpcs.yaml", "mine\n"},
		{"staged", func(t *testing.T, wt string) {
			testbed.WriteFiles(t, wt, map[string]string{"fabrics/lab/vpcs.yaml": "mine\n"})
			testbed.Git(t, wt, "add", "fabrics/lab/vpcs.yaml")
		}, "fabrics/lab/vpcs.yaml", "mine\n"},
		{"staged", func(t *testing.T, wt string) {
			testbed.Git(t, wt, "rm", "-q", "fabrics/lab/old.yaml")
		}, "fabrics/lab/old.yaml", ""},
		{"untracked", func(t *testing.T, wt string) {
			testbed.WriteFiles(t, wt, map[string]string{"fabrics/lab/new.yaml": "mine\n"})
		}, "fabrics/lab/new.yaml", "mine\n"},
	} {
		t.Run(tt.state+" "+filepath.Base(tt.file), func(t *testing.T) {
			wt := testbed.NewWorkTree(t, changeFiles)
			tt.prep(t, wt)
			head := testbed.Git(t, wt, "rev-parse", "HEAD")
			status := testbed.Git(t, wt, "status", "--porcelain")
			w := mustOpen(t, fabricSpec(wt), OpenOptions{})
			_, err := w.Change(context.Background(), put(map[string]string{
				"fabrics/lab/a.yaml": vpc("a"), // fine, but the change is all or nothing
				tt.file:              vpc("hnp"),
			}), pushOpts())
			var dirty *DirtyFileError
			if !errors.As(err, &dirty) || dirty.File != tt.file || dirty.State != tt.state || !strings.Contains(err.Error(), tt.file) {
				t.Fatalf("want %s refused as %s, got %v", tt.file, tt.state, err)
			}
			if testbed.Git(t, wt, "rev-parse", "HEAD") != head || testbed.Git(t, wt, "status", "--porcelain") != status {
				t.Error("a refused change touched the working tree or the index")
			}
			switch p := filepath.Join(wt, tt.file); {
			case tt.after == "" && exists(p):
				t.Errorf("the user's deleted %s is back", tt.file)
			case tt.after != "" && readFile(t, p) != tt.after:
				t.Errorf("the user's file holds %q", readFile(t, p))
			}
			if exists(filepath.Join(wt, "fabrics/lab/a.yaml")) {
				t.Error("the refused change wrote its other file")
			}
		})
	}
}

func TestChangeLocalLeavesOtherChangesAlone(t *testing.T) {
	wt := testbed.NewWorkTree(t, changeFiles)
	testbed.WriteFiles(t, wt, map[string]string{"README.md": "staged by the user\n"})
	testbed.Git(t, wt, "add", "README.md")
	testbed.WriteFiles(t, wt, map[string]string{
		"README.md":            "edited further\n",
		"fabrics/other/x.yaml": "unstaged\n",
		"notes.txt":            "untracked\n",
	})
	w := mustOpen(t, fabricSpec(wt), OpenOptions{})
	res, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/vpcs.yaml": vpc("vpc-9")}), pushOpts())
	if err != nil {
		t.Fatal(err)
	}
	if got := changed(t, wt, "HEAD"); got != "M\tfabrics/lab/vpcs.yaml" || res.Commit != testbed.Git(t, wt, "rev-parse", "HEAD") {
		t.Errorf("the commit changed %s; result %+v", got, res)
	}
	if got := testbed.Git(t, wt, "diff", "--cached", "--name-only"); got != "README.md" {
		t.Errorf("staged now: %q, want the user's README.md still staged", got)
	}
	if got := testbed.Git(t, wt, "show", ":README.md"); got != "staged by the user" {
		t.Errorf("the staged README.md is %q", got)
	}
	if got := testbed.Git(t, wt, "status", "--porcelain"); got != "MM README.md\n M fabrics/other/x.yaml\n?? notes.txt" {
		t.Errorf("the user's changes are now:\n%s", got)
	}
}

func TestChangeLocalPushRejected(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	wt := cloneOf(t, remote)
	theirs := testbed.CommitFiles(t, remote, map[string]string{"README.md": "theirs\n"}, "theirs")
	w := mustOpen(t, fabricSpec(wt), OpenOptions{})
	res, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/new.yaml": vpc("new")}), pushOpts())
	if err == nil || !strings.Contains(err.Error(), "git pull") || !strings.Contains(err.Error(), "pushing to "+remote+" (branch main)") {
		t.Fatalf("want a rejected push telling to pull, got %v", err)
	}
	if res == nil || res.Pushed || res.Commit != testbed.Git(t, wt, "rev-parse", "HEAD") {
		t.Errorf("the commit should stay and be reported: %+v", res)
	}
	if tip := testbed.Git(t, remote, "rev-parse", "main"); tip != theirs {
		t.Errorf("the remote moved to %s", tip)
	}
}

func TestChangeLocalNewBranch(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	before := testbed.Git(t, remote, "rev-parse", "main")
	wt := cloneOf(t, remote)
	w := mustOpen(t, fabricSpec(wt), OpenOptions{})
	opts := pushOpts()
	opts.NewBranch = "feature"
	res, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/new.yaml": vpc("new")}), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Pushed || res.Branch != "feature" || res.Commit != testbed.Git(t, remote, "rev-parse", "feature") {
		t.Errorf("result %+v", res)
	}
	if b := testbed.Git(t, wt, "rev-parse", "--abbrev-ref", "HEAD", "feature@{upstream}"); b != "feature\norigin/feature" {
		t.Errorf("the working tree's branch and upstream: %s", b)
	}
	if tip := testbed.Git(t, remote, "rev-parse", "main"); tip != before {
		t.Errorf("main moved to %s", tip)
	}
	if st := testbed.Git(t, wt, "status", "--porcelain"); st != "" {
		t.Errorf("the working tree is not clean:\n%s", st)
	}
	testbed.Git(t, wt, "checkout", "-q", "main")
	w = mustOpen(t, fabricSpec(wt), OpenOptions{})
	_, err = w.Change(context.Background(), put(map[string]string{"fabrics/lab/other.yaml": vpc("o")}), opts)
	if err == nil || !strings.Contains(err.Error(), "already exists") || exists(filepath.Join(wt, "fabrics/lab/other.yaml")) {
		t.Errorf("an existing branch: %v", err)
	}
}

func TestChangeLocalBelowTheTop(t *testing.T) {
	wt := testbed.NewWorkTree(t, changeFiles)
	w := mustOpen(t, fabricSpec(filepath.Join(wt, "fabrics")), OpenOptions{})
	opts := pushOpts()
	opts.Dir = "lab"
	if _, err := w.Change(context.Background(), put(map[string]string{"lab/vpcs.yaml": vpc("vpc-9")}), opts); err != nil {
		t.Fatal(err)
	}
	if got := changed(t, wt, "HEAD"); got != "M\tfabrics/lab/vpcs.yaml" {
		t.Errorf("the commit changed %s", got)
	}
	if b, err := w.HeadFile("lab/vpcs.yaml"); err != nil || string(b) != vpc("vpc-9") {
		t.Errorf("HeadFile = %q, %v", b, err)
	}
	if _, err := w.Change(context.Background(), put(map[string]string{"other/x.yaml": "x"}), opts); err == nil {
		t.Error("a path outside the fabric's directory was accepted")
	}
}

func TestChangeLocalPushesWithToken(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	url := testbed.ServeHTTP(t, remote, "alice", pushToken)
	wt := cloneOf(t, strings.Replace(url, "http://", "http://alice:"+pushToken+"@", 1))
	testbed.Git(t, wt, "remote", "set-url", "origin", url)
	spec := fabric.GitSpec{URL: wt, Auth: &fabric.GitAuth{TokenEnv: "HNP_TOKEN", Username: "alice"}}
	w := mustOpen(t, spec, OpenOptions{Getenv: tokenEnv(pushToken)})
	res, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/new.yaml": vpc("new")}), pushOpts())
	if err != nil {
		t.Fatal(err)
	}
	if !res.Pushed || res.PushedTo != url || testbed.Git(t, remote, "rev-parse", "main") != res.Commit {
		t.Errorf("result %+v", res)
	}
	assertNoSecret(t, filepath.Join(wt, ".git"), pushToken)

	w = mustOpen(t, spec, OpenOptions{Getenv: tokenEnv("wr0ng-t0ken-value")})
	_, err = w.Change(context.Background(), put(map[string]string{"fabrics/lab/more.yaml": vpc("more")}), pushOpts())
	if err == nil || strings.Contains(err.Error(), "wr0ng-t0ken-value") || !strings.Contains(err.Error(), url) {
		t.Errorf("a wrong token: %v", err)
	}
}

func TestChangeLocalNeedsABranch(t *testing.T) {
	wt := testbed.NewWorkTree(t, changeFiles)
	testbed.Git(t, wt, "checkout", "-q", "--detach")
	w := mustOpen(t, fabricSpec(wt), OpenOptions{})
	if _, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/a.yaml": "a"}), pushOpts()); err == nil ||
		!strings.Contains(err.Error(), "detached") {
		t.Errorf("a detached HEAD: %v", err)
	}
	plain := mustOpen(t, fabricSpec(t.TempDir()), OpenOptions{})
	opts := pushOpts()
	opts.Dir = ""
	if _, err := plain.Change(context.Background(), put(map[string]string{"a.yaml": "a"}), opts); err == nil ||
		!strings.Contains(err.Error(), "not in a Git repository") {
		t.Errorf("a directory outside Git: %v", err)
	}
}
