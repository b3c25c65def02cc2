package validate

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The bundled CRDs are the ones the tests use, byte for byte: a CRD
// updated in testdata/crds must be copied into bundled/ too.
func TestBundledEqualsTestdata(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "crds")
	want, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := bundled.ReadDir("bundled")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(want) != 12 {
		t.Fatalf("bundled/ holds %d files, testdata/crds %d; want 12 each", len(got), len(want))
	}
	for _, p := range want {
		w, _ := os.ReadFile(p)
		g, err := bundled.ReadFile("bundled/" + filepath.Base(p))
		if err != nil || !bytes.Equal(g, w) {
			t.Errorf("bundled/%s differs from %s (copy it): %v", filepath.Base(p), p, err)
		}
	}
	v, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(v.Kinds()); n < 12 {
		t.Fatalf("bundled validator knows %d kinds, want 12", n)
	}
}
