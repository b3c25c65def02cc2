package watch

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// deadKubeconfig writes a kubeconfig whose server refuses connections.
func deadKubeconfig(t *testing.T) (path, server string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server = "http://" + ln.Addr().String()
	_ = ln.Close()
	path = filepath.Join(t.TempDir(), "dead.kubeconfig")
	kc := "apiVersion: v1\nkind: Config\nclusters:\n- name: dead\n  cluster: {server: " + server + "}\ncontexts:\n- name: dead\n  context: {cluster: dead, user: dead}\ncurrent-context: dead\nusers:\n- name: dead\n  user: {}\n"
	if err := os.WriteFile(path, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, server
}

// A watch whose cluster and Git remote are down at start says so, keeps
// retrying instead of failing, reports no status while it cannot see the
// cluster (not even once Git is back), and leaves nothing running when it
// ends.
func TestWatchStartsWithSourcesDown(t *testing.T) {
	kubeconfig, server := deadKubeconfig(t)
	bare := testbed.NewBareRemote(t, map[string]string{"f/vpc.yaml": vpcDoc("1001")})
	remote := testbed.NewHTTPRemote(t, bare, "", "")
	remote.Stop()
	home := t.TempDir()
	var errOut bytes.Buffer
	f := cmdutil.NewFactory(genericiooptions.IOStreams{Out: &bytes.Buffer{}, ErrOut: &errOut})
	f.Getenv = func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	vpc, _ := kinds.Lookup("vpc")
	fab := fabric.Fabric{Name: "lab", Git: fabric.GitSpec{URL: remote.URL, Branch: "main", Dir: "f"},
		Cluster: fabric.ClusterSpec{Kubeconfig: kubeconfig, Namespace: "default"}}
	ev := &watchEvents{ch: make(chan any, 1000)}
	w := &Watcher{F: f, Kinds: []*kinds.Kind{vpc}, GitPoll: 100 * time.Millisecond,
		Health:         Health{ProbeInterval: 100 * time.Millisecond, ProbeTimeout: time.Second, RetryMin: 50 * time.Millisecond, RetryMax: 200 * time.Millisecond},
		OnChange:       func(c Change) { ev.ch <- c },
		OnReachability: func(r Reachability) { ev.ch <- r }}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, []fabric.Fabric{fab}) }()

	// The two are reported in either order.
	lost := ev.any(t, "ClusterUnreachable", 30*time.Second, reach(TypeClusterUnreachable)).(Reachability)
	if !strings.Contains(lost.Error, server) {
		t.Errorf("the error should name the server %s: %+v", server, lost)
	}
	ev.any(t, "GitUnreachable", 30*time.Second, reach(TypeGitUnreachable))
	if err := remote.Start(); err != nil {
		t.Fatal(err)
	}
	ev.next(t, "GitReachable", 30*time.Second, reach(TypeGitReachable))
	cancel()
	if err := <-done; err != nil {
		t.Errorf("an unreachable cluster is no error of the watch: %v\n%s", err, errOut.String())
	}
	close(ev.ch)
	for e := range ev.ch {
		ev.seen = append(ev.seen, e)
	}
	for _, e := range ev.seen {
		if _, ok := e.(Change); ok {
			t.Errorf("a status was reported without the cluster: %+v", ev.seen)
		}
		if r, ok := e.(Reachability); ok && r.Type == TypeClusterReachable {
			t.Errorf("the dead cluster was reported reachable: %+v", ev.seen)
		}
	}
	if n := informerGoroutines(); n != 0 {
		t.Errorf("%d reflectors left running", n)
	}
}
