package gitstate

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// newKey makes an ed25519 key, writes its private half to dir/name in
// OpenSSH format, and returns the signer.
func newKey(t *testing.T, dir, name string) ssh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return signer
}

// serveSSH serves the bare repository read-only over SSH on 127.0.0.1 to
// the holder of clientKey, running the real git-upload-pack. It returns the
// ssh:// URL and the server's address.
func serveSSH(t *testing.T, bare string, hostKey ssh.Signer, clientKey ssh.PublicKey) (url, addr string) {
	t.Helper()
	cfg := &ssh.ServerConfig{PublicKeyCallback: func(_ ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
		if bytes.Equal(k.Marshal(), clientKey.Marshal()) {
			return nil, nil
		}
		return nil, errors.New("unknown key")
	}}
	cfg.AddHostKey(hostKey)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { serveSSHConn(conn, cfg, bare) })
		}
	})
	addr = ln.Addr().String()
	return "ssh://git@" + addr + bare, addr
}

func serveSSHConn(conn net.Conn, cfg *ssh.ServerConfig, bare string) {
	defer func() { _ = conn.Close() }()
	_, chans, reqs, err := ssh.NewServerConn(conn, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "sessions only")
			continue
		}
		ch, requests, err := nc.Accept()
		if err != nil {
			return
		}
		for req := range requests {
			var exe struct{ Command string }
			if req.Type != "exec" || ssh.Unmarshal(req.Payload, &exe) != nil {
				_ = req.Reply(false, nil)
				continue
			}
			_ = req.Reply(true, nil)
			status := runUploadPack(ch, exe.Command, bare)
			_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{status}))
			_ = ch.Close()
		}
	}
}

// runUploadPack runs "git-upload-pack '<bare>'" on the channel; any other
// command or repository is refused.
func runUploadPack(ch ssh.Channel, command, bare string) uint32 {
	if command != "git-upload-pack '"+bare+"'" {
		_, _ = io.WriteString(ch.Stderr(), "refused: "+command+"\n")
		return 1
	}
	cmd := exec.Command("git", "upload-pack", bare)
	cmd.Env, cmd.Stdout, cmd.Stderr = testbed.GitEnv(), ch, ch.Stderr()
	stdin, err := cmd.StdinPipe()
	if err != nil || cmd.Start() != nil {
		return 1
	}
	go func() { _, _ = io.Copy(stdin, ch); _ = stdin.Close() }()
	if cmd.Wait() != nil {
		return 1
	}
	return 0
}

func TestOpenSSH(t *testing.T) {
	keys := t.TempDir()
	host, client := newKey(t, keys, "host"), newKey(t, keys, "id_client")
	other := newKey(t, keys, "id_other")
	remote := testbed.NewBareRemote(t, fabricFiles)
	url, addr := serveSSH(t, remote, host, client.PublicKey())
	knownHost := knownhosts.Line([]string{addr}, host.PublicKey())
	knownHosts := filepath.Join(keys, "known_hosts")
	t.Setenv("SSH_KNOWN_HOSTS", knownHosts)
	t.Setenv("SSH_AUTH_SOCK", "")
	writeKnown := func(line string) {
		if err := os.WriteFile(knownHosts, []byte(line+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	open := func(key string) (*Workspace, error) {
		spec := fabric.GitSpec{URL: url, Branch: "main"}
		if key != "" {
			spec.Auth = &fabric.GitAuth{SSHKey: filepath.Join(keys, key)}
		}
		return Open(context.Background(), spec, OpenOptions{CacheDir: t.TempDir()})
	}

	writeKnown(knownHost)
	w, err := open("id_client")
	if err != nil {
		t.Fatal(err)
	}
	if w.Revision != testbed.Git(t, remote, "rev-parse", "main") || len(loadKeys(t, w, "fabrics/lab")) != 2 {
		t.Errorf("clone over ssh: %+v", w)
	}
	if cfg := readFile(t, filepath.Join(w.Root, ".git", "config")); !strings.Contains(cfg, url) {
		t.Errorf("origin should be the plain ssh URL:\n%s", cfg)
	}

	for name, tc := range map[string]struct{ key, known, want string }{
		"wrong client key": {"id_other", knownHost, "unable to authenticate"},
		"no key, no agent": {"", knownHost, "SSH_AUTH_SOCK"},
		"unknown host key": {"id_client", knownhosts.Line([]string{"127.0.0.1:1"}, host.PublicKey()), "key is unknown"},
		"changed host key": {"id_client", knownhosts.Line([]string{addr}, other.PublicKey()), "mismatch"},
	} {
		t.Run(name, func(t *testing.T) {
			writeKnown(tc.known)
			_, err := open(tc.key)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), url) {
				t.Errorf("want an error naming %s and saying %q, got %v", url, tc.want, err)
			}
		})
	}
}
