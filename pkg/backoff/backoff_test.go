package backoff

import (
	"context"
	"errors"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

func TestNextGrowsJitteredAndCapped(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	for _, r := range []float64{0, 0.999} {
		tm := Policy{Initial: 100 * time.Millisecond, Max: time.Second, Timeout: time.Hour, Rand: func() float64 { return r }, Now: clock.Now}.Start()
		var got []time.Duration
		for range 6 {
			d, ok := tm.Next()
			if !ok {
				t.Fatalf("gave up before the deadline")
			}
			got = append(got, d)
		}
		ceilings := []time.Duration{100, 200, 400, 800, 1000, 1000}
		for i, d := range got {
			ceil := ceilings[i] * time.Millisecond
			if d < ceil/2 || d > ceil {
				t.Errorf("rand %v: delay %d is %v, want within [%v, %v]", r, i, d, ceil/2, ceil)
			}
		}
		if r == 0 && got[0] != 50*time.Millisecond {
			t.Errorf("the lowest first delay is %v, want half of Initial", got[0])
		}
	}
}

func TestNextGivesUpAtTheDeadline(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	tm := Policy{Initial: time.Second, Max: time.Second, Timeout: 3 * time.Second, Rand: func() float64 { return 0.999 }, Now: clock.Now}.Start()
	tries := 0
	for {
		d, ok := tm.Next()
		if !ok {
			break
		}
		tries++
		clock.now = clock.now.Add(d)
	}
	if tries != 3 || tm.Tries() != 4 {
		t.Errorf("%d delays fit into 3s of ~1s delays (%d asked), want 3 (4)", tries, tm.Tries())
	}
}

func TestNoTimeoutNeverRetries(t *testing.T) {
	tm := Policy{}.Start()
	if ok, err := tm.Wait(context.Background()); ok || err != nil {
		t.Errorf("Wait without a timeout = %v, %v; want false, nil", ok, err)
	}
}

func TestWaitEndsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tm := Policy{Initial: time.Hour, Max: time.Hour, Timeout: 24 * time.Hour}.Start()
	if ok, err := tm.Wait(ctx); ok || !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on a cancelled context = %v, %v; want false, context.Canceled", ok, err)
	}
}

func TestWaitSleeps(t *testing.T) {
	tm := Policy{Initial: time.Millisecond, Max: time.Millisecond, Timeout: time.Minute}.Start()
	if ok, err := tm.Wait(context.Background()); !ok || err != nil {
		t.Errorf("Wait = %v, %v; want true, nil", ok, err)
	}
}
