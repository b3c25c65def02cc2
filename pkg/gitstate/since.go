package gitstate

// What changed in the fabric's directory after the revision a deployer
// applied: the commits it is behind, and per object (and file) the newest
// commit that changed it, so that drift can tell "not deployed yet"
// (pendingDeploy) from a change made by hand.

import (
	"context"
	"errors"
	"fmt"
	"path"
	"reflect"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Change names a commit that changed an object or a file.
type Change struct {
	Commit  string
	Subject string
}

// Since is what Git's branch holds after a deployed revision.
type Since struct {
	// Deployed is the revision the walk started from (the deployer's).
	Deployed string
	// Known says the deployed revision is in the branch's history; when
	// false, nothing is known about Behind or the changes.
	Known bool
	// Behind counts the commits after Deployed up to the checked-out one.
	Behind int
	// Deepened says that the cache clone was shallow and more history was
	// fetched to find Deployed.
	Deepened bool

	objects map[resource.Key]Change
	files   map[string]Change
}

// Object returns the newest commit after Deployed that changed the
// object's document (added, removed or changed it). ns is the fabric's
// namespace, to which documents that name no namespace belong.
func (s *Since) Object(key resource.Key, ns string) (Change, bool) {
	return byKey(s.objects, key, ns)
}

// File returns the newest commit after Deployed that changed the file (a
// path relative to the repository's top, as resource.Origin.File).
func (s *Since) File(p string) (Change, bool) {
	c, ok := s.files[p]
	return c, ok
}

// Since walks the commits from the one checked out back to deployed (a
// sha) along the first parents, and records what changed in the fabric's
// directory dir. A shallow cache clone that lacks deployed is deepened
// once. Objects are compared document by document, so a commit that only
// touched another document of the same file does not count for this one.
func (w *Workspace) Since(ctx context.Context, dir, deployed string) (*Since, error) {
	s := &Since{Deployed: deployed, objects: map[resource.Key]Change{}, files: map[string]Change{}}
	if w.Revision == "" || deployed == "" {
		return s, nil
	}
	repo, err := git.PlainOpenWithOptions(w.Root, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("opening %s to read its history: %w", w.Root, err)
	}
	rel, err := w.repoDir(repo, dir)
	if err != nil {
		return nil, err
	}
	target := plumbing.NewHash(deployed)
	if _, err := repo.CommitObject(target); errors.Is(err, plumbing.ErrObjectNotFound) && !w.Local && w.lock != nil {
		if s.Deepened, err = w.deepen(ctx, repo); err != nil {
			return nil, err
		}
	}
	if _, err := repo.CommitObject(target); err != nil {
		return s, nil // not in this clone: unknown
	}
	hw := &historyWalk{repo: repo, dir: rel, trees: map[plumbing.Hash]*object.Tree{}}
	var line []*object.Commit
	c, err := repo.CommitObject(plumbing.NewHash(w.Revision))
	for err == nil && c.Hash != target {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		line = append(line, c)
		if len(c.ParentHashes) == 0 {
			return s, nil // deployed is not on the first-parent line
		}
		c, err = repo.CommitObject(c.ParentHashes[0])
	}
	if err != nil {
		return s, nil // the shallow boundary came first
	}
	s.Known, s.Behind = true, len(line)
	// Newest first: the first change recorded for an object is its newest.
	for i, c := range line {
		parent := target
		if i+1 < len(line) {
			parent = line[i+1].Hash
		}
		pc, err := repo.CommitObject(parent)
		if err != nil {
			return nil, err
		}
		if err := s.record(hw, c, pc, rel); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// record notes the objects and files commit c changed against its parent.
func (s *Since) record(hw *historyWalk, c, parent *object.Commit, rel string) error {
	from, err := hw.dirTree(parent)
	if err != nil {
		return err
	}
	to, err := hw.dirTree(c)
	if err != nil {
		return err
	}
	if sameTree(from, to) {
		return nil
	}
	changes, err := object.DiffTree(from, to)
	if err != nil {
		return err
	}
	subject := firstLine(c.Message)
	ch := Change{Commit: c.Hash.String(), Subject: subject}
	for _, d := range changes {
		name := d.To.Name
		if name == "" {
			name = d.From.Name
		}
		if !desired.IsManifest(name) {
			continue
		}
		p := path.Join(rel, name)
		if _, ok := s.files[p]; !ok {
			s.files[p] = ch
		}
		before, err := docsOf(hw.repo, d.From)
		if err != nil {
			return err
		}
		after, err := docsOf(hw.repo, d.To)
		if err != nil {
			return err
		}
		for k, v := range after {
			if old, ok := before[k]; !ok || !reflect.DeepEqual(old, v) {
				s.note(k, ch)
			}
		}
		for k := range before {
			if _, ok := after[k]; !ok {
				s.note(k, ch)
			}
		}
	}
	return nil
}

func (s *Since) note(k resource.Key, ch Change) {
	if _, ok := s.objects[k]; !ok {
		s.objects[k] = ch
	}
}

// docsOf parses a manifest blob into its managed objects by key (an
// empty namespace for documents that name none).
func docsOf(repo *git.Repository, e object.ChangeEntry) (map[resource.Key]map[string]interface{}, error) {
	out := map[resource.Key]map[string]interface{}{}
	m := e.TreeEntry.Mode
	if e.Name == "" || (m != filemode.Regular && m != filemode.Executable) {
		return out, nil
	}
	src, err := readEntry(repo, e)
	if err != nil {
		return nil, err
	}
	objs, _, _ := desired.Parse(e.Name, src)
	for _, o := range objs {
		k := o.Key
		if o.Obj.GetNamespace() == "" {
			k.Namespace = ""
		}
		out[k] = o.Obj.Object
	}
	return out, nil
}

// firstLine is a commit message's subject.
func firstLine(msg string) string {
	s, _, _ := strings.Cut(strings.TrimSpace(msg), "\n")
	return s
}
