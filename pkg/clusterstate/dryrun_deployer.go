package clusterstate

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/jsonmergepatch"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// DryRunPair is a desired object and the live object it would be applied to.
type DryRunPair struct {
	Desired, Actual *resource.Object
}

// DryRunOutcome is what the server would store for one object if its
// deployer applied Git's version now, or why it refused.
type DryRunOutcome struct {
	Obj      *unstructured.Unstructured
	Deployer drift.Deployer
	Err      error
}

// DeployerDryRun asks the server, with dryRun=All, what applying each desired
// object the way its deployer does would store. The deployer is found per
// object from the live object (drift.DeployerOf): an object last written by
// kubectl's client-side apply gets the three-way JSON merge patch kubectl
// apply and kubectl diff send (from the last-applied configuration); an
// object owned by a server-side apply manager is applied under that
// manager's name, so that fields it applied before and Git no longer sets
// are removed as they would be. A request the server refuses is that
// object's error; the others are unaffected.
func (r *Reader) DeployerDryRun(ctx context.Context, served map[string]*kinds.Kind, pairs []DryRunPair, concurrency int) map[resource.Key]DryRunOutcome {
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}
	out := make(map[resource.Key]DryRunOutcome, len(pairs))
	var mu sync.Mutex
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for _, p := range pairs {
		key := p.Desired.Key
		dep := drift.DeployerOf(p.Actual.Obj.Object)
		k := served[key.Kind]
		if k == nil {
			out[key] = DryRunOutcome{Deployer: dep, Err: fmt.Errorf("kind %s is not served", key.Kind)}
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var res *unstructured.Unstructured
			var err error
			if dep.Mode == drift.ModeClientSide {
				res, err = r.dryRunPatch(ctx, k, p)
			} else {
				res, err = r.dryRunApplyAs(ctx, k, p.Desired, dep.Manager)
			}
			mu.Lock()
			defer mu.Unlock()
			out[key] = DryRunOutcome{Obj: res, Deployer: dep, Err: err}
		}()
	}
	wg.Wait()
	return out
}

// dryRunPatch sends what `kubectl apply` sends for an object it applied
// before: the three-way JSON merge patch of the last-applied configuration,
// Git's object and the live object (custom resources take no strategic
// merge patch), with the new last-applied configuration.
func (r *Reader) dryRunPatch(ctx context.Context, k *kinds.Kind, p DryRunPair) (*unstructured.Unstructured, error) {
	modified := p.Desired.Obj.DeepCopy()
	modified.SetAPIVersion(k.APIVersion())
	modified.SetNamespace(p.Desired.Key.Namespace)
	unstructured.RemoveNestedField(modified.Object, "metadata", "annotations", drift.LastAppliedAnnotation)
	if len(modified.GetAnnotations()) == 0 {
		unstructured.RemoveNestedField(modified.Object, "metadata", "annotations")
	}
	self, err := json.Marshal(modified.Object)
	if err != nil {
		return nil, err
	}
	ann := modified.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[drift.LastAppliedAnnotation] = string(self) + "\n"
	modified.SetAnnotations(ann)
	modJSON, err := json.Marshal(modified.Object)
	if err != nil {
		return nil, err
	}
	original := []byte(p.Actual.Obj.GetAnnotations()[drift.LastAppliedAnnotation])
	if len(original) == 0 {
		original = []byte("{}")
	}
	current, err := json.Marshal(p.Actual.Obj.Object)
	if err != nil {
		return nil, err
	}
	patch, err := jsonmergepatch.CreateThreeWayJSONMergePatch(original, modJSON, current)
	if err != nil {
		return nil, fmt.Errorf("computing the apply patch: %w", err)
	}
	return r.Dynamic.Resource(k.GVR()).Namespace(p.Desired.Key.Namespace).Patch(ctx, p.Desired.Key.Name, types.MergePatchType, patch,
		metav1.PatchOptions{FieldManager: drift.ClientSideApplyManager, DryRun: []string{metav1.DryRunAll}})
}

// dryRunApplyAs sends a server-side apply under the given field manager.
func (r *Reader) dryRunApplyAs(ctx context.Context, k *kinds.Kind, o *resource.Object, manager string) (*unstructured.Unstructured, error) {
	u := applyBody(k, o)
	return r.Dynamic.Resource(k.GVR()).Namespace(o.Key.Namespace).Apply(ctx, u.GetName(), u,
		metav1.ApplyOptions{FieldManager: manager, Force: true, DryRun: []string{metav1.DryRunAll}})
}

// applyBody is the object as a server-side apply sends it: without the
// fields the server owns.
func applyBody(k *kinds.Kind, o *resource.Object) *unstructured.Unstructured {
	u := o.Obj.DeepCopy()
	u.SetAPIVersion(k.APIVersion())
	u.SetNamespace(o.Key.Namespace)
	u.SetResourceVersion("")
	u.SetManagedFields(nil)
	u.SetUID("")
	u.SetCreationTimestamp(metav1.Time{})
	unstructured.RemoveNestedField(u.Object, "status")
	return u
}
