package gitstate

import (
	"fmt"
	"time"
)

// MovedError says a push was rejected because the remote branch had
// commits the push lacked (go-git's "non-fast-forward update"), and the
// change could not be landed on it before the retry deadline: other
// changes kept landing first.
type MovedError struct {
	// Branch is the remote branch.
	Branch string
	// Tries counts the pushes tried.
	Tries int
	// Waited is how long it kept trying.
	Waited time.Duration
	err    error
}

// Error says the remote kept moving and nothing was pushed.
func (e *MovedError) Error() string {
	if e.Tries <= 1 {
		return fmt.Sprintf("the remote branch %s moved on while pushing (it has commits this change was not made on); nothing was pushed", e.Branch)
	}
	return fmt.Sprintf("the remote branch %s kept moving: each of %d pushes over %s found newer commits on it, and the change was replayed on them; nothing was pushed",
		e.Branch, e.Tries, e.Waited.Round(100*time.Millisecond))
}

// Unwrap returns go-git's error.
func (e *MovedError) Unwrap() error { return e.err }
