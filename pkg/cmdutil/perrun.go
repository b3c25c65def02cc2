package cmdutil

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"k8s.io/client-go/rest"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// perRun keeps, for one command run, a value per key (a cluster): the
// first caller of a key computes it while later callers of that key wait,
// and a failure is not kept, so that the next caller tries again (its own
// context may allow more time). Fabrics sharing a cluster share its
// discovery and CRDs this way.
type perRun[T any] struct {
	mu      sync.Mutex
	entries map[string]*perRunEntry[T]
}

type perRunEntry[T any] struct {
	mu    sync.Mutex
	done  bool
	value T
}

// get returns key's value, computing it with compute unless a caller did.
func (p *perRun[T]) get(key string, compute func() (T, error)) (T, error) {
	p.mu.Lock()
	if p.entries == nil {
		p.entries = map[string]*perRunEntry[T]{}
	}
	e := p.entries[key]
	if e == nil {
		e = &perRunEntry[T]{}
		p.entries[key] = e
	}
	p.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.done {
		return e.value, nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	e.value, e.done = v, true
	return v, nil
}

// clusterKey identifies a cluster and the credentials reading it: two
// kubeconfig contexts share a cluster's discovery, CRDs and deployer index
// only when they reach the same server as the same user with the same
// credentials. A user name alone is not enough: bearer tokens, client
// certificates and exec plugins usually come without one, and a fabric
// configured with a read-only token must not be read with an
// administrator's client or see what only the administrator may read.
// The server's address is compared with its scheme and host in lower case
// and without a trailing slash, as kubeconfig files spell one server
// differently; a path (a proxy's, such as Rancher's /k8s/clusters/ID) is
// kept as it is.
func clusterKey(c *Cluster) string {
	return serverKey(c.Host) + " " + credentialsFingerprint(c.RestConfig)
}

// serverKey is host as clusterKey compares it.
func serverKey(host string) string {
	u, err := url.Parse(host)
	if err != nil || u.Host == "" {
		return strings.TrimRight(host, "/")
	}
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String()
}

// credentialsFingerprint is a digest of what identifies rc's user to the
// server (never printed; a digest so that no secret is kept in a key).
func credentialsFingerprint(rc *rest.Config) string {
	id := struct {
		User, Password, Token, TokenFile string
		CertFile, KeyFile                string
		CertData, KeyData                []byte
		Impersonate                      rest.ImpersonationConfig
		AuthProvider                     *clientcmdapi.AuthProviderConfig
		Exec                             []string
	}{
		User: rc.Username, Password: rc.Password, Token: rc.BearerToken, TokenFile: rc.BearerTokenFile,
		CertFile: rc.CertFile, KeyFile: rc.KeyFile, CertData: rc.CertData, KeyData: rc.KeyData,
		Impersonate: rc.Impersonate, AuthProvider: rc.AuthProvider,
	}
	if e := rc.ExecProvider; e != nil {
		// The plugin's command line and environment say whose credentials
		// it hands out.
		id.Exec = append([]string{e.Command}, e.Args...)
		for _, v := range e.Env {
			id.Exec = append(id.Exec, v.Name+"="+v.Value)
		}
	}
	b, err := json.Marshal(id)
	if err != nil {
		// Not expected (plain strings and maps); share with nothing but
		// this config then.
		return fmt.Sprintf("unshared %p", rc)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}
