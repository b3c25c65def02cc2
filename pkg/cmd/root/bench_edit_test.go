package root

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// BenchmarkEditE2E measures a scripted edit end to end — a process that
// fetches the remote, reads a 10,000-object fabric (100 files), validates
// the change (schema, or schema + server-side dry run), rewrites one
// document, commits and pushes to a local bare remote — as an operator's
// `kubectl hnp edit --set` runs it. Target: under 1 s.
func BenchmarkEditE2E(b *testing.B) {
	files := map[string]string{}
	for f := 0; f < 100; f++ {
		var sb strings.Builder
		for d := 0; d < 100; d++ {
			n := f*100 + d
			fmt.Fprintf(&sb, "---\n# VPC %d\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-%05d\nspec:\n  ipv4Namespace: default\n  vlanNamespace: default\n  subnets:\n    default:\n      subnet: 10.%d.%d.0/24\n      vlan: %d # access\n", n, n, n/256, n%256, 100+n%3000)
		}
		files[fmt.Sprintf("fabrics/big/vpcs-%03d.yaml", f)] = sb.String()
	}
	remote := testbed.NewBareRemote(b, files)
	bin := filepath.Join(b.TempDir(), "kubectl-hnp")
	if out, err := exec.Command("go", "build", "-o", bin, "../../../cmd/kubectl-hnp").CombinedOutput(); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	home := b.TempDir()
	cfg := filepath.Join(home, "config.yaml")
	if err := os.WriteFile(cfg, []byte("fabrics:\n"+fabricYAML("big", remote, "fabrics/big", lab)), 0o600); err != nil {
		b.Fatal(err)
	}
	env := append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, "cache"), "HNP_CONFIG="+cfg, "HNP_FABRIC=",
		"GIT_AUTHOR_NAME=Bench", "GIT_AUTHOR_EMAIL=bench@example.com", "GIT_COMMITTER_NAME=Bench", "GIT_COMMITTER_EMAIL=bench@example.com")
	vlan := 1000
	edit := func(b *testing.B, validate string) {
		vlan++
		cmd := exec.Command(bin, "edit", "vpc", "vpc-04242", "--set", fmt.Sprintf("spec.subnets.default.vlan=%d", vlan), "--validate", validate)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "pushed to branch main") {
			b.Fatalf("edit: %v\n%s", err, out)
		}
	}
	edit(b, "schema") // the first run clones the remote and caches the CRDs
	for _, mode := range []string{"schema", "strict"} {
		b.Run(mode, func(b *testing.B) {
			for b.Loop() {
				edit(b, mode)
			}
		})
	}
	if got := testbed.Git(b, remote, "show", "main:fabrics/big/vpcs-042.yaml"); !strings.Contains(got, fmt.Sprintf("vlan: %d # access", vlan)) {
		b.Errorf("the last edit is not on the remote")
	}
}
