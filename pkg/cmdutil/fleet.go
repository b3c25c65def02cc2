package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/spf13/pflag"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// DefaultFabricTimeout is how long one fabric may take to read before it is
// reported as an error and the command goes on with the others.
const DefaultFabricTimeout = 2 * time.Minute

// FleetOptions bound the work on many fabrics: --concurrency and
// --fabric-timeout.
type FleetOptions struct {
	// Concurrency is how many fabrics are read at once; 0 or less means
	// DefaultConcurrency.
	Concurrency int
	// Timeout bounds the reading of each fabric; 0 means no bound.
	Timeout time.Duration
}

// DefaultConcurrency is the number of CPUs × 2.
func DefaultConcurrency() int { return runtime.NumCPU() * 2 }

// AddFleetFlags binds --concurrency and --fabric-timeout to o.
func AddFleetFlags(fs *pflag.FlagSet, o *FleetOptions) {
	// The default is 0 (CPUs × 2, decided at run time), so that the help
	// text and the generated reference are the same on every machine.
	fs.IntVar(&o.Concurrency, "concurrency", 0, "how many fabrics to read at once; 0 means the number of CPUs × 2")
	fs.DurationVar(&o.Timeout, "fabric-timeout", DefaultFabricTimeout, "give up on a fabric that takes longer to read (Git and cluster), report it as an error and go on with the others; 0 waits for ever")
}

// Validate checks the flag values.
func (o FleetOptions) Validate() error {
	if o.Concurrency < 0 {
		return fmt.Errorf("--concurrency must not be negative, got %d", o.Concurrency)
	}
	if o.Timeout < 0 {
		return fmt.Errorf("--fabric-timeout must not be negative, got %s", o.Timeout)
	}
	return nil
}

// FabricTimeoutError says that a fabric was not read within --fabric-timeout.
type FabricTimeoutError struct {
	Fabric  string
	Timeout time.Duration
}

func (e *FabricTimeoutError) Error() string {
	return fmt.Sprintf("fabric %s: not read within --fabric-timeout %s (is its cluster or Git remote reachable?)", e.Fabric, e.Timeout)
}

// runFleet runs load on each fabric's fresh state (from blank) with at most
// o.Concurrency at once, started in the order of fabs, each within
// o.Timeout. It returns the states in the order of fabs and hands them to
// each (when set) in that order as soon as each prefix is complete.
func runFleet(ctx context.Context, fabs []fabric.Fabric, o FleetOptions, each func(*FabricState), blank func(fabric.Fabric) *FabricState, load func(context.Context, *FabricState)) []*FabricState {
	out := make([]*FabricState, len(fabs))
	done := make([]chan struct{}, len(fabs))
	for i := range done {
		done[i] = make(chan struct{})
	}
	workers := o.Concurrency
	if workers <= 0 {
		workers = DefaultConcurrency()
	}
	workers = min(workers, len(fabs))
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range fabs {
			next <- i
		}
	}()
	for range workers {
		go func() {
			for i := range next {
				out[i] = loadWithin(ctx, fabs[i], o.Timeout, blank, load)
				close(done[i])
			}
		}()
	}
	for i := range fabs {
		<-done[i]
		if each != nil {
			each(out[i])
		}
	}
	return out
}

// loadWithin loads one fabric, giving up after timeout (when positive): a
// fabric whose reading ignores the cancelled context (a hung server during
// discovery, say) is left to finish on its own, its late result dropped.
func loadWithin(ctx context.Context, fab fabric.Fabric, timeout time.Duration, blank func(fabric.Fabric) *FabricState, load func(context.Context, *FabricState)) *FabricState {
	if timeout <= 0 {
		st := blank(fab)
		load(ctx, st)
		return st
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res := make(chan *FabricState, 1)
	go func() {
		st := blank(fab)
		load(tctx, st)
		res <- st
	}()
	select {
	case st := <-res:
		if st.Err != nil && errors.Is(tctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			st.Err = errors.Join(&FabricTimeoutError{Fabric: fab.Name, Timeout: timeout}, st.Err)
		}
		return st
	case <-tctx.Done():
		err := tctx.Err()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			err = &FabricTimeoutError{Fabric: fab.Name, Timeout: timeout}
		} else {
			err = fmt.Errorf("fabric %s: %w", fab.Name, err)
		}
		st := blank(fab)
		st.Err = err
		return st
	}
}
