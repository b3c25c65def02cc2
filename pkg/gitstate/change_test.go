package gitstate

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

const labDir = "fabrics/lab"

// changeFiles is the repository the change tests start from.
var changeFiles = map[string]string{
	"fabrics/lab/vpcs.yaml": vpc("vpc-1") + "---\n" + vpc("vpc-2"),
	"fabrics/lab/old.yaml":  vpc("old"),
	"fabrics/other/x.yaml":  vpc("x"),
	"README.md":             "# fabrics\n",
}

// ada is the identity of the change tests, from the environment.
var ada = map[string]string{"GIT_AUTHOR_NAME": "Ada Lovelace", "GIT_AUTHOR_EMAIL": "ada@example.com"}

func envOf(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

// put is a ChangeFunc returning files; testbed.Delete deletes.
func put(files map[string]string) ChangeFunc {
	return func(string) (map[string][]byte, error) {
		out := map[string][]byte{}
		for name, content := range files {
			if content == testbed.Delete {
				out[name] = nil
			} else {
				out[name] = []byte(content)
			}
		}
		return out, nil
	}
}

// counted wraps fn, counting its calls in *n.
func counted(n *int, fn ChangeFunc) ChangeFunc {
	return func(root string) (map[string][]byte, error) {
		*n++
		return fn(root)
	}
}

func pushOpts() ChangeOptions {
	return ChangeOptions{Message: "add vpc-3", Push: true, Getenv: envOf(ada), Dir: labDir}
}

// newCache returns a bare remote holding changeFiles and a workspace on its
// cache clone.
func newCache(t *testing.T) (string, *Workspace) {
	t.Helper()
	remote := testbed.NewBareRemote(t, changeFiles)
	return remote, mustOpen(t, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: t.TempDir()})
}

// assertCleanAt fails unless the clone is clean, on main, at the remote's
// main.
func assertCleanAt(t *testing.T, w *Workspace, remote string) {
	t.Helper()
	assertClean(t, w, testbed.Git(t, remote, "rev-parse", "main"))
}

// assertClean fails unless the clone is clean, on main, at tip.
// A clone whose working tree is not checked out (reads use the object
// store) is clean whatever its working tree holds.
func assertClean(t *testing.T, w *Workspace, tip string) {
	t.Helper()
	if !w.checkout {
		// nothing on disk is read
	} else if st := testbed.Git(t, w.Root, "status", "--porcelain", "--untracked-files=all", "--ignored"); st != "" {
		t.Errorf("the clone is not clean:\n%s", st)
	}
	if head := testbed.Git(t, w.Root, "rev-parse", "HEAD"); head != tip {
		t.Errorf("the clone's HEAD is %s, want the remote tip %s", head, tip)
	}
	if b := testbed.Git(t, w.Root, "symbolic-ref", "--short", "HEAD"); b != "main" {
		t.Errorf("the clone is on %s, want main", b)
	}
	if bs := testbed.Git(t, w.Root, "branch", "--format=%(refname:short)"); bs != "main" {
		t.Errorf("the clone has local branches %q, want only main", bs)
	}
	if w.Revision != tip {
		t.Errorf("workspace revision %s, want %s", w.Revision, tip)
	}
}

// changed lists the files a commit changed, as "M path" lines.
func changed(t *testing.T, repo, rev string) string {
	t.Helper()
	return testbed.Git(t, repo, "show", "--no-renames", "--name-status", "--format=", rev)
}

func TestChangeCommitsAndPushes(t *testing.T) {
	remote, w := newCache(t)
	before := testbed.Git(t, remote, "rev-parse", "main")
	newVPCs := vpc("vpc-1") + "---\n" + vpc("vpc-2") + "---\n" + vpc("vpc-3")
	res, err := w.Change(context.Background(), put(map[string]string{
		"fabrics/lab/vpcs.yaml":    newVPCs,
		"fabrics/lab/sub/new.yaml": vpc("new"),
		"fabrics/lab/sub.yaml":     vpc("sub"), // sorts before the directory sub
		"fabrics/lab/old.yaml":     testbed.Delete,
	}), pushOpts())
	if err != nil {
		t.Fatal(err)
	}
	tip := testbed.Git(t, remote, "rev-parse", "main")
	want := []string{"fabrics/lab/old.yaml", "fabrics/lab/sub.yaml", "fabrics/lab/sub/new.yaml", "fabrics/lab/vpcs.yaml"}
	if res.Commit != tip || res.Branch != "main" || !res.Pushed || res.PushedTo != remote || res.Replays != 0 ||
		res.NothingToDo || strings.Join(res.Files, " ") != strings.Join(want, " ") {
		t.Errorf("result %+v, want commit %s pushed with %v", res, tip, want)
	}
	if parent := testbed.Git(t, remote, "rev-parse", "main^"); parent != before {
		t.Errorf("the commit's parent is %s, want %s", parent, before)
	}
	if got := changed(t, remote, "main"); got != "D\tfabrics/lab/old.yaml\nA\tfabrics/lab/sub.yaml\nA\tfabrics/lab/sub/new.yaml\nM\tfabrics/lab/vpcs.yaml" {
		t.Errorf("the commit changed:\n%s", got)
	}
	testbed.Git(t, remote, "fsck", "--strict", "--no-dangling") // well-formed, sorted trees
	if got := testbed.Git(t, remote, "show", "main:fabrics/lab/vpcs.yaml"); got != strings.TrimSpace(newVPCs) {
		t.Errorf("vpcs.yaml on the remote:\n%s", got)
	}
	meta := testbed.Git(t, remote, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%B", "main")
	if meta != "Ada Lovelace <ada@example.com>|Ada Lovelace <ada@example.com>|add vpc-3" {
		t.Errorf("author|committer|message = %q", meta)
	}
	assertCleanAt(t, w, remote)
	if got := readTree(t, w, "fabrics/lab/sub/new.yaml"); got != vpc("new") {
		t.Errorf("the clone holds %q", got)
	}
	if head, err := w.HeadFile("fabrics/lab/vpcs.yaml"); err != nil || string(head) != newVPCs {
		t.Errorf("HeadFile = %q, %v", head, err)
	}
	if _, err := w.HeadFile("fabrics/lab/old.yaml"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("HeadFile of a deleted file: %v", err)
	}
}

func TestChangeWithoutPush(t *testing.T) {
	remote, w := newCache(t)
	before := testbed.Git(t, remote, "rev-parse", "main")
	opts := pushOpts()
	opts.Push = false
	res, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/new.yaml": vpc("new")}), opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pushed || res.PushedTo != "" || res.Commit == before {
		t.Errorf("result %+v", res)
	}
	if tip := testbed.Git(t, remote, "rev-parse", "main"); tip != before {
		t.Errorf("the remote moved to %s without a push", tip)
	}
	if head := testbed.Git(t, w.Root, "rev-parse", "HEAD", "HEAD^"); head != res.Commit+"\n"+before {
		t.Errorf("the clone's HEAD and parent are %s, want %s on %s", head, res.Commit, before)
	}
	if got := changed(t, w.Root, "HEAD"); got != "A\tfabrics/lab/new.yaml" {
		t.Errorf("the commit changed %s", got)
	}
}

func TestChangeNewBranch(t *testing.T) {
	remote, w := newCache(t)
	before := testbed.Git(t, remote, "rev-parse", "main")
	opts := pushOpts()
	opts.NewBranch = "hnp/vpc-3"
	res, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/new.yaml": vpc("vpc-3")}), opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Branch != "hnp/vpc-3" || !res.Pushed || res.Commit != testbed.Git(t, remote, "rev-parse", "hnp/vpc-3") {
		t.Errorf("result %+v", res)
	}
	if parent := testbed.Git(t, remote, "rev-parse", "hnp/vpc-3^"); parent != before {
		t.Errorf("the branch starts at %s, want main's tip %s", parent, before)
	}
	if tip := testbed.Git(t, remote, "rev-parse", "main"); tip != before {
		t.Errorf("main moved to %s", tip)
	}
	assertCleanAt(t, w, remote)

	// The branch exists now: refused before fn runs.
	calls := 0
	_, err = w.Change(context.Background(), counted(&calls, put(map[string]string{"fabrics/lab/new.yaml": vpc("vpc-4")})), opts)
	if err == nil || !strings.Contains(err.Error(), "already exists") || !strings.Contains(err.Error(), "hnp/vpc-3") || calls != 0 {
		t.Errorf("an existing branch: %v (fn called %d times)", err, calls)
	}
	if tip := testbed.Git(t, remote, "rev-parse", "hnp/vpc-3"); tip != res.Commit {
		t.Errorf("the existing branch moved to %s", tip)
	}
	assertCleanAt(t, w, remote)
}

func TestChangeNothingToDo(t *testing.T) {
	remote, w := newCache(t)
	before := testbed.Git(t, remote, "rev-parse", "main")
	res, err := w.Change(context.Background(), put(map[string]string{
		"fabrics/lab/vpcs.yaml": changeFiles["fabrics/lab/vpcs.yaml"],
		"fabrics/lab/gone.yaml": testbed.Delete,
	}), pushOpts())
	if err != nil {
		t.Fatal(err)
	}
	if !res.NothingToDo || res.Pushed || res.Commit != before || len(res.Files) != 0 {
		t.Errorf("result %+v", res)
	}
	assertCleanAt(t, w, remote)
}

func TestChangeFnFailureLeavesCloneClean(t *testing.T) {
	remote, w := newCache(t)
	boom := errors.New("boom")
	// A ChangeFunc that breaks the rule and writes, then fails.
	_, err := w.Change(context.Background(), func(root string) (map[string][]byte, error) {
		testbed.WriteFiles(t, root, map[string]string{"README.md": "scribbled\n", "fabrics/lab/stray.yaml": "x\n"})
		return nil, boom
	}, pushOpts())
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), remote+" (branch main)") {
		t.Errorf("want boom naming the remote, got %v", err)
	}
	assertCleanAt(t, w, remote)
}
