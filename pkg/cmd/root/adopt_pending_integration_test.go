package root

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// adoptVPC is a VPC of the adopt-pending fabric, with its VLAN and extra
// metadata lines.
func adoptVPC(name, vlan, meta string) string {
	return "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: " + name + "\n" + meta +
		"spec:\n  subnets:\n    default: {subnet: 10.0." + name[len(name)-1:] + ".0/24, vlan: " + vlan + "}\n"
}

// sync --adopt writes the cluster's side to Git. Where Git changed after the
// revision the deployer applied (pendingDeploy), the cluster's side is the
// older one: adopting it would undo the commit (put back a label the
// commit added, an object it removed). Those objects are left, with a note
// naming the commit; real drift next to them is adopted.
func TestSyncAdoptLeavesPendingDeploy(t *testing.T) {
	const ns = "adopt-pending"
	inNS := "  namespace: " + ns + "\n"
	h, remote := syncFabric(t, ns, map[string]string{
		"vpc-1.yaml": adoptVPC("vpc-1", "1001", ""),
		"vpc-2.yaml": adoptVPC("vpc-2", "1002", ""),
		"vpc-3.yaml": adoptVPC("vpc-3", "1003", ""),
	}, strings.Join([]string{
		adoptVPC("vpc-1", "1001", inNS),
		adoptVPC("vpc-2", "1002", inNS),
		adoptVPC("vpc-3", "1093", inNS), // changed by hand
	}, "---\n"))
	deployed := testbed.Git(t, remote, "rev-parse", "main")
	// Merged, not deployed yet: vpc-1 labelled, vpc-2 removed.
	work := t.TempDir()
	testbed.Git(t, work, "clone", "-q", remote, "w")
	testbed.WriteFiles(t, work+"/w", map[string]string{"fabrics/t/vpc-1.yaml": adoptVPC("vpc-1", "1001", "  labels: {team: a}\n")})
	testbed.Git(t, work+"/w", "rm", "-q", "fabrics/t/vpc-2.yaml")
	testbed.Git(t, work+"/w", "commit", "-qam", "label vpc-1, retire vpc-2")
	testbed.Git(t, work+"/w", "push", "-q", "origin", "HEAD")
	merged := testbed.Git(t, remote, "rev-parse", "main")

	useArgoApplication(t, h, "adopt-pending", nil, map[string]interface{}{
		"sync":    map[string]interface{}{"status": "OutOfSync", "revision": deployed},
		"health":  map[string]interface{}{"status": "Healthy"},
		"history": []interface{}{map[string]interface{}{"id": int64(1), "revision": deployed}},
	})

	r := h.run("sync", "--adopt", "--dry-run", "-o", "json")
	var plan struct {
		Fabrics []struct {
			Steps []struct{ Name string } `json:"steps"`
			Notes []string                `json:"notes"`
		} `json:"fabrics"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil || len(plan.Fabrics) != 1 {
		t.Fatalf("exit %d: %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	fp := plan.Fabrics[0]
	if r.code != 1 || len(fp.Steps) != 1 || fp.Steps[0].Name != "vpc-3" {
		t.Errorf("exit %d, steps %+v: want vpc-3's hand change alone", r.code, fp.Steps)
	}
	notes := strings.Join(fp.Notes, "\n")
	for _, name := range []string{"vpc-1", "vpc-2"} {
		want := "VPC " + ns + "/" + name + ` not adopted: pendingDeploy: changed in Git in ` + merged[:7] + ` "label vpc-1, retire vpc-2", after the revision ` + deployed[:7] + ` deployed (Argo CD)`
		if !strings.Contains(notes, want) {
			t.Errorf("no note %q in\n%s", want, notes)
		}
	}

	r = h.run("sync", "--adopt", "--yes")
	if r.code != 0 {
		t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	if got := testbed.Git(t, remote, "rev-parse", "main~1"); got != merged {
		t.Fatalf("the adoption is not one commit on top of %s (main~1 = %s)", merged, got)
	}
	show := func(file string) string { return testbed.Git(t, remote, "show", "main:fabrics/t/"+file) }
	if got := show("vpc-1.yaml"); !strings.Contains(got, "team: a") {
		t.Errorf("vpc-1's new label was undone:\n%s", got)
	}
	cat := exec.Command("git", "-C", remote, "cat-file", "-e", "main:fabrics/t/vpc-2.yaml")
	cat.Env = testbed.GitEnv()
	if err := cat.Run(); err == nil {
		t.Errorf("vpc-2, removed in Git, was adopted back")
	}
	if got := show("vpc-3.yaml"); !strings.Contains(got, "vlan: 1093") {
		t.Errorf("vpc-3's hand change was not adopted:\n%s", got)
	}
}
