package gitstate

// The objects a fabric's directory held in the past: the evidence that Git
// deployed an object which it no longer has (sync --apply --prune).

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Trace is what Git's history says about one object.
type Trace struct {
	// Commit is the sha of the newest commit that removed the object from
	// the fabric's directory; "" when no commit removed it (the commit
	// checked out still has it, and only the working tree lacks it).
	Commit string
	// Subject is the first line of that commit's message.
	Subject string
}

// String renders the trace as prune evidence: `git history: removed in
// 3a1c0d2 "remove vpc-3"`.
func (t Trace) String() string {
	if t.Commit == "" {
		return "git history: in the last commit, deleted in the working tree"
	}
	return fmt.Sprintf("git history: removed in %s %q", t.Commit[:min(7, len(t.Commit))], t.Subject)
}

// History is every object that the fabric's directory ever held on the
// history of the checked-out commit. Keys of documents that named no
// namespace have an empty Namespace.
type History struct {
	traces map[resource.Key]Trace
	// Commits is the number of commits that changed the directory.
	Commits int
	// ShallowAt is the sha of a commit whose parents are not in the clone
	// (a shallow clone that was not deepened): older history was not
	// searched. "" when the whole history was.
	ShallowAt string
	// Deepened says that the cache clone was shallow and more history was
	// fetched.
	Deepened bool
}

// Lookup returns what the history says about key. ns is the fabric's
// namespace, to which documents that name no namespace belong.
func (h *History) Lookup(key resource.Key, ns string) (Trace, bool) {
	return byKey(h.traces, key, ns)
}

// byKey looks an object up in a map keyed as documents name objects: by
// its key, or, in the fabric's namespace ns, by the key without a
// namespace (a document that names none belongs to ns).
func byKey[V any](m map[resource.Key]V, key resource.Key, ns string) (V, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	if key.Namespace == ns {
		v, ok := m[resource.Key{Kind: key.Kind, Name: key.Name}]
		return v, ok
	}
	var zero V
	return zero, false
}

// HistoryOptions tune History.
type HistoryOptions struct {
	// Deepen fetches the rest of the history when the cache clone is
	// shallow. It never touches a local working tree.
	Deepen bool
}

// History walks the commits that changed the fabric's directory dir,
// newest first, from the commit checked out, and returns every managed
// object the directory held, each with the newest commit that removed it.
// A shallow cache clone is deepened first with opts.Deepen; otherwise the
// walk stops at the shallow boundary and says so in ShallowAt. A
// directory outside Git has no history: an empty History.
func (w *Workspace) History(ctx context.Context, dir string, opts HistoryOptions) (*History, error) {
	h := &History{traces: map[resource.Key]Trace{}}
	if w.Revision == "" {
		return h, nil
	}
	repo, err := git.PlainOpenWithOptions(w.Root, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("opening %s to read its history: %w", w.Root, err)
	}
	rel, err := w.repoDir(repo, dir)
	if err != nil {
		return nil, err
	}
	if opts.Deepen && !w.Local && w.lock != nil {
		if h.Deepened, err = w.deepen(ctx, repo); err != nil {
			return nil, err
		}
	}
	walkRepo, closeRepo := keepingDescriptors(repo)
	defer closeRepo()
	hw := &historyWalk{repo: walkRepo, dir: rel, h: h, trees: map[plumbing.Hash]*object.Tree{}, blobs: map[plumbing.Hash][]resource.Key{}}
	if err := hw.run(ctx, plumbing.NewHash(w.Revision)); err != nil {
		return nil, fmt.Errorf("reading the Git history of %s: %w", w.URL, err)
	}
	return h, nil
}

// keepingDescriptors reopens a repository with a plain .git directory so
// that its packfiles stay open during the walk (go-git otherwise reopens a
// pack for every object read, which made a walk several times slower);
// other layouts are walked as they are. The function returned closes it.
func keepingDescriptors(repo *git.Repository) (*git.Repository, func()) {
	wt, err := repo.Worktree()
	if err != nil {
		return repo, func() {}
	}
	dotgit := filepath.Join(wt.Filesystem.Root(), ".git")
	if fi, err := os.Stat(dotgit); err != nil || !fi.IsDir() {
		return repo, func() {}
	}
	st := filesystem.NewStorageWithOptions(osfs.New(dotgit), cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true})
	fast, err := git.Open(st, wt.Filesystem)
	if err != nil {
		_ = st.Close()
		return repo, func() {}
	}
	return fast, func() { _ = st.Close() }
}

// repoDir is dir (relative to w.Root) relative to the repository's top,
// with forward slashes; "" for the top itself.
func (w *Workspace) repoDir(repo *git.Repository, dir string) (string, error) {
	if !w.Local {
		// A cache clone's top is Root, whose files may not be checked out:
		// the directory is looked up in the commit's tree.
		t, err := w.Tree()
		if err != nil {
			return "", err
		}
		defer func() { _ = t.Close() }()
		rel, err := desired.DirFS(t, dir)
		if err != nil || rel == "." {
			return "", err
		}
		return rel, nil
	}
	abs, err := desired.SafeDir(w.Root, dir)
	if err != nil {
		return "", err
	}
	top := w.Root
	if wt, err := repo.Worktree(); err == nil {
		top = wt.Filesystem.Root()
	}
	_, topReal, err := desired.ResolveRoot(top)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(topReal, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("directory %q is outside the repository %s", dir, top)
	}
	if rel == "." {
		return "", nil
	}
	return filepath.ToSlash(rel), nil
}

// historyWalk is one walk of the history; it parses each blob once.
type historyWalk struct {
	repo  *git.Repository
	dir   string
	h     *History
	trees map[plumbing.Hash]*object.Tree // commit → the directory's tree (nil: absent)
	blobs map[plumbing.Hash][]resource.Key
}

func (hw *historyWalk) run(ctx context.Context, from plumbing.Hash) error {
	start, err := hw.repo.CommitObject(from)
	if err != nil {
		return err
	}
	queue := &commitQueue{}
	seen := map[plumbing.Hash]bool{from: true}
	heap.Push(queue, start)
	for queue.Len() > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		c := heap.Pop(queue).(*object.Commit)
		var parents []*object.Commit
		for _, ph := range c.ParentHashes {
			p, err := hw.repo.CommitObject(ph)
			if errors.Is(err, plumbing.ErrObjectNotFound) {
				// A shallow clone's boundary.
				if hw.h.ShallowAt == "" {
					hw.h.ShallowAt = c.Hash.String()
				}
				parents = nil
				break
			}
			if err != nil {
				return err
			}
			parents = append(parents, p)
		}
		if err := hw.visit(c, parents); err != nil {
			return err
		}
		for _, p := range parents {
			if !seen[p.Hash] {
				seen[p.Hash] = true
				heap.Push(queue, p)
			}
		}
	}
	return nil
}

// visit records the keys commit c's directory holds that its parents'
// did not hold, and the keys c removed: absent in c and, for a merge,
// present in every parent (a key only one side had was removed on the
// other side, by a commit of its own).
func (hw *historyWalk) visit(c *object.Commit, parents []*object.Commit) error {
	tree, err := hw.dirTree(c)
	if err != nil {
		return err
	}
	if len(parents) == 0 {
		if tree != nil {
			hw.h.Commits++
		}
		_, added, err := hw.changed(nil, tree)
		for k := range added {
			hw.record(k, Trace{})
		}
		return err
	}
	var removed map[resource.Key]bool
	for i, p := range parents {
		pt, err := hw.dirTree(p)
		if err != nil {
			return err
		}
		if sameTree(pt, tree) {
			removed = map[resource.Key]bool{}
			continue
		}
		if i == 0 {
			hw.h.Commits++
		}
		old, added, err := hw.changed(pt, tree)
		if err != nil {
			return err
		}
		for k := range added {
			hw.record(k, Trace{})
		}
		gone := map[resource.Key]bool{}
		for k := range old {
			if !added[k] {
				gone[k] = true
			}
		}
		if removed == nil {
			removed = gone
		} else {
			for k := range removed {
				if !gone[k] {
					delete(removed, k)
				}
			}
		}
	}
	subject, _, _ := strings.Cut(strings.TrimSpace(c.Message), "\n")
	for k := range removed {
		hw.record(k, Trace{Commit: c.Hash.String(), Subject: subject})
	}
	return nil
}

// record keeps the first thing found about a key, the newest as the walk
// goes newest first: its last removal, or, when the newest event is that a
// commit added it, an empty Trace (the commit checked out still has it).
func (hw *historyWalk) record(k resource.Key, t Trace) {
	if _, ok := hw.h.traces[k]; !ok {
		hw.h.traces[k] = t
	}
}

func sameTree(a, b *object.Tree) bool {
	switch {
	case a == nil || b == nil:
		return a == b
	default:
		return a.Hash == b.Hash
	}
}

// dirTree is the fabric directory's tree in commit c; nil when c has no
// such directory.
func (hw *historyWalk) dirTree(c *object.Commit) (*object.Tree, error) {
	if t, ok := hw.trees[c.Hash]; ok {
		return t, nil
	}
	t, err := c.Tree()
	if err == nil && hw.dir != "" {
		t, err = t.Tree(hw.dir)
	}
	if errors.Is(err, object.ErrDirectoryNotFound) || errors.Is(err, object.ErrEntryNotFound) {
		t, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", c.Hash, err)
	}
	hw.trees[c.Hash] = t
	return t, nil
}

// changed returns the keys of the manifests that differ between two trees
// of the directory: those in the old files and those in the new ones.
func (hw *historyWalk) changed(from, to *object.Tree) (old, added map[resource.Key]bool, err error) {
	changes, err := object.DiffTree(from, to)
	if err != nil {
		return nil, nil, err
	}
	old, added = map[resource.Key]bool{}, map[resource.Key]bool{}
	for _, ch := range changes {
		for _, side := range []struct {
			e   object.ChangeEntry
			out map[resource.Key]bool
		}{{ch.From, old}, {ch.To, added}} {
			keys, err := hw.keysOf(side.e)
			if err != nil {
				return nil, nil, err
			}
			for _, k := range keys {
				side.out[k] = true
			}
		}
	}
	return old, added, nil
}

// keysOf parses a manifest blob once and returns the keys of its managed
// objects; documents that do not parse are skipped, as history may hold
// files that were broken then.
func (hw *historyWalk) keysOf(e object.ChangeEntry) ([]resource.Key, error) {
	m := e.TreeEntry.Mode
	if e.Name == "" || (m != filemode.Regular && m != filemode.Executable) || !desired.IsManifest(e.Name) {
		return nil, nil
	}
	if keys, ok := hw.blobs[e.TreeEntry.Hash]; ok {
		return keys, nil
	}
	src, err := readEntry(hw.repo, e)
	if err != nil {
		return nil, err
	}
	var keys []resource.Key
	objs, _, _ := desired.Parse(e.Name, src)
	for _, o := range objs {
		k := o.Key
		if o.Obj.GetNamespace() == "" {
			k.Namespace = ""
		}
		keys = append(keys, k)
	}
	hw.blobs[e.TreeEntry.Hash] = keys
	return keys, nil
}

// commitQueue orders commits newest first by committer time.
type commitQueue []*object.Commit

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	return q[i].Committer.When.After(q[j].Committer.When)
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }

// Push adds a commit (heap.Interface).
func (q *commitQueue) Push(x any) { *q = append(*q, x.(*object.Commit)) }

// Pop removes the last commit (heap.Interface).
func (q *commitQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}

// readEntry reads the blob of a changed tree entry.
func readEntry(repo *git.Repository, e object.ChangeEntry) ([]byte, error) {
	blob, err := repo.BlobObject(e.TreeEntry.Hash)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.Name, err)
	}
	rd, err := blob.Reader()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.Name, err)
	}
	defer rd.Close()
	src, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.Name, err)
	}
	return src, nil
}
