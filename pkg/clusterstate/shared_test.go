package clusterstate

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// requestLog records the paths and queries of the LIST requests a client
// sends; hold, when set, is called before a request is sent (and may block
// it, until the request's context ends).
type requestLog struct {
	mu    sync.Mutex
	lists []string
	hold  func(*http.Request)
}

func (l *requestLog) wrap(rc *rest.Config) *rest.Config {
	rc = rest.CopyConfig(rc)
	rc.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			if req.Method == http.MethodGet && !strings.HasPrefix(req.URL.Path, "/api/") && strings.Count(req.URL.Path, "/") >= 4 {
				l.mu.Lock()
				l.lists = append(l.lists, req.URL.Path+"?"+req.URL.RawQuery)
				l.mu.Unlock()
				if l.hold != nil {
					l.hold(req)
				}
			}
			return rt.RoundTrip(req)
		})
	})
	return rc
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// firstPages are the logged LISTs that are no continuation, as paths.
func (l *requestLog) firstPages() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, p := range l.lists {
		if !strings.Contains(p, "continue=") {
			path, _, _ := strings.Cut(p, "?")
			out = append(out, path)
		}
	}
	slices.Sort(out)
	return out
}

// sharedFixture is a control plane with IPv4Namespaces and VPCs in five
// namespaces: a (two of each), b, c, other (one of each), d (none).
func sharedFixture(t *testing.T) *testbed.ControlPlane {
	t.Helper()
	cp := testbed.StartT(t)
	var docs []string
	for _, ns := range []string{"a", "b", "c", "d", "other"} {
		docs = append(docs, "apiVersion: v1\nkind: Namespace\nmetadata: {name: "+ns+"}\n")
	}
	objs := map[string][]string{"a": {"one", "two"}, "b": {"one"}, "c": {"three"}, "other": {"one"}}
	subnet := 10
	for _, ns := range []string{"a", "b", "c", "other"} {
		for _, name := range objs[ns] {
			subnet++
			docs = append(docs, ipnsDoc(name, ns, "10."+strconv.Itoa(subnet)+".0.0/16"))
			docs = append(docs, "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: "+name+", namespace: "+ns+"}\nspec:\n  subnets:\n    default: {subnet: 10."+strconv.Itoa(subnet)+".1.0/24, vlan: 1001}\n")
		}
	}
	cp.Apply(t, strings.Join(docs, "---\n"))
	return cp
}

// readerFor is a reader of namespaces through rc, with page size 1.
func readerFor(t *testing.T, rc *rest.Config, namespaces ...string) *Reader {
	t.Helper()
	dyn, err := NewDynamic(rc)
	if err != nil {
		t.Fatal(err)
	}
	r := &Reader{Dynamic: dyn, Discovery: dyn.Discovery(), Namespace: namespaces[0], Host: rc.Host, PageSize: 1}
	if len(namespaces) > 1 {
		r.Namespaces = namespaces
	}
	return r
}

// loadAll loads ks with each reader at the same time.
func loadAll(t *testing.T, ctx context.Context, readers []*Reader, ks []*kinds.Kind) ([]resource.Set, []error) {
	t.Helper()
	sets, errs := make([]resource.Set, len(readers)), make([]error, len(readers))
	var wg sync.WaitGroup
	for i, r := range readers {
		wg.Go(func() { sets[i], errs[i] = r.Load(ctx, ks, "") })
	}
	wg.Wait()
	return sets, errs
}

func sharedKinds() []*kinds.Kind {
	ipns, _ := kinds.Lookup("ipns")
	vpc, _ := kinds.Lookup("vpc")
	return []*kinds.Kind{ipns, vpc}
}

// assertSameSets fails unless each shared set has the keys and objects the
// reader of the same namespaces reads on its own.
func assertSameSets(t *testing.T, got []resource.Set, rc *rest.Config, nss [][]string, ks []*kinds.Kind) {
	t.Helper()
	for i, ns := range nss {
		want, err := readerFor(t, rc, ns...).Load(t.Context(), ks, "")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got[i].Keys(), want.Keys()) {
			t.Errorf("reader of %v: %v, on its own %v", ns, got[i].Keys(), want.Keys())
			continue
		}
		for k, o := range want {
			if !reflect.DeepEqual(got[i][k].Obj.Object, o.Obj.Object) {
				t.Errorf("reader of %v, %v: %v, on its own %v", ns, k, got[i][k].Obj.Object, o.Obj.Object)
			}
		}
	}
}

// Readers of different namespaces of one cluster read each kind with one
// LIST across all namespaces (every page of it), and each gets exactly
// what it reads on its own: its namespaces' objects, none of a namespace
// no reader asked for.
func TestSharedListsListEachKindOnce(t *testing.T) {
	cp := sharedFixture(t)
	ks := sharedKinds()
	var log requestLog
	rc := log.wrap(cp.RestConfig)
	nss := [][]string{{"a"}, {"b"}, {"c", "d"}}
	shared := NewSharedLists(nss)
	var readers []*Reader
	for _, ns := range nss {
		r := readerFor(t, rc, ns...)
		r.Shared = shared
		readers = append(readers, r)
	}
	sets, errs := loadAll(t, t.Context(), readers, ks)
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	want := []string{"/apis/vpc.githedgehog.com/v1beta1/ipv4namespaces", "/apis/vpc.githedgehog.com/v1beta1/vpcs"}
	if got := log.firstPages(); !reflect.DeepEqual(got, want) {
		t.Errorf("LISTs %v, want one across all namespaces per kind: %v", got, want)
	}
	if len(log.lists) != 2*5 {
		t.Errorf("%d pages, want 5 a kind (5 objects, page size 1): %v", len(log.lists), log.lists)
	}
	for i, n := range []int{4, 2, 2} {
		if len(sets[i]) != n {
			t.Errorf("reader of %v: %d objects, want %d", nss[i], len(sets[i]), n)
		}
	}
	assertSameSets(t, sets, cp.RestConfig, nss, ks)
	if len(shared.lists) != 0 {
		t.Errorf("%d results kept after every reader took its part", len(shared.lists))
	}
}

// A user who may list the kinds in its namespaces only is refused the
// LIST across all namespaces: each reader then lists its own namespaces,
// with the same result, and the refusal is not asked again.
func TestSharedListsFallBackWhenForbidden(t *testing.T) {
	cp := sharedFixture(t)
	ks := sharedKinds()
	kubeconfig, _ := cp.NamespacedTokenUser(t, "shared-ns-only", []rbacv1.PolicyRule{{
		APIGroups: []string{kinds.GroupVPC}, Resources: []string{"ipv4namespaces", "vpcs"}, Verbs: []string{"list"},
	}}, "a", "b")
	userRC, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	var log requestLog
	rc := log.wrap(userRC)
	nss := [][]string{{"a"}, {"b"}}
	shared := NewSharedLists(nss)
	readers := []*Reader{readerFor(t, rc, "a"), readerFor(t, rc, "b")}
	for _, r := range readers {
		r.Shared = shared
	}
	for round := range 2 {
		log.lists = nil
		sets, errs := loadAll(t, t.Context(), readers, ks)
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		assertSameSets(t, sets, cp.RestConfig, nss, ks)
		var want []string
		if round == 0 {
			want = append(want, "/apis/vpc.githedgehog.com/v1beta1/ipv4namespaces", "/apis/vpc.githedgehog.com/v1beta1/vpcs")
		}
		for _, ns := range []string{"a", "b"} {
			for _, res := range []string{"ipv4namespaces", "vpcs"} {
				want = append(want, "/apis/vpc.githedgehog.com/v1beta1/namespaces/"+ns+"/"+res)
			}
		}
		slices.Sort(want)
		if got := log.firstPages(); !reflect.DeepEqual(got, want) {
			t.Errorf("round %d: LISTs %v, want %v", round, got, want)
		}
	}
}

// A reader that gives up (its context ends) while the shared LIST runs
// does not fail the readers still waiting for it; when every reader waiting
// has given up, the LIST is stopped, and the next reader starts it afresh.
func TestSharedListOutlivesAReaderThatGivesUp(t *testing.T) {
	cp := sharedFixture(t)
	ipns, _ := kinds.Lookup("ipns")
	ks := []*kinds.Kind{ipns}
	var log requestLog
	sent := make(chan *http.Request, 10)
	release := make(chan struct{})
	log.hold = func(req *http.Request) {
		sent <- req
		select {
		case <-release:
		case <-req.Context().Done():
		}
	}
	rc := log.wrap(cp.RestConfig)
	nss := [][]string{{"a"}, {"b"}, {"c"}}
	shared := NewSharedLists(nss)
	readers := []*Reader{readerFor(t, rc, "a"), readerFor(t, rc, "b"), readerFor(t, rc, "c")}
	for _, r := range readers {
		r.Shared, r.PageSize = shared, 500
	}

	// Reader a alone waits, and gives up: the LIST is stopped.
	ctxA, cancelA := context.WithCancel(t.Context())
	errA := make(chan error, 1)
	go func() {
		_, err := readers[0].Load(ctxA, ks, "")
		errA <- err
	}()
	first := <-sent
	cancelA()
	if err := <-errA; !errors.Is(err, context.Canceled) {
		t.Fatalf("reader a: %v, want context.Canceled", err)
	}
	<-first.Context().Done() // the shared LIST's request is cancelled

	// Readers b and c wait for a new LIST; c gives up once both wait.
	waiting := make(chan struct{}, 10)
	shared.onWait = func() { waiting <- struct{}{} }
	ctxC, cancelC := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	var setB resource.Set
	var errB, errC error
	wg.Go(func() { setB, errB = readers[1].Load(t.Context(), ks, "") })
	<-sent
	wg.Go(func() { _, errC = readers[2].Load(ctxC, ks, "") })
	<-waiting
	<-waiting
	cancelC()
	close(release)
	wg.Wait()
	// c gave up before the LIST ended, but both may have been ready by
	// the time it looked: either answer is right.
	if errC != nil && !errors.Is(errC, context.Canceled) {
		t.Errorf("reader c: %v, want context.Canceled or its objects", errC)
	}
	if errB != nil {
		t.Fatalf("reader b: %v", errB)
	}
	assertSameSets(t, []resource.Set{setB}, cp.RestConfig, nss[1:2], ks)
	if got := log.firstPages(); len(got) != 2 || got[0] != got[1] || strings.Contains(got[0], "/namespaces/") {
		t.Errorf("LISTs %v, want the cluster-wide one twice (stopped, then again)", got)
	}
}

// Readers of the same namespace each get objects of their own: a reader
// changing what it read changes nothing another reader read.
func TestSharedListsHandOutCopies(t *testing.T) {
	cp := sharedFixture(t)
	ipns, _ := kinds.Lookup("ipns")
	nss := [][]string{{"a"}, {"a"}, {"b"}}
	shared := NewSharedLists(nss)
	var readers []*Reader
	for _, ns := range nss {
		r := readerFor(t, cp.RestConfig, ns...)
		r.Shared = shared
		readers = append(readers, r)
	}
	sets, errs := loadAll(t, t.Context(), readers, []*kinds.Kind{ipns})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	assertSameSets(t, sets, cp.RestConfig, nss, []*kinds.Kind{ipns})
	for k, o := range sets[0] {
		o.Obj.SetLabels(map[string]string{"changed": "yes"})
		if other := sets[1][k]; other == nil || other.Obj.GetLabels()["changed"] != "" {
			t.Errorf("%v: changing the first reader's copy changed the second's", k)
		}
	}
}

func TestNewSharedListsOnlyWhereItPays(t *testing.T) {
	for _, tt := range []struct {
		readers [][]string
		shared  bool
	}{
		{[][]string{{"a"}}, false},
		{[][]string{{"a"}, {"a"}}, false},
		{[][]string{{"a"}, {"b"}}, true},
		{[][]string{{"a", "b"}}, true},
		{nil, false},
	} {
		if got := NewSharedLists(tt.readers) != nil; got != tt.shared {
			t.Errorf("NewSharedLists(%v) shares: %v, want %v", tt.readers, got, tt.shared)
		}
	}
}

// A reader of a namespace the shared LISTs were not set up for reads it on
// its own: the shared LIST drops the objects of such namespaces.
func TestSharedListsLeaveOtherNamespacesToTheirReader(t *testing.T) {
	cp := sharedFixture(t)
	ks := sharedKinds()
	var log requestLog
	rc := log.wrap(cp.RestConfig)
	shared := NewSharedLists([][]string{{"a"}, {"b"}})
	r := readerFor(t, rc, "other")
	r.Shared = shared
	set, err := r.Load(t.Context(), ks, "")
	if err != nil {
		t.Fatal(err)
	}
	assertSameSets(t, []resource.Set{set}, cp.RestConfig, [][]string{{"other"}}, ks)
	if got := log.firstPages(); len(got) != 2 || !strings.Contains(got[0], "/namespaces/other/") {
		t.Errorf("LISTs %v, want the namespace's own", got)
	}
}
