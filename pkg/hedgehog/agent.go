package hedgehog

import (
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/duration"
)

// The Agent: one per Switch (same name and namespace), made and updated by
// the fabric's agent controller, its status written by the agent on the
// switch. It is read-only status for kubectl-hnp, never one of the managed
// kinds: never desired state, never drifted.
var (
	AgentGVR = schema.GroupVersionResource{Group: "agent.githedgehog.com", Version: "v1beta1", Resource: "agents"}
	AgentGVK = schema.GroupVersionKind{Group: "agent.githedgehog.com", Version: "v1beta1", Kind: "Agent"}
)

// StaleAfter is the heartbeat age after which a switch counts as stale or
// offline: the agent beats about every 15 s, and its lastAppliedGen can no
// longer be trusted as current once it stops.
const StaleAfter = 5 * time.Minute

// Applied says whether a switch's agent applied the latest generation.
type Applied string

// The values of APPLIED.
const (
	// AppliedYes: lastAppliedGen equals the Agent's generation and the
	// Applied condition is True for that generation.
	AppliedYes Applied = "yes"
	// AppliedPending: lastAppliedGen is behind the generation, and the
	// agent has not tried the latest one yet.
	AppliedPending Applied = "pending"
	// AppliedFailing: the agent attempted the latest generation
	// (lastAttemptGen == generation) but has not applied it.
	AppliedFailing Applied = "failing"
	// AppliedNoAgent: the cluster serves Agents, but the switch has none
	// (the controller has not made it yet).
	AppliedNoAgent Applied = "no agent"
	// AppliedUnknown: the Agents could not be read (no Agent CRD, or no
	// permission to list them).
	AppliedUnknown Applied = "unknown"
)

// AgentStatus is what a switch's Agent says about the switch's config.
type AgentStatus struct {
	// Applied is the verdict; Generation and the Gen fields are zero for
	// AppliedNoAgent and AppliedUnknown.
	Applied        Applied `json:"applied"`
	Generation     int64   `json:"generation,omitempty"`
	LastAppliedGen int64   `json:"lastAppliedGen,omitempty"`
	LastAttemptGen int64   `json:"lastAttemptGen,omitempty"`
	// Heartbeat is status.lastHeartbeat; zero when the agent never beat.
	Heartbeat time.Time `json:"lastHeartbeat,omitzero"`
}

// ReadAgent judges one Agent by the rule of the fabric's own tools:
// applied when status.lastAppliedGen == metadata.generation and the Applied
// condition is True with "gen=<generation>" in its message; failing when
// the agent attempted that generation without applying it; pending
// otherwise.
func ReadAgent(agent *unstructured.Unstructured) AgentStatus {
	st := AgentStatus{Generation: agent.GetGeneration()}
	status := mapAt(agent.Object, "status")
	st.LastAppliedGen, _ = integer(status, "lastAppliedGen")
	st.LastAttemptGen, _ = integer(status, "lastAttemptGen")
	if hb := str(status, "lastHeartbeat"); hb != "" {
		if t, err := time.Parse(time.RFC3339, hb); err == nil {
			st.Heartbeat = t
		}
	}
	switch {
	case st.LastAppliedGen == st.Generation && appliedCondition(status, st.Generation):
		st.Applied = AppliedYes
	case st.LastAttemptGen == st.Generation:
		st.Applied = AppliedFailing
	default:
		st.Applied = AppliedPending
	}
	return st
}

// appliedCondition reports whether the Applied condition is True for
// generation gen (its message ends in "gen=<gen>").
func appliedCondition(status map[string]interface{}, gen int64) bool {
	want := fmt.Sprintf("gen=%d", gen)
	for _, c := range list(status, "conditions") {
		m, _ := c.(map[string]interface{})
		if str(m, "type") != "Applied" {
			continue
		}
		msg := str(m, "message")
		i := strings.Index(msg, want)
		// gen=1 must not match gen=12.
		return str(m, "status") == "True" && i >= 0 && !isDigit(msg, i+len(want))
	}
	return false
}

func isDigit(s string, i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }

// String renders the APPLIED column: "yes", "pending (gen 4/6)",
// "failing (gen 6)", "no agent", "unknown".
func (s AgentStatus) String() string {
	switch s.Applied {
	case AppliedPending:
		return fmt.Sprintf("pending (gen %d/%d)", s.LastAppliedGen, s.Generation)
	case AppliedFailing:
		return fmt.Sprintf("failing (gen %d)", s.Generation)
	case "":
		return string(AppliedUnknown)
	}
	return string(s.Applied)
}

// Stale reports whether the agent has an Agent whose heartbeat is older
// than StaleAfter at now (or which never beat).
func (s AgentStatus) Stale(now time.Time) bool {
	if s.Applied == AppliedNoAgent || s.Applied == AppliedUnknown || s.Applied == "" {
		return false
	}
	return s.Heartbeat.IsZero() || now.Sub(s.Heartbeat) > StaleAfter
}

// HeartbeatAge renders the HEARTBEAT column: the age of the last heartbeat
// as kubectl prints ages ("12s", "3m5s"), "stale" when older than
// StaleAfter, "-" when there is none, "unknown" when Agents could not be read.
func (s AgentStatus) HeartbeatAge(now time.Time) string {
	switch {
	case s.Applied == AppliedUnknown || s.Applied == "":
		return string(AppliedUnknown)
	case s.Applied == AppliedNoAgent || s.Heartbeat.IsZero():
		return "-"
	case s.Stale(now):
		return "stale"
	}
	return duration.HumanDuration(now.Sub(s.Heartbeat))
}

// Unapplied says why a switch has not applied its latest config: its
// agent is pending or failing, or its heartbeat is stale. ok is false for
// a switch that is applied and current, and for one whose Agent is absent
// or unknown (nothing to judge).
func (s AgentStatus) Unapplied(now time.Time) (reason string, ok bool) {
	var why []string
	if s.Applied == AppliedPending || s.Applied == AppliedFailing {
		why = append(why, s.String())
	}
	if s.Stale(now) {
		if s.Heartbeat.IsZero() {
			why = append(why, "no heartbeat")
		} else {
			why = append(why, "heartbeat stale ("+duration.HumanDuration(now.Sub(s.Heartbeat))+" ago)")
		}
	}
	return strings.Join(why, "; "), len(why) > 0
}

// AgentKey names an Agent (and its switch): namespace and name.
type AgentKey struct{ Namespace, Name string }

// Compare orders keys by namespace, then name.
func (k AgentKey) Compare(o AgentKey) int {
	if c := strings.Compare(k.Namespace, o.Namespace); c != 0 {
		return c
	}
	return strings.Compare(k.Name, o.Name)
}

// Agents are the Agents of one fabric's switches, read with one LIST.
type Agents struct {
	// ByName holds each Agent's status by namespace and name.
	ByName map[AgentKey]AgentStatus
	// Note, when set, says why the Agents could not be read; every switch
	// is then AppliedUnknown.
	Note string
}

// NewAgents judges the listed Agents.
func NewAgents(items []unstructured.Unstructured) *Agents {
	a := &Agents{ByName: make(map[AgentKey]AgentStatus, len(items))}
	for i := range items {
		a.ByName[AgentKey{items[i].GetNamespace(), items[i].GetName()}] = ReadAgent(&items[i])
	}
	return a
}

// UnknownAgents is the Agents of a fabric whose Agents could not be read.
func UnknownAgents(note string) *Agents { return &Agents{Note: note} }

// For returns the status of the switch namespace/name.
func (a *Agents) For(namespace, name string) AgentStatus {
	if a == nil || a.Note != "" {
		return AgentStatus{Applied: AppliedUnknown}
	}
	if st, ok := a.ByName[AgentKey{namespace, name}]; ok {
		return st
	}
	return AgentStatus{Applied: AppliedNoAgent}
}
