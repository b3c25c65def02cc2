package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// Narrow unit tests of the fleet scheduling with stand-in loads; reading
// real fabrics concurrently is covered by the fleet integration tests of
// pkg/cmd/root.

func fleet(n int) []fabric.Fabric {
	fabs := make([]fabric.Fabric, n)
	for i := range fabs {
		fabs[i].Name = fmt.Sprintf("f%d", i)
	}
	return fabs
}

func blankState(fab fabric.Fabric) *FabricState { return &FabricState{Fabric: fab} }

func TestRunFleetHandsStatesOverInOrderWhateverTheCompletionOrder(t *testing.T) {
	const n = 5
	// Fabric i finishes only after fabric i+1 did: completion order is
	// the reverse of the fabrics' order.
	finished := make([]chan struct{}, n+1)
	for i := range finished {
		finished[i] = make(chan struct{})
	}
	close(finished[n])
	var mu sync.Mutex
	var completed []string
	load := func(_ context.Context, st *FabricState) {
		var i int
		fmt.Sscanf(st.Fabric.Name, "f%d", &i)
		<-finished[i+1]
		mu.Lock()
		completed = append(completed, st.Fabric.Name)
		mu.Unlock()
		close(finished[i])
	}
	var seen []string
	out := runFleet(context.Background(), fleet(n), FleetOptions{Concurrency: n}, func(st *FabricState) {
		seen = append(seen, st.Fabric.Name)
	}, blankState, load)
	if fmt.Sprint(completed) != "[f4 f3 f2 f1 f0]" {
		t.Fatalf("completion order %v, want the reverse", completed)
	}
	if fmt.Sprint(seen) != "[f0 f1 f2 f3 f4]" {
		t.Errorf("Each saw %v, want the fabrics' order", seen)
	}
	for i, st := range out {
		if st.Fabric.Name != fmt.Sprintf("f%d", i) {
			t.Errorf("out[%d] = %s", i, st.Fabric.Name)
		}
	}
}

func TestRunFleetBoundsConcurrency(t *testing.T) {
	const n, limit = 9, 3
	var mu sync.Mutex
	running, peak := 0, 0
	release := make(chan struct{})
	full := make(chan struct{}, n)
	load := func(_ context.Context, st *FabricState) {
		mu.Lock()
		running++
		peak = max(peak, running)
		mu.Unlock()
		full <- struct{}{}
		<-release
		mu.Lock()
		running--
		mu.Unlock()
	}
	go func() {
		// Let the loads through one at a time once limit of them run.
		for range limit {
			<-full
		}
		for range n {
			release <- struct{}{}
		}
	}()
	runFleet(context.Background(), fleet(n), FleetOptions{Concurrency: limit}, nil, blankState, load)
	if peak != limit {
		t.Errorf("peak concurrency %d, want %d", peak, limit)
	}
}

func TestRunFleetTimeoutDoesNotHoldTheOthers(t *testing.T) {
	hung := make(chan struct{})
	defer close(hung)
	load := func(ctx context.Context, st *FabricState) {
		if st.Fabric.Name == "f0" {
			<-hung // ignores ctx, as a discovery request to a hung server does
			return
		}
		if st.Fabric.Name == "f1" {
			<-ctx.Done() // honours ctx
			st.Err = ctx.Err()
			return
		}
		st.Desired = nil
	}
	out := runFleet(context.Background(), fleet(4), FleetOptions{Concurrency: 1, Timeout: 20 * time.Millisecond}, nil, blankState, load)
	for _, i := range []int{0, 1} {
		var te *FabricTimeoutError
		if !errors.As(out[i].Err, &te) || te.Fabric != out[i].Fabric.Name {
			t.Errorf("f%d: want a FabricTimeoutError, got %v", i, out[i].Err)
		}
	}
	for _, i := range []int{2, 3} {
		if out[i].Err != nil {
			t.Errorf("f%d: %v", i, out[i].Err)
		}
	}
}

func TestFleetOptionsValidate(t *testing.T) {
	if err := (FleetOptions{Concurrency: -1}).Validate(); err == nil {
		t.Error("negative concurrency accepted")
	}
	if err := (FleetOptions{Timeout: -time.Second}).Validate(); err == nil {
		t.Error("negative timeout accepted")
	}
	if err := (FleetOptions{}).Validate(); err != nil {
		t.Error(err)
	}
}
