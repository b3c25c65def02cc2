package cmdutil

import "sync"

// perRun keeps, for one command run, a value per key (a cluster): the
// first caller of a key computes it while later callers of that key wait,
// and a failure is not kept, so that the next caller tries again (its own
// context may allow more time). Fabrics sharing a cluster share its
// discovery and CRDs this way.
type perRun[T any] struct {
	mu      sync.Mutex
	entries map[string]*perRunEntry[T]
}

type perRunEntry[T any] struct {
	mu    sync.Mutex
	done  bool
	value T
}

// get returns key's value, computing it with compute unless a caller did.
func (p *perRun[T]) get(key string, compute func() (T, error)) (T, error) {
	p.mu.Lock()
	if p.entries == nil {
		p.entries = map[string]*perRunEntry[T]{}
	}
	e := p.entries[key]
	if e == nil {
		e = &perRunEntry[T]{}
		p.entries[key] = e
	}
	p.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.done {
		return e.value, nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	e.value, e.done = v, true
	return v, nil
}

// clusterKey identifies a cluster and the user reading it.
func clusterKey(c *Cluster) string {
	return c.Host + " " + c.RestConfig.Username + " " + c.RestConfig.Impersonate.UserName
}
