package sync

import (
	"fmt"
	"strings"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
)

// AgentsSummary counts a fabric's switches in the cluster by what their
// Agents say: applied (the latest generation, Applied condition true),
// pending, failing, without an Agent, and with a heartbeat older than 5
// minutes (stale, counted besides the others). Note says why the Agents
// could not be read; the counts are then zero.
type AgentsSummary struct {
	Switches int    `json:"switches"`
	Applied  int    `json:"applied"`
	Pending  int    `json:"pending"`
	Failing  int    `json:"failing"`
	NoAgent  int    `json:"noAgent"`
	Stale    int    `json:"stale"`
	Note     string `json:"note,omitempty"`
}

// summarizeAgents counts the switches of st's cluster; nil when the Agents
// were not read.
func summarizeAgents(st *cmdutil.FabricState, now time.Time) *AgentsSummary {
	if st.Agents == nil || st.Err != nil {
		return nil
	}
	now = st.AgentsTime(now)
	s := &AgentsSummary{Note: st.Agents.Note}
	if s.Note != "" {
		return s
	}
	for k := range st.Actual {
		if k.Kind != "Switch" {
			continue
		}
		s.Switches++
		a := st.Agents.For(k.Namespace, k.Name)
		switch a.Applied {
		case hedgehog.AppliedYes:
			s.Applied++
		case hedgehog.AppliedPending:
			s.Pending++
		case hedgehog.AppliedFailing:
			s.Failing++
		case hedgehog.AppliedNoAgent:
			s.NoAgent++
		}
		if a.Stale(now) {
			s.Stale++
		}
	}
	return s
}

// line renders the summary after the table by kind: "switches: 3 of 5
// applied, 1 pending, 1 no agent; heartbeat stale on 1".
func (s *AgentsSummary) line() string {
	if s.Note != "" {
		return s.Note
	}
	b := fmt.Sprintf("switches: %d of %d applied", s.Applied, s.Switches)
	var more []string
	for _, c := range []struct {
		n    int
		what string
	}{{s.Pending, "pending"}, {s.Failing, "failing"}, {s.NoAgent, "no agent"}} {
		if c.n > 0 {
			more = append(more, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(more) > 0 {
		b += ", " + strings.Join(more, ", ")
	}
	if s.Stale > 0 {
		b += fmt.Sprintf("; heartbeat stale on %d", s.Stale)
	}
	return b
}
