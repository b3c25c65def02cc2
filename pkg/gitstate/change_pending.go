package gitstate

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// pendingRefPrefix is where a cache clone keeps each fabric's commits made
// without pushing (--no-push).
const pendingRefPrefix = "refs/hnp/pending/"

// PendingRef is the ref of a cache clone that holds the fabric's commits
// made without pushing: refs/hnp/pending/<fabric>. No refresh resets it;
// a push of the fabric's branch that includes its commits deletes it.
func PendingRef(fabricName string) plumbing.ReferenceName {
	ref := plumbing.ReferenceName(pendingRefPrefix + fabricName)
	if fabricName == "" || ref.Validate() != nil {
		ref = plumbing.ReferenceName(pendingRefPrefix + hex.EncodeToString([]byte(fabricName)))
	}
	return ref
}

// pendingChain returns the commits of the fabric's pending ref that the
// remote tip lacks, oldest first, following first parents. exists says
// whether the ref exists at all.
func pendingChain(repo *git.Repository, ref plumbing.ReferenceName, tip plumbing.Hash) (chain []*object.Commit, exists bool, err error) {
	head, ok, err := trackedTip(repo, ref)
	if err != nil || !ok {
		return nil, ok, err
	}
	inTip, err := reachable(repo, tip)
	if err != nil {
		return nil, true, err
	}
	for h := head; !h.IsZero() && !inTip[h]; {
		c, err := repo.CommitObject(h)
		if err != nil {
			return nil, true, fmt.Errorf("reading the unpushed commit %s: %w", h, err)
		}
		chain = append(chain, c)
		h = plumbing.ZeroHash
		if len(c.ParentHashes) > 0 {
			h = c.ParentHashes[0]
		}
	}
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	return chain, true, nil
}

// reachable returns the commits reachable from tip (none for a zero hash).
func reachable(repo *git.Repository, tip plumbing.Hash) (map[plumbing.Hash]bool, error) {
	seen := map[plumbing.Hash]bool{}
	if tip.IsZero() {
		return seen, nil
	}
	stack := []plumbing.Hash{tip}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[h] {
			continue
		}
		seen[h] = true
		c, err := repo.CommitObject(h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			continue // beyond a shallow clone's boundary
		}
		if err != nil {
			return nil, fmt.Errorf("reading commit %s: %w", h, err)
		}
		stack = append(stack, c.ParentHashes...)
	}
	return seen, nil
}

// replayPending puts the chain of unpushed commits on top of onto and
// returns the new tip. A commit whose parent is the tip so far is kept as
// it is; any other is made again with the same author, committer and
// message: each file it changed takes its new content if the file still
// holds what the commit found, is left alone if it already holds the new
// content, and otherwise is a *ConflictError. A commit all of whose
// changes are there already is dropped.
func replayPending(repo *git.Repository, chain []*object.Commit, onto plumbing.Hash) (plumbing.Hash, error) {
	base := onto
	for _, c := range chain {
		if len(c.ParentHashes) > 0 && c.ParentHashes[0] == base {
			base = c.Hash
			continue
		}
		next, err := replayOne(repo, c, base)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		base = next
	}
	return base, nil
}

// replayOne makes commit c again on top of base; see replayPending.
func replayOne(repo *git.Repository, c *object.Commit, base plumbing.Hash) (plumbing.Hash, error) {
	var from *object.Tree
	if len(c.ParentHashes) > 0 {
		p, err := repo.CommitObject(c.ParentHashes[0])
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("reading the parent of the unpushed commit %.12s: %w", c.Hash, err)
		}
		if from, err = p.Tree(); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	to, err := c.Tree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	bc, err := repo.CommitObject(base)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("reading commit %s: %w", base, err)
	}
	cur, err := bc.Tree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	changes, err := object.DiffTree(from, to)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("reading the unpushed commit %.12s: %w", c.Hash, err)
	}
	edits := map[string]*index.Entry{}
	for _, ch := range changes {
		name := ch.To.Name
		if name == "" {
			name = ch.From.Name
		}
		old, want, now := entryOf(ch.From), entryOf(ch.To), findEntry(cur, name)
		switch {
		case sameEntry(now, want):
		case sameEntry(now, old):
			edits[name] = want
		default:
			subject, _, _ := strings.Cut(c.Message, "\n")
			return plumbing.ZeroHash, &ConflictError{File: name, Msg: fmt.Sprintf(
				"changed on the remote too since the unpushed commit %.7s (%s) was made", c.Hash, subject)}
		}
	}
	if len(edits) == 0 {
		return base, nil // all there already
	}
	tree, _, err := buildTree(repo.Storer, bc.TreeHash, edits, true)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return storeObject(repo.Storer, &object.Commit{
		Author: c.Author, Committer: c.Committer, Message: c.Message, TreeHash: tree, ParentHashes: []plumbing.Hash{base},
	})
}

// entryOf is a tree diff side as an index entry; nil when absent.
func entryOf(e object.ChangeEntry) *index.Entry {
	if e.Name == "" {
		return nil
	}
	return &index.Entry{Name: e.Name, Hash: e.TreeEntry.Hash, Mode: e.TreeEntry.Mode}
}

// findEntry is the file at name in t as an index entry; nil when absent.
func findEntry(t *object.Tree, name string) *index.Entry {
	e, err := t.FindEntry(name)
	if err != nil {
		return nil
	}
	return &index.Entry{Name: name, Hash: e.Hash, Mode: e.Mode}
}

// sameEntry says both are absent, or both hold the same blob and mode.
func sameEntry(a, b *index.Entry) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Hash == b.Hash && a.Mode == b.Mode
}

// PendingConflictError says a fabric's unpushed commits no longer apply
// to the remote branch, and how to look at them and drop them.
type PendingConflictError struct {
	// Root is the cache clone; Ref the pending ref.
	Root string
	Ref  plumbing.ReferenceName
	// Branch is the fabric's branch.
	Branch string
	// Count is how many commits are not pushed.
	Count int
	// Conflict is the file that differs.
	Conflict *ConflictError
}

// Error says which file conflicts and how to get the commits out.
func (e *PendingConflictError) Error() string {
	r := "origin/" + e.Branch + ".." + e.Ref.String()
	verb := "apply"
	if e.Count == 1 {
		verb = "applies"
	}
	return fmt.Sprintf("%s not pushed no longer %s to the remote branch %s: %v; kept on %s in %s: "+
		"look (git -C %s log -p %s), save (git -C %s format-patch -o DIR %s), "+
		"then drop them (git -C %s update-ref -d %s) and make the change again",
		commits(e.Count), verb, e.Branch, e.Conflict, e.Ref, e.Root, e.Root, r, e.Root, r, e.Root, e.Ref)
}

// Unwrap returns the *ConflictError.
func (e *PendingConflictError) Unwrap() error { return e.Conflict }
