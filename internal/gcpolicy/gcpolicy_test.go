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
		policy.mode, policy.collections = off, 0
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

func TestTuningTowardsTheThreshold(t *testing.T) {
	reset(t)
	if !Start(func(string) string { return "" }) {
		t.Fatal("the pace was not set")
	}
	if p, l := pace(); p != maxPercent || l != math.MaxInt64 {
		t.Errorf("after Start: GOGC %d, limit %d; want %d and none", p, l, maxPercent)
	}
	for _, c := range []struct {
		inuse uint64
		want  int
	}{
		{4 << 20, maxPercent},             // far below: the highest
		{32 << 20, 200},                   // the next collection at 96 MiB
		{60 << 20, minPercent},            // (96-60)/60 is below the lowest
		{Threshold + 1, minPercent},       // above
		{0, minPercent},                   // nothing read
		{Threshold / 4, maxPercent - 200}, // 300 %
	} {
		p := &pacer{mode: tuning}
		if !p.collected(c.inuse/2, c.inuse) {
			t.Errorf("inuse %d: tuning stopped", c.inuse)
		}
		if got, _ := pace(); got != c.want {
			t.Errorf("inuse %d: GOGC %d, want %d", c.inuse, got, c.want)
		}
	}
}

func TestWaitingWhileReadingACluster(t *testing.T) {
	reset(t)
	Start(func(string) string { return "" })
	if !ReadingCluster() {
		t.Fatal("ReadingCluster: the pace is not set")
	}
	if p, l := pace(); p != -1 || l != ClusterThreshold {
		t.Errorf("reading a cluster: GOGC %d, limit %d; want off and %d", p, l, ClusterThreshold)
	}
	// A collection with a small live heap keeps waiting.
	if !policy.collected(1<<20, 2<<20) {
		t.Error("a live heap far below the limit ended the wait")
	}
	if p, l := pace(); p != -1 || l != ClusterThreshold {
		t.Errorf("after a small collection: GOGC %d, limit %d", p, l)
	}
}

func TestWaitingHandsOverAfterManyCollections(t *testing.T) {
	reset(t)
	p := &pacer{mode: waiting}
	for i := 1; i < maxCollections; i++ {
		if !p.collected(1<<20, 2<<20) {
			t.Fatalf("collection %d with a small live heap ended the wait", i)
		}
	}
	if p.collected(1<<20, 2<<20) {
		t.Errorf("the wait went on after %d collections", maxCollections)
	}
	if pc, l := pace(); pc != 100 || l != math.MaxInt64 {
		t.Errorf("after the hand-over: GOGC %d, limit %d; want Go's default 100 and no limit", pc, l)
	}
}

func TestWaitingHandsOverAboveHalfTheLimit(t *testing.T) {
	reset(t)
	Start(func(string) string { return "" })
	ReadingCluster()
	if policy.collected(ClusterThreshold/2+1, ClusterThreshold/2+1) {
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

// The check runs after a real collection too: while tuning, a collection
// sets GOGC from the heap in use.
func TestPaceWatchesCollections(t *testing.T) {
	reset(t)
	Start(func(string) string { return "" })
	keep := make([]byte, 64<<20) // in use after the collection: GOGC below 500
	for {
		runtime.GC()
		if p, _ := pace(); p != maxPercent {
			break
		}
		runtime.Gosched()
	}
	runtime.KeepAlive(keep)
	if p, _ := pace(); p < minPercent || p >= maxPercent {
		t.Errorf("GOGC %d after the watched collection, want it tuned within [%d, %d)", p, minPercent, maxPercent)
	}
}
