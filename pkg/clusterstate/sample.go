package clusterstate

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Sample reads at most limit objects of one kind from the reader's first
// namespace: one request, for a look at how the cluster stores the kind
// (judge's webhook evidence), not for the fabric's state. A kind the
// cluster does not serve is an empty sample.
func (r *Reader) Sample(ctx context.Context, k *kinds.Kind, limit int64) (resource.Set, error) {
	list, err := r.Dynamic.Resource(k.GVR()).Namespace(r.namespaces()[0]).List(ctx, metav1.ListOptions{Limit: limit})
	if err != nil {
		if apierrors.IsNotFound(err) {
			return resource.Set{}, nil
		}
		return nil, r.wrap(err, "listing "+k.Plural)
	}
	set := make(resource.Set, len(list.Items))
	for i := range list.Items {
		u := &list.Items[i]
		u.SetAPIVersion(k.APIVersion())
		u.SetKind(k.Kind)
		key := resource.KeyOf(u)
		set[key] = &resource.Object{Key: key, Obj: u}
	}
	return set, nil
}
