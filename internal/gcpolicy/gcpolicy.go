// Package gcpolicy sets the garbage collector's pace for a command run.
//
// A run is short, and its heap mostly grows: it reads a fabric's objects
// from Git (and from the cluster: LIST pages of objects with their
// managedFields and last-applied annotations) and keeps them until the
// output is printed. With Go's default pace (GOGC=100) it collects each
// time the heap doubles, marking all it has read so far again and again:
// eight to fourteen collections for a warm read of 8,500 objects, ten for a
// fleet of 12,000, 15-20 % of the run's CPU time. bytedance/gopkg's gctuner
// sets GOGC after every collection so that the next one comes when the
// heap reaches a threshold, and never below 100: a run collects a few times
// instead, and a large one, whose live heap is above the threshold, keeps
// Go's default pace and peak memory. The threshold is Threshold for every
// run (a cold clone allocates much and keeps little: its peak stays near
// what it was), and ClusterThreshold once a run reads a cluster.
package gcpolicy

import (
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/bytedance/gopkg/util/gctuner"
)

// Threshold and ClusterThreshold are the heap sizes up to which the
// collector waits. A run's peak heap is then at most about the threshold,
// or what the default pace gives, whichever is more.
const (
	Threshold        = 96 << 20
	ClusterThreshold = 256 << 20
)

// maxPercent is the highest GOGC set.
const maxPercent = 500

var (
	started atomic.Bool
	once    sync.Once
)

// Start sets the pace for this process, unless the user chose one with
// GOGC or GOMEMLIMIT. The command's main calls it; tests that run commands
// in-process leave the pace alone. It reports whether the pace is set.
func Start(getenv func(string) string) bool {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return false
	}
	gctuner.SetMinGCPercent(100)
	gctuner.SetMaxGCPercent(maxPercent)
	debug.SetGCPercent(maxPercent)
	gctuner.Tuning(Threshold)
	started.Store(true)
	return true
}

// ReadingCluster raises the threshold to ClusterThreshold, once, if Start
// set the pace: the run is about to read a cluster. It reports whether it
// did.
func ReadingCluster() bool {
	if !started.Load() {
		return false
	}
	once.Do(func() { gctuner.Tuning(ClusterThreshold) })
	return true
}
