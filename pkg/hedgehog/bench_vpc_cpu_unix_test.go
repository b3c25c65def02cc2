//go:build unix

package hedgehog

import (
	"syscall"
	"time"
)

// vpcCPUTime is the process's user + system CPU time: on a machine shared
// with other work, CPU time per operation is the honest measure of cost,
// where wall time also counts the time the process waited for a core.
func vpcCPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
