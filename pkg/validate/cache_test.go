package validate

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
)

// checkCacheDir checks that dir holds exactly one <name>.yaml per CRD name
// and no leftover temporary file.
func checkCacheDir(t *testing.T, dir string, names []string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	for _, n := range names {
		want = append(want, n+".yaml")
	}
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("cache holds %v, want %v", got, want)
	}
}

func TestCacheRoundTrip(t *testing.T) {
	crds, err := ReadCRDs(crdDir(t))
	if err != nil {
		t.Fatal(err)
	}
	crds[0].ManagedFields = nil
	crds[0].ResourceVersion = "42"
	crds[0].Annotations = map[string]string{lastAppliedAnnotation: "{}", "keep": "me"}
	dir := filepath.Join(t.TempDir(), "cache", "crds")
	if err := SaveCache(dir, crds...); err != nil {
		t.Fatal(err)
	}
	checkCacheDir(t, dir, HedgehogCRDNames())
	data, err := os.ReadFile(filepath.Join(dir, crds[0].Name+".yaml"))
	if err != nil || !strings.HasPrefix(string(data), "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n") || strings.Contains(string(data), "\nstatus:") {
		t.Fatalf("cached file (%v):\n%s", err, data)
	}
	back, err := ReadCRDs(dir)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]int{}
	for i, c := range back {
		byName[c.Name] = i
	}
	for _, c := range crds {
		b := back[byName[c.Name]]
		if !apiequality.Semantic.DeepEqual(c.Spec, b.Spec) {
			t.Errorf("CRD %s: spec changed in the cache", c.Name)
		}
		if b.ResourceVersion != "" || b.Annotations[lastAppliedAnnotation] != "" {
			t.Errorf("CRD %s: cluster bookkeeping cached: %+v", c.Name, b.ObjectMeta)
		}
	}
	if b := back[byName[crds[0].Name]]; b.Annotations["keep"] != "me" {
		t.Errorf("annotation lost: %v", b.Annotations)
	}
	v, err := LoadCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Validate(obj(t, validDocs["vpc"])); err != nil {
		t.Fatal(err)
	}
	// Saving again replaces the files in place.
	if err := SaveCache(dir, crds[:2]...); err != nil {
		t.Fatal(err)
	}
	checkCacheDir(t, dir, HedgehogCRDNames())
}

func TestLoadCacheSaysHowToFillIt(t *testing.T) {
	for _, dir := range []string{filepath.Join(t.TempDir(), "none"), t.TempDir()} {
		_, err := LoadCache(dir)
		if err == nil || !strings.Contains(err.Error(), "no cached CRDs in "+dir+": run once against the cluster") {
			t.Fatalf("%s: %v", dir, err)
		}
	}
}

func TestSaveCacheRefusesUnnamedCRDs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	c := widgetCRD(t)
	bad := c.DeepCopy()
	bad.Name = "../escape"
	for _, err := range []error{SaveCache(dir, c, nil), SaveCache(dir, c, bad)} {
		if err == nil || !strings.Contains(err.Error(), "CRD 2 of 2 has no usable name") {
			t.Fatalf("%v", err)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("nothing may be written when a CRD is refused: %v", err)
	}
}
