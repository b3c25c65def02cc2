package validate

import (
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// crdDir is testdata/crds of the repository, found from this file's location.
func crdDir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test source")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "crds")
}

var (
	sharedOnce sync.Once
	shared     *Validator
	sharedErr  error
)

// hedgehog returns a lenient Validator of the 12 CRDs of testdata/crds,
// compiled once per test binary.
func hedgehog(t testing.TB) *Validator {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = LoadDir(crdDir(t)) })
	if sharedErr != nil {
		t.Fatalf("LoadDir: %v", sharedErr)
	}
	return shared
}

// strict returns the shared Validator in strict mode.
func strict(t testing.TB) *Validator {
	return hedgehog(t).WithOptions(Options{RejectUnknownFields: true})
}

// obj parses one YAML document into an object.
func obj(t testing.TB, doc string) *unstructured.Unstructured {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatalf("bad test YAML: %v\n%s", err, doc)
	}
	return &unstructured.Unstructured{Object: m}
}
