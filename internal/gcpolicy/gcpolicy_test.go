package gcpolicy

import (
	"runtime/debug"
	"testing"
)

// The pace is process-wide and set once: the cases run in this order.
func TestPace(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	if ReadingCluster() {
		t.Fatal("the pace was set without Start")
	}
	for _, env := range []map[string]string{{"GOGC": "50"}, {"GOMEMLIMIT": "1GiB"}, {"GOGC": "off"}} {
		if Start(func(k string) string { return env[k] }) || ReadingCluster() {
			t.Errorf("%v: the pace was set over the user's choice", env)
		}
	}
	if p := debug.SetGCPercent(100); p != 100 {
		t.Fatalf("GOGC is %d, want 100 (untouched)", p)
	}
	if !Start(func(string) string { return "" }) {
		t.Fatal("the pace was not set")
	}
	if p := debug.SetGCPercent(maxPercent); p != maxPercent {
		t.Errorf("GOGC is %d, want %d before the next collection", p, maxPercent)
	}
	if !ReadingCluster() {
		t.Error("the threshold was not raised for a cluster")
	}
}
