package clusterstate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"

	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Event is a change of one object seen by Watch. Obj is nil when the
// object was deleted.
type Event struct {
	Key resource.Key
	Obj *unstructured.Unstructured
}

// WatchOptions configures StartWatch.
type WatchOptions struct {
	// Selector is a label selector ("" for all).
	Selector string
	// SyncTimeout bounds the informers' first listing (0: until ctx ends).
	SyncTimeout time.Duration
	// OnError, when set, is called with each failure that ends an
	// informer's list-and-watch after the caches have synced, such as a
	// failed list (from informer goroutines; the informers keep retrying on
	// their own). Failures before that make StartWatch fail instead.
	// client-go retries a refused or broken watch quietly, so a dead server
	// may not show here: Probe it too.
	OnError func(error)
}

// Watching is a running watch. Its informers run until Stop or until the
// context given to StartWatch ends.
type Watching struct {
	// Initial holds the objects the informers held when their caches had
	// synced.
	Initial resource.Set

	cancel context.CancelFunc
	// running counts the informers' goroutines.
	running sync.WaitGroup
	once    sync.Once
}

// Stop stops the informers and returns once all their goroutines have
// ended. It is safe to call more than once.
func (w *Watching) Stop() {
	w.once.Do(func() {
		w.cancel()
		w.running.Wait()
	})
}

// Watch starts informers on the given kinds (at their served versions) in
// each of the reader's namespaces and sends an Event for every add, update and
// delete after the initial listing, until ctx is done. It returns once the
// informers' caches are synced, with the objects they hold.
func (r *Reader) Watch(ctx context.Context, ks []*kinds.Kind, selector string, events chan<- Event) (resource.Set, error) {
	w, err := r.StartWatch(ctx, ks, events, WatchOptions{Selector: selector})
	if err != nil {
		return nil, err
	}
	context.AfterFunc(ctx, w.Stop)
	return w.Initial, nil
}

// StartWatch starts informers on the given kinds (at their served versions)
// in each of the reader's namespaces (an informer per kind and namespace,
// which needs only namespaced list and watch rights) and sends an Event for every add, update and
// delete after the initial listing. It returns once the informers' caches
// have synced. When they cannot sync — a list fails, SyncTimeout passes or
// ctx ends — it stops every informer it started, waits for their
// goroutines to end, and returns the error.
func (r *Reader) StartWatch(ctx context.Context, ks []*kinds.Kind, events chan<- Event, opts WatchOptions) (_ *Watching, retErr error) {
	wctx, cancel := context.WithCancel(ctx)
	w := &Watching{cancel: cancel}
	defer func() {
		if retErr != nil {
			w.Stop()
		}
	}()
	synced := make(chan struct{})
	startErr := make(chan error, 1)
	send := func(kind *kinds.Kind, obj interface{}, deleted bool) {
		select {
		case <-synced:
		default:
			return // the initial listing is returned, not sent
		}
		if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
			obj = t.Obj
		}
		u, ok := obj.(*unstructured.Unstructured)
		if !ok {
			return
		}
		u = u.DeepCopy()
		u.SetAPIVersion(kind.APIVersion())
		u.SetKind(kind.Kind)
		ev := Event{Key: resource.KeyOf(u), Obj: u}
		if deleted {
			ev.Obj = nil
		}
		select {
		case events <- ev:
		case <-wctx.Done():
		}
	}
	// informers[i] watches kindOf[i] in one namespace.
	var informers []cache.SharedIndexInformer
	var kindOf []*kinds.Kind
	for _, ns := range r.namespaces() {
		for _, k := range ks {
			inf, err := r.informer(wctx, ns, k, synced, startErr, send, opts)
			if err != nil {
				return nil, err
			}
			informers = append(informers, inf)
			kindOf = append(kindOf, k)
		}
	}
	for _, inf := range informers {
		w.running.Go(func() { inf.RunWithContext(wctx) })
	}
	if err := r.waitSynced(wctx, informers, startErr, opts.SyncTimeout); err != nil {
		return nil, err
	}
	// Events from now on are sent; one that lands between this and the
	// snapshot below is both sent and in the snapshot, which is harmless.
	close(synced)
	w.Initial = resource.Set{}
	for i, inf := range informers {
		for _, obj := range inf.GetStore().List() {
			if u, ok := obj.(*unstructured.Unstructured); ok {
				u = u.DeepCopy()
				u.SetAPIVersion(kindOf[i].APIVersion())
				u.SetKind(kindOf[i].Kind)
				key := resource.KeyOf(u)
				w.Initial[key] = &resource.Object{Key: key, Obj: u}
			}
		}
	}
	return w, nil
}

// informer sets up the informer of one kind in one namespace, as client-go's
// dynamic informer factory would (dynamicinformer links all of client-go's
// typed informers, and their initialisers run on every command): its
// failures go to startErr until synced is closed, then to opts.OnError; its
// events go to send.
func (r *Reader) informer(wctx context.Context, ns string, k *kinds.Kind, synced <-chan struct{}, startErr chan error, send func(*kinds.Kind, interface{}, bool), opts WatchOptions) (cache.SharedIndexInformer, error) {
	client := r.Dynamic.Resource(k.GVR()).Namespace(ns)
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.LabelSelector = opts.Selector
			return client.List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.LabelSelector = opts.Selector
			return client.Watch(ctx, o)
		},
	}
	inf := cache.NewSharedIndexInformerWithOptions(
		cache.ToListWatcherWithWatchListSemantics(lw, r.Dynamic),
		&unstructured.Unstructured{},
		cache.SharedIndexInformerOptions{ObjectDescription: k.GVR().String()},
	)
	onError := func(_ context.Context, _ *cache.Reflector, err error) {
		if benignWatchError(err) || wctx.Err() != nil {
			return
		}
		err = r.wrap(err, "watching "+k.Plural)
		select {
		case <-synced:
			if opts.OnError != nil {
				opts.OnError(err)
			}
		default:
			select {
			case startErr <- err:
			default:
			}
		}
	}
	if err := inf.SetWatchErrorHandlerWithContext(onError); err != nil {
		return nil, err
	}
	_, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj interface{}) { send(k, obj, false) },
		UpdateFunc: func(_, obj interface{}) { send(k, obj, false) },
		DeleteFunc: func(obj interface{}) { send(k, obj, true) },
	})
	if err != nil {
		return nil, err
	}
	return inf, nil
}

// waitSynced waits until every informer has synced, the first list or
// watch failure arrives on failed, timeout passes (0: none) or ctx ends.
func (r *Reader) waitSynced(ctx context.Context, informers []cache.SharedIndexInformer, failed <-chan error, timeout time.Duration) error {
	hasSynced := make([]cache.InformerSynced, len(informers))
	for i, inf := range informers {
		hasSynced[i] = inf.HasSynced
	}
	syncCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan bool, 1)
	go func() { done <- cache.WaitForCacheSync(syncCtx.Done(), hasSynced...) }()
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	select {
	case ok := <-done:
		if ok {
			return nil
		}
		return context.Cause(ctx)
	case err := <-failed:
		return err
	case <-expired:
		return fmt.Errorf("watching from the cluster at %s: the informers did not sync within %s", r.Host, timeout)
	}
}

// benignWatchError tells the ends of a watch that informers take in their
// stride (a closed stream, an expired resource version) from failures.
func benignWatchError(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		apierrors.IsResourceExpired(err) || apierrors.IsGone(err)
}
