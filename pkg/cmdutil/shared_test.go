package cmdutil

import (
	"testing"

	"github.com/spf13/pflag"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/snapshot"
)

// The fabrics of a command share their cluster's LISTs (one per kind
// across all namespaces) only where that reads nothing another configured
// fabric would have to be asked for: all the fabrics the config places on
// that kubeconfig context are read, in at least two namespaces in all.
func TestSharedListsWhereTheyPay(t *testing.T) {
	fab := func(name, context string, namespaces ...string) fabric.Fabric {
		return fabric.Fabric{Name: name, Cluster: fabric.ClusterSpec{Kubeconfig: "/k", Context: context, Namespace: namespaces[0], Namespaces: namespaces[1:]}}
	}
	cfg := &fabric.Config{Fabrics: []fabric.Fabric{
		fab("lab-1", "lab", "a"), fab("lab-2", "lab", "b"),
		fab("prod-1", "prod", "c"), fab("prod-2", "prod", "d"), fab("prod-3", "prod", "e"),
		fab("wide", "wide", "f", "g"),
		fab("same-1", "same", "h"), fab("same-2", "same", "h"),
	}}
	pick := func(names ...string) []fabric.Fabric {
		var out []fabric.Fabric
		for _, n := range names {
			c, _ := cfg.Find(n)
			out = append(out, *c)
		}
		return out
	}
	both := LoadOptions{Source: SourceBoth}
	for _, tt := range []struct {
		name   string
		fabs   []fabric.Fabric
		opts   LoadOptions
		flags  []string
		shared []string // the contexts whose fabrics share
	}{
		{"every fabric", cfg.Fabrics, both, nil, []string{"lab", "prod", "wide"}},
		{"a context's fabrics not all read", pick("lab-1", "lab-2", "prod-1", "prod-2"), both, nil, []string{"lab"}},
		{"one fabric of one namespace", pick("lab-1"), both, nil, nil},
		{"one fabric spanning two namespaces", pick("wide"), both, nil, []string{"wide"}},
		{"two fabrics in one namespace", pick("same-1", "same-2"), both, nil, nil},
		{"--namespace puts them all in one", cfg.Fabrics, both, []string{"--namespace", "x"}, nil},
		{"cluster only", cfg.Fabrics, LoadOptions{Source: SourceCluster}, nil, []string{"lab", "prod", "wide"}},
		{"Git only", cfg.Fabrics, LoadOptions{Source: SourceGit}, nil, nil},
		{"a snapshot", cfg.Fabrics, LoadOptions{Source: SourceBoth, Snapshot: &snapshot.Snapshot{}}, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := testFactory(map[string]string{"HOME": t.TempDir()})
			f.config = cfg
			fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
			f.AddGlobalFlags(fs)
			if err := fs.Parse(tt.flags); err != nil {
				t.Fatal(err)
			}
			got := f.sharedLists(tt.fabs, tt.opts)
			want := map[string]bool{}
			for _, c := range tt.shared {
				want[c] = true
			}
			for _, c := range []string{"lab", "prod", "wide", "same"} {
				fab := fabric.Fabric{Cluster: fabric.ClusterSpec{Kubeconfig: "/k", Context: c}}
				if s := got[clientsKey(f.kubeFlagsFor(&fab))]; (s != nil) != want[c] {
					t.Errorf("context %s: shared %v, want %v", c, s != nil, want[c])
				}
			}
			if len(got) != len(tt.shared) {
				t.Errorf("%d clusters share, want %d", len(got), len(tt.shared))
			}
		})
	}
}
