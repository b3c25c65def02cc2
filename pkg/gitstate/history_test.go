package gitstate

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func historyVPC(name, ns string) string {
	meta := "  name: " + name + "\n"
	if ns != "" {
		meta += "  namespace: " + ns + "\n"
	}
	return "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n" + meta + "spec: {}\n"
}

// historyRemote is a remote whose fabric directory f/ held vpc-1, vpc-2,
// vpc-3 (and vpc-x in namespace other), then lost vpc-3 and vpc-x, while
// vpc-out lived outside f/ and was removed too. It returns the remote and
// the sha of the commit that removed vpc-3.
func historyRemote(t *testing.T) (string, string) {
	remote := testbed.NewBareRemote(t, map[string]string{
		"f/vpcs.yaml":  historyVPC("vpc-1", "") + "---\n" + historyVPC("vpc-3", ""),
		"f/b/x.yaml":   historyVPC("vpc-2", "") + "---\n" + historyVPC("vpc-x", "other"),
		"f/notes.txt":  historyVPC("vpc-txt", ""),
		"out/vpc.yaml": historyVPC("vpc-out", ""),
	})
	removed := testbed.CommitFiles(t, remote, map[string]string{"f/vpcs.yaml": historyVPC("vpc-1", "")}, "remove vpc-3\n\nNot needed.")
	testbed.CommitFiles(t, remote, map[string]string{"f/b/x.yaml": historyVPC("vpc-2", ""), "out/vpc.yaml": testbed.Delete}, "remove vpc-x and vpc-out")
	testbed.CommitFiles(t, remote, map[string]string{"README": "unrelated"}, "readme")
	return remote, removed
}

func TestHistoryFindsRemovedObjects(t *testing.T) {
	remote, removed := historyRemote(t)
	w := mustOpen(t, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: t.TempDir()})
	h, err := w.History(context.Background(), "f", HistoryOptions{Deepen: true})
	if err != nil {
		t.Fatal(err)
	}
	vpc := func(ns, name string) resource.Key { return resource.Key{Kind: "VPC", Namespace: ns, Name: name} }
	tr, ok := h.Lookup(vpc("lab", "vpc-3"), "lab")
	if !ok || tr.Commit != removed || tr.Subject != "remove vpc-3" {
		t.Errorf("vpc-3: %+v %v, want removed in %s", tr, ok, removed)
	}
	if got := tr.String(); got != `git history: removed in `+removed[:7]+` "remove vpc-3"` {
		t.Errorf("evidence %q", got)
	}
	// A document that names no namespace is in the fabric's namespace only.
	if _, ok := h.Lookup(vpc("elsewhere", "vpc-3"), "lab"); ok {
		t.Errorf("vpc-3 found in another namespace")
	}
	if tr, ok := h.Lookup(vpc("other", "vpc-x"), "lab"); !ok || tr.Subject != "remove vpc-x and vpc-out" {
		t.Errorf("vpc-x: %+v %v", tr, ok)
	}
	// Still in the commit checked out: no removal.
	if tr, ok := h.Lookup(vpc("lab", "vpc-1"), "lab"); !ok || tr.Commit != "" {
		t.Errorf("vpc-1: %+v %v", tr, ok)
	}
	for _, name := range []string{"vpc-out", "vpc-txt", "vpc-never"} {
		if _, ok := h.Lookup(vpc("lab", name), "lab"); ok {
			t.Errorf("%s was never a manifest of f/, but history has it", name)
		}
	}
	// The cache clone is shallow (the tip alone): prune evidence deepened it.
	if h.Commits != 3 || h.ShallowAt != "" || !h.Deepened {
		t.Errorf("commits %d shallow %q deepened %v", h.Commits, h.ShallowAt, h.Deepened)
	}
}

// A local working tree opened in a subdirectory, with the removal not yet
// committed: the object is in the last commit.
func TestHistoryOfLocalWorkTree(t *testing.T) {
	remote, removed := historyRemote(t)
	work := filepath.Join(t.TempDir(), "work")
	testbed.Git(t, filepath.Dir(work), "clone", "-q", remote, work)
	if err := os.WriteFile(filepath.Join(work, "f", "b", "x.yaml"), []byte("# emptied\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := mustOpen(t, fabric.GitSpec{URL: filepath.Join(work, "f")}, OpenOptions{})
	h, err := w.History(context.Background(), "b", HistoryOptions{Deepen: true})
	if err != nil {
		t.Fatal(err)
	}
	if tr, ok := h.Lookup(resource.Key{Kind: "VPC", Namespace: "default", Name: "vpc-2"}, "default"); !ok || tr.Commit != "" ||
		tr.String() != "git history: in the last commit, deleted in the working tree" {
		t.Errorf("vpc-2: %+v %v", tr, ok)
	}
	// Only f/b is searched.
	if _, ok := h.Lookup(resource.Key{Kind: "VPC", Namespace: "default", Name: "vpc-3"}, "default"); ok {
		t.Errorf("vpc-3 of f/ found in f/b (removed in %s)", removed)
	}
}

// A shallow cache clone (as `git clone --depth 1` makes it) ends the walk
// at its boundary; deepening fetches the rest of the history, once.
func TestHistoryDeepensAShallowCacheClone(t *testing.T) {
	remote, removed := historyRemote(t)
	cache := t.TempDir()
	clone := filepath.Join(cache, "repos", cacheName(localRemote(remote), ""))
	testbed.Git(t, cache, "clone", "-q", "--depth", "1", "file://"+remote, clone)
	if got := testbed.Git(t, clone, "rev-parse", "--is-shallow-repository"); got != "true" {
		t.Fatalf("the test's clone is not shallow: %s", got)
	}
	opts := OpenOptions{CacheDir: cache, FastForwardOnly: true}
	w := mustOpen(t, fabric.GitSpec{URL: remote}, opts)
	if w.Root != clone {
		t.Fatalf("Open used %s, not the shallow clone %s", w.Root, clone)
	}
	key := resource.Key{Kind: "VPC", Namespace: "default", Name: "vpc-3"}

	h, err := w.History(context.Background(), "f", HistoryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := h.Lookup(key, "default"); ok || h.ShallowAt != w.Revision || h.Deepened {
		t.Errorf("not deepened: found %v, shallow at %q (HEAD %s), deepened %v", ok, h.ShallowAt, w.Revision, h.Deepened)
	}

	h, err = w.History(context.Background(), "f", HistoryOptions{Deepen: true})
	if err != nil {
		t.Fatal(err)
	}
	if tr, ok := h.Lookup(key, "default"); !ok || tr.Commit != removed || h.ShallowAt != "" || !h.Deepened {
		t.Errorf("deepened: %+v %v, shallow at %q, deepened %v", tr, ok, h.ShallowAt, h.Deepened)
	}
	if got := testbed.Git(t, clone, "rev-parse", "--is-shallow-repository"); got != "false" {
		t.Errorf("the clone is still shallow for git: %s", got)
	}
	if got := testbed.Git(t, clone, "rev-list", "--count", "HEAD"); got != "4" {
		t.Errorf("%s commits in the clone, want 4", got)
	}
	// The clone is complete now: nothing more to fetch.
	h, err = w.History(context.Background(), "f", HistoryOptions{Deepen: true})
	if err != nil || h.Deepened {
		t.Errorf("second walk: %v, deepened %v", err, h.Deepened)
	}
	w = mustOpen(t, fabric.GitSpec{URL: remote}, opts)
	if w.Refresh.Message != "up to date" {
		t.Errorf("refresh after deepening: %+v", w.Refresh)
	}
}

// A directory outside Git has no history.
func TestHistoryOutsideGit(t *testing.T) {
	dir := t.TempDir()
	w := mustOpen(t, fabric.GitSpec{URL: dir}, OpenOptions{})
	h, err := w.History(context.Background(), "", HistoryOptions{Deepen: true})
	if err != nil || h.Commits != 0 {
		t.Fatalf("%v %+v", err, h)
	}
	if _, ok := h.Lookup(resource.Key{Kind: "VPC", Namespace: "default", Name: "v"}, "default"); ok {
		t.Errorf("found an object in no history")
	}
}
