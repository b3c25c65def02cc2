package drift

import (
	"fmt"
	"strings"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// The findings --fail-on may name: drift always fails (unless
// --exit-code=false); the others fail only when named.
const (
	failOnDrift     = "drift"
	failOnUnapplied = "unapplied"
)

var failOnValues = []string{failOnDrift, failOnUnapplied}

// parseFailOn checks --fail-on's values and returns them as a set.
func parseFailOn(values []string) (map[string]bool, error) {
	set := map[string]bool{failOnDrift: true}
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			ok := false
			for _, known := range failOnValues {
				ok = ok || s == known
			}
			if !ok {
				return nil, fmt.Errorf("--fail-on %q: allowed: %s", s, strings.Join(failOnValues, ", "))
			}
			set[s] = true
		}
	}
	return set, nil
}

// unappliedOf lists the fabric's switches in the cluster whose agents have
// not applied their latest config or whose heartbeat is stale, at now; name,
// when set, keeps that switch only. Nothing when the Agents were not read
// or could not be (a note says so).
func unappliedOf(st *cmdutil.FabricState, name string, now time.Time) []driftpkg.Unapplied {
	if st.Agents == nil || st.Agents.Note != "" {
		return nil
	}
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
