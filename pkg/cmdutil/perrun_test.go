package cmdutil

import (
	"strings"
	"testing"

	"k8s.io/client-go/rest"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Fabrics share a cluster's discovery, CRDs and deployer index only when
// the same credentials read it: a read-only token's fabric must not be
// read with an administrator's client.
func TestClusterKeySeparatesCredentials(t *testing.T) {
	base := func() *rest.Config {
		rc := &rest.Config{Host: "https://10.0.0.1:6443", BearerToken: "admin-token"}
		rc.CertData = []byte("cert")
		return rc
	}
	key := func(rc *rest.Config) string { return clusterKey(&Cluster{Host: rc.Host, RestConfig: rc}) }
	same := base()
	same.Host = "HTTPS://10.0.0.1:6443/"
	if key(base()) != key(same) {
		t.Fatal("the same server and credentials give different keys")
	}
	changes := map[string]func(*rest.Config){
		"host":              func(rc *rest.Config) { rc.Host = "https://10.0.0.2:6443" },
		"proxy path":        func(rc *rest.Config) { rc.Host = "https://10.0.0.1:6443/k8s/clusters/c-AbCd" },
		"bearer token":      func(rc *rest.Config) { rc.BearerToken = "viewer-token" },
		"token file":        func(rc *rest.Config) { rc.BearerTokenFile = "/var/run/token" },
		"client cert":       func(rc *rest.Config) { rc.CertData = []byte("other cert") },
		"client key file":   func(rc *rest.Config) { rc.KeyFile = "/keys/viewer.key" },
		"basic auth":        func(rc *rest.Config) { rc.Username, rc.Password = "viewer", "secret" },
		"impersonated user": func(rc *rest.Config) { rc.Impersonate.UserName = "viewer" },
		"impersonated group": func(rc *rest.Config) {
			rc.Impersonate.Groups = []string{"viewers"}
		},
		"exec plugin args": func(rc *rest.Config) {
			rc.ExecProvider = &clientcmdapi.ExecConfig{Command: "aws", Args: []string{"eks", "get-token", "--role", "viewer"}}
		},
		"exec plugin env": func(rc *rest.Config) {
			rc.ExecProvider = &clientcmdapi.ExecConfig{Command: "aws", Env: []clientcmdapi.ExecEnvVar{{Name: "AWS_PROFILE", Value: "viewer"}}}
		},
		"auth provider": func(rc *rest.Config) {
			rc.AuthProvider = &clientcmdapi.AuthProviderConfig{Name: "oidc", Config: map[string]string{"id-token": "x"}}
		},
	}
	for name, change := range changes {
		rc := base()
		change(rc)
		if key(rc) == key(base()) {
			t.Errorf("a different %s gives the same key", name)
		}
	}
	if k := key(base()); len(k) > 64 || strings.Contains(k, "admin-token") || strings.Contains(k, "cert") {
		t.Errorf("key %q holds a credential", k)
	}
}

func TestServerKey(t *testing.T) {
	for in, want := range map[string]string{
		"https://10.0.0.1:6443":                      "https://10.0.0.1:6443",
		"https://10.0.0.1:6443/":                     "https://10.0.0.1:6443",
		"HTTPS://Cluster.Example:6443/":              "https://cluster.example:6443",
		"https://rancher.example/k8s/clusters/c-Ab/": "https://rancher.example/k8s/clusters/c-Ab",
		"10.0.0.1:6443/":                             "10.0.0.1:6443",
	} {
		if got := serverKey(in); got != want {
			t.Errorf("serverKey(%q) = %q, want %q", in, got, want)
		}
	}
}
