package root

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// labelsOnOneSide configures the lab fabric on a remote whose Git copy of
// vpc-2 lacks the cluster's label team=db, and whose vpc-1 carries a label
// tier=gold that the cluster's copy lacks.
func labelsOnOneSide(t *testing.T) *harness {
	t.Helper()
	files := sampleFiles(t)
	const p = "fabrics/lab/vpcs/vpcs.yaml"
	s := files[p]
	s = strings.Replace(s, "  name: vpc-2\n  labels:\n    team: db\n", "  name: vpc-2\n", 1)
	s = strings.Replace(s, "  name: vpc-1\n", "  name: vpc-1\n  labels: {tier: gold}\n", 1)
	if s == files[p] || strings.Contains(s, "team: db") {
		t.Fatal("the sample's vpcs.yaml changed; update labelsOnOneSide")
	}
	files[p] = s
	remote := testbed.NewBareRemote(t, files)
	h := newHarness(t)
	h.writeConfig("apiVersion: hnp.githedgehog.com/v1alpha1\nkind: Config\ndefaultFabric: lab\nfabrics:\n" +
		fabricYAML("lab", remote, "fabrics/lab", lab))
	return h
}

func TestSelectorMatchesEitherSide(t *testing.T) {
	h := labelsOnOneSide(t)
	// Only the cluster's vpc-2 has team=db: it is drifted, not notInGit.
	r := h.run("list", "vpcs", "-l", "team=db", "--no-headers")
	if r.code != 0 || r.stdout != "vpc-2\tdrifted\tcluster\tdefault\t1099\n" {
		t.Errorf("list -l team=db: exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
	// Only Git's vpc-1 has tier=gold: it is drifted (the label), not missingFromCluster.
	r = h.run("list", "vpcs", "-l", "tier=gold", "--no-headers")
	if r.code != 0 || r.stdout != "vpc-1\tdrifted\tcluster\tdefault\t1001\n" {
		t.Errorf("list -l tier=gold: exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
	r = h.run("drift", "vpc", "-l", "team=db", "-o", "json")
	if r.code != 1 {
		t.Fatalf("drift -l team=db: exit %d: %s", r.code, r.stderr)
	}
	var rep struct {
		Fabrics []struct {
			Resources []struct{ Name, Status string }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if len(rep.Fabrics) != 1 || len(rep.Fabrics[0].Resources) != 1 || rep.Fabrics[0].Resources[0].Name != "vpc-2" || rep.Fabrics[0].Resources[0].Status != "drifted" {
		t.Errorf("drift -l team=db: %+v", rep)
	}
	// A selector nothing matches selects nothing on either side.
	if r = h.run("drift", "vpc", "-l", "team=none"); r.code != 0 {
		t.Errorf("drift -l team=none: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	// One source alone: the selector is that source's.
	r = h.run("list", "vpcs", "-l", "team=db", "--source", "git", "-o", "name")
	if r.code != 0 || r.stdout != "" {
		t.Errorf("git source: exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
}

func TestListKubectlOutputForms(t *testing.T) {
	h, _ := labProd(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"list", "vpcs", "--fabric", "lab", "-o", "name"}, "vpc.vpc.githedgehog.com/vpc-1\nvpc.vpc.githedgehog.com/vpc-2\nvpc.vpc.githedgehog.com/vpc-3\nvpc.vpc.githedgehog.com/vpc-legacy\n"},
		{[]string{"list", "vpcs", "--fabric", "lab", "-o", "jsonpath={.items[*].metadata.name}"}, "vpc-1 vpc-2 vpc-3 vpc-legacy"},
		{[]string{"list", "vpcs", "--fabric", "lab", "--sort-by", ".spec.subnets.default.vlan", "-o", "custom-columns=NAME:.metadata.name,VLAN:.spec.subnets.default.vlan,SYNC:.metadata.annotations.hnp\\.githedgehog\\.com/sync"},
			"NAME\tVLAN\tSYNC\nvpc-1\t1001\tinSync\nvpc-3\t1003\tmissingFromCluster\nvpc-legacy\t1009\tnotInGit\nvpc-2\t1099\tdrifted\n"},
		{[]string{"list", "vpcs", "--fabric", "lab", "--sort-by", "{.metadata.annotations.hnp\\.githedgehog\\.com/sync}", "--no-headers"},
			"vpc-2\tdrifted\tcluster\tdefault\t1099\nvpc-1\tinSync\tcluster\tdefault\t1001\nvpc-3\tmissingFromCluster\tgit\tdefault\t1003\nvpc-legacy\tnotInGit\tcluster\tdefault\t1009\n"},
		{[]string{"get", "vpc", "vpc-1", "vpc-3", "-o", "name"}, "vpc.vpc.githedgehog.com/vpc-1\nvpc.vpc.githedgehog.com/vpc-3\n"},
		{[]string{"get", "vpc/vpc-2", "sw/leaf-01", "--no-headers", "-o", "custom-columns=KIND:.kind,NAME:.metadata.name"}, "VPC\tvpc-2\nSwitch\tleaf-01\n"},
		{[]string{"get", "vpc", "vpc-2", "-o", "jsonpath={.spec.subnets.default.vlan}"}, "1002"},
		{[]string{"get", "vpc", "vpc-2", "--source", "cluster", "-o", "jsonpath={.spec.subnets.default.vlan}"}, "1099"},
		{[]string{"get", "vpc", "vpc-2", "vpc-1", "--sort-by", ".metadata.name", "-o", "jsonpath={.items[*].metadata.name}"}, "vpc-1 vpc-2"},
	}
	for _, tt := range tests {
		r := h.run(tt.args...)
		if r.code != 0 || r.stdout != tt.want {
			t.Errorf("%v: exit %d\n got %q\nwant %q\n%s", tt.args, r.code, r.stdout, tt.want, r.stderr)
		}
	}
}

func TestGetSeveralNamesReportsMissingOnes(t *testing.T) {
	h, _ := labProd(t)
	r := h.run("get", "vpc", "vpc-1", "nope-1", "vpc-3", "nope-2", "-o", "name")
	if r.code != 2 {
		t.Errorf("exit %d, want 2", r.code)
	}
	if r.stdout != "vpc.vpc.githedgehog.com/vpc-1\nvpc.vpc.githedgehog.com/vpc-3\n" {
		t.Errorf("the objects found are printed: %q", r.stdout)
	}
	for _, want := range []string{`VPC "nope-1" not found in Git for fabric lab`, `VPC "nope-2" not found in Git`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	r = h.run("get", "vpc", "vpc-1", "vpc-3", "-o", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"kind": "List"`) {
		t.Errorf("several names print a List: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r = h.run("get", "vpc/vpc-1", "vpc-3"); r.code != 2 || !strings.Contains(r.stderr, "every argument is KIND/NAME") {
		t.Errorf("mixed forms: exit %d %s", r.code, r.stderr)
	}
	if r = h.run("list", "vpcs", "-o", "jsonpath"); r.code != 2 || !strings.Contains(r.stderr, "-o jsonpath needs a template") {
		t.Errorf("jsonpath without template: exit %d %s", r.code, r.stderr)
	}
}

// "Your edit was saved" appears only when an edit could have been lost.
func TestEditSavedNoticeOnlyWhenAtRisk(t *testing.T) {
	h, _ := editFabric(t)
	// The editor fails before anything was edited: nothing to save.
	writeEditor(t, h, "exit 3\n")
	r := h.run("edit", "vpc", "vpc-1")
	if r.code != 2 || !strings.Contains(r.stderr, "the editor failed") || strings.Contains(r.stderr, "saved") {
		t.Errorf("editor failed at once: exit %d: %s", r.code, r.stderr)
	}
	// (An interactive edit that fails later is saved: TestEditInteractive
	// and TestEditRemoteMovedOn.)
}

func TestDidYouMeanAndBoolFlagValues(t *testing.T) {
	h, _ := labProd(t)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"list", "--fabrc", "lab"}, 2, "unknown flag: --fabrc (did you mean --fabric?)"},
		{[]string{"drift", "--exit-cod=false"}, 2, "(did you mean --exit-code?)"},
		{[]string{"list", "vcp"}, 2, `unknown kind "vcp" (did you mean one of "vpc", "vpcs"?)`},
		{[]string{"list", "vpc", "--fabric", "prdo"}, 2, `unknown fabric "prdo" (did you mean "prod"?)`},
		{[]string{"lst"}, 2, "Did you mean this?\n\tget\n\tlist"},
		// A boolean flag takes "false" as its value, not as a kind.
		{[]string{"drift", "vpc", "--fabric", "lab", "--exit-code", "false", "-o", "json"}, 0, ""},
		{[]string{"drift", "--exit-code", "false", "vpc", "--fabric", "lab", "-o", "json"}, 0, ""},
		{[]string{"drift", "vpc", "--fabric", "lab", "--exit-code", "true", "-o", "json"}, 1, ""},
	}
	for _, tt := range tests {
		r := h.run(tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, want %d with %q:\n%s", tt.args, r.code, tt.code, tt.want, r.stderr)
		}
	}
}
