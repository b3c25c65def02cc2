package list

import (
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
)

// AgentView is what a switch's Agent says, as list and get show it.
type AgentView struct {
	Status hedgehog.AgentStatus
	// Heartbeat is the HEARTBEAT cell at the time of reading: an age, "stale",
	// "-" or "unknown".
	Heartbeat string
}

// NewAgentView judges a switch's Agent status at now.
func NewAgentView(st hedgehog.AgentStatus, now time.Time) *AgentView {
	return &AgentView{Status: st, Heartbeat: st.HeartbeatAge(now)}
}

// AttachAgents gives each Switch item that is in the cluster the status of
// its Agent, from the fabrics' Agents read with LoadOptions.Agents. Items
// of fabrics whose Agents were not read are left alone.
func AttachAgents(items []Item, states []*cmdutil.FabricState, now time.Time) {
	byFabric := map[string]*cmdutil.FabricState{}
	for _, st := range states {
		if st.Agents != nil {
			byFabric[st.Fabric.Name] = st
		}
	}
	for i := range items {
		it := &items[i]
		st := byFabric[it.Fabric]
		if st == nil || it.Kind.Kind != "Switch" || it.Values != ValuesCluster {
			continue
		}
		// Judged at the snapshot's time for a snapshot's Agents.
		it.Agent = NewAgentView(st.Agents.For(it.Key.Namespace, it.Key.Name), st.AgentsTime(now))
	}
}

// AgentNotes are the one-line notes of fabrics whose Agents could not be
// read, as "fabric NAME: note".
func AgentNotes(states []*cmdutil.FabricState) []string {
	var out []string
	for _, st := range states {
		if st.Agents != nil && st.Agents.Note != "" {
			out = append(out, "fabric "+st.Fabric.Name+": "+st.Agents.Note)
		}
	}
	return out
}

// AgentsRead reports whether any fabric's Agents were read (the APPLIED and
// HEARTBEAT columns are shown).
func AgentsRead(states []*cmdutil.FabricState) bool {
	for _, st := range states {
		if st.Agents != nil {
			return true
		}
	}
	return false
}

// withAgentStatus returns u, a copy the caller owns, with the Agent's
// verdict as status.agent.
func (it Item) withAgentStatus(u *unstructured.Unstructured) *unstructured.Unstructured {
	if it.Agent == nil {
		return u
	}
	st := it.Agent.Status
	agent := map[string]interface{}{
		"applied":   st.String(),
		"heartbeat": it.Agent.Heartbeat,
	}
	if st.Applied != hedgehog.AppliedNoAgent && st.Applied != hedgehog.AppliedUnknown {
		agent["generation"] = st.Generation
		agent["lastAppliedGen"] = st.LastAppliedGen
		agent["lastAttemptGen"] = st.LastAttemptGen
		if !st.Heartbeat.IsZero() {
			agent["lastHeartbeat"] = st.Heartbeat.UTC().Format(time.RFC3339)
		}
	}
	status, _ := u.Object["status"].(map[string]interface{})
	if status == nil {
		status = map[string]interface{}{}
	}
	status["agent"] = agent
	u.Object["status"] = status
	return u
}
