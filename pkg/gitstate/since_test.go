package gitstate

import (
	"context"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// After the deployed commit: vpc-2 changed (the same file as vpc-1, which
// did not), vpc-4 was added, a file outside the directory changed; the
// walk counts the commits behind and names the newest change per object.
func TestSinceDeployed(t *testing.T) {
	remote := testbed.NewBareRemote(t, map[string]string{
		"f/vpcs.yaml": historyVPC("vpc-1", "") + "---\n" + historyVPC("vpc-2", ""),
	})
	deployed := testbed.CommitFiles(t, remote, map[string]string{"f/vpc-3.yaml": historyVPC("vpc-3", "")}, "add vpc-3")
	changed := testbed.CommitFiles(t, remote, map[string]string{
		"f/vpcs.yaml": historyVPC("vpc-1", "") + "---\n" + historyVPC("vpc-2", "") + "  # nothing\nstatus: {x: 1}\n",
	}, "change vpc-2")
	added := testbed.CommitFiles(t, remote, map[string]string{"f/vpc-4.yaml": historyVPC("vpc-4", ""), "README": "x"}, "add vpc-4\n\nbody")
	w := mustOpen(t, fabric.GitSpec{URL: remote}, OpenOptions{CacheDir: t.TempDir()})
	s, err := w.Since(context.Background(), "f", deployed)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Known || s.Behind != 2 {
		t.Fatalf("known %v, behind %d; want 2 commits behind", s.Known, s.Behind)
	}
	vpc := func(name string) resource.Key { return resource.Key{Kind: "VPC", Namespace: "lab", Name: name} }
	for name, want := range map[string]string{"vpc-1": "", "vpc-2": changed, "vpc-3": "", "vpc-4": added} {
		c, ok := s.Object(vpc(name), "lab")
		if c.Commit != want || ok != (want != "") {
			t.Errorf("%s: %+v %v, want %q", name, c, ok, want)
		}
	}
	if c, _ := s.Object(vpc("vpc-4"), "lab"); c.Subject != "add vpc-4" {
		t.Errorf("subject %q", c.Subject)
	}
	if c, ok := s.File("f/vpcs.yaml"); !ok || c.Commit != changed {
		t.Errorf("file: %+v %v", c, ok)
	}
	// The deployed commit itself: nothing behind.
	if s, err := w.Since(context.Background(), "f", w.Revision); err != nil || !s.Known || s.Behind != 0 {
		t.Errorf("at HEAD: %+v %v", s, err)
	}
	// A commit the branch never had: unknown.
	if s, err := w.Since(context.Background(), "f", "0123456789012345678901234567890123456789"); err != nil || s.Known {
		t.Errorf("unknown commit: %+v %v", s, err)
	}
}
