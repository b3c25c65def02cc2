package drift

// Unapplied is a switch whose agent has not applied the switch's latest
// config (its Agent's generation), or whose heartbeat is stale: a finding
// of its own beside drift, not a drift status. The switch's objects may
// all be in sync in the cluster while the switch itself runs an older
// config.
type Unapplied struct {
	// Switch is the switch's name; Namespace its namespace.
	Switch    string `json:"switch"`
	Namespace string `json:"namespace"`
	// Reason says what is wrong: "pending (gen 4/6)", "failing (gen 6)",
	// "heartbeat stale (7m ago)", or several of them joined by "; ".
	Reason string `json:"reason"`
	// Generation is the Agent's metadata.generation, LastAppliedGen its
	// status.lastAppliedGen.
	Generation     int64 `json:"generation"`
	LastAppliedGen int64 `json:"lastAppliedGen"`
	// Heartbeat is the agent's last heartbeat (RFC 3339), "" when none.
	Heartbeat string `json:"heartbeat"`
}

// HasUnapplied reports whether any fabric has a switch that has not
// applied its latest config.
func (r *Report) HasUnapplied() bool {
	for _, f := range r.Fabrics {
		if len(f.Unapplied) > 0 {
			return true
		}
	}
	return false
}
