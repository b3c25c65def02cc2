package gitstate

import (
	"context"

	"github.com/go-git/go-git/v5/plumbing"
)

// RemoteMoved asks the remote, with one listing of its refs (git
// ls-remote's round trip, no objects), whether the fabric's branch still
// points where Open fetched it. It returns the remote's tip now ("" when
// the branch is gone from the remote) and whether it moved. A workspace
// Open did not fetch (a local working tree, offline) never moved.
//
// A command that reads Git and a cluster reads them at about the same
// time, but not at once: a commit pushed after Open's fetch and deployed
// before the cluster was read would show the deployed objects as drift
// against the older Git. Asked after the cluster read, RemoteMoved tells
// whether that can have happened.
func (w *Workspace) RemoteMoved(ctx context.Context) (tip string, moved bool, err error) {
	if w.Local || w.fetched.IsZero() || w.Branch == "" {
		return "", false, nil
	}
	ref, err := remoteRef(ctx, w.loc.plain, plumbing.NewBranchReferenceName(w.Branch), w.auth)
	if err != nil {
		return "", false, w.gitError("listing the refs of", w.Branch, err)
	}
	if ref == nil {
		return "", true, nil
	}
	return ref.Hash().String(), ref.Hash() != w.fetched, nil
}
