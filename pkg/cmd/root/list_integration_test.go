package root

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// labProd configures the lab fabric (a bare remote of the sample repository,
// on the lab control plane) and the prod fabric (same remote, prod control
// plane), with lab as the default.
func labProd(t *testing.T) (*harness, string) {
	t.Helper()
	remote := testbed.NewBareRemote(t, sampleFiles(t))
	h := newHarness(t)
	h.writeConfig("apiVersion: hnp.githedgehog.com/v1alpha1\nkind: Config\ndefaultFabric: lab\nfabrics:\n" +
		fabricYAML("lab", remote, "fabrics/lab", lab) + fabricYAML("prod", remote, "fabrics/prod", prod))
	return h, remote
}

func TestListVPCsBothSources(t *testing.T) {
	h, _ := labProd(t)
	r := h.run("list", "vpcs", "--fabric", "lab")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden(t, "list-vpcs-lab", r.stdout)
	for _, want := range []string{"vpc-1\tinSync", "vpc-2\tdrifted", "vpc-3\tmissingFromCluster", "vpc-legacy\tnotInGit"} {
		if !strings.Contains(r.stdout, want+"\t") {
			t.Errorf("missing row %q in\n%s", want, r.stdout)
		}
	}
}

func TestListAllKindsAllFabrics(t *testing.T) {
	h, _ := labProd(t)
	r := h.run("list")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden(t, "list-all", r.stdout)
	// Defaults the API server filled in (the Switch's linkFlapErrDisable
	// intervals) and labels the controller added are not drift.
	for _, want := range []string{"lab\tSwitch\tleaf-01\tinSync", "lab\tConnection\tserver-01--mclag--leaf-01--leaf-02\tinSync", "prod\tVPC\tprod-web\tinSync"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("missing %q in\n%s", want, r.stdout)
		}
	}
}

func TestListWideShowsFileAndLine(t *testing.T) {
	h, _ := labProd(t)
	r := h.run("list", "conn,sw", "-o", "wide", "--no-headers")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden(t, "list-conn-sw-wide", r.stdout)
}

func TestListJSONAnnotations(t *testing.T) {
	h, _ := labProd(t)
	r := h.run("list", "vpc", "--fabric", "lab", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var list struct {
		APIVersion, Kind string
		Items            []struct {
			Metadata struct {
				Name        string
				Annotations map[string]string
			}
			Spec struct {
				Subnets map[string]struct{ VLAN int64 }
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if list.APIVersion != "v1" || list.Kind != "List" || len(list.Items) != 4 {
		t.Fatalf("got %s %s with %d items", list.APIVersion, list.Kind, len(list.Items))
	}
	want := map[string][3]string{
		"vpc-1":      {"inSync", "fabrics/lab/vpcs/vpcs.yaml:3", ""},
		"vpc-2":      {"drifted", "fabrics/lab/vpcs/vpcs.yaml:19", ""},
		"vpc-3":      {"missingFromCluster", "fabrics/lab/vpcs/vpcs.yaml:34", ""},
		"vpc-legacy": {"notInGit", "", ""},
	}
	for _, it := range list.Items {
		a := it.Metadata.Annotations
		w := want[it.Metadata.Name]
		if a["hnp.githedgehog.com/fabric"] != "lab" || a["hnp.githedgehog.com/sync"] != w[0] || a["hnp.githedgehog.com/file"] != w[1] {
			t.Errorf("%s annotations = %v, want sync %q file %q", it.Metadata.Name, a, w[0], w[1])
		}
		// The cluster's copy is printed where it exists.
		if it.Metadata.Name == "vpc-2" && it.Spec.Subnets["default"].VLAN != 1099 {
			t.Errorf("vpc-2 should be the cluster's copy (vlan 1099), got %d", it.Spec.Subnets["default"].VLAN)
		}
	}
}

func TestListYAMLAndName(t *testing.T) {
	h, _ := labProd(t)
	r := h.run("list", "sw", "-o", "name")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden(t, "list-sw-name", r.stdout)
	r = h.run("list", "ipns", "--fabric", "lab", "-o", "yaml", "--source", "git")
	if r.code != 0 || !strings.Contains(r.stdout, "kind: List") || !strings.Contains(r.stdout, "hnp.githedgehog.com/file: fabrics/lab/namespaces.yaml:2") {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "hnp.githedgehog.com/sync") {
		t.Errorf("a single source has no sync annotation:\n%s", r.stdout)
	}
}

func TestListSelectorAndSources(t *testing.T) {
	h, _ := labProd(t)
	r := h.run("list", "vpcs", "-l", "team=db", "--fabric", "lab", "--no-headers")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "vpc-2\tdrifted\tcluster\tdefault\t1099" {
		t.Fatalf("exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
	r = h.run("list", "vpcs", "--source", "git", "--fabric", "lab", "--no-headers", "-o", "name")
	if r.code != 0 || r.stdout != "vpc.vpc.githedgehog.com/vpc-1\nvpc.vpc.githedgehog.com/vpc-2\nvpc.vpc.githedgehog.com/vpc-3\n" {
		t.Fatalf("git source: exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
	r = h.run("list", "vpcs", "--source", "cluster", "--fabric", "lab", "-o", "name")
	if r.code != 0 || r.stdout != "vpc.vpc.githedgehog.com/vpc-1\nvpc.vpc.githedgehog.com/vpc-2\nvpc.vpc.githedgehog.com/vpc-legacy\n" {
		t.Fatalf("cluster source: exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
}

func TestListFabricFromEnv(t *testing.T) {
	h, _ := labProd(t)
	h.env["HNP_FABRIC"] = "prod"
	r := h.run("list", "vpc", "-o", "name")
	if r.code != 0 || r.stdout != "vpc.vpc.githedgehog.com/prod-web\n" {
		t.Fatalf("exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
	// An explicit flag beats the environment.
	r = h.run("list", "vpc", "-o", "name", "--fabric", "lab", "--source", "git")
	if r.code != 0 || !strings.Contains(r.stdout, "vpc-1") {
		t.Fatalf("exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
}

func TestListAdhocWorkTree(t *testing.T) {
	wt := testbed.NewWorkTree(t, sampleFiles(t))
	// An uncommitted file in the working tree is read in place.
	extra := "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-wip}\nspec: {}\n"
	if err := os.WriteFile(filepath.Join(wt, "fabrics/lab/wip.yaml"), []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	t.Chdir(wt)
	r := h.run("list", "vpcs", "--repo", ".", "--dir", "fabrics/lab", "--kubeconfig", lab.KubeconfigPath, "--context", lab.Context, "--no-headers", "-o", "wide")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "vpc-wip\tdefault\tmissingFromCluster") || !strings.Contains(r.stdout, "fabrics/lab/wip.yaml:1") {
		t.Errorf("uncommitted object not read in place:\n%s", r.stdout)
	}
}

func TestGetDesiredAndActual(t *testing.T) {
	h, _ := labProd(t)
	r := h.run("get", "vpc", "vpc-2", "-o", "yaml")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden(t, "get-vpc-2-git", r.stdout)
	r = h.run("get", "vpc/vpc-2", "--fabric", "lab", "--source", "cluster", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var obj struct {
		Metadata struct{ UID string }
		Spec     struct {
			Subnets map[string]struct{ VLAN int64 }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &obj); err != nil {
		t.Fatal(err)
	}
	if obj.Metadata.UID == "" || obj.Spec.Subnets["default"].VLAN != 1099 {
		t.Errorf("cluster copy expected (uid, vlan 1099): %s", r.stdout)
	}
	if strings.Contains(r.stdout, "managedFields") {
		t.Errorf("managedFields are hidden unless asked for, as kubectl does")
	}
	if r = h.run("get", "vpc/vpc-2", "--source", "cluster", "-o", "yaml", "--show-managed-fields"); !strings.Contains(r.stdout, "managedFields") {
		t.Errorf("--show-managed-fields: %s %s", r.stdout, r.stderr)
	}
	// The managed fields print as kubectl prints them (the field sets as
	// objects, not the JSON text a LIST page leaves them as), from get
	// and from list.
	type managed struct {
		Metadata struct {
			ManagedFields []any `json:"managedFields"`
		} `json:"metadata"`
		Items []json.RawMessage `json:"items"`
	}
	out, err := exec.Command("kubectl", "--kubeconfig", lab.KubeconfigPath, "--context", lab.Context, "get", "vpc", "vpc-2", "-n", "default",
		"-o", "json", "--show-managed-fields").Output()
	var want managed
	if err == nil {
		err = json.Unmarshal(out, &want)
	}
	if err != nil || len(want.Metadata.ManagedFields) == 0 {
		t.Fatalf("kubectl get: %v %s", err, out)
	}
	for _, args := range [][]string{{"get", "vpc/vpc-2", "--source", "cluster", "-o", "json", "--show-managed-fields"},
		{"list", "vpc", "--fabric", "lab", "--source", "cluster", "-o", "json", "--show-managed-fields"}} {
		r = h.run(args...)
		var got managed
		err := json.Unmarshal([]byte(r.stdout), &got)
		for _, it := range got.Items { // list: find vpc-2
			var named struct {
				Metadata struct{ Name string } `json:"metadata"`
			}
			if json.Unmarshal(it, &named) == nil && named.Metadata.Name == "vpc-2" {
				err = json.Unmarshal(it, &got)
			}
		}
		if err != nil || r.code != 0 || !reflect.DeepEqual(got.Metadata.ManagedFields, want.Metadata.ManagedFields) {
			t.Errorf("%v: managedFields %v (exit %d, %v) %s, want kubectl's %v", args, got.Metadata.ManagedFields, r.code, err, r.stderr, want.Metadata.ManagedFields)
		}
	}
	r = h.run("get", "SW", "leaf-01", "--no-headers")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "leaf-01\tserver-leaf\tvs\n") {
		t.Errorf("table: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
}

func TestGetNotFound(t *testing.T) {
	h, _ := labProd(t)
	for _, src := range []string{"git", "cluster"} {
		r := h.run("get", "vpc", "nope", "--source", src)
		if r.code != 2 || !strings.Contains(r.stderr, `Error: VPC "nope" not found`) || r.stdout != "" {
			t.Errorf("source %s: exit %d, stderr %q, stdout %q", src, r.code, r.stderr, r.stdout)
		}
	}
	// get acts on one fabric; without a default, it must be chosen.
	h.writeConfig(strings.Replace(mustRead(t, h.config), "defaultFabric: lab\n", "", 1))
	r := h.run("get", "vpc", "vpc-1")
	if r.code != 2 || !strings.Contains(r.stderr, "choose one with --fabric") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestBadArguments(t *testing.T) {
	h, _ := labProd(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"list", "pods"}, `unknown kind "pods"`},
		{[]string{"list", "vpc", "-o", "xml"}, `unknown output format "xml"; allowed formats: table, wide, json, yaml, name`},
		{[]string{"list", "--source", "s3"}, `unknown source "s3"`},
		{[]string{"list", "-l", "a=(b"}, "invalid label selector"},
		{[]string{"list", "--fabric", "nope"}, `unknown fabric "nope"; configured fabrics: lab, prod`},
		{[]string{"get", "vpc"}, "expected KIND NAME or KIND/NAME"},
		{[]string{"get", "vpc", "a", "--source", "both"}, `unknown source "both"`},
		{[]string{"list", "--repo", "/tmp", "--dir", "../etc"}, "leaves the repository"},
	}
	for _, tt := range tests {
		r := h.run(tt.args...)
		if r.code != 2 || !strings.HasPrefix(r.stderr, "Error: ") || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

func mustRead(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestKubectlPlugin runs the built binary through kubectl's plugin discovery.
func TestKubectlPlugin(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Fatalf("kubectl is needed for the plugin test: %v", err)
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "kubectl-hnp"), "../../../cmd/kubectl-hnp")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building: %v\n%s", err, out)
	}
	h, _ := labProd(t)
	cmd := exec.Command(kubectl, "hnp", "list", "vpcs", "--fabric", "lab", "--no-headers")
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOME="+h.env["HOME"], "XDG_CONFIG_HOME="+h.env["XDG_CONFIG_HOME"], "XDG_CACHE_HOME="+h.env["XDG_CACHE_HOME"], "HNP_CONFIG=", "HNP_FABRIC=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubectl hnp: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "vpc-2\tdrifted") {
		t.Errorf("kubectl hnp list:\n%s", out)
	}
	cmd = exec.Command(kubectl, "hnp", "get", "vpc", "nope")
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "HOME="+h.env["HOME"],
		"XDG_CONFIG_HOME="+h.env["XDG_CONFIG_HOME"], "XDG_CACHE_HOME="+h.env["XDG_CACHE_HOME"], "HNP_CONFIG=", "HNP_FABRIC=")
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Errorf("kubectl hnp get of a missing object: %v, want exit status 2", err)
	}
}

// Help stays short as kubectl's does; `options` lists kubectl's flags.
func TestHelpAndOptions(t *testing.T) {
	h := newHarness(t)
	r := h.run("list", "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "kubectl hnp list vpcs --fabric lab") || !strings.Contains(r.stdout, "--fabric strings") ||
		!strings.Contains(r.stdout, `Use "kubectl hnp options"`) || strings.Contains(r.stdout, "--as-uid") {
		t.Errorf("list --help:\n%s", r.stdout)
	}
	r = h.run("options")
	if r.code != 0 || !strings.Contains(r.stdout, "--as-uid") || !strings.Contains(r.stdout, "--kubeconfig") {
		t.Errorf("options:\n%s", r.stdout)
	}
	r = h.run("list", "--bogus")
	if r.code != 2 || !strings.Contains(r.stderr, "unknown flag: --bogus") {
		t.Errorf("unknown flag: exit %d %s", r.code, r.stderr)
	}
}
