package gitstate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/gofrs/flock"
	"k8s.io/klog/v2"

	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// OpenOptions tune Open.
type OpenOptions struct {
	// CacheDir holds the clones of remotes, below CacheDir/repos; empty
	// means the user cache directory's kubectl-hnp ($XDG_CACHE_HOME/kubectl-hnp).
	CacheDir string
	// Offline uses the cached clone as it is, without contacting the remote.
	Offline bool
	// Getenv reads the token's environment variable; nil means os.Getenv.
	Getenv func(string) string
	// FastForwardOnly refreshes without ever dropping local commits, and
	// fills Workspace.Refresh. A cache clone whose branch has commits the
	// remote lacks (left by a change that was not pushed) is left as it is
	// instead of being reset to the remote tip; one that is only behind is
	// moved to the tip. A local working tree whose branch has an upstream
	// is fetched, and fast-forwarded when it is only behind and has no
	// uncommitted changes in the way; otherwise it is left alone.
	FastForwardOnly bool
	// Fabric names the fabric read, whose commits made without pushing a
	// cache clone keeps on PendingRef(Fabric); Open counts them into
	// Workspace.Pending. Empty: none are tracked.
	Fabric string
	// CheckoutPending puts the fabric's unpushed commits, replayed on the
	// remote tip, on the cache clone's working tree, which it checks out,
	// for a command that builds on them and reads files from Root (edit,
	// create, delete). Ignored offline and with FastForwardOnly. When they no longer apply, Open fails with a
	// *PendingConflictError.
	CheckoutPending bool
	// CheckoutDirs, when set, limits what a cache clone's working tree
	// holds when it is checked out (for a change, CheckoutPending,
	// Checkout) to the directories it names: a sparse checkout, so that a
	// change to one fabric of a large repository does not write every file.
	// The commit is still made on the whole tree. Ignored for a local
	// working tree.
	CheckoutDirs CheckoutDirsFunc
	// ReadDirs are the directories the command will read from a cache
	// clone's tree (the fabric's): their parse cache entries are read
	// while the clone fetches (desired.Cache.Prefetch).
	ReadDirs []string
}

// Workspace is a fabric's Git repository on local disk, ready to read.
type Workspace struct {
	// Root is the directory of the repository: a local working tree (or a
	// directory in it), whose files are read there; or a cache clone, whose
	// files are read from its object store (Tree) and are on disk only
	// when checked out for a change (OpenOptions.CheckoutPending, Change,
	// Checkout).
	Root string
	// Revision is the commit sha of HEAD; "" for a directory outside Git
	// or a repository without commits.
	Revision string
	// Branch is the branch checked out; "" for a detached HEAD or no Git.
	Branch string
	// Local is true for a working tree read in place, false for a cached
	// clone of a remote.
	Local bool
	// URL is the repository's URL (or path), with credentials redacted.
	URL string
	// CommitTime is the committer time of Revision as Open read it; zero
	// when there is no Revision.
	CommitTime time.Time
	// Refresh says what Open's fetch did; set only with
	// OpenOptions.FastForwardOnly.
	Refresh *RefreshStatus
	// Pending counts the fabric's commits made without pushing that the
	// remote branch lacks, kept in the cache clone on PendingRef(fabric);
	// 0 for a local working tree or when OpenOptions.Fabric is empty.
	Pending int
	// PendingRef is the ref holding them; "" when no fabric is tracked.
	PendingRef string

	fabric string
	// checkout says the cache clone's working tree is kept checked out at
	// Revision, for a command that changes files; reads never need it.
	checkout bool
	loc      remoteLoc
	auth     transport.AuthMethod
	secret   string
	lock     *flock.Flock
	// authCfg and getenv serve a local working tree's pushes to its upstream.
	authCfg *fabric.GitAuth
	getenv  func(string) string
	// onLockWait, when set, is called once when Lock finds the lock taken.
	onLockWait func()
	// clock, when set, stands in for time.Now in Change's retry deadline.
	clock func() time.Time
	// checkoutDirs limits checkouts (OpenOptions.CheckoutDirs).
	checkoutDirs CheckoutDirsFunc
	// parsed is the parse cache (ParseCache).
	parsed *desired.Cache
	// fetched is the remote branch's tip as Open fetched it (zero when Open
	// did not fetch: a local working tree, or offline). RemoteMoved asks
	// the remote whether it is still the tip.
	fetched plumbing.Hash
}

// Open makes a fabric's repository readable. A local path to a working tree
// (its top, any directory inside it, or a plain directory outside Git) is
// read in place, uncommitted changes included. A remote URL, or the path of
// a bare repository, is cloned once into the cache — the fabric's branch
// only, shallow (the tip commit without history) and without checking out
// any file — and fetched on every Open the same way; its files are read
// from the object store (Tree). Only a command that changes files
// (opts.CheckoutPending, and Change itself) checks the working tree out,
// hard-reset to the branch's tip, as the cache belongs to kubectl-hnp. A
// cache made by an earlier version (a full clone with a working tree) is
// used as it is. With opts.Offline the cache is used as it is. An empty spec.Branch means the remote's default branch. With
// opts.FastForwardOnly local commits are never dropped, a local working
// tree with an upstream is fetched too, and Workspace.Refresh reports what
// happened.
func Open(ctx context.Context, spec fabric.GitSpec, opts OpenOptions) (*Workspace, error) {
	if spec.URL == "" {
		return nil, errors.New("git url is empty")
	}
	enableTrace()
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	var loc remoteLoc
	if schemeRe.MatchString(spec.URL) {
		var err error
		if loc, err = parseRemote(spec.URL); err != nil {
			return nil, err
		}
	} else {
		path, err := filepath.Abs(expandHome(spec.URL))
		if err != nil {
			return nil, fmt.Errorf("git url %q: %w", spec.URL, err)
		}
		switch fi, statErr := os.Stat(path); {
		case statErr == nil && !fi.IsDir():
			return nil, fmt.Errorf("git url %q is not a directory", spec.URL)
		case statErr == nil && !isBare(path):
			return openLocal(ctx, path, spec, opts, getenv)
		case statErr == nil:
			loc = localRemote(path)
		case opts.Offline:
			loc = localRemote(path) // a bare repository gone meanwhile: its cache may serve
		case isRemoteURL(spec.URL):
			if loc, err = parseRemote(spec.URL); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("git url %q: no such directory: %w", spec.URL, fs.ErrNotExist)
		}
	}
	auth, secret, err := authFor(spec.Auth, loc, getenv)
	if err != nil {
		return nil, err
	}
	return openRemote(ctx, spec, opts, loc, auth, secret)
}

// isBare says whether path is the top of a bare repository.
func isBare(path string) bool {
	r, err := git.PlainOpen(path)
	if err != nil {
		return false
	}
	_, err = r.Worktree()
	return errors.Is(err, git.ErrIsBareRepository)
}

// openLocal reads a working tree, or a plain directory, in place; with
// opts.FastForwardOnly it refreshes the branch from its upstream first.
func openLocal(ctx context.Context, path string, spec fabric.GitSpec, opts OpenOptions, getenv func(string) string) (*Workspace, error) {
	branch := spec.Branch
	w := &Workspace{Root: path, Local: true, URL: path, authCfg: spec.Auth, getenv: getenv}
	if dir, err := cacheRoot(opts); err == nil {
		w.parsed = &desired.Cache{Dir: filepath.Join(dir, "worktrees")}
	}
	repo, err := git.PlainOpenWithOptions(path, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		if opts.FastForwardOnly {
			w.Refresh = &RefreshStatus{Message: "not a Git repository; not fetched"}
		}
		return w, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opening the working tree %s: %w", path, err)
	}
	head, err := repo.Reference(plumbing.HEAD, false)
	if err != nil {
		return nil, fmt.Errorf("reading HEAD of %s: %w", path, err)
	}
	if head.Type() == plumbing.SymbolicReference && head.Target().IsBranch() {
		w.Branch = head.Target().Short()
	}
	if resolved, err := repo.Head(); err == nil {
		w.Revision = resolved.Hash().String()
	} else if !errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, fmt.Errorf("reading HEAD of %s: %w", path, err)
	}
	if branch != "" && w.Branch != "" && branch != w.Branch {
		return nil, fmt.Errorf("the working tree %s is on branch %s, but the fabric's branch is %s: check out %s or change the fabric's branch", path, w.Branch, branch, branch)
	}
	if opts.FastForwardOnly {
		if err := w.refreshLocal(ctx, repo, opts.Offline); err != nil {
			return nil, err
		}
	}
	if err := w.readCommitTime(repo); err != nil {
		return nil, err
	}
	return w, nil
}

// cacheRoot is the cache directory: opts.CacheDir, else the user's.
func cacheRoot(opts OpenOptions) (string, error) {
	if opts.CacheDir != "" {
		return opts.CacheDir, nil
	}
	userCache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the cache directory: %w", err)
	}
	return filepath.Join(userCache, "kubectl-hnp"), nil
}

// ParseCache is the cache of what was parsed from the workspace's files:
// beside a cache clone (its trees, Tree), or in the cache directory for a
// local working tree (desired.LoadCached); nil when there is none.
func (w *Workspace) ParseCache() *desired.Cache { return w.parsed }

func openRemote(ctx context.Context, spec fabric.GitSpec, opts OpenOptions, loc remoteLoc, auth transport.AuthMethod, secret string) (*Workspace, error) {
	cacheDir, err := cacheRoot(opts)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(cacheDir, "repos", cacheName(loc, spec.Branch))
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return nil, fmt.Errorf("creating the cache directory: %w", err)
	}
	w := &Workspace{Root: dir, URL: RedactURL(spec.URL), loc: loc, auth: auth, secret: secret, lock: flock.New(dir + ".lock"), fabric: opts.Fabric,
		checkout: opts.CheckoutPending && !opts.Offline && !opts.FastForwardOnly, checkoutDirs: opts.CheckoutDirs}
	if opts.Fabric != "" {
		w.PendingRef = PendingRef(opts.Fabric).String()
	}
	if err := w.Lock(ctx); err != nil {
		return nil, err
	}
	defer func() { _ = w.Unlock() }()
	w.parsed = &desired.Cache{Dir: parseCacheDir(dir)}
	for _, d := range opts.ReadDirs {
		w.parsed.Prefetch(d)
	}
	switch {
	case opts.Offline:
		err = w.openCached(spec.Branch, opts.FastForwardOnly)
	case opts.FastForwardOnly:
		err = w.fetchBranch(ctx, spec.Branch, true)
	default:
		err = w.sync(ctx, spec.Branch)
	}
	if err != nil {
		return nil, err
	}
	if !opts.Offline {
		// A fetch added a pack: consolidate when there are too many.
		if n, err := maintainPacks(dir); err != nil {
			klog.Warningf("consolidating the packs of the cache clone %s: %v", dir, err)
		} else {
			klog.V(4).Infof("cache clone %s: %d packs", dir, n)
		}
	}
	// From here on this process reads the clone: no pack may go.
	if err := holdReadLock(dir); err != nil {
		return nil, err
	}
	repo, err := git.PlainOpen(dir)
	if err != nil {
		return nil, fmt.Errorf("reading the cache clone %s: %w", dir, err)
	}
	if _, err := w.loadPending(repo, opts.CheckoutPending && !opts.Offline && !opts.FastForwardOnly); err != nil {
		return nil, err
	}
	err = w.readCommitTime(repo)
	if err != nil {
		return nil, fmt.Errorf("reading the cache clone %s: %w", dir, err)
	}
	return w, nil
}

// lockRetry is how often Lock retries a lock held by another process.
const lockRetry = 50 * time.Millisecond

// Lock takes the cache clone's lock, waiting for other processes until ctx
// ends. Open holds it while it fetches; a command that writes to the clone
// holds it for longer. It is not reentrant: do not Open the same remote
// while holding it. For a local working tree it does nothing.
func (w *Workspace) Lock(ctx context.Context) error {
	if w.lock == nil {
		return nil
	}
	ok, err := w.lock.TryLock()
	if err == nil && !ok {
		if w.onLockWait != nil {
			w.onLockWait()
		}
		ok, err = w.lock.TryLockContext(ctx, lockRetry)
	}
	if err != nil {
		return fmt.Errorf("locking the cache of %s: %w", w.URL, err)
	}
	if !ok {
		return fmt.Errorf("locking the cache of %s: %w", w.URL, ctx.Err())
	}
	return nil
}

// Unlock releases the lock taken by Lock.
func (w *Workspace) Unlock() error {
	if w.lock == nil {
		return nil
	}
	return w.lock.Unlock()
}

// GitError is a failed Git operation on a remote. Its message names the
// operation, the redacted URL and the branch, and never a credential.
type GitError struct {
	// Op is what failed, such as "fetching".
	Op string
	// URL is the remote, redacted.
	URL string
	// Branch is the branch involved, "" for the remote's default branch.
	Branch string
	err    error
	secret string
}

// Error renders "op url (branch b): cause", with credentials redacted.
func (e *GitError) Error() string {
	branch := "default branch"
	if e.Branch != "" {
		branch = "branch " + e.Branch
	}
	return scrub(RedactURL(fmt.Sprintf("%s %s (%s): %v", e.Op, e.URL, branch, e.err)), e.secret)
}

// Is matches the underlying go-git error, such as
// transport.ErrAuthenticationRequired, without exposing its text.
func (e *GitError) Is(target error) bool { return errors.Is(e.err, target) }

// Unwrap returns the cause, so that errors.As finds typed causes such as a
// *ConflictError.
func (e *GitError) Unwrap() error { return e.err }

func (w *Workspace) gitError(op, branch string, err error) error {
	return &GitError{Op: op, URL: w.URL, Branch: branch, err: err, secret: w.secret}
}
