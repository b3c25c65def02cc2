package cmdutil

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// noCurrentContext explains a kubeconfig that names no context to use
// (missing, empty, or without current-context) when no flag chose one
// either, instead of client-go's fallback to localhost:8080 (kubectl's "The
// connection to the server localhost:8080 was refused"). It returns nil
// when that is not the problem.
func noCurrentContext(flags *KubeFlags) error {
	if flags.Context != nil && *flags.Context != "" {
		return nil
	}
	for _, chosen := range []*string{flags.APIServer, flags.ClusterName} {
		if chosen != nil && *chosen != "" {
			return nil
		}
	}
	loader := flags.ToRawKubeConfigLoader()
	raw, err := loader.RawConfig()
	if err != nil || raw.CurrentContext != "" {
		return nil
	}
	files := loader.ConfigAccess().GetLoadingPrecedence()
	if p := loader.ConfigAccess().GetExplicitFile(); p != "" {
		files = []string{p}
	}
	var existing []string
	for _, p := range files {
		if _, err := os.Stat(p); err == nil {
			existing = append(existing, p)
		}
	}
	const point = "point --kubeconfig or KUBECONFIG at the cluster's kubeconfig, or set the fabric's cluster.kubeconfig"
	switch {
	case len(existing) == 0:
		return fmt.Errorf("no current context: there is no kubeconfig file (looked for %s); %s", strings.Join(files, ", "), point)
	case len(raw.Contexts) == 0:
		return fmt.Errorf("no current context: kubeconfig %s defines no contexts; %s", strings.Join(existing, ", "), point)
	}
	names := make([]string, 0, len(raw.Contexts))
	for n := range raw.Contexts {
		names = append(names, n)
	}
	sort.Strings(names)
	return fmt.Errorf("no current context in kubeconfig %s: pick one with --context NAME (or the fabric's cluster.context: `kubectl hnp fabric add ... --context NAME`), or run `kubectl config use-context NAME`; its contexts: %s",
		strings.Join(existing, ", "), strings.Join(names, ", "))
}
