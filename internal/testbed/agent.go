package testbed

import (
	"context"
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/util/retry"
)

// AgentGVR is the switches' Agent resource (installed with the default CRDs).
var AgentGVR = schema.GroupVersionResource{Group: "agent.githedgehog.com", Version: "v1beta1", Resource: "agents"}

// CreateAgent creates the Agent of switch ns/name as the agent controller
// does (same name and namespace; spec copied from the switch), at
// generation 1, with no status yet.
func (c *ControlPlane) CreateAgent(t testing.TB, ns, name string) {
	t.Helper()
	u := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "agent.githedgehog.com/v1beta1", "kind": "Agent",
		"metadata": map[string]interface{}{"name": name, "namespace": ns},
		"spec":     map[string]interface{}{"role": "server-leaf", "description": "config 1"},
	}}
	if _, err := c.dyn.Resource(AgentGVR).Namespace(ns).Create(context.Background(), u, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating Agent %s/%s: %v", ns, name, err)
	}
}

// BumpAgent changes the Agent's spec as the controller does when anything
// the switch's config depends on changes, which raises its
// metadata.generation; it returns the new generation.
func (c *ControlPlane) BumpAgent(t testing.TB, ns, name string) int64 {
	t.Helper()
	var gen int64
	err := c.updateAgent(ns, name, false, func(u *unstructured.Unstructured) {
		_ = unstructured.SetNestedField(u.Object, fmt.Sprintf("config %d", u.GetGeneration()+1), "spec", "description")
	}, func(u *unstructured.Unstructured) { gen = u.GetGeneration() })
	if err != nil {
		t.Fatalf("bumping Agent %s/%s: %v", ns, name, err)
	}
	return gen
}

// AgentAttempt writes what the agent writes just before it applies
// generation gen: lastAttemptGen/Time and the Applied condition False,
// ApplyPending, "Config will be applied, gen=<gen>".
func (c *ControlPlane) AgentAttempt(t testing.TB, ns, name string, gen int64, at time.Time) {
	t.Helper()
	err := c.updateAgent(ns, name, true, func(u *unstructured.Unstructured) {
		st := status(u)
		st["lastAttemptGen"] = gen
		st["lastAttemptTime"] = at.UTC().Format(time.RFC3339)
		st["conditions"] = []interface{}{appliedCondition("False", "ApplyPending", fmt.Sprintf("Config will be applied, gen=%d", gen), at)}
	}, nil)
	if err != nil {
		t.Fatalf("Agent %s/%s: attempting gen %d: %v", ns, name, gen, err)
	}
}

// AgentApplied writes what the agent writes after it applied generation gen:
// lastAppliedGen/Time, the Applied condition True, ApplySucceeded, "Config
// applied, gen=<gen>", and a heartbeat at the same time.
func (c *ControlPlane) AgentApplied(t testing.TB, ns, name string, gen int64, at time.Time) {
	t.Helper()
	err := c.updateAgent(ns, name, true, func(u *unstructured.Unstructured) {
		st := status(u)
		st["lastAppliedGen"] = gen
		st["lastAppliedTime"] = at.UTC().Format(time.RFC3339)
		st["lastHeartbeat"] = at.UTC().Format(time.RFC3339)
		st["conditions"] = []interface{}{appliedCondition("True", "ApplySucceeded", fmt.Sprintf("Config applied, gen=%d", gen), at)}
	}, nil)
	if err != nil {
		t.Fatalf("Agent %s/%s: applying gen %d: %v", ns, name, gen, err)
	}
}

// AgentHeartbeat writes the agent's periodic heartbeat.
func (c *ControlPlane) AgentHeartbeat(t testing.TB, ns, name string, at time.Time) {
	t.Helper()
	err := c.updateAgent(ns, name, true, func(u *unstructured.Unstructured) {
		status(u)["lastHeartbeat"] = at.UTC().Format(time.RFC3339)
	}, nil)
	if err != nil {
		t.Fatalf("Agent %s/%s: heartbeat: %v", ns, name, err)
	}
}

// updateAgent reads, changes and writes an Agent (its status subresource
// when onStatus), retrying on conflicts; done sees the stored object.
func (c *ControlPlane) updateAgent(ns, name string, onStatus bool, change, done func(*unstructured.Unstructured)) error {
	client := c.dyn.Resource(AgentGVR).Namespace(ns)
	ctx := context.Background()
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		u, err := client.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		change(u)
		if onStatus {
			u, err = client.UpdateStatus(ctx, u, metav1.UpdateOptions{})
		} else {
			u, err = client.Update(ctx, u, metav1.UpdateOptions{})
		}
		if err == nil && done != nil {
			done(u)
		}
		return err
	})
}

func status(u *unstructured.Unstructured) map[string]interface{} {
	st, _ := u.Object["status"].(map[string]interface{})
	if st == nil {
		st = map[string]interface{}{}
		u.Object["status"] = st
	}
	return st
}

func appliedCondition(status, reason, msg string, at time.Time) map[string]interface{} {
	return map[string]interface{}{
		"type": "Applied", "status": status, "reason": reason, "message": msg,
		"lastTransitionTime": at.UTC().Format(time.RFC3339),
	}
}
