package gitstate

import (
	"fmt"
	"log"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/utils/trace"
	"k8s.io/klog/v2"
)

// Verbosity levels of Git's debug output, in step with client-go's request
// logging (kubectl -v): requests with status and time at 6, their headers
// (credentials masked) at 8, go-git's packet trace at 10.
const (
	logRequests      = 6
	logHeaders       = 8
	logPacketTrace   = 10
	maskedCredential = "<masked>"
)

// secrets are the credentials in use in this process, scrubbed by Redact.
var secrets struct {
	sync.Mutex
	list []string
}

// registerSecret adds a credential for Redact to hide.
func registerSecret(s string) {
	if len(s) < 4 {
		return // see scrub
	}
	secrets.Lock()
	defer secrets.Unlock()
	for _, have := range secrets.list {
		if have == s {
			return
		}
	}
	secrets.list = append(secrets.list, s)
}

// Redact hides credentials in s: those of URLs (RedactURL) and every Git
// credential this process has used (a token from tokenEnv, a password in a
// URL), in whatever text they show up. Debug output and errors go through it.
func Redact(s string) string {
	s = RedactURL(s)
	secrets.Lock()
	defer secrets.Unlock()
	for _, secret := range secrets.list {
		s = scrub(s, secret)
	}
	return s
}

func init() {
	// go-git talks HTTP through this client: http.DefaultTransport (proxy
	// settings and all), logged at -v 6 and above.
	c := githttp.NewClient(&http.Client{Transport: &logTransport{next: http.DefaultTransport}})
	client.InstallProtocol("https", c)
	client.InstallProtocol("http", c)
	trace.SetLogger(log.New(klogWriter{}, "git: ", 0))
}

// enableTrace turns go-git's packet trace on at -v 10 (and off below), once
// the command line has set the verbosity.
func enableTrace() {
	if klog.V(logPacketTrace).Enabled() {
		trace.SetTarget(trace.General | trace.Packet)
	} else {
		trace.SetTarget(0)
	}
}

// klogWriter sends go-git's trace lines to klog, redacted, with binary
// payloads (pack data) shortened and quoted rather than dumped on the terminal.
type klogWriter struct{}

func (klogWriter) Write(p []byte) (int, error) {
	klog.InfoDepth(4, Redact(printable(strings.TrimRight(string(p), "\n"))))
	return len(p), nil
}

// maxBinaryTrace is how much of a binary trace line is shown.
const maxBinaryTrace = 64

// printable returns s, or when it holds control characters or invalid
// UTF-8, its quoted start and its length.
func printable(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }) < 0 {
		return s
	}
	if len(s) <= maxBinaryTrace {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%s... (%d bytes)", strconv.Quote(s[:maxBinaryTrace]), len(s))
}

// logTransport logs Git's HTTP requests as client-go logs the API
// server's, with credentials masked and URLs redacted.
type logTransport struct {
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !klog.V(logRequests).Enabled() {
		return t.next.RoundTrip(req)
	}
	if klog.V(logHeaders).Enabled() {
		klog.Infof("Git request headers: %s %s%s", req.Method, Redact(req.URL.String()), maskedHeaders(req.Header))
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	ms := time.Since(start).Milliseconds()
	if err != nil {
		klog.Infof("Git %s %s failed in %d milliseconds: %s", req.Method, Redact(req.URL.String()), ms, Redact(err.Error()))
		return resp, err
	}
	klog.Infof("Git %s %s %s in %d milliseconds", req.Method, Redact(req.URL.String()), resp.Status, ms)
	if klog.V(logHeaders).Enabled() {
		klog.Infof("Git response headers:%s", maskedHeaders(resp.Header))
	}
	return resp, nil
}

// sensitiveHeaders carry credentials; only their scheme is shown.
var sensitiveHeaders = map[string]bool{
	"Authorization": true, "Proxy-Authorization": true, "Cookie": true, "Set-Cookie": true,
}

// maskedHeaders renders headers one per line, sorted, with credentials
// masked ("Authorization: Basic <masked>") and the rest redacted.
func maskedHeaders(h http.Header) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range h[k] {
			if sensitiveHeaders[http.CanonicalHeaderKey(k)] {
				v = maskCredential(v)
			}
			fmt.Fprintf(&b, "\n    %s: %s", k, Redact(v))
		}
	}
	return b.String()
}

// maskCredential keeps a credential's scheme (Basic, Bearer) and masks the rest.
func maskCredential(v string) string {
	scheme, _, found := strings.Cut(v, " ")
	switch strings.ToLower(scheme) {
	case "basic", "bearer", "negotiate", "digest", "token":
		if found {
			return scheme + " " + maskedCredential
		}
	}
	return maskedCredential
}
