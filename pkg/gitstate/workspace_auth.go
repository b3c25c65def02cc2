package gitstate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// Kinds of remote.
const (
	remoteHTTP = "http"
	remoteSSH  = "ssh"
	remoteFile = "file"
)

var (
	schemeRe = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.\-]*)://`)
	// scpRe matches the scp-like SSH syntax [user@]host:path.
	scpRe = regexp.MustCompile(`^(?:([^@/:]+)@)?([^@/:]+):(.*)$`)
)

// remoteLoc is a remote repository's location, with any credentials taken
// out of the URL.
type remoteLoc struct {
	// plain is the URL to store and dial: no password, and for HTTP no
	// userinfo at all.
	plain string
	kind  string
	// user and password come from the URL's userinfo.
	user, password string
	// name is a readable host/path, for the cache directory's name.
	name string
}

func isRemoteURL(raw string) bool {
	return schemeRe.MatchString(raw) || (scpRe.MatchString(raw) && !strings.HasPrefix(raw, "/"))
}

// parseRemote reads a remote URL: http(s)://, ssh://, git://, file://, or
// the scp-like user@host:path.
func parseRemote(raw string) (remoteLoc, error) {
	m := schemeRe.FindStringSubmatch(raw)
	if m == nil {
		sm := scpRe.FindStringSubmatch(raw)
		if sm == nil {
			return remoteLoc{}, fmt.Errorf("git url %q is neither a URL nor a directory", RedactURL(raw))
		}
		return remoteLoc{plain: raw, kind: remoteSSH, user: sm[1], name: sm[2] + "/" + sm[3]}, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return remoteLoc{}, fmt.Errorf("git url %q: %s", RedactURL(raw), RedactURL(err.Error()))
	}
	loc := remoteLoc{name: u.Host + "/" + u.Path}
	if u.User != nil {
		loc.user = u.User.Username()
		loc.password, _ = u.User.Password()
	}
	switch strings.ToLower(m[1]) {
	case "http", "https":
		loc.kind = remoteHTTP
		u.User = nil
	case "ssh", "git+ssh", "ssh+git":
		loc.kind = remoteSSH
		if loc.user != "" {
			u.User = url.User(loc.user)
		}
	case "git", "file":
		loc.kind = remoteFile
		u.User = nil
	default:
		return remoteLoc{}, fmt.Errorf("git url %q: unsupported scheme %q", RedactURL(raw), m[1])
	}
	loc.plain = u.String()
	return loc, nil
}

// localRemote is the location of a bare repository given by its path.
func localRemote(abs string) remoteLoc {
	return remoteLoc{plain: abs, kind: remoteFile, name: abs}
}

// cacheName is the cache directory's name for a remote and branch: a
// readable, sanitised host and path, then a short hash of URL and branch.
func cacheName(loc remoteLoc, branch string) string {
	sum := sha256.Sum256([]byte(loc.plain + "\n" + branch))
	var sb strings.Builder
	dash := true
	for _, c := range strings.TrimSuffix(strings.TrimSuffix(loc.name, "/"), ".git") {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_':
			sb.WriteRune(c)
			dash = false
		case !dash:
			sb.WriteByte('-')
			dash = true
		}
	}
	name := strings.Trim(sb.String(), "-.")
	if len(name) > 60 {
		name = strings.TrimLeft(name[len(name)-60:], "-.")
	}
	if name == "" {
		name = "repo"
	}
	return name + "-" + hex.EncodeToString(sum[:])[:12]
}

// authFor chooses how to authenticate to a remote, and returns the secret
// involved so that it can be scrubbed from messages; the secret is also
// registered for Redact, which guards debug output (-v) and errors.
func authFor(a *fabric.GitAuth, loc remoteLoc, getenv func(string) string) (transport.AuthMethod, string, error) {
	auth, secret, err := chooseAuth(a, loc, getenv)
	registerSecret(secret)
	return auth, secret, err
}

func chooseAuth(a *fabric.GitAuth, loc remoteLoc, getenv func(string) string) (transport.AuthMethod, string, error) {
	var cfg fabric.GitAuth
	if a != nil {
		cfg = *a
	}
	switch loc.kind {
	case remoteHTTP:
		if cfg.SSHKey != "" {
			return nil, "", fmt.Errorf("git auth: sshKey is for ssh URLs, not %s", RedactURL(loc.plain))
		}
		user := firstNonEmpty(cfg.Username, loc.user, "git")
		if cfg.TokenEnv != "" {
			token := getenv(cfg.TokenEnv)
			if token == "" {
				return nil, "", fmt.Errorf("git auth: environment variable %s (the token for %s) is not set or empty", cfg.TokenEnv, RedactURL(loc.plain))
			}
			return &githttp.BasicAuth{Username: user, Password: token}, token, nil
		}
		if loc.password != "" {
			return &githttp.BasicAuth{Username: user, Password: loc.password}, loc.password, nil
		}
		if loc.user != "" {
			// A userinfo without password is usually a bare token.
			return &githttp.BasicAuth{Username: loc.user}, loc.user, nil
		}
		return nil, "", nil
	case remoteSSH:
		if cfg.TokenEnv != "" {
			return nil, "", fmt.Errorf("git auth: tokenEnv is for https URLs, not %s", RedactURL(loc.plain))
		}
		user := firstNonEmpty(loc.user, cfg.Username, "git")
		if cfg.SSHKey != "" {
			keys, err := gitssh.NewPublicKeysFromFile(user, expandHome(cfg.SSHKey), "")
			if err != nil {
				return nil, "", fmt.Errorf("git auth: ssh key %s: %w", cfg.SSHKey, err)
			}
			// HostKeyCallback stays nil: go-git then checks known_hosts.
			return keys, "", nil
		}
		// Nil auth makes go-git use the ssh-agent, with known_hosts checking.
		return nil, "", nil
	}
	return nil, "", nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// expandHome expands a leading "~/" to the user's home directory.
func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}
