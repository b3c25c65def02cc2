package clusterstate

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// informerGoroutines counts the goroutines running client-go's informer
// machinery (reflectors, processors, the factory) or Watch's handlers.
func informerGoroutines() (int, string) {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	var dump []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "k8s.io/client-go/tools/cache.") || strings.Contains(g, "client-go/dynamic/dynamicinformer") {
			n++
			dump = append(dump, g)
		}
	}
	return n, strings.Join(dump, "\n\n")
}

// waitGoroutines polls until no informer goroutine is left and the total
// is back to at most want (want < 0: any), or fails after a deadline.
func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, dump := informerGoroutines()
		total := runtime.NumGoroutine()
		if n == 0 && (want < 0 || total <= want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d informer goroutines left, %d goroutines in all (want at most %d):\n%s", n, total, want, dump)
		}
		runtime.Gosched()
		time.Sleep(20 * time.Millisecond) // polling a condition, with the deadline above
	}
}

func newReader(t *testing.T, cp *testbed.ControlPlane) *Reader {
	t.Helper()
	dyn, err := NewDynamic(cp.RestConfig)
	if err != nil {
		t.Fatal(err)
	}
	return &Reader{Dynamic: dyn, Discovery: dyn.Discovery(), Namespace: "default", Host: cp.RestConfig.Host}
}

// A watch that cannot start — here one of its kinds is not served, so its
// list fails — fails at once, naming the kind and the cluster, and leaves
// no informer running; a watch that started leaves none after Stop.
func TestStartWatchStopsItsInformers(t *testing.T) {
	cp := testbed.StartT(t)
	cp.Apply(t, "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-1}\nspec:\n  subnets:\n    default: {subnet: 10.1.1.0/24, vlan: 1001}\n")
	r := newReader(t, cp)
	vpc, _ := kinds.Lookup("vpc")
	sw, _ := kinds.Lookup("sw")
	ctx := t.Context()
	// Warm up the client's connection, which stays open, before counting.
	if _, err := r.Load(ctx, []*kinds.Kind{vpc, sw}, ""); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()

	events := make(chan Event, 16)
	_, err := r.StartWatch(ctx, []*kinds.Kind{vpc, sw.WithVersion("v9")}, events, WatchOptions{SyncTimeout: time.Minute})
	if err == nil {
		t.Fatal("a watch on a kind the cluster does not serve should fail")
	}
	for _, want := range []string{"watching switches", cp.RestConfig.Host, "could not find the requested resource"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	waitGoroutines(t, before)

	var lost []error
	w, err := r.StartWatch(ctx, []*kinds.Kind{vpc, sw}, events, WatchOptions{OnError: func(err error) { lost = append(lost, err) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Initial) != 1 {
		t.Errorf("initial objects: %v", w.Initial)
	}
	w.Stop()
	w.Stop() // a second Stop does nothing
	waitGoroutines(t, before)
	if len(lost) != 0 {
		t.Errorf("a stopped watch reported failures: %v", lost)
	}
}

// Against a server that accepts connections and never answers, Probe gives
// up after its timeout, and a watch after SyncTimeout, stopping its
// informers.
func TestHungServer(t *testing.T) {
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer hung.Close()
	defer close(release)
	cfg := &rest.Config{Host: hung.URL}
	dyn, err := NewDynamic(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := &Reader{Dynamic: dyn, Discovery: dyn.Discovery(), Namespace: "default", Host: hung.URL}
	if err := r.Probe(t.Context(), 200*time.Millisecond); err == nil || !strings.Contains(err.Error(), "probing readiness from the cluster at "+hung.URL) {
		t.Errorf("probe of a hung server: %v", err)
	}
	vpc, _ := kinds.Lookup("vpc")
	_, err = r.StartWatch(t.Context(), []*kinds.Kind{vpc}, make(chan Event), WatchOptions{SyncTimeout: 300 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "did not sync within 300ms") {
		t.Fatalf("watch of a hung server: %v", err)
	}
	waitGoroutines(t, -1) // the hung server's own goroutines stay until the test ends
}

// A running watch reports, through OnError, a failure that informers
// cannot mend by retrying the watch: here the kind's CRD is deleted, so the
// informer's list fails.
func TestWatchReportsFailures(t *testing.T) {
	cp := testbed.StartT(t)
	r := newReader(t, cp)
	vpc, _ := kinds.Lookup("vpc")
	lost := make(chan error, 100)
	w, err := r.StartWatch(t.Context(), []*kinds.Kind{vpc}, make(chan Event, 16), WatchOptions{OnError: func(err error) { lost <- err }})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	crds := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	if err := cp.Dynamic().Resource(crds).Delete(t.Context(), vpc.CRDName(), metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-lost:
		if !strings.Contains(err.Error(), "watching vpcs from the cluster at "+cp.RestConfig.Host) {
			t.Errorf("OnError got %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the watch did not report the failure within 30s")
	}
}

// Probe answers for a live server and fails, naming the cluster, for a
// stopped one (a watch does not tell: client-go retries a refused watch
// quietly).
func TestProbe(t *testing.T) {
	cp := testbed.StartT(t)
	r := newReader(t, cp)
	if err := r.Probe(t.Context(), 5*time.Second); err != nil {
		t.Fatalf("live server: %v", err)
	}
	if err := cp.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	err := r.Probe(t.Context(), 5*time.Second)
	if err == nil || !strings.Contains(err.Error(), "probing readiness from the cluster at "+cp.RestConfig.Host) {
		t.Fatalf("stopped server: %v", err)
	}
}

// A server that answers /readyz with 403 (RBAC hides it from this user) is
// alive; one that answers 500 (not ready: etcd down, shutting down) is not.
func TestProbeReadsTheAnswer(t *testing.T) {
	var status atomic.Int32
	status.Store(http.StatusForbidden)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code := int(status.Load())
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":%q,"code":%d}`, map[int]string{403: "Forbidden", 500: "InternalError"}[code], code)
	}))
	defer srv.Close()
	dyn, err := NewDynamic(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	r := &Reader{Discovery: dyn.Discovery(), Host: srv.URL}
	if err := r.Probe(t.Context(), time.Second); err != nil {
		t.Errorf("403: %v", err)
	}
	status.Store(http.StatusInternalServerError)
	if err := r.Probe(t.Context(), time.Second); err == nil {
		t.Error("500 should fail the probe")
	}
}
