package gitstate

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// only checks out the directories given.
func only(dirs ...string) CheckoutDirsFunc { return func(fs.FS) []string { return dirs } }

// filesOnDisk lists the files of a working tree, .git aside.
func filesOnDisk(t *testing.T, root string) string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.Name() == ".git" {
			return filepath.SkipDir
		}
		if !de.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestChangeChecksOutOnlyTheFabric(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	cache := t.TempDir()
	spec := fabric.GitSpec{URL: remote}
	w := mustOpen(t, spec, OpenOptions{CacheDir: cache, CheckoutPending: true, CheckoutDirs: only("fabrics/lab")})
	if got := filesOnDisk(t, w.Root); got != "fabrics/lab/old.yaml fabrics/lab/vpcs.yaml" {
		t.Errorf("checked out %q, want the fabric's directory alone", got)
	}
	fn := func(root string) (map[string][]byte, error) {
		if !exists(filepath.Join(root, "fabrics/lab/vpcs.yaml")) {
			t.Error("the change does not see the fabric's files")
		}
		return map[string][]byte{"fabrics/lab/mine.yaml": []byte(vpc("mine"))}, nil
	}
	res, err := w.Change(context.Background(), fn, pushOpts())
	if err != nil || !res.Pushed {
		t.Fatalf("change: %+v, %v", res, err)
	}
	if got := testbed.Git(t, remote, "ls-tree", "-r", "--name-only", "main"); got != "README.md\nfabrics/lab/mine.yaml\nfabrics/lab/old.yaml\nfabrics/lab/vpcs.yaml\nfabrics/other/x.yaml" {
		t.Errorf("the remote holds:\n%s", got)
	}
	if got := changed(t, remote, "main"); got != "A\tfabrics/lab/mine.yaml" {
		t.Errorf("the commit changed %q, want the new file alone", got)
	}
	if got := filesOnDisk(t, w.Root); got != "fabrics/lab/mine.yaml fabrics/lab/old.yaml fabrics/lab/vpcs.yaml" {
		t.Errorf("after the change the working tree holds %q", got)
	}
	assertCleanAt(t, w, remote)

	// Another fabric of the same repository shares the clone: its own
	// directory is checked out for its change.
	other := mustOpen(t, spec, OpenOptions{CacheDir: cache, CheckoutPending: true, CheckoutDirs: only("fabrics/other")})
	fn = func(root string) (map[string][]byte, error) {
		b, err := os.ReadFile(filepath.Join(root, "fabrics/other/x.yaml"))
		if err != nil {
			return nil, err
		}
		return map[string][]byte{"fabrics/other/x.yaml": append(b, "spec: {}\n"...)}, nil
	}
	opts := pushOpts()
	opts.Dir = "fabrics/other"
	if res, err := other.Change(context.Background(), fn, opts); err != nil || !res.Pushed {
		t.Fatalf("change of the other fabric: %+v, %v", res, err)
	}
	if got := filesOnDisk(t, other.Root); strings.Contains(got, "README.md") || !strings.Contains(got, "fabrics/other/x.yaml") {
		t.Errorf("the other fabric's checkout holds %q", got)
	}
	if got := testbed.Git(t, remote, "show", "main:fabrics/other/x.yaml"); got != strings.TrimSpace(vpc("x")+"spec: {}") {
		t.Errorf("the remote's x.yaml is %q", got)
	}
	assertCleanAt(t, other, remote)
}

func TestSparseChangeReplaysWhenRemoteMovedOn(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	w := mustOpen(t, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: t.TempDir(), CheckoutDirs: only("fabrics/lab")})
	calls := 0
	fn := func(root string) (map[string][]byte, error) {
		if calls++; calls == 1 {
			testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/theirs.yaml": vpc("theirs"), "README.md": "# moved\n"}, "theirs")
		} else if !exists(filepath.Join(root, "fabrics/lab/theirs.yaml")) || exists(filepath.Join(root, "README.md")) {
			t.Errorf("the replay sees %q, want the fabric's directory at the new tip", filesOnDisk(t, root))
		}
		return map[string][]byte{"fabrics/lab/mine.yaml": []byte(vpc("mine"))}, nil
	}
	res, err := w.Change(context.Background(), fn, pushOpts())
	if err != nil || res.Replays != 1 || calls != 2 || !res.Pushed {
		t.Fatalf("result %+v after %d calls: %v", res, calls, err)
	}
	if got := testbed.Git(t, remote, "show", "main:README.md"); got != "# moved" {
		t.Errorf("the replayed commit lost the remote's README: %q", got)
	}
	assertCleanAt(t, w, remote)
}

func TestSparseCheckoutFallsBackToEveryFileForLinks(t *testing.T) {
	remote := testbed.NewBareRemote(t, map[string]string{"fabrics/lab/own.yaml": vpc("own"), "shared/common.yaml": vpc("common")})
	commitLink(t, remote, "fabrics/lab/common.yaml", "../../shared/common.yaml")
	w := mustOpen(t, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: t.TempDir(), CheckoutPending: true, CheckoutDirs: only("fabrics/lab")})
	if got := filesOnDisk(t, w.Root); got != "fabrics/lab/common.yaml fabrics/lab/own.yaml shared/common.yaml" {
		t.Errorf("checked out %q, want every file: the fabric links outside its directory", got)
	}
}
