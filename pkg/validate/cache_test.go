package validate

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/types"
)

// checkCacheDir checks that dir holds exactly one <name>.yaml per CRD name
// (and perhaps the stamp) and no leftover temporary file.
func checkCacheDir(t *testing.T, dir string, names []string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, e := range entries {
		if e.Name() != stampFile {
			got = append(got, e.Name())
		}
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

// A cache saved from CRDs read from a cluster (uid and resourceVersion set)
// is not encoded or written again while the cluster serves the same CRDs;
// a changed CRD, a missing file or CRDs that were not read from a cluster
// are written again.
func TestSaveCacheSkipsACurrentCache(t *testing.T) {
	crds, err := ReadCRDs(crdDir(t))
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range crds {
		c.UID = types.UID(fmt.Sprintf("uid-%d", i))
		c.ResourceVersion = fmt.Sprint(100 + i)
	}
	dir := t.TempDir()
	if err := SaveCache(dir, crds...); err != nil {
		t.Fatal(err)
	}
	stamp, err := os.ReadFile(filepath.Join(dir, stampFile))
	if err != nil || string(stamp) != Stamp(crds...) || !Cached(dir, Stamp(crds...), crds...) {
		t.Fatalf("stamp %q (%v), want %q", stamp, err, Stamp(crds...))
	}
	// Mark every file: a save that writes replaces the mark.
	old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	mark := func() {
		t.Helper()
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if err := os.Chtimes(filepath.Join(dir, e.Name()), old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	written := func() []string {
		t.Helper()
		entries, _ := os.ReadDir(dir)
		var out []string
		for _, e := range entries {
			fi, err := e.Info()
			if err != nil {
				t.Fatal(err)
			}
			if !fi.ModTime().Equal(old) {
				out = append(out, e.Name())
			}
		}
		return out
	}
	name := crds[1].Name + ".yaml"

	mark()
	if err := SaveCache(dir, crds...); err != nil {
		t.Fatal(err)
	}
	if got := written(); len(got) != 0 {
		t.Errorf("the same CRDs again: wrote %v, want nothing", got)
	}

	// A CRD changed in the cluster: its file (and the stamp) are written.
	crds[1].ResourceVersion = "999"
	crds[1].Spec.Names.ShortNames = append(crds[1].Spec.Names.ShortNames, "changed")
	if Cached(dir, Stamp(crds...), crds...) {
		t.Error("a changed CRD's cache is current")
	}
	mark()
	if err := SaveCache(dir, crds...); err != nil {
		t.Fatal(err)
	}
	if got := written(); !slices.Equal(got, []string{stampFile, name}) {
		t.Errorf("one CRD changed: wrote %v, want the stamp and %s", got, name)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, name)); !strings.Contains(string(data), "- changed") {
		t.Errorf("%s does not hold the change", name)
	}

	// A file gone: the cache is not current, and the file comes back.
	if err := os.Remove(filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
	if Cached(dir, Stamp(crds...), crds...) {
		t.Error("a cache missing a file is current")
	}
	if err := SaveCache(dir, crds...); err != nil {
		t.Fatal(err)
	}
	if !Cached(dir, Stamp(crds...), crds...) {
		t.Error("the file missing is not written again")
	}

	// CRDs not read from a cluster have no stamp: written, and the stamp
	// of the earlier CRDs removed.
	crds[0].UID = ""
	if Stamp(crds...) != "" || Cached(dir, "", crds...) {
		t.Error("CRDs without a uid have a stamp")
	}
	if err := SaveCache(dir, crds...); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, stampFile)); !os.IsNotExist(err) {
		t.Errorf("the stamp of other CRDs is left: %v", err)
	}
}
