package gitstate

import (
	"context"
	"fmt"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// BenchmarkTreeLoad reads a fabric of 8,500 objects, one file each, from
// a shallow cache clone's object store (tree) and from a checked-out
// working tree of the same commit (disk): what reading without a checkout
// costs or saves.
func BenchmarkTreeLoad(b *testing.B) {
	const objects = 8500
	files := map[string]string{}
	for i := range objects {
		files[fmt.Sprintf("fabrics/lab/vpcs/vpc-%05d.yaml", i)] = fmt.Sprintf("%sspec:\n  ipv4Namespace: default\n  vlanNamespace: default\n  subnets:\n    default: {subnet: 10.%d.%d.0/24, vlan: %d}\n",
			vpc(fmt.Sprintf("vpc-%05d", i)), i/256, i%256, 1000+i%3000)
	}
	remote := testbed.NewBareRemote(b, files)
	work := cloneOf(b, remote)
	w, err := Open(context.Background(), fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("tree", func(b *testing.B) {
		for b.Loop() {
			t, err := w.Tree()
			if err != nil {
				b.Fatal(err)
			}
			d, err := desired.LoadFS(t, "fabrics/lab")
			_ = t.Close()
			if err != nil || len(d.Objects) != objects {
				b.Fatalf("%v, %d objects", err, len(d.Objects))
			}
		}
	})
	b.Run("disk", func(b *testing.B) {
		for b.Loop() {
			d, err := desired.Load(work, "fabrics/lab")
			if err != nil || len(d.Objects) != objects {
				b.Fatalf("%v, %d objects", err, len(d.Objects))
			}
		}
	})
}
