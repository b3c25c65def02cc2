package clusterstate

// Changes planned against a read of the cluster are made only to the
// objects that read saw: an apply carries the resourceVersion read (the API
// server's optimistic lock), a delete the uid and resourceVersion read
// (its preconditions). An object that changed in between is left alone.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// ChangedError says that an object changed in the cluster after the read a
// change was planned against, so the change was not made to it.
type ChangedError struct {
	Key resource.Key
	// Action is what was not done: "applied" or "deleted".
	Action string
	// Gone says the object no longer exists; Recreated that an object of the
	// same name replaced the one read.
	Gone, Recreated bool
	// Managers and Time name the newest write the object's managedFields
	// record, when they record one (several managers when several wrote
	// in that second).
	Managers []string
	Time     time.Time
}

// Error names the object, what happened to it and who did it, when known.
func (e *ChangedError) Error() string {
	what := "changed in the cluster since it was read"
	switch {
	case e.Gone:
		what = "was deleted from the cluster since it was read"
	case e.Recreated:
		what = "was deleted and created again in the cluster since it was read"
	}
	if len(e.Managers) > 0 {
		quoted := make([]string, len(e.Managers))
		for i, m := range e.Managers {
			quoted[i] = strconv.Quote(m)
		}
		what += " (last written by " + strings.Join(quoted, " or ")
		if !e.Time.IsZero() {
			what += " at " + e.Time.UTC().Format(time.RFC3339)
		}
		what += ")"
	}
	return fmt.Sprintf("%s %s: not %s; run sync again to plan against what it holds now", e.Key, what, e.Action)
}

// stale checks an object whose write was refused for the resourceVersion
// (or uid) read (or which was not found): it reads the object again and returns its resourceVersion
// when the object read is still there and differs from the read only in
// what the server and controllers change without changing the object
// itself (status, resourceVersion, managedFields, generation), so that the
// write may be tried again against it; otherwise a *ChangedError.
func stale(ctx context.Context, ri dynamic.ResourceInterface, read *resource.Object, action string) (string, error) {
	live, err := ri.Get(ctx, read.Key.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "", &ChangedError{Key: read.Key, Action: action, Gone: true}
	}
	if err != nil {
		return "", fmt.Errorf("%s: reading it again after the server said it changed: %w", read.Key, err)
	}
	ce := &ChangedError{Key: read.Key, Action: action, Recreated: live.GetUID() != read.Obj.GetUID()}
	if !ce.Recreated {
		same, err := sameObject(live, read.Obj)
		if err != nil {
			return "", fmt.Errorf("%s: %w", read.Key, err)
		}
		if same {
			return live.GetResourceVersion(), nil
		}
	}
	ce.Managers, ce.Time = lastWriters(live)
	return "", ce
}

// sameObject says whether a and b are the same object apart from status,
// resourceVersion, managedFields and generation. They are compared as JSON,
// so that numbers decoded differently (int64, float64) compare by value.
func sameObject(a, b *unstructured.Unstructured) (bool, error) {
	ja, err := json.Marshal(withoutVolatile(a))
	if err != nil {
		return false, err
	}
	jb, err := json.Marshal(withoutVolatile(b))
	if err != nil {
		return false, err
	}
	return string(ja) == string(jb), nil
}

// withoutVolatile is u's content without status and the metadata a write
// of status (or of nothing) changes; u is not modified.
func withoutVolatile(u *unstructured.Unstructured) map[string]any {
	out := make(map[string]any, len(u.Object))
	for k, v := range u.Object {
		if k != "status" {
			out[k] = v
		}
	}
	if md, ok := u.Object["metadata"].(map[string]any); ok {
		m := make(map[string]any, len(md))
		for k, v := range md {
			switch k {
			case "resourceVersion", "managedFields", "generation":
			default:
				m[k] = v
			}
		}
		out["metadata"] = m
	}
	return out
}

// lastWriters returns the managers of the newest managedFields entries of
// the object itself (not of its status) that record a time, and that
// time. The server records seconds: every manager that wrote in the newest
// second is named, in the entries' order.
func lastWriters(u *unstructured.Unstructured) ([]string, time.Time) {
	var managers []string
	var at time.Time
	for _, e := range u.GetManagedFields() {
		if e.Subresource != "" || e.Time == nil {
			continue
		}
		switch t := e.Time.Time; {
		case t.After(at):
			managers, at = []string{e.Manager}, t
		case t.Equal(at) && !slices.Contains(managers, e.Manager):
			managers = append(managers, e.Manager)
		}
	}
	return managers, at
}

// staleWrite says whether the server refused a write for the
// resourceVersion or uid it was guarded by (409 without the causes of a
// field manager conflict).
func staleWrite(err error) bool {
	var se apierrors.APIStatus
	if !apierrors.IsConflict(err) || !errors.As(err, &se) {
		return false
	}
	if d := se.Status().Details; d != nil {
		for _, c := range d.Causes {
			if c.Type == metav1.CauseTypeFieldManagerConflict {
				return false
			}
		}
	}
	return true
}

// guardAttempts bounds the writes of one object whose status keeps changing
// under them.
const guardAttempts = 3
