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
// A run that reads only Git is tuned: after every collection GOGC is set so
// that the next one comes when the heap in use reaches Threshold, between
// 100 and 500 (as bytedance/gopkg's gctuner does). It collects a few times,
// and its memory is reused: a cold clone allocates much and keeps little,
// and its peak stays under Threshold plus what it keeps.
//
// A run that reads a cluster allocates far more and keeps most of it: from
// ReadingCluster on, the collector is off under a soft memory limit
// (debug.SetMemoryLimit) of ClusterThreshold, so most such runs end without
// a collection (a fleet of 12 fabrics of 1,000 objects does), and one that
// reaches the limit collects then, marking only what it keeps. After every
// collection the live heap is checked: once it is more than half the limit,
// the run goes over to a steady pace (GOGC=200: collect when the heap has
// tripled) with no limit, so a large run never collects over and over near
// the limit; and after maxCollections under the limit it goes over to Go's
// default pace.
package gcpolicy

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Threshold is the heap in use a run that reads only Git is tuned to
// collect at; ClusterThreshold is the memory limit under which a run that
// reads a cluster does not collect.
const (
	Threshold        = 96 << 20
	ClusterThreshold = 256 << 20
)

// Tuned GOGC values while reading Git, and steadyPercent, the pace once
// the live heap outgrows half the cluster limit.
const (
	minPercent    = 100
	maxPercent    = 500
	steadyPercent = 200
)

// maxCollections is how many collections a run makes under the cluster
// limit before it goes over to Go's default pace (GOGC=100) anyway: memory
// the limit counts besides the live heap (stacks, fragmentation) must not
// keep a run collecting near the limit. With its live heap under half the
// limit, the default pace keeps the peak about where the limit had it.
const maxCollections = 4

// mode is what a pacer does after a collection.
type mode int

const (
	off     mode = iota // not set, or handed over: nothing
	tuning              // reading Git: GOGC tuned towards Threshold
	waiting             // reading a cluster: no collection under the limit
)

// policy is the process's pace.
var policy pacer

// pacer is a pace; collections counts the collections while waiting.
type pacer struct {
	sync.Mutex
	mode        mode
	collections int
}

// Start sets the pace for this process, unless the user chose one with
// GOGC or GOMEMLIMIT. The command's main calls it; tests that run commands
// in-process leave the pace alone. It reports whether the pace is set.
func Start(getenv func(string) string) bool {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return false
	}
	policy.Lock()
	defer policy.Unlock()
	policy.mode, policy.collections = tuning, 0
	debug.SetGCPercent(maxPercent)
	watch()
	return true
}

// ReadingCluster turns the collector off under ClusterThreshold if Start
// set the pace and the run has not handed over: the run is about to read a
// cluster. It reports whether the pace is set.
func ReadingCluster() bool {
	policy.Lock()
	defer policy.Unlock()
	if policy.mode == off {
		return false
	}
	if policy.mode == tuning {
		policy.mode = waiting
		debug.SetMemoryLimit(ClusterThreshold)
		debug.SetGCPercent(-1)
	}
	return true
}

// sentinel is garbage whose finalizer runs after each collection that
// found it (it has a pointer, so the tiny allocator never batches it).
type sentinel struct{ _ *int }

// watch arms the check for the next collection. It reads the live heap
// (runtime/metrics) and the heap in use as gctuner did (runtime.MemStats'
// HeapInuse: a brief stop, once per collection).
func watch() {
	runtime.SetFinalizer(&sentinel{}, func(*sentinel) {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(sample)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if policy.collected(sample[0].Value.Uint64(), ms.HeapInuse) {
			watch()
		}
	})
}

// collected runs after a collection that left live bytes of heap and
// inuse bytes in use, and reports whether to keep watching. While tuning
// it sets GOGC; while waiting it hands over when the live heap is more than
// half the limit or after maxCollections.
func (p *pacer) collected(live, inuse uint64) bool {
	p.Lock()
	defer p.Unlock()
	switch p.mode {
	case tuning:
		debug.SetGCPercent(tunedPercent(inuse))
		return true
	case waiting:
		p.collections++
		switch {
		case live > ClusterThreshold/2:
			p.handOver(steadyPercent)
		case p.collections >= maxCollections:
			p.handOver(100)
		default:
			return true
		}
	}
	return false
}

// tunedPercent is the GOGC that makes the next collection come when the
// heap in use reaches Threshold, within minPercent and maxPercent.
func tunedPercent(inuse uint64) int {
	if inuse == 0 || inuse >= Threshold {
		return minPercent
	}
	return min(max(int((Threshold-inuse)*100/inuse), minPercent), maxPercent)
}

// handOver goes over to pace percent (GOGC) with no memory limit.
func (p *pacer) handOver(percent int) {
	p.mode = off
	debug.SetGCPercent(percent)
	debug.SetMemoryLimit(math.MaxInt64)
}
