package cmdutil

import (
	"errors"
	"time"

	"github.com/spf13/pflag"
)

// WaitFlags are the flags of the commands that can wait for the cluster to
// follow a change they pushed (edit, create, delete).
type WaitFlags struct {
	// Wait waits for the cluster to follow the change (--wait).
	Wait bool
	// Applied, with Wait, then waits for the affected switches' agents to
	// apply it (--applied).
	Applied bool
	// Timeout bounds both waits together (--timeout).
	Timeout time.Duration
}

// AddWaitFlags binds the flags to fs; follow says what --wait waits for.
func (w *WaitFlags) AddWaitFlags(fs *pflag.FlagSet, follow string) {
	fs.BoolVar(&w.Wait, "wait", false, "after the push, wait until "+follow)
	fs.BoolVar(&w.Applied, "applied", false, "with --wait: then wait until the agents of the switches the change affects have applied it (their Agents' latest generation applied)")
	fs.DurationVar(&w.Timeout, "timeout", 5*time.Minute, "with --wait: how long to wait in all (exit 1 when it passes)")
}

// ValidateWait checks the flags against the commit flags: waiting needs
// the change pushed to the fabric's branch.
func (w *WaitFlags) ValidateWait(c CommitFlags) error {
	if w.Applied && !w.Wait {
		return errors.New("--applied goes with --wait")
	}
	if w.Wait && (c.NoPush || c.NewBranch != "" || c.DryRun) {
		return errors.New("--wait needs the change pushed to the fabric's branch (not --no-push, --to-branch or --dry-run)")
	}
	if w.Wait && w.Timeout <= 0 {
		return errors.New("--timeout must be positive")
	}
	return nil
}
