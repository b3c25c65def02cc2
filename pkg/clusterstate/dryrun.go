package clusterstate

import (
	"context"
	"errors"
	"fmt"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// FieldManager is the field manager kubectl-hnp applies as.
const FieldManager = "kubectl-hnp"

// DefaultConcurrency bounds the concurrent requests of DryRunApply.
const DefaultConcurrency = 16

// DryRunApply sends a server-side apply of each object with dryRun=All
// (field manager kubectl-hnp, taking ownership of conflicting fields) and
// returns what the server would store: defaults, admission webhooks and
// merges with other managers' fields included. served maps a Kind name to
// the kind at the version the cluster serves. Objects whose request fails
// are left out of the result and named in the returned error.
func (r *Reader) DryRunApply(ctx context.Context, served map[string]*kinds.Kind, objs []*resource.Object, concurrency int) (resource.Set, error) {
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}
	out := make(resource.Set, len(objs))
	var mu sync.Mutex
	var errs []error
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for _, o := range objs {
		k := served[o.Key.Kind]
		if k == nil {
			errs = append(errs, fmt.Errorf("%s: kind not served", o.Key))
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			res, err := r.dryRunApply(ctx, k, o)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("server-side dry-run of %s: %w", o.Key, err))
				return
			}
			out[o.Key] = &resource.Object{Key: o.Key, Obj: res, Origin: o.Origin}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func (r *Reader) dryRunApply(ctx context.Context, k *kinds.Kind, o *resource.Object) (*unstructured.Unstructured, error) {
	u := applyBody(k, o)
	return r.Dynamic.Resource(k.GVR()).Namespace(o.Key.Namespace).Apply(ctx, u.GetName(), u,
		metav1.ApplyOptions{FieldManager: FieldManager, Force: true, DryRun: []string{metav1.DryRunAll}})
}
