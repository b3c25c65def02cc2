package gitstate

import (
	"context"
	"errors"
	"os"
	"strings"
	"time"
)

// ChangeFunc computes a change on the tree at root, the fabric repository's
// working tree (Workspace.Root) at the commit the change will be made on. It
// returns the new contents of the files to change, keyed by their path
// relative to root with forward slashes; a nil content deletes the file
// (an empty, non-nil one empties it). It must not write to the tree itself.
// When the tree no longer holds what the change was based on, it returns a
// *ConflictError. Change may call it more than once, on newer trees, when it
// replays the change on a remote that moved on.
type ChangeFunc func(root string) (map[string][]byte, error)

// ChangeOptions tune Workspace.Change.
type ChangeOptions struct {
	// Message is the commit message; empty means one naming the files.
	Message string
	// Push pushes the commit; false commits only (--no-push).
	Push bool
	// NewBranch, when set, commits on a new branch made from the tip of the
	// fabric's branch and pushes that branch, which must not exist yet.
	NewBranch string
	// Continue, with NewBranch, adds the commit to that branch, which must
	// exist on the remote: the change is computed on the branch's tip and
	// pushed there (a review branch that gets a second commit). The
	// fabric's unpushed commits are not carried onto it. Only for the cache
	// clone of a remote.
	Continue bool
	// Getenv reads the identity from GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL,
	// GIT_COMMITTER_NAME and GIT_COMMITTER_EMAIL; nil means os.Getenv.
	Getenv func(string) string
	// RetryTimeout is how long a change is replayed and pushed again when
	// its push is rejected because the remote branch moved on, with
	// jittered exponential backoff between tries: 0 means
	// DefaultRetryTimeout, a negative duration means never.
	RetryTimeout time.Duration
	// Dir is the fabric's directory, relative to Root: every path the
	// ChangeFunc returns must lie inside it, symbolic links resolved.
	Dir string
}

// ChangeResult is what Workspace.Change did.
type ChangeResult struct {
	// Commit is the sha of the new commit; with NothingToDo, the commit the
	// change was computed on.
	Commit string
	// Branch is the branch committed on.
	Branch string
	// Pushed says the commit reached the remote.
	Pushed bool
	// PushedTo is the URL pushed to, redacted; "" when not pushed.
	PushedTo string
	// NoUpstream says a local working tree's branch has no upstream, so
	// the commit was not pushed although pushing was asked for.
	NoUpstream bool
	// Files are the paths changed, as the ChangeFunc named them, sorted.
	Files []string
	// Replays counts how often the change was computed again on a remote
	// branch that had moved on.
	Replays int
	// Carried counts the fabric's earlier unpushed commits (see
	// PendingRef) the change was made on top of; with Pushed, they were
	// pushed with it.
	Carried int
	// Pending counts the fabric's commits not pushed after the change.
	Pending int
	// NothingToDo says the files already held the contents asked for, so
	// nothing was committed.
	NothingToDo bool
}

// ConflictError is returned by a ChangeFunc, and passed on by Change, when
// the tree no longer holds what a change was based on.
type ConflictError struct {
	// File is the file in conflict, relative to the workspace root.
	File string
	// Msg says what happened; empty means the document was changed on the
	// remote too.
	Msg string
}

// Error renders "file: message".
func (e *ConflictError) Error() string {
	msg := e.Msg
	if msg == "" {
		msg = "the document was changed on the remote too"
	}
	return e.File + ": " + msg
}

// DefaultRetryTimeout is how long Change keeps replaying a change on a
// remote branch that moves on, unless ChangeOptions.RetryTimeout says.
const DefaultRetryTimeout = 60 * time.Second

// Change commits one change to the fabric's repository and pushes it.
//
// For the cache clone of a remote it holds the lock throughout, fetches and
// hard-resets the clone to the remote branch's tip, calls fn there, writes
// the files fn returned, commits exactly those and pushes the commit to the
// fabric's branch (or to opts.NewBranch). If the push is rejected because
// the remote branch moved on, it waits a little (jittered exponential
// backoff), fetches again and replays: fn runs again on the new tip and
// decides whether the change still applies. It keeps trying until
// opts.RetryTimeout has passed, then fails with a *MovedError. On any
// failure the clone is restored to the remote tip, clean, and the error
// names the remote (redacted) and branch.
//
// A workspace opened for a fabric (OpenOptions.Fabric) keeps the commits
// made without pushing on PendingRef(fabric), which no refresh resets. A
// later change is made on top of them, replayed on the remote tip (see
// PendingConflictError); without Push it adds to them, with Push it
// pushes them all to the fabric's branch, even when fn changes nothing,
// and deletes the ref. On a new branch they are pushed along but kept.
//
// For a local working tree it writes and commits in place, refusing a file
// that has uncommitted changes; the user's other staged changes are left
// staged and not committed. It pushes to the branch's upstream if there is
// one. When that push fails the commit stays, so the result is returned
// along with the error; a push rejected because the upstream moved on tells
// the user to pull.
//
// With no author identity known it refuses before writing anything. It
// takes the cache's lock itself: do not call it while holding Lock.
func (w *Workspace) Change(ctx context.Context, fn ChangeFunc, opts ChangeOptions) (*ChangeResult, error) {
	if fn == nil {
		return nil, errors.New("change: no change function")
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	switch {
	case opts.RetryTimeout == 0:
		opts.RetryTimeout = DefaultRetryTimeout
	case opts.RetryTimeout < 0:
		opts.RetryTimeout = 0
	}
	if w.Local {
		return w.changeLocal(ctx, fn, opts)
	}
	return w.changeCache(ctx, fn, opts)
}

// commitMessage returns the message to commit with, ending in a newline.
func commitMessage(msg string, files []string) string {
	if strings.TrimSpace(msg) == "" {
		msg = "kubectl hnp: change " + strings.Join(files, ", ")
	}
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	return msg
}

// wrapChangeErr names the remote and branch in err, unless a *GitError
// already does.
func (w *Workspace) wrapChangeErr(branch string, err error) error {
	var ge *GitError
	if errors.As(err, &ge) {
		return err
	}
	return w.gitError("changing", branch, err)
}
