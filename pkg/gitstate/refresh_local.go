package gitstate

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// refreshLocal fetches the upstream of a local working tree's branch and
// fast-forwards the branch when it is only behind and nothing uncommitted
// is in the way; it fills w.Refresh. Offline, it only compares with the
// upstream as last fetched.
func (w *Workspace) refreshLocal(ctx context.Context, repo *git.Repository, offline bool) error {
	st := &RefreshStatus{}
	w.Refresh = st
	if w.Branch == "" {
		st.Message = "detached HEAD; not fetched"
		return nil
	}
	wt, err := repo.Worktree()
	if err != nil {
		return fmt.Errorf("opening the working tree %s: %w", w.Root, err)
	}
	top := wt.Filesystem.Root()
	up, err := upstreamOf(repo, w.Branch, top)
	if err != nil {
		return err
	}
	if up == nil {
		st.Message = "local tree has no upstream; not fetched"
		return nil
	}
	st.Upstream = upstreamLabel(up.url, up.merge.Short())
	tracking, err := trackingRef(repo, up)
	if err != nil {
		return err
	}
	local := plumbing.NewHash(w.Revision)
	if offline {
		tip, known, err := trackedTip(repo, tracking)
		if err == nil && known {
			err = st.compare(repo.Storer, local, tip)
		}
		if err != nil {
			return fmt.Errorf("working tree %s: %w", w.Root, err)
		}
		st.Message = st.offlineSummary(known)
		return nil
	}
	gone, err := w.fetchUpstream(ctx, repo, up, tracking)
	if err != nil {
		return err
	}
	st.Fetched = true
	if gone {
		st.Message = fmt.Sprintf("the upstream branch %s is gone from the remote; not fast-forwarded", up.merge.Short())
		return nil
	}
	tip, ok, err := trackedTip(repo, tracking)
	if err == nil && !ok {
		err = fmt.Errorf("%s is missing after the fetch", tracking.Short())
	}
	if err == nil {
		err = st.compare(repo.Storer, local, tip)
	}
	if err != nil {
		return fmt.Errorf("working tree %s: %w", w.Root, err)
	}
	if st.Ahead == 0 && st.Behind > 0 {
		if err := w.fastForwardLocal(wt, repo, st, local, tip); err != nil {
			return err
		}
	}
	st.Message = st.summary()
	return nil
}

// trackingRef is the remote-tracking ref the upstream branch is fetched
// into: the one the remote's fetch refspecs map it to, or, when none does,
// refs/remotes/<remote>/<branch>.
func trackingRef(repo *git.Repository, up *upstream) (plumbing.ReferenceName, error) {
	cfg, err := repo.Config()
	if err != nil {
		return "", fmt.Errorf("reading the git config: %w", err)
	}
	if rc, ok := cfg.Remotes[up.remote]; ok {
		for _, spec := range rc.Fetch {
			if spec.Validate() == nil && spec.Match(up.merge) {
				if dst := spec.Dst(up.merge); dst.IsRemote() {
					return dst, nil
				}
			}
		}
	}
	return plumbing.NewRemoteReferenceName(up.remote, up.merge.Short()), nil
}

// fetchUpstream fetches the upstream branch into its remote-tracking ref,
// authenticating as Open does to the fabric's remote. It reports a branch
// the remote no longer has as gone.
func (w *Workspace) fetchUpstream(ctx context.Context, repo *git.Repository, up *upstream, tracking plumbing.ReferenceName) (gone bool, err error) {
	auth, secret, err := w.upstreamAuth(up)
	if err != nil {
		return false, err
	}
	fail := func(err error) error {
		return &GitError{Op: "fetching", URL: RedactURL(up.url), Branch: up.merge.Short(), err: err, secret: secret}
	}
	spec := config.RefSpec("+" + up.merge.String() + ":" + tracking.String())
	if err := spec.Validate(); err != nil {
		return false, fail(err)
	}
	err = repo.FetchContext(ctx, &git.FetchOptions{
		RemoteName: up.remote, RemoteURL: up.loc.plain, RefSpecs: []config.RefSpec{spec},
		Auth: auth, Tags: git.NoTags, Force: true,
	})
	switch {
	case errors.Is(err, git.NoMatchingRefSpecError{}):
		return true, nil
	case err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate):
		return false, fail(err)
	}
	return false, nil
}

// fastForwardLocal moves the branch and its files from local to tip, a
// descendant of it, if the working tree has no staged or unstaged change
// and no untracked file where the fast-forward writes one; otherwise it
// marks st Dirty and touches nothing. Untracked and ignored files
// elsewhere stay.
func (w *Workspace) fastForwardLocal(wt *git.Worktree, repo *git.Repository, st *RefreshStatus, local, tip plumbing.Hash) error {
	written, err := pathsWritten(repo, local, tip)
	if err != nil {
		return fmt.Errorf("working tree %s: %w", w.Root, err)
	}
	status, err := wt.Status()
	if err != nil {
		return fmt.Errorf("reading the status of %s: %w", w.Root, err)
	}
	for path, fs := range status {
		untracked := fs.Staging == git.Untracked && fs.Worktree == git.Untracked
		if (untracked && written[path]) || (!untracked && (fs.Staging != git.Unmodified || fs.Worktree != git.Unmodified)) {
			st.Dirty = true
			return nil
		}
	}
	// A merge reset updates the branch, the index and just the files that
	// differ between the two commits, as `git merge --ff-only` does.
	if err := wt.Reset(&git.ResetOptions{Commit: tip, Mode: git.MergeReset}); err != nil {
		return fmt.Errorf("fast-forwarding %s in %s to %s: %w", w.Branch, w.Root, tip, err)
	}
	st.FastForwarded = true
	w.Revision = tip.String()
	return nil
}

// pathsWritten lists the files that moving from commit from (zero: none)
// to commit to creates or changes, by their slash-separated paths.
func pathsWritten(repo *git.Repository, from, to plumbing.Hash) (map[string]bool, error) {
	treeOf := func(h plumbing.Hash) (*object.Tree, error) {
		if h.IsZero() {
			return &object.Tree{}, nil
		}
		c, err := repo.CommitObject(h)
		if err != nil {
			return nil, err
		}
		return c.Tree()
	}
	a, err := treeOf(from)
	if err != nil {
		return nil, err
	}
	b, err := treeOf(to)
	if err != nil {
		return nil, err
	}
	changes, err := object.DiffTree(a, b)
	if err != nil {
		return nil, err
	}
	written := map[string]bool{}
	for _, ch := range changes {
		if ch.To.Name != "" {
			written[ch.To.Name] = true
		}
	}
	return written, nil
}
