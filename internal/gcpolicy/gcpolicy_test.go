package gcpolicy

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
)

// pace reads GOGC and the memory limit without changing them.
func pace() (percent int, limit int64) {
	percent = debug.SetGCPercent(100)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

// reset puts the process back to Go's defaults when the test ends.
func reset(t *testing.T) {
	t.Cleanup(func() {
		policy.Lock()
		policy.limit, policy.collections = 0, 0
		policy.Unlock()
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	})
}

func TestUsersChoiceWins(t *testing.T) {
	reset(t)
	for _, env := range []map[string]string{{"GOGC": "50"}, {"GOMEMLIMIT": "1GiB"}, {"GOGC": "off"}} {
		if Start(func(k string) string { return env[k] }) || ReadingCluster() {
			t.Errorf("%v: the pace was set over the user's choice", env)
		}
	}
	if p, l := pace(); p != 100 || l != math.MaxInt64 {
		t.Fatalf("GOGC %d, limit %d: want Go's defaults untouched", p, l)
	}
}

func TestPaceWaitsForTheThreshold(t *testing.T) {
	reset(t)
	if !Start(func(string) string { return "" }) {
		t.Fatal("the pace was not set")
	}
	if p, l := pace(); p != -1 || l != Threshold {
		t.Errorf("after Start: GOGC %d, limit %d; want off and %d", p, l, Threshold)
	}
	if !ReadingCluster() {
		t.Fatal("ReadingCluster: the pace is not set")
	}
	if p, l := pace(); p != -1 || l != ClusterThreshold {
		t.Errorf("reading a cluster: GOGC %d, limit %d; want off and %d", p, l, ClusterThreshold)
	}
	// A collection with a small live heap keeps waiting.
	if !policy.collected(1 << 20) {
		t.Error("a live heap far below the limit ended the wait")
	}
	if p, l := pace(); p != -1 || l != ClusterThreshold {
		t.Errorf("after a small collection: GOGC %d, limit %d", p, l)
	}
}

func TestPaceHandsOverAfterManyCollections(t *testing.T) {
	reset(t)
	p := &pacer{limit: Threshold}
	for i := 1; i < maxCollections; i++ {
		if !p.collected(1 << 20) {
			t.Fatalf("collection %d with a small live heap ended the wait", i)
		}
	}
	if p.collected(1 << 20) {
		t.Errorf("the wait went on after %d collections", maxCollections)
	}
	if pc, l := pace(); pc != 100 || l != math.MaxInt64 {
		t.Errorf("after the hand-over: GOGC %d, limit %d; want Go's default 100 and no limit", pc, l)
	}
}

func TestPaceHandsOverAboveHalfTheLimit(t *testing.T) {
	reset(t)
	Start(func(string) string { return "" })
	policy.Lock()
	limit := policy.limit
	policy.Unlock()
	if policy.collected(uint64(limit)/2 + 1) {
		t.Error("the wait went on with the live heap over half the limit")
	}
	if p, l := pace(); p != steadyPercent || l != math.MaxInt64 {
		t.Errorf("after the hand-over: GOGC %d, limit %d; want %d and no limit", p, l, steadyPercent)
	}
	if ReadingCluster() {
		t.Error("ReadingCluster set a limit again after the hand-over")
	}
	if _, l := pace(); l != math.MaxInt64 {
		t.Errorf("limit %d after ReadingCluster, want none", l)
	}
}

// The check runs after a real collection too.
func TestPaceWatchesCollections(t *testing.T) {
	reset(t)
	Start(func(string) string { return "" })
	keep := make([]byte, 4<<20)
	policy.Lock()
	policy.limit = 2 << 20 // 4 MiB live is over half of it
	policy.Unlock()
	for handedOver := false; !handedOver; {
		runtime.GC()
		policy.Lock()
		handedOver = policy.limit == 0
		policy.Unlock()
		runtime.Gosched()
	}
	runtime.KeepAlive(keep)
	if p, _ := pace(); p != steadyPercent {
		t.Errorf("GOGC %d after the watched collection, want %d", p, steadyPercent)
	}
}
