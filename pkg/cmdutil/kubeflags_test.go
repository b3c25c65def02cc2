package cmdutil

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/rest"
)

// The kubeconfig of the parity test: two clusters, users with and without
// a token, a context with a namespace.
const parityKubeconfig = `apiVersion: v1
kind: Config
current-context: lab
clusters:
- name: a
  cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: ` + "bm90LWEtY2VydA==" + `}
- name: b
  cluster: {server: "https://10.1.2.3:6443", tls-server-name: api.b, proxy-url: "http://proxy.b:3128"}
users:
- name: u
  user: {token: tok-a}
- name: cert
  user: {client-certificate: /etc/c.crt, client-key: /etc/c.key}
- name: basic
  user: {username: admin, password: secret}
- name: plugin
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: get-token, args: [--cluster, b], interactiveMode: Never}
contexts:
- name: lab
  context: {cluster: a, user: u, namespace: lab-ns}
- name: prod
  context: {cluster: b, user: cert}
- name: old
  context: {cluster: b, user: basic}
- name: sso
  context: {cluster: a, user: plugin, namespace: sso-ns}
`

// kubectl's own flags (cli-runtime's ConfigFlags, as kubectl sets them up)
// and KubeFlags must offer the same flags and make the same rest.Config of
// the same command line.
func TestKubeFlagsMatchCLIRuntime(t *testing.T) {
	t.Setenv("KUBECACHEDIR", "/var/cache/kube-test")
	kubeconfig := writeKubeconfig(t, parityKubeconfig)
	t.Setenv("KUBECONFIG", kubeconfig)
	t.Setenv("KUBERNETES_SERVICE_HOST", "")

	newPair := func() (*pflag.FlagSet, *genericclioptions.ConfigFlags, *pflag.FlagSet, *KubeFlags) {
		theirs, ours := genericclioptions.NewConfigFlags(true).WithDeprecatedPasswordFlag(), NewKubeFlags()
		tfs, ofs := pflag.NewFlagSet("kubectl", pflag.ContinueOnError), pflag.NewFlagSet("hnp", pflag.ContinueOnError)
		theirs.AddFlags(tfs)
		ours.AddFlags(ofs)
		return tfs, theirs, ofs, ours
	}

	t.Run("flags", func(t *testing.T) {
		tfs, _, ofs, _ := newPair()
		type flag struct{ shorthand, typ, def string }
		collect := func(fs *pflag.FlagSet) map[string]flag {
			m := map[string]flag{}
			fs.VisitAll(func(f *pflag.Flag) { m[f.Name] = flag{f.Shorthand, f.Value.Type(), f.DefValue} })
			return m
		}
		theirs, ours := collect(tfs), collect(ofs)
		if len(ours) != 22 {
			t.Errorf("%d flags", len(ours))
		}
		if !reflect.DeepEqual(theirs, ours) {
			t.Errorf("flags differ:\nkubectl: %v\nours:    %v", theirs, ours)
		}
	})

	for _, args := range [][]string{
		nil,
		{"--context", "prod"},
		{"--context", "old"},
		{"--kubeconfig", kubeconfig, "--context", "prod", "-n", "other"},
		{"-s", "https://192.0.2.1:443", "--token", "tok-flag", "--insecure-skip-tls-verify"},
		{"--as", "alice", "--as-group", "g1", "--as-group", "g2", "--as-uid", "42", "--as-user-extra", "scope=a", "--as-user-extra", "scope=b", "--as-user-extra", "junk"},
		{"--cluster", "b", "--user", "cert", "--namespace", "ns1"},
		{"--request-timeout", "5s", "--disable-compression", "--proxy-url", "http://proxy.flag:8080"},
		{"--context", "prod", "--client-certificate", "/tmp/x.crt", "--client-key", "/tmp/x.key", "--certificate-authority", "/tmp/ca.crt", "--tls-server-name", "api.flag"},
		{"--username", "u2", "--password", "p2", "--context", "old"},
		{"--context", "sso"},
		{"--context", "no-such-context"},
		{"--kubeconfig", "/nonexistent/kubeconfig"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			tfs, theirs, ofs, ours := newPair()
			if err := tfs.Parse(args); err != nil {
				t.Fatal(err)
			}
			if err := ofs.Parse(args); err != nil {
				t.Fatal(err)
			}
			want, werr := theirs.ToRESTConfig()
			got, gerr := ours.ToRESTConfig()
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("errors differ: kubectl %v, ours %v", werr, gerr)
			}
			if werr != nil {
				if werr.Error() != gerr.Error() {
					t.Errorf("errors differ:\nkubectl: %v\nours:    %v", werr, gerr)
				}
				return
			}
			if w, g := proxyOf(t, want), proxyOf(t, got); w != g {
				t.Errorf("proxy: kubectl %q, ours %q", w, g)
			}
			if !reflect.DeepEqual(comparable(want), comparable(got)) {
				t.Errorf("rest.Config differs:\nkubectl: %+v\nours:    %+v", comparable(want), comparable(got))
			}
			wns, wset, _ := theirs.ToRawKubeConfigLoader().Namespace()
			gns, gset, _ := ours.ToRawKubeConfigLoader().Namespace()
			if wns != gns || wset != gset {
				t.Errorf("namespace: kubectl %q %v, ours %q %v", wns, wset, gns, gset)
			}
		})
	}
}

// comparable is c without its functions, which reflect cannot compare.
func comparable(c *rest.Config) *rest.Config {
	c = rest.CopyConfig(c)
	c.Proxy, c.Dial, c.WrapTransport = nil, nil, nil
	return c
}

// proxyOf is the proxy c sends a request to its server through.
func proxyOf(t *testing.T, c *rest.Config) string {
	t.Helper()
	if c.Proxy == nil {
		return ""
	}
	u, err := c.Proxy(&http.Request{URL: &url.URL{Scheme: "https", Host: "example.test"}})
	if err != nil || u == nil {
		return ""
	}
	return u.String()
}
