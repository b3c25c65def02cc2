package atomicfile

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// entries lists dir's names, to catch temporary files left behind.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func checkFile(t *testing.T, path, want string, mode fs.FileMode) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != want {
		t.Errorf("%s holds %q, want %q", path, b, want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode() & modeBits; got != mode {
		t.Errorf("%s has mode %v, want %v", path, got, mode)
	}
}

func TestWriteFileCreatesAndReplacesWithTheGivenMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.yaml")
	// 0664 is wider than the usual umask allows: the mode is set exactly.
	if err := WriteFile(p, []byte("one\n"), 0o664); err != nil {
		t.Fatal(err)
	}
	checkFile(t, p, "one\n", 0o664)
	if err := WriteFile(p, []byte("two\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	checkFile(t, p, "two\n", 0o600)
	if got := entries(t, dir); len(got) != 1 || got[0] != "config.yaml" {
		t.Errorf("directory holds %v, want only config.yaml", got)
	}
}

func TestReplaceFileKeepsTheTargetsMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "vpc.yaml")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := ReplaceFile(p, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	checkFile(t, p, "new", 0o640)

	created := filepath.Join(dir, "new.yaml")
	if err := ReplaceFile(created, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	checkFile(t, created, "x", 0o644)
}

func TestReplaceFileReplacesASymlinkNotItsTarget(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "target"), filepath.Join(dir, "link")
	if err := os.WriteFile(target, []byte("target"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := ReplaceFile(link, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(link)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.Mode().IsRegular() {
		t.Errorf("link is %v after ReplaceFile, want a regular file", fi.Mode())
	}
	checkFile(t, link, "new", 0o640)
	checkFile(t, target, "target", 0o640)
}

func TestFailureLeavesTargetAndNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	// A non-empty directory at the path: the rename fails after the
	// temporary file was written.
	p := filepath.Join(dir, "busy")
	if err := os.MkdirAll(filepath.Join(p, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("data"), 0o644); err == nil {
		t.Fatal("WriteFile over a non-empty directory succeeded")
	}
	if got := entries(t, dir); len(got) != 1 || got[0] != "busy" {
		t.Errorf("directory holds %v after the failure, want only busy", got)
	}
	if got := entries(t, p); len(got) != 1 || got[0] != "inside" {
		t.Errorf("the target directory holds %v, want it unchanged", got)
	}

	missing := filepath.Join(dir, "no", "such", "dir", "f")
	if err := WriteFile(missing, []byte("data"), 0o644); err == nil {
		t.Error("WriteFile into a missing directory succeeded")
	}
	if err := ReplaceFile(missing, []byte("data"), 0o644); err == nil {
		t.Error("ReplaceFile into a missing directory succeeded")
	}
}

// A concurrent reader sees the old or the new content, whole, never a
// truncated or mixed file (os.WriteFile would fail this).
func TestReadersSeeOldOrNewContent(t *testing.T) {
	p := filepath.Join(t.TempDir(), "snapshot.json")
	a, b := bytes.Repeat([]byte("a"), 256<<10), bytes.Repeat([]byte("b"), 256<<10)
	if err := WriteFile(p, a, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			got, err := os.ReadFile(p)
			if err != nil {
				t.Errorf("reading during writes: %v", err)
				return
			}
			if !bytes.Equal(got, a) && !bytes.Equal(got, b) {
				t.Errorf("a reader saw %d bytes that are neither the old nor the new content", len(got))
				return
			}
		}
	}()
	for i := 0; i < 40; i++ {
		data := a
		if i%2 == 0 {
			data = b
		}
		if err := WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
}

func TestWriteCacheReplacesAtomically(t *testing.T) {
	p := filepath.Join(t.TempDir(), "entry")
	for _, data := range []string{"first", "second, longer"} {
		if err := WriteCache(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != data {
			t.Fatalf("read %q, %v; want %q", got, err, data)
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v", fi.Mode())
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(p)); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}
