package clusterstate

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// RESTDiscovery answers as client-go's discovery client does, on a real API
// server with the Hedgehog CRDs.
func TestRESTDiscoveryAnswersAsClientGo(t *testing.T) {
	cp := testbed.StartT(t)
	dyn, err := NewDynamic(cp.RestConfig)
	if err != nil {
		t.Fatal(err)
	}
	ours := dyn.Discovery()
	theirs, err := discovery.NewDiscoveryClientForConfig(cp.RestConfig)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()

	got, err := ours.ServerGroupsWithContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, err := theirs.ServerGroupsWithContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := func(l *metav1.APIGroupList) map[string]metav1.APIGroup {
		m := map[string]metav1.APIGroup{}
		for _, g := range l.Groups {
			g.ServerAddressByClientCIDRs = nil // only in unaggregated answers
			m[g.Name] = g
		}
		return m
	}
	if len(got.Groups) == 0 || got.Groups[0].Name != "" || got.Groups[0].PreferredVersion.Version != "v1" {
		t.Errorf("the core group is not first: %+v", got.Groups[:min(len(got.Groups), 1)])
	}
	if g, w := byName(got), byName(want); !reflect.DeepEqual(g, w) {
		t.Errorf("groups differ:\nours:      %+v\nclient-go: %+v", g, w)
	}
	if _, ok := byName(got)[kinds.GroupVPC]; !ok {
		t.Errorf("no %s group", kinds.GroupVPC)
	}

	for _, gv := range []string{kinds.GroupVPC + "/v1beta1", kinds.GroupWiring + "/v1beta1", "v1", "apps/v1"} {
		got, err := ours.ServerResourcesForGroupVersionWithContext(ctx, gv)
		if err != nil {
			t.Fatalf("%s: %v", gv, err)
		}
		want, err := theirs.ServerResourcesForGroupVersionWithContext(ctx, gv)
		if err != nil {
			t.Fatal(err)
		}
		sortResources := func(l *metav1.APIResourceList) {
			sort.Slice(l.APIResources, func(i, j int) bool { return l.APIResources[i].Name < l.APIResources[j].Name })
		}
		sortResources(got)
		sortResources(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s differs:\nours:      %+v\nclient-go: %+v", gv, got, want)
		}
		if len(got.APIResources) == 0 || got.GroupVersion != gv {
			t.Errorf("%s: %+v", gv, got)
		}
	}

	// A group/version not served is NotFound for both.
	_, err = ours.ServerResourcesForGroupVersionWithContext(ctx, "nope.example.com/v1")
	_, werr := theirs.ServerResourcesForGroupVersionWithContext(ctx, "nope.example.com/v1")
	if !apierrors.IsNotFound(err) || !apierrors.IsNotFound(werr) {
		t.Errorf("unserved group: ours %v, client-go %v", err, werr)
	}
	if _, err := ours.ServerResourcesForGroupVersionWithContext(ctx, ""); err == nil {
		t.Error("an empty group/version was asked for")
	}
}

// What a server says about discovery reaches the caller as client-go's
// errors do: 404s on /api and /apis are empty answers, 403 is Forbidden, a
// document that is not JSON says which it was.
func TestRESTDiscoveryErrors(t *testing.T) {
	var apiStatus, apisStatus int
	var apisBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Accept"); got != "application/json" {
			t.Errorf("%s: Accept %q", r.URL.Path, got)
		}
		status, body := http.StatusNotFound, ""
		switch r.URL.Path {
		case "/api":
			status, body = apiStatus, `{"kind":"APIVersions","versions":["v1"]}`
		case "/apis":
			status, body = apisStatus, apisBody
		case "/api/v1":
			status = http.StatusNotFound
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		if status != http.StatusOK {
			reason := map[int]metav1.StatusReason{403: metav1.StatusReasonForbidden, 404: metav1.StatusReasonNotFound}[status]
			body = fmt.Sprintf(`{"kind":"Status","apiVersion":"v1","status":"Failure","reason":%q,"code":%d}`, reason, status)
		}
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	dyn, err := NewDynamic(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	d := dyn.Discovery()
	ctx := t.Context()

	apiStatus, apisStatus = http.StatusNotFound, http.StatusNotFound
	if l, err := d.ServerGroupsWithContext(ctx); err != nil || len(l.Groups) != 0 {
		t.Errorf("both 404: %+v, %v", l, err)
	}
	apiStatus, apisStatus, apisBody = http.StatusOK, http.StatusOK, `{"kind":"APIGroupList","groups":[{"name":"g.example","versions":[{"groupVersion":"g.example/v2","version":"v2"}],"preferredVersion":{"groupVersion":"g.example/v2","version":"v2"}}]}`
	l, err := d.ServerGroupsWithContext(ctx)
	if err != nil || len(l.Groups) != 2 || l.Groups[0].Name != "" || l.Groups[1].Name != "g.example" || l.Groups[1].PreferredVersion.Version != "v2" {
		t.Errorf("groups: %+v, %v", l, err)
	}
	apisStatus = http.StatusForbidden
	if _, err := d.ServerGroupsWithContext(ctx); !apierrors.IsForbidden(err) {
		t.Errorf("403: %v", err)
	}
	apisStatus, apisBody = http.StatusOK, `<html>`
	if _, err := d.ServerGroupsWithContext(ctx); err == nil || !strings.Contains(err.Error(), "decoding the discovery document /apis") {
		t.Errorf("not JSON: %v", err)
	}
	// The core group's v1 missing is an empty list, as in client-go.
	if l, err := d.ServerResourcesForGroupVersionWithContext(ctx, "v1"); err != nil || l.GroupVersion != "v1" || len(l.APIResources) != 0 {
		t.Errorf("v1 404: %+v, %v", l, err)
	}
}
