package drift

import (
	"fmt"
	"strings"

	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// The conditions --fail-on names; drift exits 1 when one of them holds.
const (
	// failDrifted: an object is not in sync for another reason than a Git
	// change its deployer has not applied yet (real drift).
	failDrifted = "drifted"
	// failPending: an object is not in sync only because its deployer has
	// not applied its newest Git change yet (pendingDeploy).
	failPending = "pending"
)

// failOnValues are the values --fail-on accepts (and completes).
var failOnValues = []string{failDrifted, failPending}

// parseFailOn checks the --fail-on values: each one of failOnValues.
func parseFailOn(values []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, v := range values {
		v = strings.TrimSpace(v)
		ok := false
		for _, a := range failOnValues {
			ok = ok || v == a
		}
		if !ok {
			return nil, fmt.Errorf("--fail-on %q: want one or more of %s", v, strings.Join(failOnValues, ", "))
		}
		out[v] = true
	}
	return out, nil
}

// fails reports whether the report meets a --fail-on condition.
func fails(failOn map[string]bool, rep *driftpkg.Report) bool {
	s := rep.Summary
	return (failOn[failDrifted] && rep.HasRealDrift()) || (failOn[failPending] && s.PendingDeploy > 0)
}
