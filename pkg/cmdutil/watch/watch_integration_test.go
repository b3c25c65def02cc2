package watch

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/clusterstate"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	driftpkg "github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func vpcDoc(vlan string) string {
	return "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-1, namespace: default}\nspec:\n  subnets:\n    default: {subnet: 10.1.1.0/24, vlan: " + vlan + "}\n"
}

var vpcGVR = schema.GroupVersionResource{Group: "vpc.githedgehog.com", Version: "v1beta1", Resource: "vpcs"}

// watchEvents collects what a Watcher reports, in order.
type watchEvents struct {
	ch   chan any
	seen []any
}

// next waits for the next report that matches, failing the test at the
// deadline; reports that do not match are kept in seen.
func (e *watchEvents) next(t *testing.T, what string, deadline time.Duration, match func(any) bool) any {
	t.Helper()
	timer := time.NewTimer(deadline)
	defer timer.Stop()
	for {
		select {
		case ev := <-e.ch:
			e.seen = append(e.seen, ev)
			if match(ev) {
				return ev
			}
		case <-timer.C:
			t.Fatalf("no %s within %s; reports so far: %+v", what, deadline, e.seen)
		}
	}
}

// any returns a report seen already or waits for the next that matches.
func (e *watchEvents) any(t *testing.T, what string, deadline time.Duration, match func(any) bool) any {
	t.Helper()
	for _, ev := range e.seen {
		if match(ev) {
			return ev
		}
	}
	return e.next(t, what, deadline, match)
}

func reach(typ string) func(any) bool {
	return func(ev any) bool { r, ok := ev.(Reachability); return ok && r.Type == typ }
}

func status(s, prev driftpkg.Status) func(any) bool {
	return func(ev any) bool {
		c, ok := ev.(Change)
		return ok && c.Type == TypeStatusChanged && c.Name == "vpc-1" && c.Status == s && c.Previous == prev
	}
}

// informerGoroutines counts goroutines in client-go's informer machinery.
func informerGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "k8s.io/client-go/tools/cache.(*Reflector)")
}

// The watch tells the truth about its sources: a stopped kube-apiserver
// is reported within 30 s, and its return, after which changes are seen
// again; likewise a Git remote that goes away and comes back. Nothing is
// left running afterwards.
func TestWatchReportsLostAndRecoveredSources(t *testing.T) {
	cp := testbed.StartT(t)
	cp.Apply(t, vpcDoc("1099"))
	bare := testbed.NewBareRemote(t, map[string]string{"f/vpc.yaml": vpcDoc("1001")})
	const token = "s3cret-watch-token"
	remote := testbed.NewHTTPRemote(t, bare, "git", token)
	home := t.TempDir()
	var errOut bytes.Buffer
	f := cmdutil.NewFactory(genericiooptions.IOStreams{Out: &bytes.Buffer{}, ErrOut: &errOut})
	f.Getenv = func(k string) string {
		switch k {
		case "HOME":
			return home
		case "HNP_GIT_TOKEN":
			return token
		}
		return ""
	}
	vpc, _ := kinds.Lookup("vpc")
	fab := fabric.Fabric{Name: "lab",
		Git:     fabric.GitSpec{URL: remote.URL, Branch: "main", Dir: "f", Auth: &fabric.GitAuth{TokenEnv: "HNP_GIT_TOKEN"}},
		Cluster: fabric.ClusterSpec{Kubeconfig: cp.KubeconfigPath, Namespace: "default"}}
	ev := &watchEvents{ch: make(chan any, 1000)}
	w := &Watcher{F: f, Kinds: []*kinds.Kind{vpc}, GitPoll: 300 * time.Millisecond,
		Health: Health{ProbeInterval: 500 * time.Millisecond, ProbeTimeout: 2 * time.Second,
			RetryMin: 200 * time.Millisecond, RetryMax: 2 * time.Second, StartTimeout: 20 * time.Second, GitTimeout: 10 * time.Second},
		OnChange:       func(c Change) { ev.ch <- c },
		OnReachability: func(r Reachability) { ev.ch <- r }}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, []fabric.Fabric{fab}) }()

	// The initial drift shows that both sides were read.
	ev.next(t, "initial drift", time.Minute, status(driftpkg.StatusDrifted, ""))

	// What a hold reads (watch_hold.go): an object's resourceVersion on the
	// server, "" for one that does not exist, not ok for a kind not served.
	live, err := cp.Dynamic().Resource(vpcGVR).Namespace("default").Get(ctx, "vpc-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	versions := serverVersions(&clusterstate.Reader{Dynamic: cp.Dynamic(), Namespace: "default", Host: "test"}, []*kinds.Kind{vpc})
	key := resource.Key{Kind: "VPC", Namespace: "default", Name: "vpc-1"}
	if rv, ok := versions(ctx, key); !ok || rv == "" || rv != live.GetResourceVersion() {
		t.Errorf("server version of vpc-1: %q %v, want %q", rv, ok, live.GetResourceVersion())
	}
	key.Name = "vpc-9"
	if rv, ok := versions(ctx, key); !ok || rv != "" {
		t.Errorf("server version of a VPC that does not exist: %q %v, want \"\" true", rv, ok)
	}
	if _, ok := versions(ctx, resource.Key{Kind: "Switch", Namespace: "default", Name: "s1"}); ok {
		t.Error("server version of a kind not watched: ok, want not ok")
	}

	// The cluster goes away.
	if err := cp.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	lost := ev.next(t, "ClusterUnreachable", 30*time.Second, reach(TypeClusterUnreachable)).(Reachability)
	// The first failed probe may catch the API server shutting down
	// (its readiness check reports "[-]shutdown failed") or already gone.
	closing := strings.Contains(lost.Error, "connection refused") || strings.Contains(lost.Error, "shutdown")
	if lost.Fabric != "lab" || !strings.Contains(lost.Error, cp.RestConfig.Host) || !closing {
		t.Errorf("unreachable event: %+v", lost)
	}
	if err := cp.StartAPIServer(); err != nil {
		t.Fatal(err)
	}
	ev.next(t, "ClusterReachable", time.Minute, reach(TypeClusterReachable))
	for _, e := range ev.seen[:len(ev.seen)-1] {
		if r, ok := e.(Reachability); ok && r.Type == TypeClusterUnreachable && r != lost {
			t.Errorf("the outage was reported more than once: %+v", ev.seen)
		}
	}
	// A change after the return is seen.
	patch := []byte(`{"spec":{"subnets":{"default":{"vlan":1001}}}}`)
	if _, err := cp.Dynamic().Resource(vpcGVR).Namespace("default").Patch(ctx, "vpc-1", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	ev.next(t, "the cluster's change", time.Minute, status(driftpkg.StatusInSync, driftpkg.StatusDrifted))

	// The Git remote goes away.
	remote.Stop()
	gitLost := ev.next(t, "GitUnreachable", 30*time.Second, reach(TypeGitUnreachable)).(Reachability)
	if !strings.Contains(gitLost.Error, "connection refused") || strings.HasPrefix(gitLost.Error, "fabric ") || strings.Contains(gitLost.Error, token) {
		t.Errorf("Git unreachable event: %+v", gitLost)
	}
	testbed.CommitFiles(t, bare, map[string]string{"f/vpc.yaml": vpcDoc("1002")}, "vlan 1002")
	if err := remote.Start(); err != nil {
		t.Fatal(err)
	}
	ev.next(t, "GitReachable", time.Minute, reach(TypeGitReachable))
	// Reported after GitReachable, as it is known only then.
	ev.next(t, "the commit made during the outage", time.Minute, status(driftpkg.StatusDrifted, driftpkg.StatusInSync))
	unreachable := 0
	for _, e := range ev.seen {
		if r, ok := e.(Reachability); ok && r.Type == TypeGitUnreachable {
			unreachable++
		}
	}
	if unreachable != 1 {
		t.Errorf("the Git outage was reported %d times: %+v", unreachable, ev.seen)
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("Ctrl-C should end the watch cleanly: %v\n%s", err, errOut.String())
	}
	deadline := time.Now().Add(10 * time.Second)
	for informerGoroutines() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d reflectors still running after the watch ended", informerGoroutines())
		}
		time.Sleep(20 * time.Millisecond) // polling a condition, with the deadline above
	}
}
