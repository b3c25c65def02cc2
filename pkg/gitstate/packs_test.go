package gitstate

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
	"github.com/gofrs/flock"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// packState lists the clone's packs and every object they hold.
func packState(t *testing.T, clone string) (packs []plumbing.Hash, objects map[plumbing.Hash]bool) {
	t.Helper()
	dg := dotgit.New(osfs.New(gitDir(clone)))
	packs, err := dg.ObjectPacks()
	if err != nil {
		t.Fatal(err)
	}
	objects = map[plumbing.Hash]bool{}
	for _, p := range packs {
		hs, err := packHashes(dg, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hs {
			objects[h] = true
		}
	}
	return packs, objects
}

// packsFixture is a remote of 20 files (or more), a work tree to push commits from,
// and a cache clone of it.
type packsFixture struct {
	t          *testing.T
	files      int
	work, bare string
	spec       fabric.GitSpec
	opts       OpenOptions
	clone      string
	round      int
}

func newPacksFixture(t *testing.T) *packsFixture { return newPacksFixtureOf(t, 20) }

// newPacksFixtureOf is newPacksFixture with n files.
func newPacksFixtureOf(t *testing.T, n int) *packsFixture {
	files := map[string]string{}
	for i := range n {
		files[fmt.Sprintf("fab/f%03d.yaml", i)] = fmt.Sprintf("n: %d\n", i)
	}
	p := &packsFixture{t: t, files: n, work: testbed.NewWorkTree(t, files), bare: filepath.Join(t.TempDir(), "remote.git")}
	testbed.Git(t, filepath.Dir(p.bare), "init", "-q", "--bare", "-b", "main", p.bare)
	testbed.Git(t, p.work, "push", "-q", p.bare, "main")
	p.spec = fabric.GitSpec{URL: p.bare, Dir: "fab"}
	p.opts = OpenOptions{CacheDir: t.TempDir(), ReadDirs: []string{"fab"}}
	p.clone = p.open().Root
	return p
}

// open opens the workspace (a fetch) as a process would, and lets go of
// its read lock as the process's exit would.
func (p *packsFixture) open() *Workspace {
	p.t.Helper()
	w, err := Open(context.Background(), p.spec, p.opts)
	if err != nil {
		p.t.Fatal(err)
	}
	releaseReadLocks()
	return w
}

// push commits a change of one file to the remote.
func (p *packsFixture) push() {
	p.t.Helper()
	p.round++
	i := p.round % p.files
	testbed.WriteFiles(p.t, p.work, map[string]string{fmt.Sprintf("fab/f%03d.yaml", i): fmt.Sprintf("n: %d\nround: %d\n", i, p.round)})
	testbed.Git(p.t, p.work, "commit", "-qam", fmt.Sprint(p.round))
	testbed.Git(p.t, p.work, "push", "-q", p.bare, "main")
}

// checkReads reads every file of the fabric from the clone and compares it
// with the remote's, and has git check the clone.
func (p *packsFixture) checkReads(w *Workspace) {
	p.t.Helper()
	tree, err := w.Tree()
	if err != nil {
		p.t.Fatal(err)
	}
	defer tree.Close()
	for i := range p.files {
		name := fmt.Sprintf("fab/f%03d.yaml", i)
		got, err := fs.ReadFile(tree, name)
		want := testbed.Git(p.t, p.bare, "show", "main:"+name) // trimmed
		if err != nil || strings.TrimSpace(string(got)) != want {
			p.t.Errorf("%s: %q (%v), the remote has %q", name, got, err, want)
		}
	}
	testbed.Git(p.t, p.clone, "fsck", "--no-dangling")
}

// Fetches that leave more than maxPacks packs consolidate them into one:
// every object of the old packs is in the new one, git finds the clone
// sound, and reads give the remote's files.
func TestFetchesConsolidatePacks(t *testing.T) {
	p := newPacksFixture(t)
	var before map[plumbing.Hash]bool
	for range maxPacks + 1 {
		_, before = packState(t, p.clone)
		p.push()
		w := p.open()
		packs, after := packState(t, p.clone)
		if len(packs) > maxPacks {
			t.Fatalf("round %d: %d packs, want at most %d", p.round, len(packs), maxPacks)
		}
		for h := range before {
			if !after[h] {
				t.Fatalf("round %d: object %s lost", p.round, h)
			}
		}
		if len(packs) == 1 && p.round > 1 {
			p.checkReads(w)
			if _, err := os.Stat(filepath.Join(gitDir(p.clone), "objects", "pack", supersededFile)); !os.IsNotExist(err) {
				t.Errorf("the list of superseded packs is left: %v", err)
			}
			return
		}
	}
	t.Fatalf("after %d fetches the packs were never consolidated", p.round)
}

// While another process reads the clone (it holds the read lock), a
// consolidation writes the new pack but deletes no pack: it lists them,
// and a fetch after the reader has gone deletes them. Reads work all along.
func TestConsolidationWaitsForReaders(t *testing.T) {
	p := newPacksFixture(t)
	for range maxPacks - 1 {
		p.push()
		p.open()
	}
	reader := flock.New(p.clone + ".read.lock")
	if ok, err := reader.TryRLock(); !ok || err != nil {
		t.Fatalf("read lock: %v %v", ok, err)
	}
	oldPacks, _ := packState(t, p.clone)
	p.push()
	w := p.open()
	packs, _ := packState(t, p.clone)
	superseded, err := readSuperseded(filepath.Join(gitDir(p.clone), "objects", "pack"))
	if err != nil {
		t.Fatal(err)
	}
	if len(superseded) != len(oldPacks)+1 || len(packs) != len(oldPacks)+2 {
		t.Fatalf("with a reader: %d packs (%d before the fetch), %d listed as superseded; want every old pack kept and listed", len(packs), len(oldPacks), len(superseded))
	}
	for _, old := range oldPacks {
		if !superseded[old] {
			t.Errorf("pack %s not listed as superseded", old)
		}
	}
	p.checkReads(w)

	// More fetches while the reader stays: no new consolidation.
	p.push()
	p.open()
	if packs2, _ := packState(t, p.clone); len(packs2) != len(packs)+1 {
		t.Errorf("a fetch while the reader stays: %d packs, want %d (the fetched one added)", len(packs2), len(packs)+1)
	}

	if err := reader.Unlock(); err != nil {
		t.Fatal(err)
	}
	w = p.open()
	packs, _ = packState(t, p.clone)
	if len(packs) != 2 {
		t.Errorf("the reader gone: %d packs, want the consolidated one and the one fetched after it", len(packs))
	}
	if _, err := os.Stat(filepath.Join(gitDir(p.clone), "objects", "pack", supersededFile)); !os.IsNotExist(err) {
		t.Errorf("the list of superseded packs is left: %v", err)
	}
	p.checkReads(w)
}

// A consolidation merges the small packs and leaves alone a pack that
// would take it over its budget: the first clone's, here.
func TestConsolidationLeavesBigPacks(t *testing.T) {
	p := newPacksFixture(t)
	first, _ := packState(t, p.clone)
	if len(first) != 1 {
		t.Fatalf("the first clone has %d packs", len(first))
	}
	for range maxPacks - 1 {
		p.push()
		p.open()
	}
	// The budget: every object but one byte, so that the biggest pack does
	// not fit.
	st := filesystem.NewStorage(osfs.New(gitDir(p.clone)), cache.NewObjectLRUDefault())
	defer st.Close()
	_, objects := packState(t, p.clone)
	var total int64
	for h := range objects {
		n, err := st.EncodedObjectSize(h)
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	defer func(b int64) { mergeBudget = b }(mergeBudget)
	mergeBudget = total - 1

	p.push()
	w := p.open()
	packs, after := packState(t, p.clone)
	if len(packs) != 2 || !slices.Contains(packs, first[0]) {
		t.Fatalf("packs %v, want the first clone's %s and the merged one", packs, first[0])
	}
	for h := range objects {
		if !after[h] {
			t.Errorf("object %s lost", h)
		}
	}
	p.checkReads(w)
}

// No pack goes without the evidence: a merged pack with an object the new
// pack's index lacks is refused, and so are all the others.
func TestProvenSupersededRefusesWithoutEvidence(t *testing.T) {
	h := func(s string) plumbing.Hash { return plumbing.NewHash(strings.Repeat(s, 40)) }
	newPack := h("f")
	merge := []candidate{{pack: h("1"), hashes: []plumbing.Hash{h("a"), h("b")}}, {pack: h("2"), hashes: []plumbing.Hash{h("c")}}, {pack: newPack, hashes: []plumbing.Hash{h("a")}}}
	old, err := provenSuperseded(newPack, map[plumbing.Hash]bool{h("a"): true, h("b"): true, h("c"): true}, merge)
	if err != nil || !slices.Equal(old, []plumbing.Hash{h("1"), h("2")}) {
		t.Fatalf("every object there: %v, %v; want packs 1 and 2", old, err)
	}
	old, err = provenSuperseded(newPack, map[plumbing.Hash]bool{h("a"): true, h("b"): true}, merge)
	if err == nil || old != nil || !strings.Contains(err.Error(), h("c").String()) {
		t.Errorf("an object missing: %v, %v; want no pack and an error naming it", old, err)
	}
	// A list of superseded packs that is not one is an error, not a deletion.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, supersededFile), []byte("not-a-hash\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readSuperseded(dir); err == nil {
		t.Error("a garbled list of superseded packs is read")
	}
}
