package desired

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// hashFS is a ContentFS over an in-memory tree for the cache's unit tests
// (gitstate's tests use real Git trees): files are named by the SHA-256 of
// their content, directories by that of their listing. It counts the files
// read, and fails reading the files in fail.
type hashFS struct {
	fstest.MapFS
	cache *Cache
	reads atomic.Int64
	fail  map[string]bool
}

func (h *hashFS) ReadFile(name string) ([]byte, error) {
	h.reads.Add(1)
	if h.fail[name] {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("input/output error")}
	}
	return h.MapFS.ReadFile(name)
}

func (h *hashFS) ContentHash(name string) (string, bool) {
	fi, err := fs.Stat(h.MapFS, name)
	if err != nil {
		return "", false
	}
	sum := sha256.New()
	if fi.IsDir() {
		des, err := fs.ReadDir(h.MapFS, name)
		if err != nil {
			return "", false
		}
		for _, de := range des {
			sub, ok := h.ContentHash(path.Join(name, de.Name()))
			if !ok {
				return "", false
			}
			fmt.Fprintf(sum, "%s %s\n", de.Name(), sub)
		}
	} else {
		sum.Write(h.MapFS[name].Data)
	}
	return hex.EncodeToString(sum.Sum(nil)), true
}

func (h *hashFS) ParseCache() *Cache { return h.cache }

// load loads dir through the cache, checks it against a parse's want and
// wantErr, and returns it and how many files it read.
func (h *hashFS) load(t *testing.T, dir string, want *State, wantErr error) (*State, int64) {
	t.Helper()
	h.reads.Store(0)
	got, err := LoadFS(h, dir)
	sameLoad(t, want, got, wantErr, err)
	return got, h.reads.Load()
}

// cacheFabric is a fabric with a bit of everything LoadFS returns: objects
// in YAML (both parsers) and JSON, v1 Lists, skipped documents, parse
// errors, a duplicate, YAML 1.1 scalars, and values of every type.
func cacheFabric() fstest.MapFS {
	files := map[string]string{
		"fabrics/lab/mixed.yaml":        mixedYAML,
		"fabrics/lab/list.json":         listJSON,
		"fabrics/lab/sub/vpc.json":      vpcJSON,
		"fabrics/lab/sub/deeper/a.yml":  vpc("vpc-a") + "spec:\n  enabled: yes\n  mode: off\n  empty: {}\n  none: []\n  nested:\n    - [1, 2.5, -3]\n    - {x: null, y: \"é\"}\n",
		"fabrics/lab/flow.yaml":         "{apiVersion: vpc.githedgehog.com/v1beta1, kind: VPC, metadata: {name: vpc-flow}, spec: {on: on, n: 0x10}}\n",
		"fabrics/lab/bad-syntax.yaml":   vpc("vpc-ok") + "---\nkind: [unclosed\n",
		"fabrics/lab/bad-kind.yaml":     "apiVersion: example.com/v1\nkind: VPC\nmetadata:\n  name: wrong-group\n",
		"fabrics/lab/dup.yaml":          vpc("vpc-1") + "  namespace: default\n",
		"fabrics/lab/README.md":         "# not a manifest\n",
		"fabrics/lab/anchors.yaml":      "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: sw-anchor\nspec: &s\n  asn: 65000\n  description: |\n    two\n    lines\nstatus: *s\n",
		"fabrics/other/elsewhere.yaml":  vpc("elsewhere"),
		"fabrics/lab/empty.yaml":        "",
		"fabrics/lab/only-comment.yaml": "# nothing\n",
	}
	m := fstest.MapFS{}
	for name, content := range files {
		m[name] = &fstest.MapFile{Data: []byte(content), Mode: 0o644}
	}
	return m
}

// sameLoad fails unless a cached load returned exactly what a parse did:
// the same State (its YAML 1.1 notes, which a parse finds in no particular
// order, as YAML11 sorts them, and applied to the same objects) and the
// same errors.
func sameLoad(t *testing.T, want, got *State, wantErr, gotErr error) {
	t.Helper()
	if !reflect.DeepEqual(got.YAML11(false), want.YAML11(false)) {
		t.Errorf("YAML 1.1 notes differ:\n got %v\nwant %v", got.YAML11(false), want.YAML11(false))
	}
	g, w := *got, *want
	g.notes, w.notes = nil, nil
	if !reflect.DeepEqual(g, w) {
		t.Errorf("cached state differs from a fresh parse:\n got %+v\nwant %+v", g, w)
	}
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(gotErr, wantErr) {
		t.Errorf("errors differ:\n got %v\nwant %v", gotErr, wantErr)
	}
	// The notes point at the objects they are about: applied, they change
	// the same fields. (Applied to copies: the caller's states stay as read.)
	gc, wc := copyState(got), copyState(want)
	gc.YAML11(true)
	wc.YAML11(true)
	if !reflect.DeepEqual(gc.Objects, wc.Objects) {
		t.Error("the YAML 1.1 values applied differ")
	}
}

// copyState copies a State deeply enough for YAML11(true) to leave the
// original as it was.
func copyState(s *State) *State {
	c := *s
	c.Objects = resource.Set{}
	objs := map[*resource.Object]*resource.Object{}
	for k, o := range s.Objects {
		oc := *o
		oc.Obj = o.Obj.DeepCopy()
		objs[o] = &oc
		c.Objects[k] = &oc
	}
	c.notes = nil
	for _, n := range s.notes {
		n.obj = objs[n.obj]
		c.notes = append(c.notes, n)
	}
	return &c
}

func fresh(t *testing.T, m fstest.MapFS, dir string) (*State, error) {
	t.Helper()
	return LoadFS(m, dir)
}

func TestCacheHitEqualsParse(t *testing.T) {
	m := cacheFabric()
	want, wantErr := fresh(t, m, "fabrics/lab")
	if wantErr == nil || len(want.Objects) < 8 || len(want.Skipped) == 0 || len(want.YAML11(false)) < 2 {
		t.Fatalf("the fixture should yield objects, skipped documents, errors and notes: %d objects, %d skipped, %d notes, err %v",
			len(want.Objects), len(want.Skipped), len(want.YAML11(false)), wantErr)
	}
	cache := &Cache{Dir: t.TempDir()}
	h := &hashFS{MapFS: m, cache: cache}
	got, err := LoadFS(h, "fabrics/lab")
	sameLoad(t, want, got, wantErr, err)
	if n := h.reads.Load(); n != int64(want.Files) {
		t.Errorf("a cold cache read %d files, want all %d", n, want.Files)
	}
	for range 2 {
		if _, n := h.load(t, "fabrics/lab", want, wantErr); n != 0 {
			t.Errorf("an unchanged directory read %d files, want none", n)
		}
	}
	// What a caller does to the objects (YAML 1.1 values applied) does not
	// reach the next load.
	got.YAML11(true)
	got, err = LoadFS(h, "fabrics/lab")
	sameLoad(t, want, got, wantErr, err)
}

func TestCachePartialReuse(t *testing.T) {
	m := cacheFabric()
	cache := &Cache{Dir: t.TempDir()}
	h := &hashFS{MapFS: m, cache: cache}
	if _, err := LoadFS(h, "fabrics/lab"); err == nil {
		t.Fatal("the fixture has errors")
	}
	m["fabrics/lab/sub/deeper/a.yml"] = &fstest.MapFile{Data: []byte(vpc("vpc-a") + "spec:\n  enabled: no\n")}
	m["fabrics/lab/new.yaml"] = &fstest.MapFile{Data: []byte(vpc("vpc-new"))}
	delete(m, "fabrics/lab/bad-syntax.yaml")
	m["fabrics/lab/moved.yaml"] = m["fabrics/lab/flow.yaml"] // same content, new path
	delete(m, "fabrics/lab/flow.yaml")
	want, wantErr := fresh(t, m, "fabrics/lab")
	if _, n := h.load(t, "fabrics/lab", want, wantErr); n != 3 {
		t.Errorf("read %d files, want the 3 changed, new or moved ones", n)
	}
	if _, n := h.load(t, "fabrics/lab", want, wantErr); n != 0 {
		t.Errorf("read %d files after the change was cached, want none", n)
	}
}

func TestCacheIgnoresDamagedEntries(t *testing.T) {
	m := cacheFabric()
	want, wantErr := fresh(t, m, "fabrics/lab")
	damage := map[string]func([]byte) []byte{
		"empty":        func([]byte) []byte { return nil },
		"truncated":    func(b []byte) []byte { return b[:len(b)/2] },
		"flipped byte": func(b []byte) []byte { b[len(b)/3] ^= 0x40; return b },
		"bad checksum": func(b []byte) []byte { b[len(b)-1] ^= 1; return b },
		"garbage":      func([]byte) []byte { return []byte("not an entry at all, but long enough") },
		"extra bytes":  func(b []byte) []byte { return append(b[:len(b)-4:len(b)-4], 0, 0, 0, 0, 0) },
	}
	for name, fn := range damage {
		t.Run(name, func(t *testing.T) {
			cache := &Cache{Dir: t.TempDir()}
			h := &hashFS{MapFS: m, cache: cache}
			_, _ = LoadFS(h, "fabrics/lab")
			p := cache.path("fabrics/lab")
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, fn(b), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, n := h.load(t, "fabrics/lab", want, wantErr); n != int64(want.Files) {
				t.Errorf("read %d files through a damaged entry, want all %d parsed again", n, want.Files)
			}
			if _, n := h.load(t, "fabrics/lab", want, wantErr); n != 0 {
				t.Errorf("the damaged entry was not written again: %d files read", n)
			}
		})
	}
}

func TestCacheIgnoresAnotherBinarysEntries(t *testing.T) {
	m := cacheFabric()
	want, wantErr := fresh(t, m, "fabrics/lab")
	cache := &Cache{Dir: t.TempDir()}
	h := &hashFS{MapFS: m, cache: cache}
	defer func(id func() string) { buildID = id }(buildID)
	buildID = func() string { return "kubectl-hnp v0.1.0 (an older parser)" }
	_, _ = LoadFS(h, "fabrics/lab")
	buildID = func() string { return "kubectl-hnp v0.2.0" }
	if _, n := h.load(t, "fabrics/lab", want, wantErr); n != int64(want.Files) {
		t.Errorf("read %d files through another binary's entry, want all %d", n, want.Files)
	}
	// Another directory's entry is not this one's.
	other, otherErr := fresh(t, m, "fabrics/other")
	h.load(t, "fabrics/other", other, otherErr)
	if _, n := h.load(t, "fabrics/lab", want, wantErr); n != 0 {
		t.Errorf("read %d files, want none: each directory has its entry", n)
	}
}

func TestCacheKeepsUnreadableFilesErrors(t *testing.T) {
	m := cacheFabric()
	cache := &Cache{Dir: t.TempDir()}
	h := &hashFS{MapFS: m, cache: cache, fail: map[string]bool{"fabrics/lab/dup.yaml": true}}
	for i := range 3 {
		h.reads.Store(0)
		_, err := LoadFS(h, "fabrics/lab")
		if err == nil || !strings.Contains(err.Error(), "fabrics/lab/dup.yaml: read fabrics/lab/dup.yaml: input/output error") {
			t.Fatalf("load %d: the unreadable file is not an error: %v", i, err)
		}
		if i > 0 {
			if n := h.reads.Load(); n != 1 {
				t.Errorf("load %d read %d files, want only the unreadable one again", i, n)
			}
		}
	}
	delete(h.fail, "fabrics/lab/dup.yaml")
	want, wantErr := fresh(t, m, "fabrics/lab")
	got, err := LoadFS(h, "fabrics/lab")
	sameLoad(t, want, got, wantErr, err)
}

func TestCacheConcurrentReaders(t *testing.T) {
	m := cacheFabric()
	want, wantErr := fresh(t, m, "fabrics/lab")
	cache := &Cache{Dir: t.TempDir()}
	for round := range 2 {
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				h := &hashFS{MapFS: m, cache: cache}
				got, err := LoadFS(h, "fabrics/lab")
				sameLoad(t, want, got, wantErr, err)
			})
		}
		wg.Wait()
		if round == 0 {
			// The next round's readers meet a changed directory.
			m = cacheFabric()
			m["fabrics/lab/new.yaml"] = &fstest.MapFile{Data: []byte(vpc("vpc-new"))}
			want, wantErr = fresh(t, m, "fabrics/lab")
		}
	}
	entries, err := filepath.Glob(filepath.Join(cache.Dir, "*"))
	if err != nil || len(entries) != 1 {
		t.Errorf("cache holds %v (%v), want one entry and no temporary files", entries, err)
	}
}

func TestCacheValuesComeBackExactly(t *testing.T) {
	v := map[string]interface{}{
		"int": int64(-42), "big": int64(math.MaxInt64), "float": 2.5, "negzero": math.Copysign(0, -1), "whole": float64(3),
		"t": true, "f": false, "null": nil, "str": "héllo\x00", "empty": "",
		"map": map[string]interface{}{}, "nilmap": map[string]interface{}(nil),
		"list": []interface{}{}, "nillist": []interface{}(nil),
		"nested": []interface{}{map[string]interface{}{"a": []interface{}{int64(1), "b", nil}}},
	}
	var e encoder
	if err := e.value(v); err != nil {
		t.Fatal(err)
	}
	d := &decoder{data: string(e.buf)}
	got := d.value(0)
	if d.err != nil || d.off != len(d.data) {
		t.Fatalf("decoding: %v at %d of %d", d.err, d.off, len(d.data))
	}
	if !reflect.DeepEqual(got, v) {
		t.Errorf("got %#v\nwant %#v", got, v)
	}
	if f := got.(map[string]interface{})["negzero"].(float64); !math.Signbit(f) {
		t.Error("-0 lost its sign")
	}
	if err := e.value(map[string]interface{}{"x": 1}); !errors.Is(err, errUncacheable) {
		t.Errorf("a value of type int: %v, want errUncacheable", err)
	}
}

// A prefetched entry is what the next load of its directory uses, checked
// as any entry: read before the directory changed, it still yields the
// changed directory's state, parsing only what changed.
func TestCachePrefetch(t *testing.T) {
	m := cacheFabric()
	cache := &Cache{Dir: t.TempDir()}
	h := &hashFS{MapFS: m, cache: cache}
	want, wantErr := fresh(t, m, "fabrics/lab")
	if _, err := LoadFS(h, "fabrics/lab"); err == nil {
		t.Fatal("the fixture has errors")
	}
	cache.Prefetch("./fabrics/lab/") // spelt as a fabric's git.dir may be
	if _, n := h.load(t, "fabrics/lab", want, wantErr); n != 0 {
		t.Errorf("a prefetched, unchanged directory read %d files, want none", n)
	}
	if len(cache.pending) != 0 {
		t.Errorf("the prefetched entry was not taken: %v", cache.pending)
	}

	cache.Prefetch("fabrics/lab")
	m["fabrics/lab/new.yaml"] = &fstest.MapFile{Data: []byte(vpc("vpc-new"))} // after the prefetch
	want, wantErr = fresh(t, m, "fabrics/lab")
	got, n := h.load(t, "fabrics/lab", want, wantErr)
	if n != 1 {
		t.Errorf("read %d files, want the new one", n)
	}
	found := false
	for k := range got.Objects {
		found = found || k.Name == "vpc-new"
	}
	if !found {
		t.Error("the file added after the prefetch is missing")
	}
}
