package hedgehog

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func agent(gen int64, status map[string]interface{}) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]interface{}{"status": status}}
	u.SetGeneration(gen)
	return u
}

func applied(status, msg string) []interface{} {
	return []interface{}{map[string]interface{}{"type": "Applied", "status": status, "message": msg}}
}

func TestReadAgent(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	beat := now.Add(-12 * time.Second).Format(time.RFC3339)
	tests := []struct {
		name      string
		agent     *unstructured.Unstructured
		applied   string
		heartbeat string
		unapplied string
	}{
		{"applied and current", agent(6, map[string]interface{}{"lastAppliedGen": int64(6), "lastAttemptGen": int64(6), "lastHeartbeat": beat,
			"conditions": applied("True", "Config applied, gen=6")}), "yes", "12s", ""},
		{"pending", agent(6, map[string]interface{}{"lastAppliedGen": int64(4), "lastAttemptGen": int64(4), "lastHeartbeat": beat,
			"conditions": applied("True", "Config applied, gen=4")}), "pending (gen 4/6)", "12s", "pending (gen 4/6)"},
		{"attempted, not applied", agent(6, map[string]interface{}{"lastAppliedGen": int64(5), "lastAttemptGen": int64(6), "lastHeartbeat": beat,
			"conditions": applied("False", "Config will be applied, gen=6")}), "failing (gen 6)", "12s", "failing (gen 6)"},
		// The generation matches, but the condition speaks of another one
		// (gen=1 is not gen=12): not applied.
		{"condition of another generation", agent(1, map[string]interface{}{"lastAppliedGen": int64(1), "lastHeartbeat": beat,
			"conditions": applied("True", "Config applied, gen=12")}), "pending (gen 1/1)", "12s", "pending (gen 1/1)"},
		{"no condition", agent(2, map[string]interface{}{"lastAppliedGen": int64(2), "lastAttemptGen": int64(2), "lastHeartbeat": beat}),
			"failing (gen 2)", "12s", "failing (gen 2)"},
		{"never reported", agent(1, nil), "pending (gen 0/1)", "-", "pending (gen 0/1); no heartbeat"},
		{"stale", agent(3, map[string]interface{}{"lastAppliedGen": int64(3), "lastHeartbeat": now.Add(-5*time.Minute - time.Second).Format(time.RFC3339),
			"conditions": applied("True", "Config applied, gen=3")}), "yes", "stale", "heartbeat stale (5m1s ago)"},
		// JSON numbers decode as float64.
		{"float generations", agent(2, map[string]interface{}{"lastAppliedGen": 2.0, "lastHeartbeat": beat,
			"conditions": applied("True", "Config applied, gen=2")}), "yes", "12s", ""},
	}
	for _, tt := range tests {
		st := ReadAgent(tt.agent)
		why, _ := st.Unapplied(now)
		if st.String() != tt.applied || st.HeartbeatAge(now) != tt.heartbeat || why != tt.unapplied {
			t.Errorf("%s: applied %q heartbeat %q unapplied %q, want %q %q %q", tt.name, st, st.HeartbeatAge(now), why, tt.applied, tt.heartbeat, tt.unapplied)
		}
	}
}

func TestAgentsFor(t *testing.T) {
	now := time.Now()
	items := []unstructured.Unstructured{*agent(1, nil)}
	items[0].SetNamespace("default")
	items[0].SetName("leaf-01")
	a := NewAgents(items)
	if got := a.For("default", "leaf-01").Applied; got != AppliedPending {
		t.Errorf("leaf-01: %s", got)
	}
	none := a.For("default", "leaf-02")
	if none.String() != "no agent" || none.HeartbeatAge(now) != "-" || none.Stale(now) {
		t.Errorf("no agent: %q %q", none, none.HeartbeatAge(now))
	}
	if _, ok := none.Unapplied(now); ok {
		t.Error("a switch without an Agent is reported unapplied")
	}
	unknown := UnknownAgents("no CRD").For("default", "leaf-01")
	if unknown.String() != "unknown" || unknown.HeartbeatAge(now) != "unknown" {
		t.Errorf("unknown: %q %q", unknown, unknown.HeartbeatAge(now))
	}
	if _, ok := unknown.Unapplied(now); ok {
		t.Error("an unknown Agent is reported unapplied")
	}
}
