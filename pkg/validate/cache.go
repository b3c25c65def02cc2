package validate

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/githedgehog/kubectl-hnp/internal/atomicfile"
)

// lastAppliedAnnotation is kubectl's copy of the applied manifest; it only
// bloats a cached CRD.
const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

// SaveCache writes each CRD to dir (created if needed) as <name>.yaml for use
// with LoadCache, such as for --offline. Cluster bookkeeping (status, managed
// fields, resource version, uid, timestamps, kubectl's last-applied
// annotation) is left out. Each file is written atomically: it is complete
// or not replaced; a file that already holds the same text is not written.
// Files of other CRDs in dir are left alone.
//
// A cache written from CRDs read from a cluster remembers which (Stamp): a
// later save of the same CRDs finds the cache current (Cached) and neither
// encodes nor writes anything.
func SaveCache(dir string, crds ...*apiextensionsv1.CustomResourceDefinition) error {
	stamp := Stamp(crds...)
	if Cached(dir, stamp, crds...) {
		return nil
	}
	files, err := EncodeCache(crds...)
	if err != nil {
		return err
	}
	return files.Save(dir, stamp)
}

// stampFile is the file of a cache that holds the Stamp of the CRDs its
// files were written from (ReadCRDs reads only .yaml and .yml files).
const stampFile = ".stamp"

// Stamp identifies CRDs as a cluster served them: each one's name, uid and
// resourceVersion, which the API server changes with every change to the
// CRD. "" when any of them lacks a uid or resourceVersion (CRDs that were
// not read from a cluster): such CRDs are never taken as cached.
func Stamp(crds ...*apiextensionsv1.CustomResourceDefinition) string {
	lines := make([]string, 0, len(crds))
	for _, crd := range crds {
		if crd == nil || crd.UID == "" || crd.ResourceVersion == "" {
			return ""
		}
		lines = append(lines, crd.Name+" "+string(crd.UID)+" "+crd.ResourceVersion)
	}
	if len(lines) == 0 {
		return ""
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

// Cached reports whether dir holds the cache of the CRDs of stamp (see
// Stamp): its stamp says so and each CRD's file is there.
func Cached(dir, stamp string, crds ...*apiextensionsv1.CustomResourceDefinition) bool {
	if stamp == "" {
		return false
	}
	cur, err := os.ReadFile(filepath.Join(dir, stampFile))
	if err != nil || string(cur) != stamp {
		return false
	}
	for _, crd := range crds {
		if fi, err := os.Stat(filepath.Join(dir, crd.Name+".yaml")); err != nil || !fi.Mode().IsRegular() {
			return false
		}
	}
	return true
}

// CacheFiles are CRDs encoded as SaveCache writes them, in order: encoded
// once, they can be saved to several caches (fabrics sharing a cluster).
type CacheFiles []CacheFile

// CacheFile is one CRD's file of a cache.
type CacheFile struct {
	Name string // <CRD name>.yaml
	Data []byte
}

// EncodeCache encodes the CRDs as SaveCache writes them.
func EncodeCache(crds ...*apiextensionsv1.CustomResourceDefinition) (CacheFiles, error) {
	files := make(CacheFiles, 0, len(crds))
	for i, crd := range crds {
		if crd == nil || crd.Name == "" || strings.ContainsAny(crd.Name, `/\`) || strings.HasPrefix(crd.Name, ".") {
			return nil, fmt.Errorf("saving the CRD cache: CRD %d of %d has no usable name", i+1, len(crds))
		}
		data, err := cacheYAML(crd)
		if err != nil {
			return nil, fmt.Errorf("saving the CRD cache: CRD %s: %w", crd.Name, err)
		}
		files = append(files, CacheFile{Name: crd.Name + ".yaml", Data: data})
	}
	return files, nil
}

// Save writes the files to dir (created if needed) as SaveCache does, and
// then stamp, the Stamp of the CRDs they were encoded from ("" for none).
// The stamp is written last: a save broken off halfway leaves the earlier
// stamp, which does not match, and the next save writes the files again.
func (files CacheFiles) Save(dir, stamp string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("saving the CRD cache: %w", err)
	}
	for _, f := range files {
		path := filepath.Join(dir, f.Name)
		if cur, err := os.ReadFile(path); err == nil && bytes.Equal(cur, f.Data) {
			continue // unchanged: no write, no fsync
		}
		if err := atomicfile.WriteFile(path, f.Data, 0o644); err != nil {
			return fmt.Errorf("saving the CRD cache: %w", err)
		}
	}
	path := filepath.Join(dir, stampFile)
	if stamp == "" {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("saving the CRD cache: %w", err)
		}
		return nil
	}
	if cur, err := os.ReadFile(path); err == nil && string(cur) == stamp {
		return nil
	}
	if err := atomicfile.WriteFile(path, []byte(stamp), 0o644); err != nil {
		return fmt.Errorf("saving the CRD cache: %w", err)
	}
	return nil
}

// LoadCache compiles the CRDs SaveCache wrote to dir into a Validator. An
// absent or empty cache is an error that says how to fill it.
func LoadCache(dir string) (*Validator, error) {
	crds, err := ReadCRDs(dir)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(crds) == 0) {
		return nil, fmt.Errorf("no cached CRDs in %s: run once against the cluster (without --offline) to fill the cache", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the CRD cache: %w", err)
	}
	v, err := FromCRDs(crds...)
	if err != nil {
		return nil, fmt.Errorf("CRD cache %s: %w", dir, err)
	}
	return v, nil
}

// cacheYAML renders the CRD without the fields a cluster adds.
func cacheYAML(crd *apiextensionsv1.CustomResourceDefinition) ([]byte, error) {
	c := crd.DeepCopy()
	c.APIVersion, c.Kind = crdAPIVersion, crdKindName
	c.ObjectMeta = metav1.ObjectMeta{Name: crd.Name, Labels: c.Labels, Annotations: c.Annotations}
	delete(c.Annotations, lastAppliedAnnotation)
	if len(c.Annotations) == 0 {
		c.Annotations = nil
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(c)
	if err != nil {
		return nil, err
	}
	delete(m, "status")
	return yaml.Marshal(m)
}
