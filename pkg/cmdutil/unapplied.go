package cmdutil

import (
	"time"

	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// Unapplied lists the fabric's switches in the cluster whose agents have
// not applied their latest config or whose heartbeat is stale, at now (at
// st.AgentsAt when set: a snapshot's Agents as of its time); name, when
// set, keeps that switch only. Nothing when the Agents were not read or
// could not be (a note says so).
func Unapplied(st *FabricState, name string, now time.Time) []driftpkg.Unapplied {
	if st.Agents == nil || st.Agents.Note != "" {
		return nil
	}
	now = st.AgentsTime(now)
	var out []driftpkg.Unapplied
	for _, k := range st.Actual.Keys() {
		if k.Kind != "Switch" || (name != "" && k.Name != name) {
			continue
		}
		a := st.Agents.For(k.Namespace, k.Name)
		reason, ok := a.Unapplied(now)
		if !ok {
			continue
		}
		u := driftpkg.Unapplied{Switch: k.Name, Namespace: k.Namespace, Reason: reason,
			Generation: a.Generation, LastAppliedGen: a.LastAppliedGen}
		if !a.Heartbeat.IsZero() {
			u.Heartbeat = a.Heartbeat.UTC().Format(time.RFC3339)
		}
		out = append(out, u)
	}
	return out
}

// AgentsTime is the time to judge st's Agents at: AgentsAt when set (a
// snapshot's), else now.
func (st *FabricState) AgentsTime(now time.Time) time.Time {
	if !st.AgentsAt.IsZero() {
		return st.AgentsAt
	}
	return now
}
