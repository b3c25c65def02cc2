package completion_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/cmd/completion"
	"github.com/githedgehog/kubectl-hnp/pkg/cmd/root"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// fixture is a fabric directory with three VPCs and two switches.
var fixture = map[string]string{
	"fabrics/lab/vpcs.yaml": `# the lab's VPCs
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
spec: {}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-2
spec: {}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: web
spec: {}
`,
	"fabrics/lab/switches.yaml": `apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-01
spec: {}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: spine-01
spec: {}
`,
	"fabrics/prod/vpcs.yaml": `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: prod-vpc
spec: {}
`,
}

// env is the environment of one test's kubectl-hnp: a home, a cache and a
// config file of its own.
type env struct {
	vars map[string]string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	home := t.TempDir()
	return &env{vars: map[string]string{
		"HOME":            home,
		"XDG_CACHE_HOME":  filepath.Join(home, ".cache"),
		"XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"HNP_CONFIG":      filepath.Join(home, "config.yaml"),
	}}
}

// writeConfig writes the config file with the given fabrics.
func (e *env) writeConfig(t *testing.T, fabs ...fabric.Fabric) {
	t.Helper()
	cfg := &fabric.Config{APIVersion: fabric.ConfigAPIVersion, Kind: fabric.ConfigKind, Fabrics: fabs}
	if err := fabric.Save(e.vars["HNP_CONFIG"], cfg); err != nil {
		t.Fatal(err)
	}
}

// run runs kubectl-hnp in process and returns its exit code and output.
func (e *env) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := cmdutil.NewFactory(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	f.Getenv = func(k string) string { return e.vars[k] }
	code := root.Run(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

// complete asks cobra's __complete for the completions of args and returns
// the candidates (without descriptions) and the directive line.
func (e *env) complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	code, out, errOut := e.run(t, append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %q: exit %d, stderr:\n%s", args, code, errOut)
	}
	return parseCompletions(t, out)
}

func parseCompletions(t *testing.T, out string) ([]string, string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], ":") {
		t.Fatalf("no directive in completion output:\n%s", out)
	}
	var comps []string
	for _, l := range lines[:len(lines)-1] {
		name, _, _ := strings.Cut(l, "\t")
		comps = append(comps, name)
	}
	return comps, lines[len(lines)-1]
}

// commands returns the names of kubectl-hnp's available subcommands, and of
// those that name one object ("VERB KIND NAME | KIND/NAME"): every one of
// them must complete kinds and names. At least get is one.
func commands(t *testing.T) (all, object []string) {
	t.Helper()
	cmd := root.NewCmd(cmdutil.NewFactory(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}))
	for _, c := range cmd.Commands() {
		if !c.IsAvailableCommand() {
			continue
		}
		all = append(all, c.Name())
		if strings.HasPrefix(c.Use, c.Name()+" KIND NAME") && strings.Contains(c.Use, "| KIND/NAME") {
			object = append(object, c.Name())
		}
	}
	for _, want := range []string{"list", "get", "drift", "fabric", "version", "completion"} {
		if !slices.Contains(all, want) {
			t.Fatalf("kubectl-hnp has no %s command: %v", want, all)
		}
	}
	if !slices.Contains(object, "get") {
		t.Fatalf("get does not take KIND NAME | KIND/NAME: %v", object)
	}
	slices.Sort(all)
	return all, object
}

// noFileComp is cobra's ShellCompDirectiveNoFileComp as __complete prints it.
const noFileComp = ":4"

func TestCompletionCommandPrintsScriptsForTheExecutable(t *testing.T) {
	e := newEnv(t)
	markers := map[string][]string{
		"bash":       {"complete -o default -F __start_kubectl-hnp kubectl-hnp", "__complete"},
		"zsh":        {"#compdef kubectl-hnp", "compdef _kubectl-hnp kubectl-hnp", "__complete"},
		"fish":       {"complete -c kubectl-hnp ", "__complete"},
		"powershell": {"Register-ArgumentCompleter -CommandName 'kubectl-hnp'", "__complete"},
	}
	for _, shell := range completion.Shells {
		code, out, errOut := e.run(t, "completion", shell)
		if code != 0 {
			t.Fatalf("completion %s: exit %d: %s", shell, code, errOut)
		}
		for _, m := range markers[shell] {
			if !strings.Contains(out, m) {
				t.Errorf("completion %s: the script lacks %q", shell, m)
			}
		}
		if strings.Contains(out, "__start_hnp") || strings.Contains(out, "compdef _hnp hnp") {
			t.Errorf("completion %s: the script completes the command name hnp instead of kubectl-hnp", shell)
		}
	}
}

func TestCompletionCommandRejectsUnknownShells(t *testing.T) {
	e := newEnv(t)
	for _, args := range [][]string{{"completion", "tcsh"}, {"completion"}, {"completion", "bash", "zsh"}} {
		code, out, errOut := e.run(t, args...)
		if code != 2 || out != "" || !strings.Contains(errOut, "Error:") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2, an error and no script", args, code, out, errOut)
		}
	}
	if err := completion.Generate(&bytes.Buffer{}, root.NewCmd(cmdutil.NewFactory(genericiooptions.IOStreams{})), "tcsh"); err == nil {
		t.Error("Generate(tcsh) succeeded")
	}
}

func TestGenerateLeavesTheCommandTreeAsItWas(t *testing.T) {
	cmd := root.NewCmd(cmdutil.NewFactory(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}))
	use, path := cmd.Use, cmd.CommandPath()
	for _, shell := range completion.Shells {
		if err := completion.Generate(&bytes.Buffer{}, cmd, shell); err != nil {
			t.Fatal(err)
		}
	}
	if cmd.Use != use || cmd.CommandPath() != path {
		t.Errorf("after Generate: Use %q, path %q; want %q, %q", cmd.Use, cmd.CommandPath(), use, path)
	}
}

func TestCompletesSubcommands(t *testing.T) {
	e := newEnv(t)
	all, _ := commands(t)
	got, dir := e.complete(t, "")
	got = slices.DeleteFunc(got, func(s string) bool { return s == "help" })
	if !slices.Equal(got, all) {
		t.Errorf("subcommands %v, want %v", got, all)
	}
	if dir != noFileComp {
		t.Errorf("directive %s, want %s", dir, noFileComp)
	}
	if got, _ := e.complete(t, "completion", ""); !slices.Equal(got, completion.Shells) {
		t.Errorf("completion's shells: %v, want %v", got, completion.Shells)
	}
}

func TestCompletesKinds(t *testing.T) {
	e := newEnv(t)
	type kindCase struct {
		args       []string
		want, lack []string
		exactly    bool
	}
	tests := []kindCase{
		// Nothing typed: singular and short names, "all" where lists are accepted.
		{args: []string{"list", ""}, want: []string{"all", "vpc", "vpcattachment", "vpcattach", "switch", "sw", "connection", "conn", "vlannamespace", "vlanns", "ipv4namespace", "ipns"}, lack: []string{"vpcs", "switches"}},
		{args: []string{"drift", ""}, want: []string{"all", "vpc", "sw"}},
		{args: []string{"get", ""}, want: []string{"vpc", "sw", "conn"}, lack: []string{"all"}},
		// A prefix: every accepted name, plurals too.
		{args: []string{"list", "sw"}, want: []string{"switch", "sw", "switches", "switchgroup", "switchgroups"}, exactly: true},
		{args: []string{"get", "conn"}, want: []string{"connection", "conn", "connections"}, exactly: true},
		{args: []string{"list", "SW"}, want: []string{"switch", "sw", "switches", "switchgroup", "switchgroups"}, exactly: true},
		// The last element of a comma-separated list, skipping kinds already named.
		{args: []string{"list", "vpc,vpcs"}, want: nil, exactly: true},
		{args: []string{"list", "vpc,vpc"}, want: []string{"vpc,vpcattachment", "vpc,vpcattach", "vpc,vpcattachments", "vpc,vpcpeering", "vpc,vpcpeer", "vpc,vpcpeerings"}, exactly: true},
		{args: []string{"drift", "conn,sw,"}, want: []string{"conn,sw,vpc", "conn,sw,server"}, lack: []string{"conn,sw,sw", "conn,sw,switch", "conn,sw,conn", "conn,sw,all"}},
		// Arguments past the kinds get nothing.
		{args: []string{"list", "vpc", ""}, want: nil, exactly: true},
		{args: []string{"get", "vpc", "vpc-1", ""}, want: nil, exactly: true},
		{args: []string{"get", "nosuchkind", ""}, want: nil, exactly: true},
		{args: []string{"get", "nosuchkind/"}, want: nil, exactly: true},
	}
	_, object := commands(t)
	for _, verb := range object {
		tests = append(tests, kindCase{args: []string{verb, ""}, want: []string{"vpc", "server", "srv"}, lack: []string{"all"}})
	}
	for _, tt := range tests {
		got, dir := e.complete(t, tt.args...)
		if dir != noFileComp {
			t.Errorf("%q: directive %s, want %s (no file names)", tt.args, dir, noFileComp)
		}
		if tt.exactly {
			if !slices.Equal(got, tt.want) {
				t.Errorf("%q: got %q, want %q", tt.args, got, tt.want)
			}
			continue
		}
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: %q lacks %q", tt.args, got, w)
			}
		}
		for _, l := range tt.lack {
			if slices.Contains(got, l) {
				t.Errorf("%q: %q has %q", tt.args, got, l)
			}
		}
	}
}

func TestCompletesFlagValues(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"drift", "-o", ""}, []string{"table", "wide", "json", "yaml", "diff", "junit", "markdown", "sarif", "github", "html"}},
		{[]string{"drift", "--output", "j"}, []string{"json", "junit"}},
		{[]string{"list", "-o", ""}, []string{"table", "wide", "json", "yaml", "name", "jsonpath=", "custom-columns="}},
		{[]string{"get", "-o", ""}, []string{"table", "wide", "json", "yaml", "name", "jsonpath=", "custom-columns="}},
		{[]string{"version", "-o", ""}, []string{"text", "json", "yaml"}},
		{[]string{"fabric", "show", "-o", ""}, []string{"yaml", "json"}},
		{[]string{"list", "--source", ""}, []string{"git", "cluster", "both"}},
		{[]string{"get", "--source", ""}, []string{"git", "cluster"}},
	}
	// A template format is completed up to its "=", without a space.
	if got, dir := e.complete(t, "list", "-o", "jsonp"); !slices.Equal(got, []string{"jsonpath="}) || dir != ":6" {
		t.Errorf("list -o jsonp: got %q %s, want [jsonpath=] :6 (no space, no files)", got, dir)
	}
	for _, tt := range tests {
		got, dir := e.complete(t, tt.args...)
		// The shell filters by prefix; cobra hands every fixed choice over.
		if !slices.Equal(got, tt.want) || dir != noFileComp {
			t.Errorf("%q: got %q %s, want %q %s", tt.args, got, dir, tt.want, noFileComp)
		}
	}
}

// --output-file completes FORMAT= (no space after it), then file names.
func TestCompletesOutputFile(t *testing.T) {
	e := newEnv(t)
	got, dir := e.complete(t, "drift", "--output-file", "j")
	// ShellCompDirectiveNoSpace|NoFileComp
	if !slices.Equal(got, []string{"json=", "junit="}) || dir != ":6" {
		t.Errorf("formats: got %q %s", got, dir)
	}
	got, dir = e.complete(t, "drift", "--output-file", "sarif=dr")
	if len(got) != 0 || dir != ":0" {
		t.Errorf("after FORMAT=: got %q %s, want file completion (:0)", got, dir)
	}
}

func TestCompletesFabricNamesFromTheConfigFile(t *testing.T) {
	e := newEnv(t)
	e.writeConfig(t,
		fabric.Fabric{Name: "lab", Git: fabric.GitSpec{URL: "https://git.example.com/fabrics.git", Dir: "fabrics/lab"}},
		fabric.Fabric{Name: "prod", Git: fabric.GitSpec{URL: "https://git.example.com/fabrics.git", Dir: "fabrics/prod"}},
		fabric.Fabric{Name: "prod-eu", Git: fabric.GitSpec{URL: "https://git.example.com/fabrics.git", Dir: "fabrics/prod-eu"}},
	)
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"list", "--fabric", ""}, []string{"lab", "prod", "prod-eu"}},
		{[]string{"drift", "--fabric", "pr"}, []string{"prod", "prod-eu"}},
		// The shell script puts back the "--fabric=" it strips.
		{[]string{"drift", "--fabric=pr"}, []string{"prod", "prod-eu"}},
		{[]string{"list", "--fabric", "lab,"}, []string{"lab,prod", "lab,prod-eu"}},
		{[]string{"list", "--fabric", "lab,prod,"}, []string{"lab,prod,prod-eu"}},
		{[]string{"--fabric", ""}, []string{"lab", "prod", "prod-eu"}},
		{[]string{"fabric", "show", ""}, []string{"lab", "prod", "prod-eu"}},
		{[]string{"fabric", "remove", "p"}, []string{"prod", "prod-eu"}},
		{[]string{"fabric", "show", "lab", ""}, nil},
	}
	for _, tt := range tests {
		got, dir := e.complete(t, tt.args...)
		if !slices.Equal(got, tt.want) || dir != noFileComp {
			t.Errorf("%q: got %q %s, want %q %s", tt.args, got, dir, tt.want, noFileComp)
		}
	}

	// --config picks another file.
	other := filepath.Join(t.TempDir(), "other.yaml")
	if err := fabric.Save(other, &fabric.Config{Fabrics: []fabric.Fabric{{Name: "edge", Git: fabric.GitSpec{URL: "/srv/git/edge"}}}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.complete(t, "list", "--config", other, "--fabric", ""); !slices.Equal(got, []string{"edge"}) {
		t.Errorf("--config %s: got %q, want [edge]", other, got)
	}
	// Descriptions name the repository and directory, never a password in its URL.
	e.writeConfig(t, fabric.Fabric{Name: "edge", Git: fabric.GitSpec{URL: "https://ci:s3cret@git.example.com/fabrics.git", Dir: "fabrics/edge"}})
	for _, args := range [][]string{{"__complete", "list", "--fabric", ""}, {"__complete", "fabric", "show", ""}} {
		_, out, _ := e.run(t, args...)
		if strings.Contains(out, "s3cret") || !strings.Contains(out, "edge\thttps://ci:***@git.example.com/fabrics.git fabrics/edge") {
			t.Errorf("%q: %q", args, out)
		}
	}
	// No config file: nothing, and no error.
	delete(e.vars, "HNP_CONFIG")
	if got, _ := e.complete(t, "list", "--fabric", ""); len(got) != 0 {
		t.Errorf("without a config file: got %q", got)
	}
}

func TestCompletesKubeContexts(t *testing.T) {
	e := newEnv(t)
	kc := writeKubeconfig(t, "http://127.0.0.1:1", "lab-ctrl", "prod-ctrl")
	got, dir := e.complete(t, "list", "--kubeconfig", kc, "--context", "")
	if !slices.Equal(got, []string{"lab-ctrl", "prod-ctrl"}) || dir != noFileComp {
		t.Errorf("--context: got %q %s", got, dir)
	}
}

// countingServer is an API server stand-in that counts the requests it gets.
func countingServer(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Error(w, "completion must not contact the cluster", http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

func writeKubeconfig(t *testing.T, server string, contexts ...string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: %q}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n", server)
	for _, c := range contexts {
		fmt.Fprintf(&b, "- name: %s\n  context: {cluster: c, user: u}\n", c)
	}
	fmt.Fprintf(&b, "current-context: %s\n", contexts[0])
	p := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCompletesObjectNamesFromAWorkingTreeWithoutTheCluster(t *testing.T) {
	e := newEnv(t)
	server, requests := countingServer(t)
	kc := writeKubeconfig(t, server, "lab")
	tree := testbed.NewWorkTree(t, fixture)
	e.writeConfig(t,
		fabric.Fabric{Name: "lab", Git: fabric.GitSpec{URL: tree, Dir: "fabrics/lab"}, Cluster: fabric.ClusterSpec{Kubeconfig: kc, Context: "lab"}},
		fabric.Fabric{Name: "prod", Git: fabric.GitSpec{URL: tree, Dir: "fabrics/prod"}, Cluster: fabric.ClusterSpec{Kubeconfig: kc, Context: "lab"}},
	)
	type nameCase struct{ args, want []string }
	tests := []nameCase{
		{[]string{"get", "--fabric", "lab", "vpc", ""}, []string{"vpc-1", "vpc-2", "web"}},
		{[]string{"get", "--fabric", "lab", "vpcs", "vpc-"}, []string{"vpc-1", "vpc-2"}},
		{[]string{"get", "--fabric", "lab", "vpc/"}, []string{"vpc/vpc-1", "vpc/vpc-2", "vpc/web"}},
		{[]string{"get", "--fabric", "lab", "conn", ""}, nil},
		{[]string{"get", "--fabric", "prod", "vpc", ""}, []string{"prod-vpc"}},
		// drift: a NAME follows exactly one kind; without --fabric, every fabric's names.
		{[]string{"drift", "vpc", ""}, []string{"prod-vpc", "vpc-1", "vpc-2", "web"}},
		{[]string{"drift", "--fabric", "lab", "vpc", ""}, []string{"vpc-1", "vpc-2", "web"}},
		{[]string{"drift", "vpc,sw", ""}, nil},
		{[]string{"drift", "all", ""}, nil},
		// get acts on one fabric; with two and no default it cannot choose
		// one, and names of another fabric would mislead: nothing.
		{[]string{"get", "vpc", ""}, nil},
		// get takes several names: the ones given are not offered again.
		{[]string{"get", "--fabric", "lab", "vpc", "vpc-1", ""}, []string{"vpc-2", "web"}},
		{[]string{"get", "--fabric", "lab", "vpc/vpc-1", "sw/"}, []string{"sw/leaf-01", "sw/spine-01"}},
		{[]string{"get", "--fabric", "lab", "vpc/vpc-1", "vpc/"}, []string{"vpc/vpc-2", "vpc/web"}},
		// sync takes KINDS [NAME], as drift.
		{[]string{"sync", "--fabric", "lab", "vpc", ""}, []string{"vpc-1", "vpc-2", "web"}},
		// A name already given: nothing more for edit; get goes on with KIND/.
		{[]string{"edit", "vpc/vpc-1", ""}, nil},
		// list takes no NAME.
		{[]string{"list", "vpc", ""}, nil},
	}
	// Every command naming one object: edit, delete, ...
	_, object := commands(t)
	for _, verb := range object {
		tests = append(tests,
			nameCase{[]string{verb, "--fabric", "lab", "sw", ""}, []string{"leaf-01", "spine-01"}},
			nameCase{[]string{verb, "--fabric", "lab", "Switch", "s"}, []string{"spine-01"}},
			nameCase{[]string{verb, "--fabric", "lab", "sw/l"}, []string{"sw/leaf-01"}},
		)
	}
	for _, tt := range tests {
		got, dir := e.complete(t, tt.args...)
		if !slices.Equal(got, tt.want) || dir != noFileComp {
			t.Errorf("%q: got %q %s, want %q %s", tt.args, got, dir, tt.want, noFileComp)
		}
	}

	// get goes on after KIND/NAME with KIND/, no space after it.
	if got, dir := e.complete(t, "get", "vpc/vpc-1", "sw"); !slices.Equal(got, []string{"switch/", "sw/", "switches/", "switchgroup/", "switchgroups/"}) || dir != ":6" {
		t.Errorf("get vpc/vpc-1 sw: got %q %s", got, dir)
	}

	// The default fabric is the one get would act on.
	cfg, err := fabric.Load(e.vars["HNP_CONFIG"])
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultFabric = "prod"
	if err := fabric.Save(e.vars["HNP_CONFIG"], cfg); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.complete(t, "get", "vpc", ""); !slices.Equal(got, []string{"prod-vpc"}) {
		t.Errorf("get vpc with default fabric prod: got %q, want [prod-vpc]", got)
	}
	if got, _ := e.complete(t, "drift", "vpc", ""); !slices.Equal(got, []string{"prod-vpc", "vpc-1", "vpc-2", "web"}) {
		t.Errorf("drift vpc reads every fabric, default or not: got %q", got)
	}
	// Uncommitted files of a working tree are read, as the commands read them.
	testbed.WriteFiles(t, tree, map[string]string{"fabrics/lab/new.yaml": "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-new\nspec: {}\n"})
	if got, _ := e.complete(t, "get", "--fabric", "lab", "vpc", "vpc-n"); !slices.Equal(got, []string{"vpc-new"}) {
		t.Errorf("uncommitted vpc-new: got %q", got)
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("completion sent %d requests to the cluster, want none", n)
	}
}

func TestCompletesObjectNamesOfAnAdhocRepo(t *testing.T) {
	e := newEnv(t)
	tree := testbed.NewWorkTree(t, fixture)
	got, _ := e.complete(t, "drift", "--repo", tree, "--dir", "fabrics/lab", "sw", "")
	if !slices.Equal(got, []string{"leaf-01", "spine-01"}) {
		t.Errorf("drift --repo --dir sw: got %q", got)
	}
	got, _ = e.complete(t, "get", "--repo", tree, "--dir", "fabrics/prod", "vpc/")
	if !slices.Equal(got, []string{"vpc/prod-vpc"}) {
		t.Errorf("get --repo --dir vpc/: got %q", got)
	}
}

func TestCompletesObjectNamesFromTheCacheOffline(t *testing.T) {
	e := newEnv(t)
	remote := testbed.NewBareRemote(t, fixture)
	e.writeConfig(t, fabric.Fabric{Name: "lab", Git: fabric.GitSpec{URL: remote, Branch: "main", Dir: "fabrics/lab"}})
	repos := filepath.Join(e.vars["XDG_CACHE_HOME"], "kubectl-hnp", "repos")

	// Nothing cached yet, and --offline: no names, and nothing is cloned.
	if got, _ := e.complete(t, "get", "--offline", "vpc", ""); len(got) != 0 {
		t.Errorf("empty cache, --offline: got %q", got)
	}
	entries, _ := os.ReadDir(repos)
	for _, en := range entries {
		if !strings.HasSuffix(en.Name(), ".lock") {
			t.Fatalf("completion with --offline cloned the remote into the cache: %s", en.Name())
		}
	}

	// Nothing cached yet: the first completion fills the cache.
	if got, _ := e.complete(t, "get", "vpc", ""); !slices.Equal(got, []string{"vpc-1", "vpc-2", "web"}) {
		t.Errorf("first use: got %q", got)
	}
	if entries, _ = os.ReadDir(repos); len(entries) == 0 {
		t.Errorf("the first completion should have filled the cache")
	}

	// The remote moves on; completion does not fetch, a command does.
	testbed.CommitFiles(t, remote, map[string]string{"fabrics/lab/more.yaml": "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-3\nspec: {}\n"}, "vpc-3")
	if got, _ := e.complete(t, "get", "vpc", ""); !slices.Equal(got, []string{"vpc-1", "vpc-2", "web"}) {
		t.Errorf("after a push, before a fetch: got %q, want the cached names", got)
	}
	if code, _, errOut := e.run(t, "list", "--source", "git", "vpc"); code != 0 {
		t.Fatalf("list --source git: exit %d: %s", code, errOut)
	}
	if got, _ := e.complete(t, "get", "vpc", ""); !slices.Equal(got, []string{"vpc-1", "vpc-2", "vpc-3", "web"}) {
		t.Errorf("after a fetch: got %q", got)
	}
}
