package testbed

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// LatencyProxy forwards TCP connections on a loopback port to target
// (host:port), delaying the bytes of each direction by half of rtt: a
// server rtt away, as a cluster in another zone or region is, without a
// limit on bandwidth. Close stops it and its connections.
type LatencyProxy struct {
	// Addr is the proxy's host:port.
	Addr string

	ln     net.Listener
	target string
	delay  time.Duration
	mu     sync.Mutex
	conns  map[net.Conn]bool
	wg     sync.WaitGroup
}

// NewLatencyProxy starts a proxy to target with the round-trip time rtt.
func NewLatencyProxy(target string, rtt time.Duration) (*LatencyProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &LatencyProxy{Addr: ln.Addr().String(), ln: ln, target: target, delay: rtt / 2, conns: map[net.Conn]bool{}}
	p.wg.Go(p.accept)
	return p, nil
}

func (p *LatencyProxy) accept() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = in.Close()
			continue
		}
		p.mu.Lock()
		p.conns[in], p.conns[out] = true, true
		p.mu.Unlock()
		p.wg.Go(func() { p.pipe(out, in) })
		p.wg.Go(func() { p.pipe(in, out) })
	}
}

// chunk is data read at a time, due for writing delay later.
type chunk struct {
	data []byte
	due  time.Time
}

// pipe copies src to dst, each read delayed by p.delay, and closes both
// when either side ends.
func (p *LatencyProxy) pipe(dst, src net.Conn) {
	queue := make(chan chunk, 4096)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for c := range queue {
			if wait := time.Until(c.due); wait > 0 {
				time.Sleep(wait) // the simulated latency itself
			}
			if _, err := dst.Write(c.data); err != nil {
				for range queue {
				}
				return
			}
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			queue <- chunk{data: append([]byte(nil), buf[:n]...), due: time.Now().Add(p.delay)}
		}
		if err != nil {
			break
		}
	}
	close(queue)
	<-done
	_ = dst.Close()
	_ = src.Close()
}

// Close stops the proxy and closes its connections.
func (p *LatencyProxy) Close() error {
	err := p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

// KubeconfigVia writes a copy of the control plane's kubeconfig whose
// server is reached through proxy (the same address family: the server's
// certificate names 127.0.0.1) to dir, and returns its path.
func (c *ControlPlane) KubeconfigVia(proxy *LatencyProxy, dir string) (string, error) {
	raw, err := os.ReadFile(c.KubeconfigPath)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(c.RestConfig.Host)
	if err != nil {
		return "", err
	}
	if !strings.Contains(string(raw), u.Host) {
		return "", fmt.Errorf("the kubeconfig %s does not name the server %s", c.KubeconfigPath, u.Host)
	}
	p := filepath.Join(dir, c.Context+"-via-"+strings.ReplaceAll(proxy.Addr, ":", "-")+".kubeconfig")
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(string(raw), u.Host, proxy.Addr)), 0o600); err != nil {
		return "", err
	}
	return p, nil
}

// ServerAddr is the control plane's API server as host:port.
func (c *ControlPlane) ServerAddr() (string, error) {
	u, err := url.Parse(c.RestConfig.Host)
	if err != nil {
		return "", err
	}
	return u.Host, nil
}

var _ io.Closer = (*LatencyProxy)(nil)
