package cmdutil

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

func testFactory(env map[string]string) *Factory {
	f := NewFactory(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
	f.Getenv = func(k string) string { return env[k] }
	return f
}

func TestConfigNamedButMissingIsAnError(t *testing.T) {
	home := t.TempDir()
	missing := filepath.Join(home, "nope.yaml")
	env := map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config")}

	// The default location missing is an empty config, as before.
	cfg, err := testFactory(env).Config()
	if err != nil || len(cfg.Fabrics) != 0 {
		t.Fatalf("default location missing: %v, %v", cfg, err)
	}

	for _, tt := range []struct {
		name, flag, envVar, namedBy string
	}{
		{name: "--config", flag: missing, namedBy: "--config"},
		{name: "HNP_CONFIG", envVar: missing, namedBy: "HNP_CONFIG"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := map[string]string{"HOME": home, "HNP_CONFIG": tt.envVar}
			f := testFactory(e)
			f.ConfigPath = tt.flag
			_, err := f.Config()
			var nf *fabric.ConfigNotFoundError
			if !errors.As(err, &nf) || nf.Path != missing || nf.NamedBy != tt.namedBy {
				t.Fatalf("Config() = %v, want a ConfigNotFoundError for %s by %s", err, missing, tt.namedBy)
			}
			if !strings.HasPrefix(err.Error(), "config file "+missing+" not found") {
				t.Errorf("message %q", err)
			}
			if _, err := f.Fabrics(false); !errors.As(err, &nf) {
				t.Errorf("Fabrics() = %v, want the not-found error rather than \"no fabrics configured\"", err)
			}
			// An ad-hoc fabric does not need the file; one borrowing a
			// configured fabric's settings does.
			f.Repo, f.Dir = "https://git.example.com/fabrics.git", "fabrics/lab"
			if fabs, err := f.Fabrics(false); err != nil || len(fabs) != 1 || fabs[0].Git.URL != f.Repo {
				t.Errorf("ad-hoc Fabrics() = %v, %v", fabs, err)
			}
			f.FabricNames = []string{"lab"}
			if _, err := f.Fabrics(false); !errors.As(err, &nf) {
				t.Errorf("ad-hoc --fabric lab: Fabrics() = %v, want the not-found error", err)
			}
		})
	}
}

func writeKubeconfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const twoContexts = `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: {server: "https://127.0.0.1:6443"}
users:
- name: u
  user: {token: tok-never-shown}
contexts:
- name: prod
  context: {cluster: a, user: u}
- name: lab
  context: {cluster: a, user: u}
`

func TestKubeconfigWithoutCurrentContextSaysHowToPickOne(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		want       []string
	}{
		{"empty file", "", []string{"no current context: kubeconfig ", "defines no contexts", "--kubeconfig"}},
		{"no current-context", twoContexts, []string{"no current context in kubeconfig ", "--context NAME", "kubectl config use-context NAME", "its contexts: lab, prod"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := writeKubeconfig(t, tt.body)
			f := testFactory(map[string]string{"HOME": t.TempDir()})
			f.KubeFlags.KubeConfig = &p
			c, err := f.Cluster(&fabric.Fabric{Name: "lab"})
			if err == nil {
				t.Fatalf("Cluster() succeeded: %+v", c.RestConfig)
			}
			for _, w := range append(tt.want, p) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "tok-never-shown") {
				t.Errorf("error shows the token: %q", err)
			}
		})
	}
}

func TestKubeconfigContextChosenByFlagOrFabric(t *testing.T) {
	p := writeKubeconfig(t, twoContexts)
	f := testFactory(map[string]string{"HOME": t.TempDir()})
	f.KubeFlags.KubeConfig = &p
	c, err := f.Cluster(&fabric.Fabric{Name: "lab", Cluster: fabric.ClusterSpec{Context: "lab"}})
	if err != nil || c.Host != "https://127.0.0.1:6443" {
		t.Fatalf("fabric context: %v, %v", c, err)
	}
	ctx := "prod"
	f.KubeFlags.Context = &ctx
	if _, err := f.Cluster(&fabric.Fabric{Name: "lab"}); err != nil {
		t.Fatalf("--context: %v", err)
	}
}

// Without any kubeconfig file, the message says so instead of client-go's
// "no configuration has been provided".
func TestNoKubeconfigFileAtAll(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "absent")
	t.Setenv("KUBECONFIG", missing)
	t.Setenv("KUBERNETES_SERVICE_HOST", "") // not in-cluster
	f := testFactory(map[string]string{"HOME": t.TempDir()})
	_, err := f.Cluster(&fabric.Fabric{Name: "lab"})
	if err == nil || !strings.Contains(err.Error(), "no current context: there is no kubeconfig file (looked for "+missing+")") {
		t.Fatalf("Cluster() = %v", err)
	}
}

func TestLoopbackServer(t *testing.T) {
	for host, want := range map[string]bool{
		"https://127.0.0.1:6443": true, "https://127.8.9.1": true, "https://[::1]:443": true, "http://localhost:8001": true,
		"https://LOCALHOST.:6443": true, "127.0.0.1:6443": true, "localhost": true, "::1": true,
		"https://10.0.0.1:6443": false, "https://api.example.com": false, "https://localhost.example.com": false,
		"https://[2001:db8::1]:6443": false, "": false,
	} {
		if got := loopbackServer(host); got != want {
			t.Errorf("loopbackServer(%q) = %v, want %v", host, got, want)
		}
	}
}

// Fabrics of one kubeconfig context share one set of clients (one
// transport); a loopback server's responses are asked for plain unless the
// user chose with --disable-compression.
func TestClustersShareClientsPerContext(t *testing.T) {
	p := writeKubeconfig(t, twoContexts+"current-context: lab\n")
	f := testFactory(map[string]string{"HOME": t.TempDir()})
	f.KubeFlags.KubeConfig = &p
	a, err := f.Cluster(&fabric.Fabric{Name: "a", Cluster: fabric.ClusterSpec{Namespace: "ns-a"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Cluster(&fabric.Fabric{Name: "b", Cluster: fabric.ClusterSpec{Namespace: "ns-b"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.Cluster(&fabric.Fabric{Name: "c", Cluster: fabric.ClusterSpec{Context: "prod"}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Dynamic != b.Dynamic || a.RestConfig != b.RestConfig || a.Discovery != b.Discovery {
		t.Error("two fabrics of one context have clients of their own")
	}
	if a.Namespace != "ns-a" || b.Namespace != "ns-b" {
		t.Errorf("namespaces %q, %q", a.Namespace, b.Namespace)
	}
	if c.Dynamic == a.Dynamic {
		t.Error("another context shares the clients")
	}
	if !a.RestConfig.DisableCompression {
		t.Error("a loopback server's responses are compressed")
	}

	f = testFactory(map[string]string{"HOME": t.TempDir()})
	f.KubeFlags.KubeConfig = &p
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	f.AddGlobalFlags(fs)
	if err := fs.Parse([]string{"--disable-compression=false"}); err != nil {
		t.Fatal(err)
	}
	if a, err = f.Cluster(&fabric.Fabric{Name: "a"}); err != nil || a.RestConfig.DisableCompression {
		t.Errorf("--disable-compression=false: %v, disabled %v", err, a != nil && a.RestConfig.DisableCompression)
	}
}

// Every kube flag reaches each fabric's cluster, on top of the fabric's own
// kubeconfig and context. (--proxy-url and --as-user-extra were once dropped
// on the way.)
func TestKubeFlagsReachEveryFabric(t *testing.T) {
	p := writeKubeconfig(t, twoContexts)
	f := testFactory(map[string]string{"HOME": t.TempDir()})
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	f.AddGlobalFlags(fs)
	if err := fs.Parse([]string{"--proxy-url", "http://proxy.test:3128", "--as", "alice", "--as-group", "ops",
		"--as-user-extra", "scope=a", "--as-user-extra", "scope=b", "--request-timeout", "7s", "--tls-server-name", "api.test"}); err != nil {
		t.Fatal(err)
	}
	c, err := f.Cluster(&fabric.Fabric{Name: "lab", Cluster: fabric.ClusterSpec{Kubeconfig: p, Context: "lab"}})
	if err != nil {
		t.Fatal(err)
	}
	rc := c.RestConfig
	if rc.Host != "https://127.0.0.1:6443" || rc.BearerToken != "tok-never-shown" {
		t.Errorf("the fabric's kubeconfig was not used: %s", rc.Host)
	}
	if u, err := rc.Proxy(&http.Request{URL: &url.URL{Scheme: "https", Host: "127.0.0.1:6443"}}); err != nil || u == nil || u.Host != "proxy.test:3128" {
		t.Errorf("proxy %v, %v", u, err)
	}
	imp := rc.Impersonate
	if imp.UserName != "alice" || !reflect.DeepEqual(imp.Groups, []string{"ops"}) || !reflect.DeepEqual(imp.Extra, map[string][]string{"scope": {"a", "b"}}) {
		t.Errorf("impersonation %+v", imp)
	}
	if rc.Timeout != 7*time.Second || c.Timeout != 7*time.Second || rc.TLSClientConfig.ServerName != "api.test" {
		t.Errorf("timeout %s, server name %q", rc.Timeout, rc.TLSClientConfig.ServerName)
	}
}
