package testbed

import (
	"errors"
	"net"
	"net/http"
	"sync"
	"testing"
)

// HTTPRemote is a bare repository served over smart HTTP that a test can
// take down and bring back on the same address, as a Git server outage.
type HTTPRemote struct {
	// URL is the repository's URL.
	URL string

	handler http.Handler
	addr    string
	mu      sync.Mutex
	srv     *http.Server
	done    chan struct{}
}

// NewHTTPRemote serves the bare repository like ServeHTTP, and returns the
// server so that the test can Stop and Start it. It is stopped when the
// test ends.
func NewHTTPRemote(t testing.TB, bareRepoDir, user, token string) *HTTPRemote {
	t.Helper()
	return NewHTTPRemoteWith(t, bareRepoDir, user, token, nil)
}

// NewHTTPRemoteWith is NewHTTPRemote with the Git handler wrapped by wrap
// (when not nil): a test that acts between a client's requests, such as
// pushing right after a fetch was served.
func NewHTTPRemoteWith(t testing.TB, bareRepoDir, user, token string, wrap func(http.Handler) http.Handler) *HTTPRemote {
	t.Helper()
	h, name := gitHandler(t, bareRepoDir, user, token)
	if wrap != nil {
		h = wrap(h)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &HTTPRemote{handler: h, addr: ln.Addr().String()}
	r.URL = "http://" + r.addr + "/" + name
	r.serve(ln)
	t.Cleanup(r.Stop)
	return r
}

// ServeGitHTTP serves a bare repository over smart HTTP (fetch and push,
// no authentication) on 127.0.0.1 outside a test, for the demo; the
// caller Stops it.
func ServeGitHTTP(bareRepoDir string) (*HTTPRemote, error) {
	h, name, err := newGitHandler(bareRepoDir, "", "")
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &HTTPRemote{handler: h, addr: ln.Addr().String()}
	r.URL = "http://" + r.addr + "/" + name
	r.serve(ln)
	return r, nil
}

func (r *HTTPRemote) serve(ln net.Listener) {
	r.srv = &http.Server{Handler: r.handler}
	r.done = make(chan struct{})
	go func(srv *http.Server, done chan struct{}) {
		defer close(done)
		_ = srv.Serve(ln)
	}(r.srv, r.done)
}

// Stop closes the listener and every connection, and waits until the
// server has ended: from then on, connections to URL are refused. Stopping
// a stopped remote does nothing.
func (r *HTTPRemote) Stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.srv == nil {
		return
	}
	_ = r.srv.Close()
	<-r.done
	r.srv = nil
}

// Start serves the repository again on the same address after Stop.
func (r *HTTPRemote) Start() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.srv != nil {
		return errors.New("the Git remote is already serving")
	}
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		return err
	}
	r.serve(ln)
	return nil
}
