package gitstate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/memory"
)

// rejection says why a push failed.
type rejection int

const (
	// notRejected: the push failed otherwise (auth, network, ...).
	notRejected rejection = iota
	// rejectedStale: the remote branch has commits the push lacks.
	rejectedStale
	// rejectedByServer: the server refused to update the branch, maybe
	// because it moved between its advertisement and the update.
	rejectedByServer
)

// classifyPush tells a push rejected because the remote branch moved on
// from other failures. go-git reports a non-fast-forward update it detects
// itself, and a refusal by the server, only by text.
func classifyPush(err error) rejection {
	msg := err.Error()
	switch {
	case errors.Is(err, errMovedPastShallow), strings.Contains(msg, "non-fast-forward"), strings.Contains(msg, "fetch first"):
		return rejectedStale
	case strings.Contains(msg, "command error on "):
		return rejectedByServer
	}
	return notRejected
}

// pushBranch pushes the local branch to the branch dst of the remote named
// remoteName, at url (which carries no credentials), without forcing.
func pushBranch(ctx context.Context, repo *git.Repository, remoteName, url, branch string, dst plumbing.ReferenceName, auth transport.AuthMethod) error {
	spec := config.RefSpec(plumbing.NewBranchReferenceName(branch).String() + ":" + dst.String())
	if err := spec.Validate(); err != nil {
		return fmt.Errorf("branch %q: %w", branch, err)
	}
	err := repo.PushContext(ctx, &git.PushOptions{
		RemoteName: remoteName, RemoteURL: url, RefSpecs: []config.RefSpec{spec}, Auth: auth,
	})
	if errors.Is(err, git.NoErrAlreadyUpToDate) {
		return nil
	}
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		// go-git checks that the push is a fast-forward by walking the
		// new commit's history for the remote's tip; in a shallow clone
		// the walk ends at the shallow boundary with "object not found"
		// when that tip is not in it: the branch moved on.
		if moved, lerr := remoteTipUnknown(ctx, repo, url, dst, auth); lerr == nil && moved {
			return fmt.Errorf("%w: %s", errMovedPastShallow, dst.Short())
		}
	}
	return err
}

// errMovedPastShallow says a push failed because the remote branch's tip
// is a commit the (shallow) clone does not have.
var errMovedPastShallow = errors.New("the remote branch moved on to a commit this clone does not have (fetch first)")

// remoteTipUnknown asks the remote at url (which carries no credentials)
// for the tip of ref, and reports whether repo lacks that commit.
func remoteTipUnknown(ctx context.Context, repo *git.Repository, url string, ref plumbing.ReferenceName, auth transport.AuthMethod) (bool, error) {
	tip, err := remoteRef(ctx, url, ref, auth)
	if err != nil || tip == nil || tip.Type() != plumbing.HashReference {
		return false, err
	}
	_, err = repo.Storer.EncodedObject(plumbing.CommitObject, tip.Hash())
	return errors.Is(err, plumbing.ErrObjectNotFound), nil
}

// remoteHasBranch asks the remote at url (which carries no credentials)
// whether it has branch.
func remoteHasBranch(ctx context.Context, url, branch string, auth transport.AuthMethod) (bool, error) {
	r, err := remoteRef(ctx, url, plumbing.NewBranchReferenceName(branch), auth)
	return r != nil, err
}

// remoteRef is the reference name as the remote at url (which carries no
// credentials) advertises it, nil when it has none.
func remoteRef(ctx context.Context, url string, name plumbing.ReferenceName, auth transport.AuthMethod) (*plumbing.Reference, error) {
	remote := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "origin", URLs: []string{url}})
	refs, err := remote.ListContext(ctx, &git.ListOptions{Auth: auth})
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		if r.Name() == name {
			return r, nil
		}
	}
	return nil, nil
}

// checkNewBranch validates the name of a branch to create.
func checkNewBranch(name, from string) error {
	if name == from {
		return fmt.Errorf("the new branch %q is the fabric's branch itself", name)
	}
	if err := plumbing.NewBranchReferenceName(name).Validate(); err != nil || strings.HasPrefix(name, "-") {
		return fmt.Errorf("%q is not a valid branch name", name)
	}
	return nil
}
