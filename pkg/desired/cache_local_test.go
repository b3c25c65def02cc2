package desired

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// onDisk writes m's files below a new directory and returns it.
func onDisk(t *testing.T, m fstest.MapFS) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{}
	for name, f := range m {
		files[name] = string(f.Data)
	}
	writeTree(t, root, files)
	return root
}

// LoadCached returns what Load returns: cold, warm, and after files
// changed, were added, removed, renamed, or became unreadable; a damaged
// entry is ignored.
func TestLoadCachedEqualsLoad(t *testing.T) {
	root := onDisk(t, cacheFabric())
	if err := os.Symlink("mixed.yaml", filepath.Join(root, "fabrics/lab/link.yaml")); err != nil {
		t.Fatal(err)
	}
	cache := &Cache{Dir: t.TempDir()}
	check := func(step string) {
		t.Helper()
		want, wantErr := Load(root, "fabrics/lab")
		got, err := LoadCached(root, "fabrics/lab", cache)
		if want == nil || got == nil {
			t.Fatalf("%s: Load %v, %v; LoadCached %v, %v", step, want, wantErr, got, err)
		}
		t.Run(step, func(t *testing.T) { sameLoad(t, want, got, wantErr, err) })
	}
	check("cold")
	check("warm")
	check("warm again")
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("fabrics/lab/sub/deeper/a.yml", vpc("vpc-a")+"spec:\n  enabled: no\n")
	write("fabrics/lab/new.yaml", vpc("vpc-new"))
	if err := os.Remove(filepath.Join(root, "fabrics/lab/bad-syntax.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(root, "fabrics/lab/flow.yaml"), filepath.Join(root, "fabrics/lab/moved.yaml")); err != nil {
		t.Fatal(err)
	}
	check("changed")
	check("changed, warm")
	if os.Geteuid() != 0 { // root reads any file
		if err := os.Chmod(filepath.Join(root, "fabrics/lab/new.yaml"), 0); err != nil {
			t.Fatal(err)
		}
		check("unreadable")
		if err := os.Chmod(filepath.Join(root, "fabrics/lab/new.yaml"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := filepath.Glob(filepath.Join(cache.Dir, "*.bin"))
	if err != nil || len(entries) != 1 {
		t.Fatalf("cache entries %v, %v", entries, err)
	}
	if err := os.WriteFile(entries[0], []byte("damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	check("damaged entry")
	check("rewritten entry")
}

// Only the files whose content changed are parsed again: the others'
// results come from the entry (their objects are not the ones a parse of
// the same content would allocate, so identity tells them apart).
func TestLoadCachedParsesOnlyChangedFiles(t *testing.T) {
	root := onDisk(t, fstest.MapFS{
		"f/a.yaml": {Data: []byte(vpc("vpc-a"))},
		"f/b.yaml": {Data: []byte(vpc("vpc-b"))},
	})
	cache := &Cache{Dir: t.TempDir()}
	if _, err := LoadCached(root, "f", cache); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "f/b.yaml"), []byte(vpc("vpc-b2")), 0o644); err != nil {
		t.Fatal(err)
	}
	key := "worktree " + filepath.Join(root, "f")
	if real, err := filepath.EvalSymlinks(filepath.Join(root, "f")); err == nil {
		key = "worktree " + real
	}
	before := cache.read(key)
	if before == nil || len(before.files) != 2 {
		t.Fatalf("entry %+v", before)
	}
	got, err := LoadCached(root, "f", cache)
	if err != nil || len(got.Objects) != 2 {
		t.Fatalf("%v, %v", got, err)
	}
	after := cache.read(key)
	if after == nil || after.files[0].raw != before.files[0].raw || after.files[1].hash == before.files[1].hash {
		t.Errorf("the unchanged file's record was not kept as it was, or the changed one not replaced")
	}
}
