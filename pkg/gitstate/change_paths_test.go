package gitstate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

func TestChangeRefusesPathsOutsideDir(t *testing.T) {
	remote := testbed.NewBareRemote(t, changeFiles)
	clone := filepath.Join(t.TempDir(), "c")
	testbed.Git(t, filepath.Dir(clone), "clone", "-q", remote, clone)
	if err := os.Symlink("../other", filepath.Join(clone, "fabrics/lab/link")); err != nil {
		t.Fatal(err)
	}
	testbed.Git(t, clone, "add", "-A")
	testbed.Git(t, clone, "commit", "-q", "-m", "link")
	testbed.Git(t, clone, "push", "-q", "origin", "main")
	w := mustOpen(t, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: t.TempDir()})
	before := testbed.Git(t, remote, "rev-parse", "main")

	for _, tt := range []struct{ dir, path, want string }{
		{labDir, "README.md", "outside the fabric's directory fabrics/lab"},
		{labDir, "fabrics/other/x.yaml", "outside the fabric's directory"},
		{labDir, "fabrics/lab/../other/x.yaml", "climbs out"},
		{labDir, "../escape.yaml", "climbs out"},
		{labDir, "/etc/passwd", "absolute"},
		{labDir, "fabrics/lab/link/x.yaml", "outside the fabric's directory"},
		{"", ".git/config", "inside .git"},
		{"", ".git/hooks/pre-commit", "inside .git"},
		{"../..", "x.yaml", "climbs out of the repository"},
	} {
		opts := pushOpts()
		opts.Dir = tt.dir
		files := map[string]string{"fabrics/lab/fine.yaml": vpc("fine"), tt.path: "evil\n"}
		_, err := w.Change(context.Background(), put(files), opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("dir %q, path %q: %v, want %q", tt.dir, tt.path, err, tt.want)
		}
		if tip := testbed.Git(t, remote, "rev-parse", "main"); tip != before {
			t.Fatalf("path %q reached the remote", tt.path)
		}
		assertCleanAt(t, w, remote)
	}
	if got := readTree(t, w, "fabrics/other/x.yaml"); got != vpc("x") {
		t.Errorf("a file outside the fabric changed: %q", got)
	}
}
