package gitstate

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// withHistory is a remote holding changeFiles after three commits, so
// that a clone with history differs from one without.
func withHistory(t *testing.T) string {
	t.Helper()
	remote := testbed.NewBareRemote(t, changeFiles)
	testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/gone.yaml": vpc("gone")}, "add gone")
	testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/gone.yaml": testbed.Delete}, "remove gone")
	return remote
}

// assertShallowNoCheckout fails unless the cache clone holds the tip commit
// alone (shallow, one commit, only the objects of its tree) and no file
// outside .git.
func assertShallowNoCheckout(t *testing.T, w *Workspace, remote string) {
	t.Helper()
	entries, err := os.ReadDir(w.Root)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != ".git" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the cache clone's working tree holds %v, want only .git", names)
	}
	if got := testbed.Git(t, w.Root, "rev-parse", "--is-shallow-repository"); got != "true" {
		t.Errorf("the cache clone is not shallow: %s", got)
	}
	if got := testbed.Git(t, w.Root, "rev-list", "--count", "HEAD"); got != "1" {
		t.Errorf("the cache clone holds %s commits, want the tip alone", got)
	}
	// The objects of the tip: the commit, its trees and blobs, no more.
	want := len(strings.Split(testbed.Git(t, remote, "ls-tree", "-r", "-t", "main"), "\n")) + 2
	if got := objectCount(t, w.Root); got != want {
		t.Errorf("the cache clone holds %d objects, want the tip's %d", got, want)
	}
	if refs := testbed.Git(t, w.Root, "for-each-ref", "--format=%(refname)"); refs != "refs/heads/main\nrefs/remotes/origin/main" {
		t.Errorf("the cache clone has refs %q, want the fabric's branch only", refs)
	}
}

// objectCount counts the objects of a repository, loose and packed.
func objectCount(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	for _, line := range strings.Split(testbed.Git(t, dir, "count-objects", "-v"), "\n") {
		k, v, _ := strings.Cut(line, ": ")
		if k == "count" || k == "in-pack" {
			c, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			n += c
		}
	}
	return n
}

func TestCacheCloneIsShallowWithoutCheckout(t *testing.T) {
	for _, overHTTP := range []bool{false, true} {
		remote := withHistory(t)
		testbed.CommitBranch(t, remote, "other", map[string]string{"fabrics/lab/o.yaml": vpc("o")}, "another branch")
		spec := fabric.GitSpec{URL: remote}
		if overHTTP {
			spec.URL = testbed.ServeHTTP(t, remote, "", "")
		}
		w := mustOpen(t, spec, OpenOptions{CacheDir: t.TempDir()})
		assertShallowNoCheckout(t, w, remote)
		if got := loadKeys(t, w, labDir); len(got) != 3 {
			t.Errorf("%s: read %v from the object store", spec.URL, got)
		}
		// A refresh fetches what is new, and still checks nothing out.
		testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/new.yaml": vpc("new")}, "add new")
		w = mustOpen(t, spec, OpenOptions{CacheDir: filepath.Dir(filepath.Dir(w.Root)), FastForwardOnly: true})
		if w.Refresh.Message != "fast-forwarded 1 commit" {
			t.Errorf("%s: refresh %q", spec.URL, w.Refresh.Message)
		}
		if entries, _ := os.ReadDir(w.Root); len(entries) != 1 {
			t.Errorf("%s: a refresh checked files out", spec.URL)
		}
		if got := loadKeys(t, w, labDir); len(got) != 4 {
			t.Errorf("%s: read %v after the refresh", spec.URL, got)
		}
	}
}

// The object store's tree reads as the working tree does: the sample
// fabric, origins, values, skipped documents and YAML 1.1 notes alike.
func TestTreeReadEqualsWorktreeRead(t *testing.T) {
	sample := filepath.Join("..", "..", "testdata", "sample-fabric")
	files := map[string]string{}
	err := filepath.WalkDir(sample, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(sample, p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	files["fabrics/lab/yaml11.yaml"] = "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: s-yes\nspec:\n  description: yes\n"
	files["fabrics/lab/other.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"
	remote := testbed.NewBareRemote(t, files)
	work := cloneOf(t, remote)
	w := mustOpen(t, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: t.TempDir()})
	tr, err := w.Tree()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tr.Close() }()
	for _, dir := range []string{"fabrics/lab", "fabrics/lab/wiring", "fabrics/prod"} {
		fromDisk, err1 := desired.Load(work, dir)
		fromTree, err2 := desired.LoadFS(tr, dir)
		if err1 != nil || err2 != nil {
			t.Fatalf("%q: %v / %v", dir, err1, err2)
		}
		if len(fromDisk.Objects) == 0 || !reflect.DeepEqual(fromDisk.Objects, fromTree.Objects) {
			t.Errorf("%q: %d objects from disk, %d from the tree, or they differ", dir, len(fromDisk.Objects), len(fromTree.Objects))
		}
		if fromDisk.Files != fromTree.Files || fromDisk.Dir != fromTree.Dir || !reflect.DeepEqual(fromDisk.Skipped, fromTree.Skipped) ||
			(dir == "fabrics/lab") != (len(fromTree.Skipped) > 0) {
			t.Errorf("%q: files %d/%d, dir %q/%q, skipped %v/%v", dir, fromDisk.Files, fromTree.Files, fromDisk.Dir, fromTree.Dir, fromDisk.Skipped, fromTree.Skipped)
		}
		if a, b := fromDisk.YAML11(true), fromTree.YAML11(true); !reflect.DeepEqual(a, b) || (dir == "fabrics/lab") != (len(a) == 1) {
			t.Errorf("%q: YAML 1.1 notes %v / %v", dir, a, b)
		}
	}
	if _, err := desired.LoadFS(tr, "fabrics/none"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing directory: %v", err)
	}
	var esc *desired.EscapeError
	if _, err := desired.LoadFS(tr, "../x"); !errors.As(err, &esc) {
		t.Errorf("a directory climbing out: %v", err)
	}
}

// Symbolic links in the tree: a manifest linked inside the repository is
// read, one linked outside is refused, a linked directory is not followed.
func TestTreeSymbolicLinks(t *testing.T) {
	work := testbed.NewWorkTree(t, map[string]string{"f/a.yaml": vpc("a"), "shared/s.yaml": vpc("s")})
	for link, target := range map[string]string{"f/s.yaml": "../shared/s.yaml", "f/out.yaml": "../../etc/passwd", "f/dir": "../shared"} {
		if err := os.Symlink(target, filepath.Join(work, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	testbed.Git(t, work, "add", "-A")
	testbed.Git(t, work, "commit", "-q", "-m", "links")
	remote := filepath.Join(t.TempDir(), "remote.git")
	testbed.Git(t, filepath.Dir(remote), "clone", "-q", "--bare", work, remote)
	w := mustOpen(t, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: t.TempDir()})
	tr, err := w.Tree()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tr.Close() }()
	d, err := desired.LoadFS(tr, "f")
	var esc *desired.EscapeError
	if !errors.As(err, &esc) || esc.Path != "f/out.yaml" {
		t.Errorf("the link leaving the repository: %v", err)
	}
	var names []string
	for k, o := range d.Objects {
		names = append(names, k.Name+"@"+o.Origin.File)
	}
	sort.Strings(names)
	if strings.Join(names, " ") != "a@f/a.yaml s@f/s.yaml" {
		t.Errorf("read %v", names)
	}
	if b, err := fs.ReadFile(tr, "f/dir/s.yaml"); err != nil || string(b) != vpc("s") {
		t.Errorf("reading through a linked directory: %q %v", b, err)
	}
}

// Edit, create and delete on a shallow cache clone land on the remote, on
// disk and over smart HTTP: the commit's parent is the old tip, and the
// remote is whole.
func TestChangeOnShallowCacheLands(t *testing.T) {
	for i, overHTTP := range []bool{false, true} {
		remote := withHistory(t)
		spec := fabric.GitSpec{URL: remote}
		if overHTTP {
			spec.URL = testbed.ServeHTTP(t, remote, "", "")
		}
		cache := t.TempDir()
		w := mustOpen(t, spec, OpenOptions{CacheDir: cache})
		assertShallowNoCheckout(t, w, remote)
		before := testbed.Git(t, remote, "rev-parse", "main")
		n := strconv.Itoa(i)
		res, err := w.Change(context.Background(), put(map[string]string{
			"fabrics/lab/vpcs.yaml":              vpc("vpc-" + n), // edit
			"fabrics/lab/created-" + n + ".yaml": vpc("created"),  // create
			"fabrics/lab/old.yaml":               testbed.Delete,  // delete
		}), pushOpts())
		if err != nil {
			t.Fatal(err)
		}
		if !res.Pushed || res.Commit != testbed.Git(t, remote, "rev-parse", "main") {
			t.Fatalf("%s: result %+v", spec.URL, res)
		}
		if parent := testbed.Git(t, remote, "rev-parse", "main^"); parent != before {
			t.Errorf("%s: the commit's parent is %s, want the old tip %s", spec.URL, parent, before)
		}
		if got := testbed.Git(t, remote, "fsck", "--no-dangling"); got != "" {
			t.Errorf("%s: the remote after the push: %s", spec.URL, got)
		}
		if got := changed(t, remote, "main"); got != "A\tfabrics/lab/created-"+n+".yaml\nD\tfabrics/lab/old.yaml\nM\tfabrics/lab/vpcs.yaml" {
			t.Errorf("%s: the commit changed %q", spec.URL, got)
		}
		if got := testbed.Git(t, w.Root, "rev-parse", "--is-shallow-repository"); got != "true" {
			t.Errorf("%s: the change deepened the clone", spec.URL)
		}
		// The remote moved on meanwhile: the next change is replayed on its tip.
		testbed.CommitFiles(t, remote, map[string]string{"README.md": "moved " + n + "\n"}, "meanwhile")
		w = mustOpen(t, spec, OpenOptions{CacheDir: cache})
		if _, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/late.yaml": vpc("late-" + n)}), pushOpts()); err != nil {
			t.Fatalf("%s: second change: %v", spec.URL, err)
		}
		if got := testbed.Git(t, remote, "show", "main:fabrics/lab/late.yaml"); got+"\n" != vpc("late-"+n) {
			t.Errorf("%s: late.yaml on the remote: %q", spec.URL, got)
		}
	}
}

// A cache made by an earlier version — a full clone with its files checked
// out — is read and changed as it is, and stays complete.
func TestFullCacheCloneKeepsWorking(t *testing.T) {
	remote := withHistory(t)
	cache := t.TempDir()
	clone := filepath.Join(cache, "repos", cacheName(localRemote(remote), ""))
	testbed.Git(t, cache, "clone", "-q", "file://"+remote, clone)
	testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/new.yaml": vpc("new")}, "add new")
	w := mustOpen(t, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: cache, FastForwardOnly: true})
	if w.Root != clone || w.Refresh.Message != "fast-forwarded 1 commit" {
		t.Fatalf("opened %s (%+v), want the existing clone %s", w.Root, w.Refresh, clone)
	}
	if got := loadKeys(t, w, labDir); len(got) != 4 {
		t.Errorf("read %v", got)
	}
	if got := testbed.Git(t, clone, "rev-parse", "--is-shallow-repository"); got != "false" {
		t.Errorf("the full clone became shallow")
	}
	w = mustOpen(t, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: cache})
	if _, err := w.Change(context.Background(), put(map[string]string{"fabrics/lab/x.yaml": vpc("x")}), pushOpts()); err != nil {
		t.Fatal(err)
	}
	if got := changed(t, remote, "main"); got != "A\tfabrics/lab/x.yaml" {
		t.Errorf("the commit changed %q", got)
	}
	if got := testbed.Git(t, clone, "rev-list", "--count", "HEAD"); got != "5" {
		t.Errorf("%s commits in the full clone, want all 5", got)
	}
}
