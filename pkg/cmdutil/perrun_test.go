package cmdutil

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

func TestPerRunComputesOncePerKeyAndKeepsNoFailure(t *testing.T) {
	var p perRun[int]
	var calls atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	got := make([]int, 8)
	for i := range got {
		wg.Go(func() {
			v, err := p.get("a", func() (int, error) {
				calls.Add(1)
				<-release // the others arrive while this one computes
				return 42, nil
			})
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		})
	}
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("computed %d times for one key, want once", n)
	}
	for i, v := range got {
		if v != 42 {
			t.Errorf("caller %d got %d, want 42", i, v)
		}
	}
	if _, err := p.get("b", func() (int, error) { return 0, errors.New("unreachable") }); err == nil {
		t.Fatal("a failure was not returned")
	}
	if v, err := p.get("b", func() (int, error) { return 7, nil }); err != nil || v != 7 {
		t.Errorf("after a failure: %d, %v; want a new computation giving 7", v, err)
	}
	if v, _ := p.get("a", func() (int, error) { return 0, errors.New("not called") }); v != 42 {
		t.Errorf("key a: %d, want the kept 42", v)
	}
}
