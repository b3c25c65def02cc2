// Package backoff retries an operation with jittered exponential backoff
// until a deadline: the one helper for "try again a little later" that
// kubectl-hnp's commands share.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Policy is how long to wait between tries and when to give up.
type Policy struct {
	// Initial is the first delay's upper bound; 0 means 50ms.
	Initial time.Duration
	// Max caps the delays; 0 means 2s.
	Max time.Duration
	// Timeout is how long to keep retrying, counted from Start; 0 or less
	// means not at all.
	Timeout time.Duration
	// Rand returns a float in [0, 1); nil means math/rand/v2.
	Rand func() float64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Timer counts the tries of one operation under a Policy.
type Timer struct {
	p        Policy
	deadline time.Time
	tries    int
}

// Start begins retrying now: the deadline is Now + Timeout.
func (p Policy) Start() *Timer {
	if p.Initial <= 0 {
		p.Initial = 50 * time.Millisecond
	}
	if p.Max <= 0 {
		p.Max = 2 * time.Second
	}
	if p.Rand == nil {
		p.Rand = rand.Float64
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	return &Timer{p: p, deadline: p.Now().Add(p.Timeout)}
}

// Next returns the delay before the next try: a random duration between
// half and all of Initial·2^n (capped at Max) for the n-th retry, so that
// processes racing for the same resource spread out. ok is false when the
// deadline would pass before that try: give up.
func (t *Timer) Next() (d time.Duration, ok bool) {
	ceil := t.p.Initial
	for i := 0; i < t.tries && ceil < t.p.Max; i++ {
		ceil *= 2
	}
	ceil = min(ceil, t.p.Max)
	t.tries++
	d = ceil/2 + time.Duration(t.p.Rand()*float64(ceil/2))
	return d, !t.p.Now().Add(d).After(t.deadline)
}

// Wait sleeps for the next delay. It returns false, at once, when the
// deadline would pass first, and ctx's error when ctx ends while waiting.
func (t *Timer) Wait(ctx context.Context) (bool, error) {
	d, ok := t.Next()
	if !ok {
		return false, nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false, ctx.Err()
	case <-timer.C:
		return true, nil
	}
}

// Tries counts the delays handed out so far.
func (t *Timer) Tries() int { return t.tries }
