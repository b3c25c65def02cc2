package gitstate

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://user:tok@host/repo.git", "https://user:***@host/repo.git"},
		{"https://ghp_abc123@github.com/o/r", "https://***@github.com/o/r"},
		{"https://user:p@ss@host/x", "https://user:***@host/x"},
		{`fetching "https://a:b@h1/x" and http://c:d@h2:8080/y failed`, `fetching "https://a:***@h1/x" and http://c:***@h2:8080/y failed`},
		{"ssh://git@host/repo.git", "ssh://git@host/repo.git"},
		{"ssh://git:pw@host/repo.git", "ssh://git:***@host/repo.git"},
		{"git@github.com:org/repo.git", "git@github.com:org/repo.git"},
		{"https://host/x?access_token=abc&ref=main", "https://host/x?access_token=***&ref=main"},
		{"https://host/repo.git", "https://host/repo.git"},
		{"no url here: user:pass", "no url here: user:pass"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseRemote(t *testing.T) {
	tests := []struct {
		raw, plain, kind, user, password string
	}{
		{"https://alice:tok@example.com/org/repo.git", "https://example.com/org/repo.git", remoteHTTP, "alice", "tok"},
		{"http://127.0.0.1:8080/r.git", "http://127.0.0.1:8080/r.git", remoteHTTP, "", ""},
		{"ssh://git:pw@example.com:2222/org/repo.git", "ssh://git@example.com:2222/org/repo.git", remoteSSH, "git", "pw"},
		{"git@example.com:org/repo.git", "git@example.com:org/repo.git", remoteSSH, "git", ""},
		{"file:///srv/git/repo.git", "file:///srv/git/repo.git", remoteFile, "", ""},
	}
	for _, tt := range tests {
		loc, err := parseRemote(tt.raw)
		if err != nil {
			t.Errorf("parseRemote(%q): %v", tt.raw, err)
			continue
		}
		if loc.plain != tt.plain || loc.kind != tt.kind || loc.user != tt.user || loc.password != tt.password {
			t.Errorf("parseRemote(%q) = %+v", tt.raw, loc)
		}
	}
	if _, err := parseRemote("ftp://u:secret@host/x"); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("an unsupported scheme: %v", err)
	}
}

func TestCacheName(t *testing.T) {
	a, _ := parseRemote("https://alice:tok@example.com/org/repo.git")
	b, _ := parseRemote("https://example.com/org/repo.git")
	if cacheName(a, "main") != cacheName(b, "main") {
		t.Error("credentials in the URL should not change the cache")
	}
	if got := cacheName(a, "main"); !strings.HasPrefix(got, "example.com-org-repo-") || !cacheNameRe.MatchString(got) {
		t.Errorf("cacheName = %q", got)
	}
	if cacheName(a, "main") == cacheName(a, "dev") || cacheName(a, "") == cacheName(a, "main") {
		t.Error("each branch needs its own clone")
	}
	long, _ := parseRemote("https://example.com/" + strings.Repeat("very-long-path/", 20) + "repo.git")
	if got := cacheName(long, ""); len(got) > 80 || !strings.Contains(got, "repo-") {
		t.Errorf("long name %q", got)
	}
}

func TestAuthFor(t *testing.T) {
	key := filepath.Join(t.TempDir(), "id_ed25519")
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	getenv := func(name string) string {
		if name == "TOKEN" {
			return "t0ken"
		}
		return ""
	}
	loc := func(raw string) remoteLoc {
		l, err := parseRemote(raw)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}

	auth, secret, err := authFor(&fabric.GitAuth{TokenEnv: "TOKEN"}, loc("https://h/r.git"), getenv)
	if ba, ok := auth.(*githttp.BasicAuth); err != nil || !ok || ba.Username != "git" || ba.Password != "t0ken" || secret != "t0ken" {
		t.Errorf("token auth: %#v %q %v", auth, secret, err)
	}
	if strings.Contains(auth.String(), "t0ken") {
		t.Errorf("auth prints its token: %s", auth)
	}
	auth, _, err = authFor(&fabric.GitAuth{TokenEnv: "TOKEN", Username: "bob"}, loc("https://alice@h/r.git"), getenv)
	if ba, ok := auth.(*githttp.BasicAuth); err != nil || !ok || ba.Username != "bob" {
		t.Errorf("the configured username wins: %#v %v", auth, err)
	}
	if _, _, err := authFor(&fabric.GitAuth{TokenEnv: "UNSET"}, loc("https://h/r.git"), getenv); err == nil || !strings.Contains(err.Error(), "UNSET") {
		t.Errorf("an unset token variable: %v", err)
	}
	auth, _, err = authFor(&fabric.GitAuth{SSHKey: key}, loc("git@example.com:org/r.git"), getenv)
	if pk, ok := auth.(*gitssh.PublicKeys); err != nil || !ok || pk.User != "git" || pk.HostKeyCallback != nil {
		t.Errorf("ssh key auth (known_hosts checked by default): %#v %v", auth, err)
	}
	if auth, _, err := authFor(nil, loc("ssh://deploy@example.com/r.git"), getenv); auth != nil || err != nil {
		t.Errorf("ssh without a key leaves go-git to the ssh-agent: %#v %v", auth, err)
	}
	if _, _, err := authFor(&fabric.GitAuth{TokenEnv: "TOKEN"}, loc("git@example.com:org/r.git"), getenv); err == nil {
		t.Error("a token for an ssh URL should be refused")
	}
	if _, _, err := authFor(&fabric.GitAuth{SSHKey: key}, loc("https://h/r.git"), getenv); err == nil {
		t.Error("an ssh key for an https URL should be refused")
	}
	if _, _, err := authFor(&fabric.GitAuth{SSHKey: key + ".missing"}, loc("git@h:r.git"), getenv); err == nil {
		t.Error("a missing ssh key should be an error")
	}
	if auth, _, err := authFor(nil, loc("file:///srv/r.git"), getenv); auth != nil || err != nil {
		t.Errorf("file remotes need no auth: %#v %v", auth, err)
	}
}
