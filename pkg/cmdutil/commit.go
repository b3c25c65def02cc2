package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/pflag"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
)

// CommitFlags are the flags shared by the commands that change Git
// (edit, create, delete).
type CommitFlags struct {
	Message string
	NoPush  bool
	// NewBranch is the review branch to push to (--to-branch, or the
	// deprecated --branch of writing commands) instead of the fabric's.
	NewBranch string
	// Continue adds to the existing review branch NewBranch (--continue).
	Continue bool
	// OldBranch is the deprecated --branch of writing commands.
	OldBranch string
	DryRun    bool
	Validate  string
	// RetryTimeout is how long to keep replaying the change on a remote
	// branch that moves on (--retry-timeout).
	RetryTimeout time.Duration
}

// AddCommitFlags binds the shared flags to fs.
func (c *CommitFlags) AddCommitFlags(fs *pflag.FlagSet, validate bool) {
	fs.StringVarP(&c.Message, "message", "m", "", "commit message (default: a description of the change)")
	fs.BoolVar(&c.NoPush, "no-push", false, "commit, but do not push")
	fs.StringVar(&c.NewBranch, "to-branch", "", "push the commit to this review branch instead of the fabric's branch: a new branch made from the fabric's branch (with --continue, an existing one)")
	fs.BoolVar(&c.Continue, "continue", false, "with --to-branch: add the commit to the existing review branch (fetched, committed on top, pushed)")
	// The spelling before --to-branch, kept for one release (hidden; a
	// warning on stderr when used: cobra's own deprecation notice would go
	// to stdout). It shadows the global --branch, which names the branch to read.
	fs.StringVar(&c.OldBranch, "branch", "", "deprecated: use --to-branch")
	_ = fs.MarkHidden("branch")
	fs.BoolVar(&c.DryRun, "dry-run", false, "print the diff of the file and validate; change nothing")
	AddRetryTimeoutFlag(fs, &c.RetryTimeout)
	if validate {
		fs.StringVar(&c.Validate, "validate", "", "strict (schema + server-side dry run; the default when the cluster is reachable), schema (the CRD's schema, cached for offline use) or none")
	}
}

// AddRetryTimeoutFlag binds --retry-timeout to d.
func AddRetryTimeoutFlag(fs *pflag.FlagSet, d *time.Duration) {
	fs.DurationVar(d, "retry-timeout", gitstate.DefaultRetryTimeout, "how long to keep replaying the change when others push to the branch first (with growing, jittered pauses); 0 tries once")
}

// DeprecatedBranchWarning is printed when a writing command is given the
// old --branch.
const DeprecatedBranchWarning = "Warning: --branch on edit, create, delete and sync --adopt is deprecated and will be removed in the next release: use --to-branch NAME for a review branch (and --continue to add commits to it); --repo-branch names the branch to read"

// ValidateBranch checks the review-branch flags, taking the deprecated
// --branch as --to-branch with a warning on errOut.
func (c *CommitFlags) ValidateBranch(errOut io.Writer) error {
	if c.OldBranch != "" {
		fmt.Fprintln(errOut, DeprecatedBranchWarning)
		if c.NewBranch != "" && c.NewBranch != c.OldBranch {
			return fmt.Errorf("--branch %s and --to-branch %s disagree: use --to-branch alone", c.OldBranch, c.NewBranch)
		}
		c.NewBranch, c.OldBranch = c.OldBranch, ""
	}
	if c.Continue && c.NewBranch == "" {
		return errors.New("--continue adds to a review branch: name it with --to-branch NAME")
	}
	return nil
}

// retryTimeout maps the flag to gitstate.ChangeOptions: 0 there means the
// default, a negative value never.
func retryTimeout(d time.Duration) time.Duration {
	if d <= 0 {
		return -1
	}
	return d
}

// Change is one change to a fabric's repository, ready to commit.
type Change struct {
	Fabric    *fabric.Fabric
	Workspace *gitstate.Workspace
	// Fn computes the new file contents on the tree it will commit on.
	Fn gitstate.ChangeFunc
	// Message is the default commit message.
	Message string
	// Edit is what the user wrote (the edited document, or the new
	// objects): saved to a file if the change fails, so it is never lost.
	Edit []byte
	// What names the change for messages, e.g. "VPC default/vpc-1".
	What string
	// Retry, when set, is the command that makes the change again from
	// the saved edit at path, offered when the remote kept moving.
	Retry func(path string) string
}

// FileDiff renders a unified diff of one file, old against new.
func FileDiff(path string, before, after []byte) string {
	d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(string(before)), B: difflib.SplitLines(string(after)),
		FromFile: "a/" + path, ToFile: "b/" + path, Context: 3,
	})
	return d
}

// SaveEdit keeps the user's work in a temporary file and returns its path.
func SaveEdit(what string, edit []byte) (string, error) {
	name := strings.NewReplacer("/", "-", " ", "-").Replace(what)
	f, err := os.CreateTemp("", "kubectl-hnp-"+name+"-*.yaml")
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := f.Write(edit); err != nil {
		return "", err
	}
	return filepath.Clean(f.Name()), nil
}

// Commit commits (and pushes, unless --no-push) a change. On failure the
// user's edit is saved to a file whose path is printed, the workspace is
// left clean (gitstate.Workspace.Change guarantees it), and the error is
// returned with exit code 2.
func (f *Factory) Commit(ctx context.Context, c *Change, flags CommitFlags) (*gitstate.ChangeResult, error) {
	msg := flags.Message
	if msg == "" {
		msg = c.Message
	}
	res, err := c.Workspace.Change(ctx, c.Fn, gitstate.ChangeOptions{
		Message: msg, Push: !flags.NoPush, NewBranch: flags.NewBranch, Continue: flags.Continue, Getenv: f.Getenv, Dir: c.Fabric.Git.Dir,
		RetryTimeout: retryTimeout(flags.RetryTimeout),
	})
	if err != nil {
		err = branchHint(err, flags.NewBranch)
		if res != nil && res.Commit != "" {
			// A local working tree keeps its commit when the push fails:
			// the edit is in it, not lost; say where it is.
			short := res.Commit
			if len(short) > 7 {
				short = short[:7]
			}
			return nil, fmt.Errorf("%w\nthe change is committed as %s on branch %s in %s, but not pushed: push it when the problem is fixed (git -C %s push)",
				err, short, res.Branch, c.Workspace.Root, c.Workspace.Root)
		}
		return nil, f.Keep(c, err)
	}
	return res, nil
}

// branchHint says how to go on when the review branch was refused.
func branchHint(err error, branch string) error {
	switch {
	case errors.Is(err, gitstate.ErrBranchExists):
		return fmt.Errorf("%w\nadd the commit to it with --to-branch %s --continue, or name a new branch", err, branch)
	case errors.Is(err, gitstate.ErrNoSuchBranch):
		return fmt.Errorf("%w\n--continue adds to an existing review branch: create it with --to-branch %s (without --continue)", err, branch)
	}
	return err
}

// Keep saves the user's edit after a failure and returns err with a note
// saying where the edit is; when the remote kept moving, also how to make
// the change again.
func (f *Factory) Keep(c *Change, err error) error {
	var moved *gitstate.MovedError
	isMoved := errors.As(err, &moved)
	if len(c.Edit) == 0 {
		if isMoved {
			return fmt.Errorf("%w\nTry again later, or give it longer with --retry-timeout 5m", err)
		}
		return err
	}
	p, serr := SaveEdit(c.What, c.Edit)
	if serr != nil {
		return fmt.Errorf("%w\n(your edit could not be saved either: %v)", err, serr)
	}
	err = fmt.Errorf("%w\nYour edit was saved to %s", err, p)
	if isMoved {
		again := "run the command again"
		if c.Retry != nil {
			again = c.Retry(p)
		}
		err = fmt.Errorf("%w\nTry again later with it: %s (add --retry-timeout 5m to keep trying longer)", err, again)
	}
	return err
}

// Report prints the outcome of a committed change.
func (f *Factory) Report(c *Change, res *gitstate.ChangeResult) {
	out := f.IOStreams.Out
	if res.NothingToDo {
		fmt.Fprintf(out, "%s: no change, nothing committed\n", c.What)
		return
	}
	short := res.Commit
	if len(short) > 7 {
		short = short[:7]
	}
	fmt.Fprintf(out, "%s: committed %s in %s (fabric %s)\n", c.What, short, strings.Join(res.Files, ", "), c.Fabric.Name)
	switch {
	case res.Pushed:
		fmt.Fprintf(out, "pushed to branch %s\n", res.Branch)
	case c.Workspace.Local:
		fmt.Fprintf(out, "not pushed: branch %s has no upstream (or --no-push)\n", res.Branch)
	case res.Branch != c.Workspace.Branch || c.Workspace.PendingRef == "":
		fmt.Fprintf(out, "not pushed (--no-push): the commit is on branch %s in the cache clone %s (git -C %s push origin %s)\n",
			res.Branch, c.Workspace.Root, c.Workspace.Root, res.Branch)
	default:
		fmt.Fprintf(out, "not pushed (--no-push): kept in the cache clone %s on %s, %s not pushed in all;\n"+
			"later changes build on it; push with: kubectl hnp push --fabric %s\n",
			c.Workspace.Root, c.Workspace.PendingRef, Commits(res.Pending), c.Fabric.Name)
	}
	switch {
	case res.Pushed && res.Carried > 0 && res.Branch == c.Workspace.Branch:
		fmt.Fprintf(out, "pushed with the %s made earlier without pushing\n", Commits(res.Carried))
	case res.Carried > 0 && res.Branch != c.Workspace.Branch:
		fmt.Fprintf(out, "branch %s includes the %s not pushed to %s, which stay pending there (kubectl hnp push)\n",
			res.Branch, Commits(res.Carried), c.Workspace.Branch)
	}
}
