package gitstate

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func key(kind, ns, name string) resource.Key {
	return resource.Key{Kind: kind, Namespace: ns, Name: name}
}

func vpc(name string) string {
	return "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: " + name + "\n"
}

// readTree reads a file of the workspace's commit from the object store.
func readTree(t *testing.T, w *Workspace, rel string) string {
	t.Helper()
	tr, err := w.Tree()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tr.Close() }()
	b, err := fs.ReadFile(tr, rel)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// inTree says whether the workspace's commit has the file rel.
func inTree(t *testing.T, w *Workspace, rel string) bool {
	t.Helper()
	tr, err := w.Tree()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tr.Close() }()
	_, err = fs.Stat(tr, rel)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return err == nil
}
