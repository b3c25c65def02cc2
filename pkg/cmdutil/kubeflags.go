package cmdutil

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/homedir"
)

// KubeFlags are kubectl's flags for reaching a cluster (--kubeconfig,
// --context, -n, --server, --token, --as, ...), with kubectl's names,
// shorthands, defaults and meaning, turned into a rest.Config by client-go's
// clientcmd as kubectl turns them. A nil field is a flag not offered.
//
// cli-runtime's genericclioptions.ConfigFlags is the same thing, but its
// package links cli-runtime's resource builder and with it client-go's
// scheme of every built-in kind, whose initialiser is the heaviest of all
// that run before main, on every command (docs/performance.md, start-up).
// TestKubeFlagsMatchCLIRuntime holds the two to the same flags and the same
// rest.Config.
type KubeFlags struct {
	KubeConfig *string
	// CacheDir is accepted as kubectl accepts it; kubectl-hnp keeps no
	// discovery cache there.
	CacheDir *string

	CertFile             *string
	KeyFile              *string
	BearerToken          *string
	Impersonate          *string
	ImpersonateUID       *string
	ImpersonateGroup     *[]string
	ImpersonateUserExtra *[]string
	Username             *string
	Password             *string

	ClusterName  *string
	AuthInfoName *string
	Namespace    *string
	Context      *string

	APIServer          *string
	TLSServerName      *string
	Insecure           *bool
	CAFile             *string
	Timeout            *string
	DisableCompression *bool
	ProxyURL           *string
}

// NewKubeFlags returns the flags kubectl offers, with kubectl's defaults:
// --request-timeout 0 (none) and --cache-dir $KUBECACHEDIR or ~/.kube/cache.
// --username and --password, deprecated in kubectl and hidden unless
// enabled there, are offered too.
func NewKubeFlags() *KubeFlags {
	s := func(v string) *string { return &v }
	b := func() *bool { v := false; return &v }
	l := func() *[]string { return &[]string{} }
	return &KubeFlags{
		KubeConfig: s(""), CacheDir: s(defaultKubeCacheDir()),
		CertFile: s(""), KeyFile: s(""), BearerToken: s(""), Impersonate: s(""), ImpersonateUID: s(""),
		ImpersonateGroup: l(), ImpersonateUserExtra: l(), Username: s(""), Password: s(""),
		ClusterName: s(""), AuthInfoName: s(""), Namespace: s(""), Context: s(""),
		APIServer: s(""), TLSServerName: s(""), Insecure: b(), CAFile: s(""), Timeout: s("0"),
		DisableCompression: b(), ProxyURL: s(""),
	}
}

// defaultKubeCacheDir is kubectl's default --cache-dir.
func defaultKubeCacheDir() string {
	if d := os.Getenv("KUBECACHEDIR"); d != "" {
		return d
	}
	return filepath.Join(homedir.HomeDir(), ".kube", "cache")
}

// Copy returns a copy pointing at the same values: give a field of the copy
// a pointer of its own to change it there alone.
func (k *KubeFlags) Copy() *KubeFlags {
	c := *k
	return &c
}

// AddFlags binds the flags that are offered to fs.
func (k *KubeFlags) AddFlags(fs *pflag.FlagSet) {
	str := func(p *string, name, short, usage string) {
		if p != nil {
			fs.StringVarP(p, name, short, *p, usage)
		}
	}
	list := func(p *[]string, name, usage string) {
		if p != nil {
			fs.StringArrayVar(p, name, *p, usage)
		}
	}
	boolean := func(p *bool, name, usage string) {
		if p != nil {
			fs.BoolVar(p, name, *p, usage)
		}
	}
	str(k.KubeConfig, "kubeconfig", "", "path of the kubeconfig file to use")
	str(k.CacheDir, "cache-dir", "", "kubectl's cache directory (accepted for compatibility; unused)")
	str(k.CertFile, "client-certificate", "", "path of a client certificate file for TLS")
	str(k.KeyFile, "client-key", "", "path of a client key file for TLS")
	str(k.BearerToken, "token", "", "bearer token to authenticate to the API server with")
	str(k.Impersonate, "as", "", "user (or service account) to impersonate")
	str(k.ImpersonateUID, "as-uid", "", "UID to impersonate")
	list(k.ImpersonateGroup, "as-group", "group to impersonate; repeat the flag for several")
	list(k.ImpersonateUserExtra, "as-user-extra", "user extra (KEY=VALUE) to impersonate; repeat the flag for several")
	str(k.Username, "username", "", "user name for basic authentication to the API server")
	str(k.Password, "password", "", "password for basic authentication to the API server")
	str(k.ClusterName, "cluster", "", "name of the kubeconfig cluster to use")
	str(k.AuthInfoName, "user", "", "name of the kubeconfig user to use")
	str(k.Namespace, "namespace", "n", "namespace of the request")
	str(k.Context, "context", "", "name of the kubeconfig context to use")
	str(k.APIServer, "server", "s", "address and port of the Kubernetes API server")
	str(k.TLSServerName, "tls-server-name", "", "server name to check the server's certificate against (default: the host contacted)")
	boolean(k.Insecure, "insecure-skip-tls-verify", "do not check the server's certificate (insecure)")
	str(k.CAFile, "certificate-authority", "", "path of a certificate file of the certificate authority")
	str(k.Timeout, "request-timeout", "", "how long to wait for a single server request, with a unit (1s, 2m, 3h); 0 waits as long as it takes")
	boolean(k.DisableCompression, "disable-compression", "ask the server for uncompressed responses")
	str(k.ProxyURL, "proxy-url", "", "URL of a proxy to reach the API server through")
}

// ToRawKubeConfigLoader returns the kubeconfig loader the flags describe:
// the kubeconfig files ($KUBECONFIG or ~/.kube/config, or --kubeconfig)
// with the flags set on top. As in kubectl, a loader offering --password
// may prompt on stdin for credentials the kubeconfig lacks.
func (k *KubeFlags) ToRawKubeConfigLoader() clientcmd.ClientConfig {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.DefaultClientConfig = &clientcmd.DefaultClientConfig
	if k.KubeConfig != nil {
		rules.ExplicitPath = *k.KubeConfig
	}
	o := &clientcmd.ConfigOverrides{ClusterDefaults: clientcmd.ClusterDefaults}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	if k.CertFile != nil {
		o.AuthInfo.ClientCertificate, o.AuthInfo.ClientCertificateData = *k.CertFile, nil
	}
	if k.KeyFile != nil {
		o.AuthInfo.ClientKey, o.AuthInfo.ClientKeyData = *k.KeyFile, nil
	}
	if k.BearerToken != nil {
		o.AuthInfo.Token, o.AuthInfo.TokenFile = *k.BearerToken, ""
	}
	set(&o.AuthInfo.Impersonate, k.Impersonate)
	set(&o.AuthInfo.ImpersonateUID, k.ImpersonateUID)
	if k.ImpersonateGroup != nil {
		o.AuthInfo.ImpersonateGroups = *k.ImpersonateGroup
	}
	if k.ImpersonateUserExtra != nil && len(*k.ImpersonateUserExtra) > 0 {
		extra := map[string][]string{}
		for _, kv := range *k.ImpersonateUserExtra {
			if key, value, ok := strings.Cut(kv, "="); ok {
				extra[key] = append(extra[key], value)
			}
		}
		o.AuthInfo.ImpersonateUserExtra = extra
	}
	set(&o.AuthInfo.Username, k.Username)
	set(&o.AuthInfo.Password, k.Password)
	set(&o.ClusterInfo.Server, k.APIServer)
	set(&o.ClusterInfo.TLSServerName, k.TLSServerName)
	set(&o.ClusterInfo.CertificateAuthority, k.CAFile)
	if k.Insecure != nil {
		o.ClusterInfo.InsecureSkipTLSVerify = *k.Insecure
	}
	if k.DisableCompression != nil {
		o.ClusterInfo.DisableCompression = *k.DisableCompression
	}
	set(&o.ClusterInfo.ProxyURL, k.ProxyURL)
	set(&o.CurrentContext, k.Context)
	set(&o.Context.Cluster, k.ClusterName)
	set(&o.Context.AuthInfo, k.AuthInfoName)
	set(&o.Context.Namespace, k.Namespace)
	set(&o.Timeout, k.Timeout)
	if k.Password == nil {
		return clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, o)
	}
	return clientcmd.NewInteractiveDeferredLoadingClientConfig(rules, o, os.Stdin)
}

// ToRESTConfig is the rest.Config the flags describe.
func (k *KubeFlags) ToRESTConfig() (*rest.Config, error) {
	return k.ToRawKubeConfigLoader().ClientConfig()
}
