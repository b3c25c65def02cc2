// Package gcpolicy sets the garbage collector's pace for a command run that
// reads a cluster.
//
// Such a run is short, and its heap mostly grows: it reads every object of
// its fabrics from Git and from the cluster (LIST pages of objects with
// their managedFields and last-applied annotations) and keeps them until
// the report is printed. With Go's default pace (GOGC=100) it collects
// each time the heap doubles, marking all it has read so far again and
// again: ten collections for a fleet of 12,000 objects, 15-20 % of the
// run's CPU time. Once a run reads a cluster, ReadingCluster lets the heap
// grow to Threshold before the pace returns to the default
// (bytedance/gopkg's gctuner sets GOGC after every collection so that the
// next one comes at Threshold, and never below 100): such runs collect a
// few times instead of ten, and large ones, whose live heap is above
// Threshold, keep Go's default pace and peak memory. Runs that only read
// Git (a cold clone allocates much and keeps little) keep the default.
package gcpolicy

import (
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/bytedance/gopkg/util/gctuner"
)

// Threshold is the heap size up to which the collector waits. A run's peak
// heap is then at most about Threshold, or what the default pace gives,
// whichever is more.
const Threshold = 256 << 20

// maxPercent is the highest GOGC set.
const maxPercent = 500

var (
	allowed atomic.Bool
	once    sync.Once
)

// Allow lets ReadingCluster set the pace in this process, unless the user
// chose one with GOGC or GOMEMLIMIT. The command's main calls it; tests
// that run commands in-process leave the pace alone.
func Allow(getenv func(string) string) {
	allowed.Store(getenv("GOGC") == "" && getenv("GOMEMLIMIT") == "")
}

// ReadingCluster sets the pace, once, if allowed: the run is about to read
// a cluster. It reports whether the pace is set.
func ReadingCluster() bool {
	if !allowed.Load() {
		return false
	}
	once.Do(func() {
		gctuner.SetMinGCPercent(100)
		gctuner.SetMaxGCPercent(maxPercent)
		debug.SetGCPercent(maxPercent)
		gctuner.Tuning(Threshold)
	})
	return true
}
