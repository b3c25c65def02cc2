package clusterstate

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic/dynamicinformer"
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

// Watch starts informers on the given kinds (at their served versions) in
// the reader's namespace and sends an Event for every add, update and
// delete after the initial listing, until ctx is done. It returns once the
// informers' caches are synced, with the objects they hold.
func (r *Reader) Watch(ctx context.Context, ks []*kinds.Kind, selector string, events chan<- Event) (resource.Set, error) {
	factory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(r.Dynamic, 0, r.Namespace, func(o *metav1.ListOptions) {
		o.LabelSelector = selector
	})
	synced := make(chan struct{})
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
		case <-ctx.Done():
		}
	}
	informers := make([]cache.SharedIndexInformer, len(ks))
	for i, k := range ks {
		inf := factory.ForResource(k.GVR()).Informer()
		_, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    func(obj interface{}) { send(k, obj, false) },
			UpdateFunc: func(_, obj interface{}) { send(k, obj, false) },
			DeleteFunc: func(obj interface{}) { send(k, obj, true) },
		})
		if err != nil {
			return nil, err
		}
		informers[i] = inf
	}
	factory.Start(ctx.Done())
	for i, inf := range informers {
		if !cache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
			return nil, fmt.Errorf("watching %s at %s: %w", ks[i].Plural, r.Host, context.Cause(ctx))
		}
	}
	// Events from now on are sent; one that lands between this and the
	// snapshot below is both sent and in the snapshot, which is harmless.
	close(synced)
	set := resource.Set{}
	for i, inf := range informers {
		for _, obj := range inf.GetStore().List() {
			if u, ok := obj.(*unstructured.Unstructured); ok {
				u = u.DeepCopy()
				u.SetAPIVersion(ks[i].APIVersion())
				u.SetKind(ks[i].Kind)
				key := resource.KeyOf(u)
				set[key] = &resource.Object{Key: key, Obj: u}
			}
		}
	}
	return set, nil
}
