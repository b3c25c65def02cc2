package render

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// withCache makes Render use a cache in a temporary directory for one test.
func withCache(t *testing.T) *Cache {
	t.Helper()
	c := &Cache{Dir: t.TempDir()}
	UseCache(c)
	t.Cleanup(func() { UseCache(nil) })
	return c
}

// copyLayout copies the kustomize test layout into a writable directory.
func copyLayout(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(layout)); err != nil {
		t.Fatal(err)
	}
	return dst
}

func renderDir(t *testing.T, dir, kdir string) *Result {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	res, err := Render(root.FS(), kdir)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func entries(t *testing.T, c *Cache) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(c.Dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCacheHitEqualsBuild(t *testing.T) {
	dir := copyLayout(t)
	UseCache(nil)
	want := renderDir(t, dir, "overlays/lab")
	c := withCache(t)
	first := renderDir(t, dir, "overlays/lab")
	if n := len(entries(t, c)); n != 1 {
		t.Fatalf("%d cache entries after one build, want 1", n)
	}
	// Poison the entry's objects on disk would be caught below: the hit
	// must decode to exactly the build's result.
	second := renderDir(t, dir, "overlays/lab")
	for _, got := range []*Result{first, second} {
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("cached result differs from the build:\n got %+v\nwant %+v", got, want)
		}
	}
	if first.Objects[0].Obj == second.Objects[0].Obj {
		t.Fatal("a hit must hand out fresh objects (callers change them)")
	}
}

// TestCacheServesEntry proves the second render comes from the entry: a
// mark put into the entry on disk shows through while the inputs match,
// and a broken entry falls back to a build.
func TestCacheServesEntry(t *testing.T) {
	dir := copyLayout(t)
	c := withCache(t)
	renderDir(t, dir, "overlays/lab")
	file := entries(t, c)[0]
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var e map[string]interface{}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	obj := e["result"].(map[string]interface{})["objects"].([]interface{})[0].(map[string]interface{})["obj"].(map[string]interface{})
	obj["metadata"].(map[string]interface{})["labels"] = map[string]interface{}{"served-from": "cache"}
	if b, err = json.Marshal(e); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := renderDir(t, dir, "overlays/lab").Objects[0].Obj.GetLabels()["served-from"]; got != "cache" {
		t.Fatalf("label from the entry = %q: the render did not come from the cache", got)
	}
	if err := os.WriteFile(file, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	res := renderDir(t, dir, "overlays/lab")
	if len(res.Objects) == 0 || res.Objects[0].Obj.GetLabels()["served-from"] != "" {
		t.Fatal("a broken entry must fall back to a build")
	}
}

func TestCacheInvalidation(t *testing.T) {
	cases := []struct {
		name   string
		change func(t *testing.T, dir string)
	}{
		{"a resource file changes", func(t *testing.T, dir string) {
			appendTo(t, filepath.Join(dir, "base", "vpcs.yaml"), "\n---\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-cache\nspec:\n  subnets:\n    default:\n      subnet: 10.99.0.0/24\n      vlan: 1999\n")
		}},
		{"a base kustomization changes", func(t *testing.T, dir string) {
			appendTo(t, filepath.Join(dir, "base", "kustomization.yaml"), "\nnameSuffix: -x\n")
		}},
		{"a file kustomize probed for appears", func(t *testing.T, dir string) {
			// kustomize looks for kustomization.yaml, .yml and Kustomization: a
			// second one in the base makes the build fail, so the old result
			// must not be served.
			b, err := os.ReadFile(filepath.Join(dir, "base", "kustomization.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "base", "kustomization.yml"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyLayout(t)
			withCache(t)
			before := renderDir(t, dir, "overlays/lab")
			tc.change(t, dir)
			UseCache(nil)
			root, err := os.OpenRoot(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer root.Close()
			want, wantErr := Render(root.FS(), "overlays/lab")
			UseCache(&Cache{Dir: t.TempDir()})
			got, gotErr := Render(root.FS(), "overlays/lab")
			if (gotErr == nil) != (wantErr == nil) {
				t.Fatalf("cached render error %v, build error %v", gotErr, wantErr)
			}
			if wantErr == nil && !reflect.DeepEqual(got, want) {
				t.Fatal("cached render differs from a build after the change")
			}
			if wantErr == nil && reflect.DeepEqual(got, before) {
				t.Fatal("the change did not change the result: the case tests nothing")
			}
		})
	}
}

func appendTo(t *testing.T, file, text string) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkRender1000Cached is BenchmarkRender1000 with the cache warm.
func BenchmarkRender1000Cached(b *testing.B) { benchmarkCached(b, 1000) }

// BenchmarkRender10000Cached is the 10,000 objects through base +
// overlay with the cache warm. Filling the cache is one cold build (about
// a minute: see docs/kustomize.md), outside the timed loop.
func BenchmarkRender10000Cached(b *testing.B) { benchmarkCached(b, 10000) }

func benchmarkCached(b *testing.B, n int) {
	UseCache(&Cache{Dir: b.TempDir()})
	defer UseCache(nil)
	src := benchLayout(n)
	if _, err := Render(src, "overlay"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := Render(src, "overlay")
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Objects) != n {
			b.Fatalf("%d objects", len(res.Objects))
		}
	}
}
