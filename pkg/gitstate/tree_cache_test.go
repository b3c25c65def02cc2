package gitstate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// parseCacheFabric has a bit of everything desired.LoadFS returns: objects
// in YAML (both of its parsers) and JSON, a v1 List, skipped documents,
// parse errors, a duplicate, YAML 1.1 scalars, values of every type.
var parseCacheFabric = map[string]string{
	"fabrics/lab/vpcs.yaml": vpc("vpc-1") + "spec:\n  vlan: 1001\n  ratio: 0.5\n  none: null\n  empty: {}\n  list: []\n---\n" +
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-ours\n---\n# only a comment\n",
	"fabrics/lab/switches/leaf.yml": "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: leaf-1\n" +
		"spec:\n  enabled: yes\n  mode: off\n  ports: [1, 2.5, -3]\n  description: |\n    two\n    lines\n",
	"fabrics/lab/list.json": `{"apiVersion": "v1", "kind": "List", "items": [` +
		`{"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "Server", "metadata": {"name": "srv-1", "namespace": "lab"}, "spec": {"n": 3, "f": 1e3}},` +
		`{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}]}` + "\n",
	"fabrics/lab/flow.yaml":       "{apiVersion: vpc.githedgehog.com/v1beta1, kind: VPC, metadata: {name: vpc-flow}, spec: {on: on, n: 0x10}}\n",
	"fabrics/lab/bad.yaml":        vpc("vpc-ok") + "---\nkind: [unclosed\n",
	"fabrics/lab/wrong-kind.yaml": "apiVersion: example.com/v1\nkind: VPC\nmetadata:\n  name: wrong-group\n",
	"fabrics/lab/dup.yaml":        vpc("vpc-1"),
	"fabrics/lab/README.md":       "not a manifest\n",
	"fabrics/other/vpc.yaml":      vpc("elsewhere"),
}

// countingTree counts the files read from a TreeFS.
type countingTree struct {
	*TreeFS
	reads atomic.Int64
}

func (c *countingTree) ReadFile(name string) ([]byte, error) {
	c.reads.Add(1)
	return c.TreeFS.ReadFile(name)
}

// loadTree reads dir of the workspace's commit through the parse cache
// and returns what it read and how many files it parsed.
func loadTree(t *testing.T, w *Workspace, dir string) (*desired.State, int64, error) {
	t.Helper()
	tr, err := w.Tree()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tr.Close() }()
	c := &countingTree{TreeFS: tr}
	d, err := desired.LoadFS(c, dir)
	return d, c.reads.Load(), err
}

// parseTree reads dir of the workspace's commit without the cache.
func parseTree(t *testing.T, w *Workspace, dir string) (*desired.State, error) {
	t.Helper()
	tr, err := w.Tree()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tr.Close() }()
	tr.parsed = nil
	return desired.LoadFS(tr, dir)
}

// sameState fails unless got (and its error) is what a parse returned:
// objects with their origins, skipped documents, files, YAML 1.1 notes
// (and the values they apply), errors.
func sameState(t *testing.T, want, got *desired.State, wantErr, gotErr error) {
	t.Helper()
	if got == nil || want == nil {
		t.Fatalf("no state: got %v, want %v", got, want)
	}
	if !reflect.DeepEqual(got.Objects, want.Objects) || !reflect.DeepEqual(got.Skipped, want.Skipped) ||
		got.Files != want.Files || got.Dir != want.Dir {
		t.Errorf("cached state differs from a parse:\n got %+v\nwant %+v", *got, *want)
	}
	if !reflect.DeepEqual(got.YAML11(false), want.YAML11(false)) {
		t.Errorf("YAML 1.1 notes differ:\n got %v\nwant %v", got.YAML11(false), want.YAML11(false))
	}
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(gotErr, wantErr) {
		t.Errorf("errors differ:\n got %v\nwant %v", gotErr, wantErr)
	}
}

// openCache opens a cache clone of remote in cache.
func openCache(t *testing.T, remote, cache string) *Workspace {
	t.Helper()
	w, err := Open(context.Background(), fabric.GitSpec{URL: remote, Branch: "main"}, OpenOptions{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestParseCacheOfATreeEqualsAParse(t *testing.T) {
	remote := testbed.NewBareRemote(t, parseCacheFabric)
	w := openCache(t, remote, t.TempDir())
	want, wantErr := parseTree(t, w, "fabrics/lab")
	if wantErr == nil || len(want.Objects) != 5 || len(want.Skipped) != 2 || len(want.YAML11(false)) != 2 {
		t.Fatalf("the fixture yields %d objects, %d skipped, %d notes, errors %v; want 5, 2, 2 and errors",
			len(want.Objects), len(want.Skipped), len(want.YAML11(false)), wantErr)
	}
	got, reads, err := loadTree(t, w, "fabrics/lab")
	sameState(t, want, got, wantErr, err)
	if reads != int64(want.Files) {
		t.Errorf("the first read parsed %d files, want all %d", reads, want.Files)
	}
	if _, err := os.Stat(parseCacheDir(w.Root)); err != nil {
		t.Errorf("no parse cache beside the clone: %v", err)
	}
	got, reads, err = loadTree(t, w, "fabrics/lab")
	sameState(t, want, got, wantErr, err)
	if reads != 0 {
		t.Errorf("an unchanged directory parsed %d files, want none", reads)
	}
	// The YAML 1.1 values, applied, change the same fields.
	got.YAML11(true)
	want.YAML11(true)
	if !reflect.DeepEqual(got.Objects, want.Objects) {
		t.Error("the YAML 1.1 values applied differ")
	}
}

func TestParseCacheParsesOnlyChangedFiles(t *testing.T) {
	remote := testbed.NewBareRemote(t, parseCacheFabric)
	cache := t.TempDir()
	w := openCache(t, remote, cache)
	if _, reads, _ := loadTree(t, w, "fabrics/lab"); reads != 7 {
		t.Fatalf("parsed %d files, want 7", reads)
	}
	testbed.CommitFiles(t, remote, map[string]string{
		"fabrics/lab/switches/leaf.yml": vpc("vpc-changed") + "spec:\n  on: on\n",
		"fabrics/lab/new.yaml":          vpc("vpc-new"),
		"fabrics/lab/bad.yaml":          testbed.Delete,
		"fabrics/other/vpc.yaml":        vpc("elsewhere-2"), // another directory
	}, "change")
	w = openCache(t, remote, cache)
	want, wantErr := parseTree(t, w, "fabrics/lab")
	got, reads, err := loadTree(t, w, "fabrics/lab")
	sameState(t, want, got, wantErr, err)
	if reads != 2 {
		t.Errorf("parsed %d files, want the changed and the new one", reads)
	}
	if _, ok := got.Objects[key("VPC", "default", "vpc-changed")]; !ok {
		t.Error("the changed file's object is missing")
	}
	got, reads, err = loadTree(t, w, "fabrics/lab")
	sameState(t, want, got, wantErr, err)
	if reads != 0 {
		t.Errorf("parsed %d files once the change was cached, want none", reads)
	}
}

// commitLink commits a symbolic link at link pointing to target in remote.
func commitLink(t *testing.T, remote, link, target string) {
	t.Helper()
	work := filepath.Join(t.TempDir(), "clone")
	testbed.Git(t, filepath.Dir(work), "clone", "-q", remote, work)
	p := filepath.Join(work, filepath.FromSlash(link))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
	testbed.Git(t, work, "add", "-A")
	testbed.Git(t, work, "commit", "-q", "-m", "link")
	testbed.Git(t, work, "push", "-q", "origin", "HEAD")
}

func TestParseCacheFollowsLinksOutOfTheDirectory(t *testing.T) {
	remote := testbed.NewBareRemote(t, map[string]string{
		"fabrics/lab/own.yaml":   vpc("own"),
		"shared/common.yaml":     vpc("common"),
		"fabrics/other/vpc.yaml": vpc("elsewhere"),
	})
	commitLink(t, remote, "fabrics/lab/common.yaml", "../../shared/common.yaml")
	cache := t.TempDir()
	w := openCache(t, remote, cache)
	want, wantErr := parseTree(t, w, "fabrics/lab")
	got, _, err := loadTree(t, w, "fabrics/lab")
	sameState(t, want, got, wantErr, err)
	if _, ok := got.Objects[key("VPC", "default", "common")]; !ok {
		t.Fatal("the linked manifest is not read")
	}
	// The link's target changes outside the directory, whose tree stays
	// the same: the linked file is parsed again, nothing else.
	testbed.CommitFiles(t, remote, map[string]string{"shared/common.yaml": vpc("common-2")}, "change the target")
	w = openCache(t, remote, cache)
	want, wantErr = parseTree(t, w, "fabrics/lab")
	got, reads, err := loadTree(t, w, "fabrics/lab")
	sameState(t, want, got, wantErr, err)
	if _, ok := got.Objects[key("VPC", "default", "common-2")]; !ok {
		t.Errorf("the link's new target is not read: %v", got.Objects.Keys())
	}
	if reads != 1 {
		t.Errorf("parsed %d files, want the linked one alone", reads)
	}
}

func TestParseCacheRebuildsADamagedEntry(t *testing.T) {
	remote := testbed.NewBareRemote(t, parseCacheFabric)
	w := openCache(t, remote, t.TempDir())
	want, wantErr := parseTree(t, w, "fabrics/lab")
	loadTree(t, w, "fabrics/lab")
	entries, err := filepath.Glob(filepath.Join(parseCacheDir(w.Root), "*"))
	if err != nil || len(entries) != 1 {
		t.Fatalf("parse cache holds %v (%v), want one entry", entries, err)
	}
	b, err := os.ReadFile(entries[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(entries[0], b, 0o600); err != nil {
		t.Fatal(err)
	}
	got, reads, err := loadTree(t, w, "fabrics/lab")
	sameState(t, want, got, wantErr, err)
	if reads != int64(want.Files) {
		t.Errorf("parsed %d files through a damaged entry, want all %d", reads, want.Files)
	}
	if _, reads, _ := loadTree(t, w, "fabrics/lab"); reads != 0 {
		t.Errorf("the entry was not rebuilt: parsed %d files", reads)
	}
}

func TestParseCacheConcurrentReaders(t *testing.T) {
	remote := testbed.NewBareRemote(t, parseCacheFabric)
	cache := t.TempDir()
	w := openCache(t, remote, cache)
	want, wantErr := parseTree(t, w, "fabrics/lab")
	for round := range 2 {
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				got, _, err := loadTree(t, w, "fabrics/lab")
				sameState(t, want, got, wantErr, err)
			})
		}
		wg.Wait()
		if round == 0 {
			testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/new.yaml": vpc("vpc-new")}, "add one")
			w = openCache(t, remote, cache)
			want, wantErr = parseTree(t, w, "fabrics/lab")
		}
	}
	if _, reads, _ := loadTree(t, w, "fabrics/lab"); reads != 0 {
		t.Errorf("after concurrent readers the cache is not whole: parsed %d files", reads)
	}
	entries, _ := filepath.Glob(filepath.Join(parseCacheDir(w.Root), "*"))
	if len(entries) != 1 {
		t.Errorf("parse cache holds %v, want one entry and no temporary files", entries)
	}
}
