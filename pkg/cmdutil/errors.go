// Package cmdutil holds what the commands share: the Factory that wires
// configuration, fabrics, Git workspaces and cluster clients; the errors that
// carry exit codes; and flag helpers.
package cmdutil

import (
	"errors"
	"fmt"
)

// Exit codes of every command.
const (
	// ExitOK is success, or "in sync" for drift.
	ExitOK = 0
	// ExitDrift means drift was found (drift, sync --dry-run, --wait timeout).
	ExitDrift = 1
	// ExitError is any error.
	ExitError = 2
)

// exitError carries an exit code; whatever needed saying was printed
// already.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// SilentExit makes the process exit with code without printing anything more.
func SilentExit(code int) error { return &exitError{code: code} }

// ExitCode maps an error to the process exit code: nil is 0, an error made
// by SilentExit has its code, anything else is 2.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return ExitError
}

// IsSilent reports whether err should not be printed: it came from
// SilentExit.
func IsSilent(err error) bool {
	var e *exitError
	return errors.As(err, &e)
}
