package clusterstate

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/githedgehog/kubectl-hnp/internal/jsonvalue"
)

// clientGoJSON is client-go's own JSON decoder of the dynamic client.
func clientGoJSON(t testing.TB) runtime.Serializer {
	t.Helper()
	for _, info := range dynamic.ConfigFor(&rest.Config{}).NegotiatedSerializer.SupportedMediaTypes() {
		if info.MediaType == runtime.ContentTypeJSON {
			return info.Serializer
		}
	}
	t.Fatal("the dynamic client has no JSON serializer")
	return nil
}

// listCases are LIST responses and other bodies: each must decode exactly
// as client-go decodes it, or fail as it fails.
var listCases = map[string]string{
	"objects": `{"apiVersion":"vpc.githedgehog.com/v1beta1","kind":"VPCList","metadata":{"continue":"abc","resourceVersion":"12"},
		"items":[{"apiVersion":"vpc.githedgehog.com/v1beta1","kind":"VPC","metadata":{"name":"a","namespace":"n","annotations":{"x":"{\"y\":1}"}},
		"spec":{"subnets":{"d":{"vlan":1001,"dhcp":{"enable":true},"ratio":1.5,"big":9007199254740993,"neg":-3,"e":1e3,"list":[1,"two",null,{"k":[]}]}}}},
		{"metadata":{"name":"b"},"spec":null}]}`,
	"no items":       `{"apiVersion":"v1","kind":"ConfigMapList","metadata":{}}`,
	"null items":     `{"apiVersion":"v1","kind":"ConfigMapList","items":null}`,
	"empty items":    `{"apiVersion":"v1","kind":"ConfigMapList","items":[]}`,
	"null item":      `{"apiVersion":"v1","kind":"ConfigMapList","items":[null,{"kind":"X"}]}`,
	"no List suffix": `{"apiVersion":"v1","kind":"Things","items":[{"metadata":{"name":"a"}}]}`,
	"status":         `{"apiVersion":"v1","kind":"Status","status":"Failure","message":"no","code":500}`,
	"no kind":        `{"apiVersion":"v1","items":[]}`,
	"items not list": `{"apiVersion":"v1","kind":"ConfigMapList","items":{"a":1}}`,
	"item not obj":   `{"apiVersion":"v1","kind":"ConfigMapList","items":[1]}`,
	"not json":       `{"apiVersion":"v1","kind":"ConfigMapList","items":[}`,
	"array":          `[1,2]`,
	"escapes":        `{"apiVersion":"v1","kind":"XList","items":[{"a\u00e9\n":"\ud83d\ude00 \u2028 \"q\" \\ \/","b":"\ud800","c":"caf\u00e9 é"}]}`,
	"invalid utf-8":  "{\"apiVersion\":\"v1\",\"kind\":\"XList\",\"items\":[{\"a\":\"x\xff\xfey\",\"b\xc3\":1}]}",
	"duplicates":     `{"apiVersion":"v1","kind":"XList","items":[{"a":1,"a":2,"b":{"c":1},"b":{"d":2}}],"kind":"YList"}`,
	"numbers":        `{"apiVersion":"v1","kind":"XList","items":[{"a":[0,-0,1.0,1e2,1E-2,-9223372036854775808,9223372036854775807,9223372036854775808,123456789012345678901234567890,0.1,-1.5e300]}]}`,
	"huge float":     `{"apiVersion":"v1","kind":"XList","items":[{"a":1e400}]}`,
	"trailing":       `{"apiVersion":"v1","kind":"XList","items":[]} {}`,
	"trailing junk":  `{"apiVersion":"v1","kind":"XList","items":[]} x`,
	"whitespace":     " \n\t{ \"apiVersion\" : \"v1\" , \"kind\":\"XList\",\"items\" : [ { } , { \"a\" : [ ] } ] } \n",
	"empty":          ``,
	"managed fields": `{"apiVersion":"v1","kind":"XList","items":[{"metadata":{"name":"a","managedFields":[` +
		`{"manager":"m","operation":"Apply","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{".":{},"f:x":{}},"f:metadata":{"f:labels":{"f:caf\u00e9":{}}}}},` +
		`{"manager":"n","fieldsV1":null},{"manager":"o","fieldsV1":"text"},{"manager":"p","fieldsV1":{ "f:a" : { } }},"odd"]},` +
		`"spec":{"fieldsV1":{"a":1},"managedFields":[{"fieldsV1":{"b":2}}]}},{"managedFields":[{"fieldsV1":{"c":3}}]}],"metadata":{"managedFields":[{"fieldsV1":{"d":4}}]}}`,
	"long keys": `{"apiVersion":"v1","kind":"XList","items":[{"` + strings.Repeat("k", 100) + `":"` + strings.Repeat("v", 100) + `"},{"` + strings.Repeat("k", 100) + `":"` + strings.Repeat("v", 100) + `"}]}`,
}

func TestListDecoderDecodesAsClientGo(t *testing.T) {
	ours := listDecoder{clientGoJSON(t)}
	for name, body := range listCases {
		t.Run(name, func(t *testing.T) {
			want := &unstructured.UnstructuredList{}
			wantObj, wantGVK, wantErr := clientGoJSON(t).Decode([]byte(body), nil, want)
			got := &unstructured.UnstructuredList{}
			gotObj, gotGVK, gotErr := ours.Decode([]byte(body), nil, got)
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("error %v, want %v", gotErr, wantErr)
			}
			if wantErr != nil {
				return
			}
			// The managed field sets are left as JSON text: as
			// the API server sent them once expanded.
			for _, it := range got.Items {
				jsonvalue.ExpandFieldsV1(it.Object)
			}
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotGVK, wantGVK) || (gotObj == got) != (wantObj == want) {
				t.Errorf("decoded %#v (%v), want %#v (%v)", got, gotGVK, want, wantGVK)
			}
		})
	}
}

// TestListFromDecodesAsList: reading a response as it arrives, a byte at a
// time or in halves, gives what decoding it whole gives, and the same
// errors; the decoders it reuses start afresh.
func TestListFromDecodesAsList(t *testing.T) {
	for range 2 {
		for name, body := range listCases {
			want, wantErr := jsonvalue.List([]byte(body))
			for how, r := range map[string]io.Reader{
				"one byte at a time": iotest.OneByteReader(strings.NewReader(body)),
				"in halves":          iotest.HalfReader(strings.NewReader(body)),
			} {
				got, err := jsonvalue.ListFrom(r)
				if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) {
					t.Errorf("%s, %s: %v, %v; List gives %v, %v", name, how, got, err, want, wantErr)
				}
			}
		}
	}
}

// TestListDecoderKeepsFieldSetsAsText checks which fieldsV1 a LIST leaves
// as text: those of items' metadata.managedFields entries, and only those.
func TestListDecoderKeepsFieldSetsAsText(t *testing.T) {
	list := &unstructured.UnstructuredList{}
	if _, _, err := (listDecoder{clientGoJSON(t)}).Decode([]byte(listCases["managed fields"]), nil, list); err != nil {
		t.Fatal(err)
	}
	entries, _, _ := unstructured.NestedSlice(list.Items[0].Object, "metadata", "managedFields")
	want := []any{`{"f:spec":{".":{},"f:x":{}},"f:metadata":{"f:labels":{"f:caf\u00e9":{}}}}`, nil, "text", `{ "f:a" : { } }`}
	for i, w := range want {
		if got := entries[i].(map[string]any)["fieldsV1"]; got != w {
			t.Errorf("entry %d: fieldsV1 %#v, want %#v", i, got, w)
		}
	}
	for _, path := range [][]string{{"spec", "fieldsV1"}, {"spec", "managedFields"}} {
		if v, _, _ := unstructured.NestedFieldNoCopy(list.Items[0].Object, path...); v == nil || reflect.TypeOf(v).Kind() == reflect.String {
			t.Errorf("%v: %#v, want it decoded", path, v)
		}
	}
	if v := list.Items[1].Object["managedFields"].([]any)[0].(map[string]any)["fieldsV1"]; reflect.TypeOf(v).Kind() == reflect.String {
		t.Errorf("managedFields outside metadata: fieldsV1 %#v, want it decoded", v)
	}
	if v, _, _ := unstructured.NestedSlice(list.Object, "metadata", "managedFields"); reflect.TypeOf(v[0].(map[string]any)["fieldsV1"]).Kind() == reflect.String {
		t.Errorf("the list's own metadata: fieldsV1 %#v, want it decoded", v)
	}
}

func TestListDecoderLeavesOtherObjectsToClientGo(t *testing.T) {
	body := []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"n":"1"}}`)
	got, want := &unstructured.Unstructured{}, &unstructured.Unstructured{}
	if _, _, err := (listDecoder{clientGoJSON(t)}).Decode(body, nil, got); err != nil {
		t.Fatal(err)
	}
	if _, _, err := clientGoJSON(t).Decode(body, nil, want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded %v, want %v", got, want)
	}
}

// TestNewDynamicListsThroughClientGo runs LISTs through the client NewDynamic
// builds, as the dynamic interface and with Dynamic.List (paths,
// parameters, errors as dynamic.NewForConfig's client), and checks that
// Dynamic.List tries again when the connection drops before a response.
func TestNewDynamicListsThroughClientGo(t *testing.T) {
	var mu sync.Mutex
	var query string
	drops, tries := 0, 0 // connections still to drop on /namespaces/flaky, requests there
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/apis/vpc.githedgehog.com/v1beta1/namespaces/gone/vpcs":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"apiVersion":"v1","kind":"Status","status":"Failure","reason":"NotFound","code":404,"message":"gone"}`)
			return
		case "/apis/vpc.githedgehog.com/v1beta1/namespaces/flaky/vpcs":
			mu.Lock()
			drop := drops > 0
			drops--
			tries++
			mu.Unlock()
			if drop {
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					conn.Close()
				}
				return
			}
		case "/apis/vpc.githedgehog.com/v1beta1/namespaces/cut/vpcs":
			// The first response breaks off halfway.
			mu.Lock()
			cut := drops > 0
			drops--
			mu.Unlock()
			if cut {
				body := strings.ReplaceAll(listCases["objects"], "\n", "")
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", fmt.Sprint(len(body)))
				fmt.Fprint(w, body[:len(body)/2])
				w.(http.Flusher).Flush()
				if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
					conn.Close()
				}
				return
			}
		case "/apis/vpc.githedgehog.com/v1beta1/namespaces/status/vpcs":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"apiVersion":"v1","kind":"Status","status":"Failure","reason":"Conflict","code":409,"message":"odd"}`)
			return
		case "/apis/vpc.githedgehog.com/v1beta1/namespaces/n/vpcs", "/apis/vpc.githedgehog.com/v1beta1/vpcs":
		default:
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		query = r.URL.RawQuery
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, strings.ReplaceAll(listCases["objects"], "\n", ""))
	}))
	defer srv.Close()
	dyn, err := NewDynamic(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	gvr := schema.GroupVersionResource{Group: "vpc.githedgehog.com", Version: "v1beta1", Resource: "vpcs"}
	listers := map[string]func(ns string, opts metav1.ListOptions) (*unstructured.UnstructuredList, error){
		"dynamic interface": func(ns string, opts metav1.ListOptions) (*unstructured.UnstructuredList, error) {
			return dyn.Resource(gvr).Namespace(ns).List(context.Background(), opts)
		},
		"Dynamic.List": func(ns string, opts metav1.ListOptions) (*unstructured.UnstructuredList, error) {
			return dyn.List(context.Background(), gvr, ns, opts)
		},
	}
	for name, list := range listers {
		t.Run(name, func(t *testing.T) {
			for _, c := range []struct {
				ns    string
				opts  metav1.ListOptions
				query string
			}{
				{"n", metav1.ListOptions{Limit: 500}, "limit=500"},
				{"n", metav1.ListOptions{Limit: 2, Continue: "abc", LabelSelector: "a=b"}, "continue=abc&labelSelector=a%3Db&limit=2"},
				{"", metav1.ListOptions{}, ""},
			} {
				l, err := list(c.ns, c.opts)
				if err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				q := query
				mu.Unlock()
				if q != c.query {
					t.Errorf("query %q, want %q", q, c.query)
				}
				if len(l.Items) != 2 || l.GetContinue() != "abc" || l.Items[1].GetKind() != "VPC" || l.Items[1].GetName() != "b" {
					t.Errorf("list %v", l)
				}
				if v, _, _ := unstructured.NestedInt64(l.Items[0].Object, "spec", "subnets", "d", "vlan"); v != 1001 {
					t.Errorf("vlan %v, want int64 1001", v)
				}
			}
			_, err = list("gone", metav1.ListOptions{})
			if !apierrors.IsNotFound(err) || !strings.Contains(err.Error(), "gone") {
				t.Errorf("error %v, want the server's NotFound", err)
			}

		})
	}
	// Two dropped connections, then a response: Dynamic.List's third try.
	set := func(d int) {
		mu.Lock()
		drops, tries = d, 0
		mu.Unlock()
	}
	set(listRetries - 1)
	if l, err := dyn.List(context.Background(), gvr, "flaky", metav1.ListOptions{}); err != nil || len(l.Items) != 2 {
		t.Errorf("after %d dropped connections: %v, %v", listRetries-1, l, err)
	}
	// A Status with 200 is no list: Dynamic.List answers as client-go.
	want, wantErr := listers["dynamic interface"]("status", metav1.ListOptions{})
	got, err := dyn.List(context.Background(), gvr, "status", metav1.ListOptions{})
	if !reflect.DeepEqual(got, want) || fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Errorf("a Status with 200: %v, %v; client-go: %v, %v", got, err, want, wantErr)
	}
	// A response broken off halfway is asked for again.
	set(1)
	if l, err := dyn.List(context.Background(), gvr, "cut", metav1.ListOptions{}); err != nil || len(l.Items) != 2 {
		t.Errorf("after a response broken off: %v, %v", l, err)
	}
	// Every connection dropped: the lost connection is the error, after
	// listRetries tries (Go's transport may try a reused connection's
	// request twice: one Stream alone makes at most two requests).
	set(1000)
	if _, err := dyn.List(context.Background(), gvr, "flaky", metav1.ListOptions{}); err == nil || !utilnet.IsProbableEOF(err) {
		t.Errorf("every connection dropped: error %v, want the lost connection", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if tries < listRetries {
		t.Errorf("every connection dropped: %d requests, want at least %d", tries, listRetries)
	}
}

// BenchmarkListDecode decodes a LIST page of 500 VPCs as kubectl apply
// stores them (last-applied annotation, managed fields), with client-go's
// decoder and with listDecoder.
func BenchmarkListDecode(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"apiVersion":"vpc.githedgehog.com/v1beta1","kind":"VPCList","metadata":{"resourceVersion":"9"},"items":[`)
	for i := range 500 {
		if i > 0 {
			sb.WriteString(",")
		}
		spec := fmt.Sprintf(`{"ipv4Namespace":"ipns-%02d","vlanNamespace":"vlanns-%02d","subnets":{"default":{"subnet":"10.%d.%d.0/24","vlan":%d,"dhcp":{"enable":true,"range":{"start":"10.%d.%d.10"}}}}}`, i%10, i%10, i%10, i/10, 1000+i, i%10, i/10)
		applied := strings.ReplaceAll(fmt.Sprintf(`{"apiVersion":"vpc.githedgehog.com/v1beta1","kind":"VPC","metadata":{"name":"vpc-%04d","namespace":"e2e"},"spec":%s}`, i, spec), `"`, `\"`)
		fmt.Fprintf(&sb, `{"apiVersion":"vpc.githedgehog.com/v1beta1","kind":"VPC","metadata":{"name":"vpc-%04d","namespace":"e2e","uid":"6f1c2a4e-0000-4000-8000-%012d","resourceVersion":"%d","generation":1,"creationTimestamp":"2026-12-02T09:00:00Z",`+
			`"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"%s\n"},"managedFields":[{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"vpc.githedgehog.com/v1beta1","time":"2026-12-02T09:00:00Z","fieldsType":"FieldsV1",`+
			`"fieldsV1":{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}},"f:spec":{".":{},"f:ipv4Namespace":{},"f:subnets":{".":{},"f:default":{".":{},"f:dhcp":{".":{},"f:enable":{},"f:range":{".":{},"f:start":{}}},"f:subnet":{},"f:vlan":{}}},"f:vlanNamespace":{}}}}]},"spec":%s}`,
			i, i, 100+i, applied, spec)
	}
	sb.WriteString(`]}`)
	body := []byte(sb.String())
	for name, dec := range map[string]runtime.Decoder{"client-go": clientGoJSON(b), "listDecoder": listDecoder{clientGoJSON(b)}} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				var l unstructured.UnstructuredList
				if _, _, err := dec.Decode(body, nil, &l); err != nil || len(l.Items) != 500 {
					b.Fatalf("%v, %d items", err, len(l.Items))
				}
			}
		})
	}
}
