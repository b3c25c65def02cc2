package clusterstate

import (
	"context"
	"errors"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// SharedLists lets the readers of one cluster that read different
// namespaces (the fabrics of a fleet on one cluster) share one LIST per
// kind across all namespaces, instead of a LIST per kind and namespace:
// the API server's per-request work (authentication, authorisation, the
// consistent-read check, the response's set-up) is then paid once per kind
// rather than once per kind and fabric. Each reader takes its own
// namespaces' objects from the shared result; objects of namespaces no
// reader wants are dropped as they arrive.
//
// A cluster-wide LIST needs the right to list the kind in all namespaces.
// When the server refuses it (403), or fails in any other way than a
// cancelled context or an unserved kind, every reader lists its own
// namespaces as before, so each fabric's result and error are what they
// would be without sharing. One SharedLists serves one round of reads (a
// command's LoadFabrics): a later round must not see its results.
type SharedLists struct {
	// wanted counts, per namespace, the readers that read it.
	wanted  map[string]int
	readers int

	mu    sync.Mutex
	lists map[string]*sharedList
	// declined are the kinds (GVR and selector) the cluster-wide LIST
	// failed for: their readers list their own namespaces.
	declined map[string]bool

	// onWait, when set (by tests), is called as a reader starts waiting.
	onWait func()
}

// sharedList is one kind's cluster-wide LIST, in progress or done.
type sharedList struct {
	done   chan struct{}
	cancel context.CancelFunc
	// waiting counts the readers waiting for the LIST; when the last one
	// gives up (its context ends) before it is done, the LIST is cancelled.
	waiting int
	// Set before done is closed:
	byNS map[string][]unstructured.Unstructured
	err  error
	// cancelled says the LIST was stopped because its readers gave up.
	cancelled bool
	// left counts the readers yet to take their objects; the result is
	// dropped when none is left.
	left int
}

// NewSharedLists returns the shared LISTs of readers reading the given
// namespaces, one slice per reader (each reader's Namespaces, or its
// Namespace). It returns nil, no sharing, when they read fewer than two
// namespaces in all: a LIST across all namespaces pays only when it
// replaces several.
func NewSharedLists(readers [][]string) *SharedLists {
	s := &SharedLists{wanted: map[string]int{}, readers: len(readers)}
	for _, nss := range readers {
		for _, ns := range nss {
			s.wanted[ns]++
		}
	}
	if len(s.wanted) < 2 {
		return nil
	}
	return s
}

// list returns the objects of kind k in r's namespaces from the shared
// cluster-wide LIST, sorted by namespace and name. ok is false when the
// reader must list its namespaces itself (the cluster-wide LIST failed).
func (s *SharedLists) list(ctx context.Context, r *Reader, k *kinds.Kind, selector string) (items []unstructured.Unstructured, ok bool, err error) {
	for _, ns := range r.namespaces() {
		if s.wanted[ns] == 0 {
			// Not a namespace the LIST keeps objects of.
			return nil, false, nil
		}
	}
	key := k.GVR().String() + "?" + selector
	for {
		s.mu.Lock()
		if s.declined[key] {
			s.mu.Unlock()
			return nil, false, nil
		}
		e := s.lists[key]
		if e == nil {
			e = s.start(r, k, selector)
			if s.lists == nil {
				s.lists = map[string]*sharedList{}
			}
			s.lists[key] = e
		}
		e.waiting++
		s.mu.Unlock()
		if s.onWait != nil {
			s.onWait()
		}

		select {
		case <-e.done:
		case <-ctx.Done():
			s.mu.Lock()
			e.waiting--
			if e.waiting == 0 && s.lists[key] == e {
				select {
				case <-e.done:
				default:
					// Nobody waits for it any more: stop it, and let a
					// later reader start afresh.
					e.cancel()
					delete(s.lists, key)
				}
			}
			s.mu.Unlock()
			return nil, true, ctx.Err()
		}

		s.mu.Lock()
		e.waiting--
		switch {
		case e.err == nil:
			items = e.take(r.namespaces(), s.wanted)
			if e.left--; e.left == 0 && s.lists[key] == e {
				delete(s.lists, key)
			}
			s.mu.Unlock()
			return items, true, nil
		case e.cancelled:
			// Stopped because its readers gave up; this reader has not.
			if s.lists[key] == e {
				delete(s.lists, key)
			}
			s.mu.Unlock()
			continue
		case errors.As(e.err, new(*NotServedError)):
			s.mu.Unlock()
			return nil, true, e.err
		default:
			if s.declined == nil {
				s.declined = map[string]bool{}
			}
			s.declined[key] = true
			if s.lists[key] == e {
				delete(s.lists, key)
			}
			s.mu.Unlock()
			return nil, false, nil
		}
	}
}

// start begins kind k's cluster-wide LIST. It runs on its own context,
// cancelled when every reader waiting for it has given up, so that one
// fabric's --fabric-timeout does not fail the others.
func (s *SharedLists) start(r *Reader, k *kinds.Kind, selector string) *sharedList {
	ctx, cancel := context.WithCancel(context.Background())
	e := &sharedList{done: make(chan struct{}), cancel: cancel, left: s.readers}
	go func() {
		defer close(e.done)
		defer cancel()
		items, err := r.listIn(ctx, k, "", selector)
		if err != nil {
			e.err, e.cancelled = err, ctx.Err() != nil
			return
		}
		e.byNS = map[string][]unstructured.Unstructured{}
		for _, u := range items {
			if ns := u.GetNamespace(); s.wanted[ns] > 0 {
				e.byNS[ns] = append(e.byNS[ns], u)
			}
		}
	}()
	return e
}

// take returns the objects of the namespaces nss, sorted by namespace and
// name. Readers change the objects they read: the objects of a namespace
// that several readers read are handed out as deep copies, the original
// kept for the next reader.
func (e *sharedList) take(nss []string, wanted map[string]int) []unstructured.Unstructured {
	var out []unstructured.Unstructured
	for _, ns := range nss {
		items := e.byNS[ns]
		if wanted[ns] > 1 {
			for _, u := range items {
				out = append(out, *u.DeepCopy())
			}
			continue
		}
		out = append(out, items...)
	}
	sortItems(out)
	return out
}
