package gitstate

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// BenchmarkHistory walks a history of 200 commits over a fabric of 2,000
// objects in 20 files, each commit removing one object from one file: the
// cost of finding prune evidence once per run.
func BenchmarkHistory(b *testing.B) {
	const files, docs, commits = 20, 100, 200
	part := func(f, removed int) string {
		var sb strings.Builder
		for d := removed; d < docs; d++ {
			sb.WriteString(fmt.Sprintf("---\n%sspec:\n  ipv4Namespace: default\n  vlanNamespace: default\n", vpc(fmt.Sprintf("vpc-%d", f*docs+d))))
		}
		return sb.String()
	}
	tree := map[string]string{}
	for f := range files {
		tree[fmt.Sprintf("fabrics/lab/part-%03d/objects.yaml", f)] = part(f, 0)
	}
	work := testbed.NewWorkTree(b, tree)
	for c := range commits - 1 {
		f := c % files
		testbed.CommitFiles(b, work, map[string]string{fmt.Sprintf("fabrics/lab/part-%03d/objects.yaml", f): part(f, c/files+1)}, fmt.Sprintf("remove one of part %d", f))
	}
	testbed.Git(b, work, "gc", "-q") // packed, as a fetched clone is
	w, err := Open(context.Background(), fabric.GitSpec{URL: work}, OpenOptions{})
	if err != nil {
		b.Fatal(err)
	}
	key := resource.Key{Kind: "VPC", Namespace: "default", Name: "vpc-0"}
	b.ResetTimer()
	for range b.N {
		h, err := w.History(context.Background(), "fabrics/lab", HistoryOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := h.Lookup(key, "default"); !ok || h.Commits != commits {
			b.Fatalf("vpc-0 not found, or %d commits", h.Commits)
		}
	}
}
