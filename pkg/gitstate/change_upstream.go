package gitstate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// upstream is where a local branch pushes: branch.<name>.remote and merge.
type upstream struct {
	remote string
	merge  plumbing.ReferenceName
	// url is the remote's URL as configured, maybe with credentials.
	url string
	loc remoteLoc
}

// upstreamOf returns the upstream of a local branch, nil if it has none
// (or tracks a branch of the repository itself).
func upstreamOf(repo *git.Repository, branch, top string) (*upstream, error) {
	cfg, err := repo.Config()
	if err != nil {
		return nil, fmt.Errorf("reading the git config of %s: %w", top, err)
	}
	b, ok := cfg.Branches[branch]
	if !ok || b.Remote == "" || b.Remote == "." || b.Merge == "" {
		return nil, nil
	}
	rc, ok := cfg.Remotes[b.Remote]
	if !ok || len(rc.URLs) == 0 {
		return nil, fmt.Errorf("branch %s tracks the remote %q, which has no URL", branch, b.Remote)
	}
	up := &upstream{remote: b.Remote, merge: b.Merge, url: rc.URLs[0]}
	if isRemoteURL(up.url) {
		if up.loc, err = parseRemote(up.url); err != nil {
			return nil, err
		}
		return up, nil
	}
	p := expandHome(up.url)
	if !filepath.IsAbs(p) {
		p = filepath.Join(top, p)
	}
	up.loc = localRemote(filepath.Clean(p))
	return up, nil
}

// upstreamAuth authenticates to the upstream as Open would to the fabric's
// remote, returning the secret to scrub from messages.
func (w *Workspace) upstreamAuth(up *upstream) (transport.AuthMethod, string, error) {
	getenv := w.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	return authFor(w.authCfg, up.loc, getenv)
}

// pushUpstream pushes the local branch to its upstream, or, for a new
// branch, to a branch of the same name on the upstream's remote, which
// then becomes its upstream. A rejected push keeps the commit.
func (w *Workspace) pushUpstream(ctx context.Context, repo *git.Repository, up *upstream, branch, commit string, isNew bool) error {
	auth, secret, err := w.upstreamAuth(up)
	if err != nil {
		return err
	}
	dst := up.merge
	if isNew {
		dst = plumbing.NewBranchReferenceName(branch)
	}
	fail := func(err error) error {
		return &GitError{Op: "pushing to", URL: RedactURL(up.url), Branch: dst.Short(), err: err, secret: secret}
	}
	if err := pushBranch(ctx, repo, up.remote, up.loc.plain, branch, dst, auth); err != nil {
		if classifyPush(err) != notRejected {
			err = fmt.Errorf("the remote branch has commits your working tree lacks: pull them (git pull --rebase) and push again; your commit %.12s stays on %s in %s: %w",
				commit, branch, w.Root, err)
		}
		return fail(err)
	}
	if !isNew {
		return nil
	}
	cfg, err := repo.Config()
	if err == nil {
		cfg.Branches[branch] = &config.Branch{Name: branch, Remote: up.remote, Merge: dst}
		err = repo.SetConfig(cfg)
	}
	if err != nil {
		return fmt.Errorf("pushed, but setting the upstream of %s: %w", branch, err)
	}
	return nil
}

// refuseExistingUpstream fails if the upstream's remote has the branch.
func (w *Workspace) refuseExistingUpstream(ctx context.Context, up *upstream, name string) error {
	auth, secret, err := w.upstreamAuth(up)
	if err != nil {
		return err
	}
	exists, err := remoteHasBranch(ctx, up.loc.plain, name, auth)
	if err == nil && exists {
		err = errors.New("the branch already exists on the remote")
	}
	if err != nil {
		return &GitError{Op: "creating a branch on", URL: RedactURL(up.url), Branch: name, err: err, secret: secret}
	}
	return nil
}
