package clusterstate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// FieldConflict is one field of an applied object that another field
// manager owns with a different value.
type FieldConflict struct {
	// Manager is the other field manager, e.g. "kubectl-edit".
	Manager string
	// Field is the field, in the server's notation (".spec.subnets.default.vlan").
	Field string
}

// ConflictError says that a server-side apply without force stopped at
// fields other managers own.
type ConflictError struct {
	Key       resource.Key
	Conflicts []FieldConflict
	// Message is the server's message, used when it named no fields.
	Message string
}

// Error names the object, and each field with its manager.
func (e *ConflictError) Error() string {
	if len(e.Conflicts) == 0 {
		return fmt.Sprintf("%s: conflict: %s", e.Key, e.Message)
	}
	parts := make([]string, len(e.Conflicts))
	for i, c := range e.Conflicts {
		parts[i] = fmt.Sprintf("%s (field manager %q)", c.Field, c.Manager)
	}
	return fmt.Sprintf("%s: conflict: fields owned by other managers: %s", e.Key, strings.Join(parts, ", "))
}

// Managers returns the other managers named, sorted, without repeats.
func (e *ConflictError) Managers() []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range e.Conflicts {
		if !seen[c.Manager] {
			seen[c.Manager] = true
			out = append(out, c.Manager)
		}
	}
	sort.Strings(out)
	return out
}

// conflictManager reads the manager from a cause's message, which the API
// server writes as `conflict with "NAME"` (and more, such as "using
// vpc.githedgehog.com/v1beta1").
var conflictManager = regexp.MustCompile(`conflict with "((?:[^"\\]|\\.)*)"`)

// asConflict turns a 409 answer to an apply into a ConflictError; other
// errors give nil.
func asConflict(key resource.Key, err error) *ConflictError {
	var se apierrors.APIStatus
	if !errors.As(err, &se) || !apierrors.IsConflict(err) {
		return nil
	}
	st := se.Status()
	ce := &ConflictError{Key: key, Message: st.Message}
	if st.Details != nil {
		for _, c := range st.Details.Causes {
			if c.Type != metav1.CauseTypeFieldManagerConflict {
				continue
			}
			m := conflictManager.FindStringSubmatch(c.Message)
			manager := c.Message
			if m != nil {
				manager = m[1]
			}
			ce.Conflicts = append(ce.Conflicts, FieldConflict{Manager: manager, Field: c.Field})
		}
	}
	return ce
}

// ForApply returns the object to send in a server-side apply of o at the
// served kind k: at the served apiVersion, in its namespace, without what
// the server owns (status, resourceVersion, uid, generation,
// creationTimestamp, managedFields, selfLink, deletion fields, owner
// references). o is not modified.
func ForApply(k *kinds.Kind, o *resource.Object) *unstructured.Unstructured {
	u := o.Obj.DeepCopy()
	u.SetAPIVersion(k.APIVersion())
	u.SetNamespace(o.Key.Namespace)
	unstructured.RemoveNestedField(u.Object, "status")
	for _, f := range []string{"resourceVersion", "uid", "generation", "creationTimestamp", "managedFields",
		"selfLink", "deletionTimestamp", "deletionGracePeriodSeconds", "ownerReferences"} {
		unstructured.RemoveNestedField(u.Object, "metadata", f)
	}
	return u
}

// Apply sends a server-side apply (field manager kubectl-hnp) of each
// object, at most DefaultConcurrency at a time. With force, fields other
// managers own are taken over (as Flux does); without, an object with such
// fields is not changed and its error is a *ConflictError naming them and
// their managers. served maps a Kind name to the kind at the version the
// cluster serves. read holds the objects as the cluster held them when the
// apply was planned: an object read there is applied only while it is
// still that object (its resourceVersion read is sent, the server's
// optimistic lock; a change of its status alone does not count), else it
// is left as it is and its error is a *ChangedError. (One deleted since is
// created, as the API server creates any applied object that does not
// exist: what applying Git to a missing object does anyway.) Every object
// is tried; the errors are joined, each naming its object.
func (r *Reader) Apply(ctx context.Context, served map[string]*kinds.Kind, objs []*resource.Object, force bool, read resource.Set) error {
	return r.each(len(objs), func(i int) error {
		o := objs[i]
		k := served[o.Key.Kind]
		if k == nil {
			return fmt.Errorf("%s: kind not served", o.Key)
		}
		u := ForApply(k, o)
		ri := r.Dynamic.Resource(k.GVR()).Namespace(o.Key.Namespace)
		was := read[o.Key]
		if was != nil {
			u.SetResourceVersion(was.Obj.GetResourceVersion())
		}
		for attempt := 1; ; attempt++ {
			_, err := ri.Apply(ctx, u.GetName(), u, metav1.ApplyOptions{FieldManager: FieldManager, Force: force})
			if err == nil {
				return nil
			}
			if was != nil && staleWrite(err) && attempt < guardAttempts {
				rv, err := stale(ctx, ri, was, "applied")
				if err != nil {
					return err
				}
				u.SetResourceVersion(rv)
				continue
			}
			if was != nil && staleWrite(err) {
				return &ChangedError{Key: o.Key, Action: "applied"}
			}
			if ce := asConflict(o.Key, err); ce != nil && !force {
				return ce
			}
			return fmt.Errorf("applying %s to the cluster at %s: %w", o.Key, r.Host, err)
		}
	})
}

// RemoveFields removes fields from live objects: for each key, the fields
// at the given JSON pointers (RFC 6901) that the object still has, by one
// JSON patch per object guarded by its resourceVersion. A server-side
// apply cannot do this for a field that another manager owns, such as a
// field that Git once set with a client-side apply and no longer sets.
// served maps a Kind name to the kind at the version the cluster serves.
// The errors are joined, each naming its object.
func (r *Reader) RemoveFields(ctx context.Context, served map[string]*kinds.Kind, fields map[resource.Key][]string) error {
	keys := make([]resource.Key, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	resource.SortKeys(keys)
	return r.each(len(keys), func(i int) error {
		key := keys[i]
		k := served[key.Kind]
		if k == nil {
			return fmt.Errorf("%s: kind not served", key)
		}
		ri := r.Dynamic.Resource(k.GVR()).Namespace(key.Namespace)
		live, err := ri.Get(ctx, key.Name, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("removing fields of %s in the cluster at %s: %w", key, r.Host, err)
		}
		patch, n, err := removalPatch(live, fields[key])
		if err != nil || n == 0 {
			return err
		}
		if _, err := ri.Patch(ctx, key.Name, types.JSONPatchType, patch, metav1.PatchOptions{FieldManager: FieldManager}); err != nil {
			return fmt.Errorf("removing fields of %s in the cluster at %s: %w", key, r.Host, err)
		}
		return nil
	})
}

// removalPatch builds the JSON patch that removes, of the pointers given,
// those the live object has; it tests the resourceVersion first, so that
// the patch applies only to the object it was made for. Removals run from
// the last list index to the first, so that none moves another. n counts
// the removals.
func removalPatch(live *unstructured.Unstructured, pointers []string) (patch []byte, n int, err error) {
	type op struct {
		Op    string      `json:"op"`
		Path  string      `json:"path"`
		Value interface{} `json:"value,omitempty"`
	}
	var present [][]string
	for _, p := range pointers {
		segs, err := drift.ParsePointer(p)
		if err != nil {
			return nil, 0, err
		}
		if len(segs) > 0 && has(live.Object, segs) {
			present = append(present, segs)
		}
	}
	if len(present) == 0 {
		return nil, 0, nil
	}
	sort.Slice(present, func(i, j int) bool { return pointerAfter(present[i], present[j]) })
	ops := []op{{Op: "test", Path: "/metadata/resourceVersion", Value: live.GetResourceVersion()}}
	for _, segs := range present {
		ops = append(ops, op{Op: "remove", Path: drift.FormatPointer(segs)})
	}
	patch, err = json.Marshal(ops)
	return patch, len(present), err
}

// has reports whether obj has a value at the path.
func has(obj interface{}, segs []string) bool {
	cur := obj
	for _, s := range segs {
		switch c := cur.(type) {
		case map[string]interface{}:
			v, ok := c[s]
			if !ok {
				return false
			}
			cur = v
		case []interface{}:
			i, err := strconv.Atoi(s)
			if err != nil || i < 0 || i >= len(c) || strconv.Itoa(i) != s {
				return false
			}
			cur = c[i]
		default:
			return false
		}
	}
	return true
}

// pointerAfter orders paths so that, of two list elements of one list, the
// higher index comes first; other paths by text, reversed.
func pointerAfter(a, b []string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] == b[i] {
			continue
		}
		ai, aerr := strconv.Atoi(a[i])
		bi, berr := strconv.Atoi(b[i])
		if aerr == nil && berr == nil {
			return ai > bi
		}
		return a[i] > b[i]
	}
	return len(a) > len(b)
}

// Delete deletes the objects named by keys, at most DefaultConcurrency at
// a time. An object already gone is not an error. served maps a Kind name
// to the kind at the version the cluster serves. read holds the objects as
// the cluster held them when the delete was planned (and its evidence
// judged): an object read there is deleted only while it is still that
// object (the uid and resourceVersion read are the delete's preconditions;
// a change of its status alone does not count), else it is left and its
// error is a *ChangedError. The errors are joined, each naming its object.
func (r *Reader) Delete(ctx context.Context, served map[string]*kinds.Kind, keys []resource.Key, read resource.Set) error {
	return r.each(len(keys), func(i int) error {
		key := keys[i]
		k := served[key.Kind]
		if k == nil {
			return fmt.Errorf("%s: kind not served", key)
		}
		ri := r.Dynamic.Resource(k.GVR()).Namespace(key.Namespace)
		was := read[key]
		var opts metav1.DeleteOptions
		if was != nil {
			uid, rv := was.Obj.GetUID(), was.Obj.GetResourceVersion()
			opts.Preconditions = &metav1.Preconditions{UID: &uid, ResourceVersion: &rv}
		}
		for attempt := 1; ; attempt++ {
			err := ri.Delete(ctx, key.Name, opts)
			if err == nil || apierrors.IsNotFound(err) {
				return nil
			}
			if was != nil && staleWrite(err) && attempt < guardAttempts {
				rv, err := stale(ctx, ri, was, "deleted")
				if ce := (*ChangedError)(nil); errors.As(err, &ce) && ce.Gone {
					return nil // deleted meanwhile: done
				}
				if err != nil {
					return err
				}
				opts.Preconditions.ResourceVersion = &rv
				continue
			}
			if was != nil && staleWrite(err) {
				return &ChangedError{Key: key, Action: "deleted"}
			}
			return fmt.Errorf("deleting %s from the cluster at %s: %w", key, r.Host, err)
		}
	})
}

// each runs fn for 0..n-1, at most DefaultConcurrency at a time, and joins
// the errors in index order.
func (r *Reader) each(n int, fn func(int) error) error {
	errs := make([]error, n)
	sem := make(chan struct{}, DefaultConcurrency)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = fn(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
