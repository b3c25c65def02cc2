//go:build unix

package hedgehog

import (
	"syscall"
	"time"
)

// wiringCPU returns the process's CPU time (user + system, all threads,
// GC included): on a shared machine, the benchmarks report it per
// operation beside the wall time.
func wiringCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
