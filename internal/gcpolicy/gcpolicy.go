// Package gcpolicy sets the garbage collector's pace for a command run.
//
// A run is short, and its heap mostly grows: it reads a fabric's objects
// from Git (and from the cluster: LIST pages of objects with their
// managedFields and last-applied annotations) and keeps them until the
// output is printed. With Go's default pace (GOGC=100) it collects each
// time the heap doubles, marking all it has read so far again and again:
// eight to fourteen collections for a warm read of 8,500 objects, ten for a
// fleet of 12,000, 15-20 % of the run's CPU time.
//
// So a run starts with the collector off and a soft memory limit
// (debug.SetMemoryLimit) at a threshold: most runs end without a single
// collection, and one that reaches the threshold collects then, marking
// only what it keeps. After every collection the live heap is checked; once
// it is more than half the threshold, the run goes over to a steady pace
// (GOGC=200: collect when the heap has tripled) with no limit, so a large
// run never collects over and over near the limit. Its peak memory stays
// about what Go's default pace gives, as the heap of a large run grows by
// less than twice its live part after the hand-over. A run that has
// collected maxCollections times under the limit goes over to Go's default
// pace instead. The threshold is Threshold for every run (a cold clone
// allocates much and keeps little), and ClusterThreshold once a run reads a
// cluster.
package gcpolicy

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Threshold and ClusterThreshold are the memory limits up to which the
// collector waits. A run's peak heap is then at most about the threshold,
// or what the default pace gives, whichever is more.
const (
	Threshold        = 80 << 20
	ClusterThreshold = 256 << 20
)

// steadyPercent is the pace (GOGC) once the live heap outgrows half the
// limit.
const steadyPercent = 200

// policy is the process's pace.
var policy pacer

// pacer is a pace: limit is the threshold in force while waiting (0 before
// Start, and after the hand-over to the default pace); collections counts
// the collections while waiting.
type pacer struct {
	sync.Mutex
	limit       int64
	collections int
}

// maxCollections is how many collections a run makes under the limit
// before it goes over to Go's default pace (GOGC=100) anyway: memory the
// limit counts besides the live heap (stacks, fragmentation) must not keep
// a run collecting near the limit. With its live heap under half the
// limit, the default pace keeps the peak about where the limit had it.
const maxCollections = 4

// Start sets the pace for this process, unless the user chose one with
// GOGC or GOMEMLIMIT. The command's main calls it; tests that run commands
// in-process leave the pace alone. It reports whether the pace is set.
func Start(getenv func(string) string) bool {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return false
	}
	policy.Lock()
	defer policy.Unlock()
	policy.limit, policy.collections = Threshold, 0
	debug.SetMemoryLimit(Threshold)
	debug.SetGCPercent(-1)
	watch()
	return true
}

// ReadingCluster raises the limit to ClusterThreshold if Start set the
// pace and the run still waits: the run is about to read a cluster. It
// reports whether the pace is set.
func ReadingCluster() bool {
	policy.Lock()
	defer policy.Unlock()
	if policy.limit == 0 {
		return false
	}
	if policy.limit < ClusterThreshold {
		policy.limit = ClusterThreshold
		debug.SetMemoryLimit(ClusterThreshold)
	}
	return true
}

// sentinel is garbage whose finalizer runs after each collection that
// found it (it has a pointer, so the tiny allocator never batches it).
type sentinel struct{ _ *int }

// watch arms the check for the next collection.
func watch() {
	runtime.SetFinalizer(&sentinel{}, func(*sentinel) {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(sample)
		if policy.collected(sample[0].Value.Uint64()) {
			watch()
		}
	})
}

// collected runs after a collection that left live bytes of heap: it
// hands over to the default pace when they are more than half the limit
// or after maxCollections, and reports whether to keep watching.
func (p *pacer) collected(live uint64) bool {
	p.Lock()
	defer p.Unlock()
	if p.limit == 0 {
		return false
	}
	p.collections++
	switch {
	case live > uint64(p.limit)/2:
		p.handOver(steadyPercent)
	case p.collections >= maxCollections:
		p.handOver(100)
	default:
		return true
	}
	return false
}

// handOver goes over to pace percent (GOGC) with no memory limit.
func (p *pacer) handOver(percent int) {
	p.limit = 0
	debug.SetGCPercent(percent)
	debug.SetMemoryLimit(math.MaxInt64)
}
