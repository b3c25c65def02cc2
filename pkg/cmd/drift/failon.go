package drift

import (
	"fmt"
	"strings"

	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// The findings --fail-on names; drift exits 1 when one of them holds.
// Real drift always counts (unless --exit-code=false); the others count
// only when named.
const (
	// failDrifted: an object is not in sync for another reason than a Git
	// change its deployer has not applied yet (real drift). Always on.
	failDrifted = "drifted"
	// failPending: an object is not in sync only because its deployer has
	// not applied its newest Git change yet (pendingDeploy).
	failPending = "pending"
	// failOnUnapplied: a switch's agent has not applied its latest config,
	// or its heartbeat is stale.
	failOnUnapplied = "unapplied"
	// failSkipped: an object is not in sync, and its deployer is told not
	// to apply it (deployerSkips).
	failSkipped = "skipped"
)

// failOnValues are the values --fail-on accepts (and completes).
var failOnValues = []string{failDrifted, failPending, failOnUnapplied, failSkipped}

// parseFailOn checks the --fail-on values (comma-separated or repeated)
// and returns them as a set, which always holds failDrifted.
func parseFailOn(values []string) (map[string]bool, error) {
	out := map[string]bool{failDrifted: true}
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			ok := false
			for _, a := range failOnValues {
				ok = ok || s == a
			}
			if !ok {
				return nil, fmt.Errorf("--fail-on %q: want one or more of %s", s, strings.Join(failOnValues, ", "))
			}
			out[s] = true
		}
	}
	return out, nil
}

// fails reports whether the report meets a --fail-on condition.
func fails(failOn map[string]bool, rep *driftpkg.Report) bool {
	return (failOn[failDrifted] && rep.HasRealDrift()) ||
		(failOn[failPending] && rep.Summary.PendingDeploy > 0) ||
		(failOn[failSkipped] && rep.Summary.DeployerSkips > 0) ||
		(failOn[failOnUnapplied] && rep.HasUnapplied())
}
