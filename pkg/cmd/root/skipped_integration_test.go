package root

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// typoGit holds vpc-1, and vpc-legacy with a typo in its group: before,
// the typo'd document was skipped without a word, vpc-legacy counted as
// notInGit, and `sync --apply --prune --yes` deleted it.
var typoGit = map[string]string{"vpcs.yaml": `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
spec:
  subnets:
    default: {subnet: 10.0.1.0/24, vlan: 1001}
---
# legacy, written by hand
apiVersion: hhnet.githedgehog.com/v1alpha1
kind: VPC
metadata:
  name: vpc-legacy
spec:
  subnets:
    default: {subnet: 10.0.9.0/24, vlan: 1009}
`}

// In the cluster vpc-1 has drifted, so that apply would have something to do.
const typoCluster = `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: vpc-1, namespace: skip-typo}
spec:
  subnets:
    default: {subnet: 10.0.1.0/24, vlan: 1099}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: vpc-legacy, namespace: skip-typo}
spec:
  subnets:
    default: {subnet: 10.0.9.0/24, vlan: 1009}
`

func TestTypoInGroupFailsEveryReadAndPrunesNothing(t *testing.T) {
	const ns = "skip-typo"
	h, _ := syncFabric(t, ns, typoGit, typoCluster)
	const want = "fabrics/t/vpcs.yaml:10: VPC vpc-legacy has apiVersion hhnet.githedgehog.com/v1alpha1, expected vpc.githedgehog.com/v1beta1"
	for _, args := range [][]string{
		{"list"},
		{"list", "vpc", "-o", "json"},
		{"get", "vpc", "vpc-1"},
		{"drift"},
		{"drift", "-o", "json"},
		{"sync"},
		{"sync", "--apply", "--prune", "--dry-run"},
		{"sync", "--apply", "--prune", "--yes"},
		{"sync", "--adopt", "--yes"},
	} {
		r := h.run(args...)
		if r.code != 2 || !strings.Contains(r.stderr, want) {
			t.Errorf("%v: exit %d, want 2 and %q in stderr:\n%s", args, r.code, want, r.stderr)
		}
	}
	// The fabric could not be read: nothing was applied or pruned.
	if got := vlanOf(t, liveVPC(t, ns, "vpc-legacy")); got != 1009 {
		t.Errorf("vpc-legacy changed: vlan %d", got)
	}
	if got := vlanOf(t, liveVPC(t, ns, "vpc-1")); got != 1099 {
		t.Errorf("vpc-1 was applied although its fabric failed: vlan %d", got)
	}
}

const gatewayDoc = `# not ours
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
spec:
  gatewayClassName: x
`

func TestSkippedDocumentsAreReported(t *testing.T) {
	const ns = "skip-gateway"
	h, _ := syncFabric(t, ns, map[string]string{"vpcs.yaml": typoGit["vpcs.yaml"][:strings.Index(typoGit["vpcs.yaml"], "---")], "gateway.yaml": gatewayDoc},
		strings.ReplaceAll(typoCluster[:strings.Index(typoCluster, "---")], "skip-typo", ns))
	const line = "skipped 1 document of kinds kubectl-hnp does not manage: Gateway (1)"
	wantSkipped := []resource.Skipped{{File: "fabrics/t/gateway.yaml", Line: 2, APIVersion: "gateway.networking.k8s.io/v1", Kind: "Gateway", Name: "gw"}}

	// list: the table's note goes to stderr; JSON output stays pure.
	r := h.run("list", "vpc")
	if r.code != 0 || !strings.Contains(r.stderr, "fabric t: "+line+"\n") || strings.Contains(r.stdout, "skipped") {
		t.Errorf("list: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	r = h.run("list", "vpc", "-o", "json")
	if r.code != 0 || r.stderr != "" || !json.Valid([]byte(r.stdout)) {
		t.Errorf("list -o json: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}

	// drift: a summary line in the table, a skipped list in the report.
	r = h.run("drift")
	if r.code != 1 || !strings.Contains(r.stdout, "\nfabric t: "+line+"\n") {
		t.Errorf("drift: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = h.run("drift", "-o", "json")
	if rep := driftReport(t, r); r.code != 1 || len(rep.Fabrics) != 1 || !equalSkipped(rep.Fabrics[0].Skipped, wantSkipped) {
		t.Errorf("drift -o json: exit %d, skipped %+v", r.code, rep.Fabrics)
	}

	// sync: the summary says it too, and so does its JSON.
	r = h.run("sync")
	if r.code != 0 || !strings.Contains(r.stdout, "\n"+line+"\n") {
		t.Errorf("sync: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = h.run("sync", "-o", "json")
	var sum struct {
		Fabrics []struct {
			Skipped []resource.Skipped `json:"skipped"`
		} `json:"fabrics"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil || r.code != 0 || len(sum.Fabrics) != 1 || !equalSkipped(sum.Fabrics[0].Skipped, wantSkipped) {
		t.Errorf("sync -o json: exit %d, %v\n%s", r.code, err, r.stdout)
	}
}

func equalSkipped(a, b []resource.Skipped) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Bad input in Git is an error naming file:line (and the field), exit 2:
// a number JSON cannot carry no longer breaks -o json, a byte that is not
// UTF-8 is reported at its line, and an error of several lines (two
// symbolic link loops) stays one line in drift's table.
func TestBadInputNamesFileAndLine(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		body  string
		args  []string
		wants []string
	}{
		{"infinity", "fabrics/lab/inf.yaml", "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: inf\nspec:\n  subnets:\n    default: {subnet: 10.0.7.0/24, vlan: .inf}\n",
			[]string{"list", "vpc", "--source", "git", "-o", "json"},
			[]string{"fabrics/lab/inf.yaml:7: VPC inf: spec.subnets.default.vlan is .inf, a number JSON cannot carry"}},
		{"not UTF-8", "fabrics/lab/latin1.yaml", "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: caf\xe9\n",
			[]string{"list", "--source", "git"},
			[]string{"fabrics/lab/latin1.yaml:4: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := sampleFiles(t)
			files[tt.file] = tt.body
			wt := testbed.NewWorkTree(t, files)
			r := newHarness(t).run(append(tt.args, "--repo", wt, "--dir", "fabrics/lab")...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2\n%s", r.code, r.stderr)
			}
			for _, w := range tt.wants {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}

	t.Run("symbolic link loops", func(t *testing.T) {
		wt := testbed.NewWorkTree(t, sampleFiles(t))
		dir := filepath.Join(wt, "fabrics", "lab")
		for _, l := range [][2]string{{"a.yaml", "b.yaml"}, {"b.yaml", "a.yaml"}} {
			if err := os.Symlink(l[1], filepath.Join(dir, l[0])); err != nil {
				t.Fatal(err)
			}
		}
		r := newHarness(t).run("drift", "--repo", wt, "--dir", "fabrics/lab", "--kubeconfig", lab.KubeconfigPath)
		if r.code != 2 {
			t.Fatalf("exit %d, want 2\n%s", r.code, r.stderr)
		}
		var errLine string
		for _, l := range strings.Split(r.stdout, "\n") {
			if strings.Contains(l, ": error: ") {
				errLine = l
			}
		}
		if !strings.Contains(errLine, "fabrics/lab/a.yaml: ") || !strings.Contains(errLine, "; fabrics/lab/b.yaml: ") || strings.Contains(errLine, `\n`) {
			t.Errorf("the fabric's error should be one line naming both links:\n%s", r.stdout)
		}
	})
}
