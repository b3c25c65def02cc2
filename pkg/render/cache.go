package render

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	"github.com/githedgehog/kubectl-hnp/internal/atomicfile"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Cache keeps rendered kustomizations on disk. kustomize's build is slow
// on large fabrics (its resource map checks every new object against all
// others), and its output is a function of the files it read: an entry
// records every question the build asked of the repository (files read
// and their digests, paths found absent, directory listings) and is reused
// only when every answer is still the same. An entry is keyed by the
// kustomize version, the directory and the top kustomization's contents,
// so that fabrics sharing a directory name in different repositories do
// not evict each other.
type Cache struct {
	// Dir holds the entries (one JSON file each).
	Dir string
}

var cache atomic.Pointer[Cache]

// UseCache makes Render keep its results in c (nil: no cache).
func UseCache(c *Cache) { cache.Store(c) }

// cacheFormat changes whenever the entry's layout or the meaning of a
// Result changes, so that old entries are ignored.
const cacheFormat = "render-cache/1"

// kustomizeVersion is the version of kustomize's API this binary renders
// with: an upgrade may change the output, so it is part of the key.
var kustomizeVersion = func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "sigs.k8s.io/kustomize/api" {
				if d.Replace != nil {
					d = d.Replace
				}
				return d.Version
			}
		}
	}
	return "unknown"
}()

// entry is a cache file.
type entry struct {
	Format string  `json:"format"`
	Dir    string  `json:"dir"`
	Inputs []input `json:"inputs"`
	Result wire    `json:"result"`
}

// wire is a Result as stored.
type wire struct {
	Kustomization  string                     `json:"kustomization"`
	Objects        []wireObject               `json:"objects"`
	Files          []string                   `json:"files"`
	Listed         map[string]resource.Origin `json:"listed"`
	Kustomizations []string                   `json:"kustomizations"`
	Renderer       string                     `json:"renderer,omitempty"`
	Fallback       string                     `json:"fallback,omitempty"`
}

type wireObject struct {
	Obj     map[string]interface{} `json:"obj"`
	Source  *resource.Origin       `json:"source,omitempty"`
	Patches []resource.Origin      `json:"patches,omitempty"`
}

func digest(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// path returns the entry file for dir, whose top kustomization is top.
func (c *Cache) path(src fs.FS, dir, top string) (string, bool) {
	b, err := fs.ReadFile(src, top)
	if err != nil {
		return "", false
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", cacheFormat, kustomizeVersion, dir, top)
	h.Write(b)
	return filepath.Join(c.Dir, digest(h)[:32]+".json"), true
}

// lookup returns the cached build of dir when every recorded answer still
// holds, nil otherwise.
func (c *Cache) lookup(src fs.FS, dir, top string) *Result {
	p, ok := c.path(src, dir, top)
	if !ok {
		return nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil
	}
	var e entry
	if err := utiljson.Unmarshal(b, &e); err != nil || e.Format != cacheFormat || e.Dir != dir {
		return nil
	}
	for _, in := range e.Inputs {
		if d, ok := answer(src, in.Path, in.Checks); !ok || d != in.Digest {
			return nil
		}
	}
	res := &Result{Kustomization: e.Result.Kustomization, Files: e.Result.Files, Listed: e.Result.Listed,
		Kustomizations: e.Result.Kustomizations, Objects: make([]*Object, len(e.Result.Objects)),
		renderer: e.Result.Renderer, fallback: e.Result.Fallback}
	if res.Listed == nil {
		res.Listed = map[string]resource.Origin{}
	}
	for i, o := range e.Result.Objects {
		res.Objects[i] = &Object{Obj: &unstructured.Unstructured{Object: o.Obj}, Source: o.Source, Patches: o.Patches}
	}
	return res
}

// store records the build of dir with the questions it asked of rec. A
// cache that cannot be written is not an error: the next run builds again.
func (c *Cache) store(rec *recordFS, src fs.FS, dir, top string, res *Result) {
	p, ok := c.path(src, dir, top)
	if !ok {
		return
	}
	inputs, ok := rec.inputs(src)
	if !ok {
		return
	}
	e := entry{Format: cacheFormat, Dir: dir, Inputs: inputs, Result: wire{Kustomization: res.Kustomization,
		Files: res.Files, Listed: res.Listed, Kustomizations: res.Kustomizations, Objects: make([]wireObject, len(res.Objects)),
		Renderer: res.renderer, Fallback: res.fallback}}
	for i, o := range res.Objects {
		e.Result.Objects[i] = wireObject{Obj: o.Obj.Object, Source: o.Source, Patches: o.Patches}
	}
	b, err := json.Marshal(&e)
	if err != nil {
		return
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return
	}
	_ = atomicfile.ReplaceFile(p, b, 0o600)
}
