package fabric

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleConfig = `apiVersion: hnp.githedgehog.com/v1alpha1
kind: Config
defaultFabric: lab
fabrics:
- name: lab
  git:
    url: https://git.example.com/net/fabrics.git
    branch: main
    dir: fabrics/lab
    path: fabrics/lab/overlays/prod
    auth: {tokenEnv: HNP_GIT_TOKEN}
  cluster:
    kubeconfig: ~/.kube/config
    context: lab-ctrl
    namespace: fab
  ignore:
  - {kind: Switch, name: "leaf-*", paths: ["/spec/boot/mac"]}
  - {kind: Connection, namespace: fab, managers: [my-controller]}
  - {kind: VPC, jqPathExpressions: [".spec.subnets[].vlan"]}
  gitops: {flux: {kustomization: flux-system/lab}}
- name: prod
  git: {url: "git@git.example.com:net/fabrics.git", dir: fabrics/prod, auth: {sshKey: ~/.ssh/id_ed25519}}
  cluster: {context: prod-ctrl}
`

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadReadsEveryField(t *testing.T) {
	cfg, err := Load(writeConfig(t, sampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DefaultFabric != "lab" || len(cfg.Fabrics) != 2 {
		t.Fatalf("config = %+v", cfg)
	}
	lab := cfg.Fabrics[0]
	if lab.Git.URL != "https://git.example.com/net/fabrics.git" || lab.Git.Branch != "main" || lab.Git.Dir != "fabrics/lab" || lab.Git.Path != "fabrics/lab/overlays/prod" || lab.Git.RenderPath() != lab.Git.Path {
		t.Errorf("git = %+v", lab.Git)
	}
	if lab.Git.Auth == nil || lab.Git.Auth.TokenEnv != "HNP_GIT_TOKEN" {
		t.Errorf("auth = %+v", lab.Git.Auth)
	}
	if c := lab.Cluster; c.Kubeconfig != "~/.kube/config" || c.Context != "lab-ctrl" || c.Namespace != "fab" || len(c.Namespaces) != 0 {
		t.Errorf("cluster = %+v", lab.Cluster)
	}
	if len(lab.Ignore) != 3 || len(lab.Ignore[2].JQPathExpressions) != 1 || lab.Ignore[2].JQPathExpressions[0] != ".spec.subnets[].vlan" || lab.Ignore[0].Kind != "Switch" || lab.Ignore[0].Name != "leaf-*" || lab.Ignore[0].Paths[0] != "/spec/boot/mac" ||
		lab.Ignore[1].Namespace != "fab" || len(lab.Ignore[1].Managers) != 1 || lab.Ignore[1].Managers[0] != "my-controller" {
		t.Errorf("ignore = %+v", lab.Ignore)
	}
	if lab.GitOps.FluxKustomization() != "flux-system/lab" || lab.GitOps.ArgoCDApplication() != "" {
		t.Errorf("gitops = %+v", lab.GitOps)
	}
	prod := cfg.Fabrics[1]
	if prod.GitOps.FluxKustomization() != "" || prod.GitOps.ArgoCDApplication() != "" {
		t.Errorf("prod gitops = %+v", prod.GitOps)
	}
	if prod.Git.Auth == nil || prod.Git.Auth.SSHKey != "~/.ssh/id_ed25519" || prod.Namespace() != "default" {
		t.Errorf("prod = %+v", prod)
	}
}

func TestNamespacesOfAFabricSpanningSeveral(t *testing.T) {
	cfg, err := Load(writeConfig(t, "fabrics:\n- name: a\n  git: {url: /r}\n  cluster: {namespaces: [net-a, net-b, net-a]}\n"+
		"- name: b\n  git: {url: /r}\n  cluster: {namespace: main, namespaces: [extra, main]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	a, b := cfg.Fabrics[0], cfg.Fabrics[1]
	if a.Namespace() != "net-a" || strings.Join(a.Namespaces(), ",") != "net-a,net-b" {
		t.Errorf("a: namespace %q, namespaces %v", a.Namespace(), a.Namespaces())
	}
	if b.Namespace() != "main" || strings.Join(b.Namespaces(), ",") != "main,extra" {
		t.Errorf("b: namespace %q, namespaces %v", b.Namespace(), b.Namespaces())
	}
	var none Fabric
	if strings.Join(none.Namespaces(), ",") != "default" {
		t.Errorf("unset: namespaces %v", none.Namespaces())
	}
}

func TestLoadMissingFileIsEmpty(t *testing.T) {
	cfg, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err != nil || len(cfg.Fabrics) != 0 {
		t.Fatalf("Load(missing) = %+v, %v", cfg, err)
	}
}

func TestLoadRejectsBadConfigs(t *testing.T) {
	tests := map[string]string{
		"not yaml":       "fabrics: [",
		"wrong kind":     "kind: Other\n",
		"wrong version":  "apiVersion: hnp.githedgehog.com/v9\n",
		"no url":         "fabrics:\n- name: a\n  git: {dir: x}\n",
		"bad name":       "fabrics:\n- name: A B\n  git: {url: /r}\n",
		"twice":          "fabrics:\n- name: a\n  git: {url: /r}\n- name: a\n  git: {url: /s}\n",
		"escaping dir":   "fabrics:\n- name: a\n  git: {url: /r, dir: ../x}\n",
		"absolute dir":   "fabrics:\n- name: a\n  git: {url: /r, dir: /etc}\n",
		"escaping path":  "fabrics:\n- name: a\n  git: {url: /r, dir: x, path: x/../../y}\n",
		"absolute path":  "fabrics:\n- name: a\n  git: {url: /r, path: /etc}\n",
		"bad default":    "defaultFabric: b\nfabrics:\n- name: a\n  git: {url: /r}\n",
		"two auths":      "fabrics:\n- name: a\n  git: {url: /r, auth: {tokenEnv: X, sshKey: k}}\n",
		"ignore kind":    "fabrics:\n- name: a\n  git: {url: /r}\n  ignore: [{kind: Pod, paths: [/spec]}]\n",
		"ignore path":    "fabrics:\n- name: a\n  git: {url: /r}\n  ignore: [{kind: sw, paths: [spec.boot]}]\n",
		"ignore empty":   "fabrics:\n- name: a\n  git: {url: /r}\n  ignore: [{kind: sw}]\n",
		"flux no ns":     "fabrics:\n- name: a\n  git: {url: /r}\n  gitops: {flux: {kustomization: lab}}\n",
		"argo bad name":  "fabrics:\n- name: a\n  git: {url: /r}\n  gitops: {argocd: {application: argocd/Lab_1}}\n",
		"bad namespace":  "fabrics:\n- name: a\n  git: {url: /r}\n  cluster: {namespace: Fab_1}\n",
		"bad namespaces": "fabrics:\n- name: a\n  git: {url: /r}\n  cluster: {namespaces: [ok, \"\"]}\n",
		"bad webhooks":   "fabrics:\n- name: a\n  git: {url: /r}\n  hedgehog: {webhooks: maybe}\n",
		"bad reserved":   "fabrics:\n- name: a\n  git: {url: /r}\n  hedgehog: {config: {reservedSubnets: [10.0.0.0/8, 172.28/16]}}\n",
		"bad vlan range": "fabrics:\n- name: a\n  git: {url: /r}\n  hedgehog: {config: {vpcIRBVLANRange: {from: 3999, to: 3000}}}\n",
	}
	for name, body := range tests {
		p := writeConfig(t, body)
		if _, err := Load(p); err == nil {
			t.Errorf("%s: Load accepted %q", name, body)
		} else if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
	}
}

func TestSaveRoundTripAtomic0600(t *testing.T) {
	cfg, err := Load(writeConfig(t, sampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "sub", "config.yaml")
	if err := Save(p, cfg); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", st.Mode().Perm())
	}
	again, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if again.Fabrics[0].Git.Auth.TokenEnv != "HNP_GIT_TOKEN" || again.Fabrics[1].Cluster.Context != "prod-ctrl" || again.DefaultFabric != "lab" {
		t.Errorf("round trip lost data: %+v", again)
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	// An invalid config is not written.
	again.Fabrics = append(again.Fabrics, Fabric{Name: "lab", Git: GitSpec{URL: "/x"}})
	if err := Save(p, again); err == nil {
		t.Error("Save accepted a duplicate fabric")
	}
	if cfg2, _ := Load(p); len(cfg2.Fabrics) != 2 {
		t.Error("a failed Save changed the file")
	}
}

func TestResolve(t *testing.T) {
	cfg, err := Load(writeConfig(t, sampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	noDefault := *cfg
	noDefault.DefaultFabric = ""
	tests := []struct {
		name    string
		cfg     *Config
		sel     Selection
		single  bool
		want    []string
		wantErr string
	}{
		{name: "all for reads", cfg: cfg, want: []string{"lab", "prod"}},
		{name: "by name", cfg: cfg, sel: Selection{Names: []string{"prod"}}, want: []string{"prod"}},
		{name: "comma and repeat", cfg: cfg, sel: Selection{Names: []string{"prod,lab", "prod"}}, want: []string{"prod", "lab"}},
		{name: "unknown", cfg: cfg, sel: Selection{Names: []string{"nope"}}, wantErr: `unknown fabric "nope"; configured fabrics: lab, prod`},
		{name: "typo", cfg: cfg, sel: Selection{Names: []string{"prdo"}}, wantErr: `unknown fabric "prdo" (did you mean "prod"?); configured fabrics: lab, prod`},
		{name: "single uses default", cfg: cfg, single: true, want: []string{"lab"}},
		{name: "single needs a choice", cfg: &noDefault, single: true, wantErr: "choose one with --fabric"},
		{name: "single refuses two", cfg: cfg, single: true, sel: Selection{Names: []string{"lab,prod"}}, wantErr: "one fabric"},
		{name: "adhoc", cfg: &Config{}, sel: Selection{Repo: "/r", Dir: "f/x"}, want: []string{"adhoc"}},
		{name: "adhoc named borrows cluster", cfg: cfg, sel: Selection{Repo: "/r", Dir: "f/x", Names: []string{"lab"}}, want: []string{"lab"}},
		{name: "adhoc escaping", cfg: cfg, sel: Selection{Repo: "/r", Dir: "../x"}, wantErr: "leaves the repository"},
		{name: "dir without repo", cfg: cfg, sel: Selection{Dir: "x"}, wantErr: "go with --repo"},
		{name: "nothing configured", cfg: &Config{}, wantErr: "no fabrics configured"},
	}
	for _, tt := range tests {
		got, err := Resolve(tt.cfg, tt.sel, tt.single)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var names []string
		for _, f := range got {
			names = append(names, f.Name)
		}
		if strings.Join(names, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: got %v, want %v", tt.name, names, tt.want)
		}
		if tt.name == "adhoc named borrows cluster" && (got[0].Cluster.Context != "lab-ctrl" || got[0].Git.URL != "/r") {
			t.Errorf("adhoc fabric named lab = %+v", got[0])
		}
	}
}

// A config file that is a symbolic link (kept with one's dotfiles) stays a
// link: the file it points to is replaced.
func TestSaveFollowsASymlinkedConfig(t *testing.T) {
	cfg, err := Load(writeConfig(t, sampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	target, link := filepath.Join(dir, "dotfiles", "hnp.yaml"), filepath.Join(dir, "config.yaml")
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, []byte("fabrics: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := Save(link, cfg); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("config.yaml is no longer a symbolic link: %v %v", fi, err)
	}
	again, err := Load(target)
	if err != nil || len(again.Fabrics) != 2 {
		t.Errorf("the link's target was not updated: %v %v", again, err)
	}
}

func TestLoadNamesTheBadHedgehogConfigValue(t *testing.T) {
	p := writeConfig(t, "fabrics:\n- name: lab\n  git: {url: /r}\n  hedgehog: {config: {fabricSubnet: 172.30.128.0, spineASN: 65100}}\n")
	_, err := Load(p)
	if err == nil {
		t.Fatal("Load accepted a fabricSubnet that is not a prefix")
	}
	for _, want := range []string{p, `fabric "lab"`, `hedgehog.config: fabricSubnet "172.30.128.0": not a CIDR prefix`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}
