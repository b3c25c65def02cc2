package clusterstate

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/githedgehog/kubectl-hnp/internal/jsonvalue"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// Dynamic is a dynamic client whose LISTs decode each response as it
// arrives (Reader.Load's pages: a fabric's whole state, about 3 MB per
// 1,000 objects applied with kubectl). client-go's Do reads every response
// into a new slice first; with the collector off for a cluster run
// (internal/gcpolicy) each of those is fresh memory, and on some VMs the
// page faults cost as much as decoding.
type Dynamic struct {
	dynamic.Interface
	rest rest.Interface
}

// NewDynamic returns a dynamic client for cfg, as dynamic.NewForConfig
// builds it, except that a JSON LIST response is decoded in one pass.
// client-go's decoder reads a list four times (the kind, the items as raw
// messages, the whole list into a map that is then thrown away, each item
// again): for drift, whose LISTs carry every object of a fabric, that was
// half the command's CPU time. The objects are the same either way; any
// response that is not a plain list of objects goes to client-go's decoder.
func NewDynamic(cfg *rest.Config) (*Dynamic, error) {
	config := dynamic.ConfigFor(cfg)
	config.NegotiatedSerializer = listSerializer{config.NegotiatedSerializer}
	// As dynamic.NewForConfigAndClient sets them: the dynamic client
	// builds each request's path itself.
	config.GroupVersion = nil
	config.APIPath = "/if-you-see-this-search-for-the-break"
	h, err := rest.HTTPClientFor(config)
	if err != nil {
		return nil, err
	}
	rc, err := rest.UnversionedRESTClientForConfigAndClient(config, h)
	if err != nil {
		return nil, err
	}
	return &Dynamic{Interface: dynamic.New(rc), rest: rc}, nil
}

// listRetries is how many times List tries a request whose connection
// was lost, as client-go's Do retries a GET.
const listRetries = 3

// errNotList is a response that decodeList does not take.
var errNotList = errors.New("not a plain list")

// List lists one page of gvr in ns (all namespaces when ns is ""), as the
// dynamic client's List does, decoding the response as it is read. A
// response that is not a plain list (never seen from an API server) is
// asked for again through client-go, whose decoder says what it is.
func (d *Dynamic) List(ctx context.Context, gvr schema.GroupVersionResource, ns string, opts metav1.ListOptions) (*unstructured.UnstructuredList, error) {
	path := []string{"/apis", gvr.Group, gvr.Version}
	if gvr.Group == "" {
		path = []string{"/api", gvr.Version}
	}
	if ns != "" {
		path = append(path, "namespaces", ns)
	}
	path = append(path, gvr.Resource)
	for try := 1; ; try++ {
		list, err := d.read(ctx, path, opts)
		switch {
		case err == nil:
			return list, nil
		case errors.Is(err, errNotList):
			return d.Resource(gvr).Namespace(ns).List(ctx, opts)
		case try == listRetries || ctx.Err() != nil ||
			!(utilnet.IsConnectionReset(err) || utilnet.IsProbableEOF(err) || utilnet.IsHTTP2ConnectionLost(err)):
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(try) * 100 * time.Millisecond):
		}
	}
}

// read sends the LIST and decodes the response. An error status is
// client-go's error for it (apierrors.IsNotFound and the like work); a
// connection lost while reading is the transport's error.
func (d *Dynamic) read(ctx context.Context, path []string, opts metav1.ListOptions) (*unstructured.UnstructuredList, error) {
	body, err := d.rest.Get().AbsPath(path...).SpecificallyVersionedParams(&opts, metav1.ParameterCodec, metav1.SchemeGroupVersion).Stream(ctx)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	r := &errReader{r: body}
	m, err := jsonvalue.ListFrom(r)
	if r.err != nil && r.err != io.EOF {
		return nil, r.err
	}
	if err != nil {
		return nil, errNotList
	}
	list := &unstructured.UnstructuredList{}
	if _, ok := fillList(m, list); !ok {
		return nil, errNotList
	}
	return list, nil
}

// errReader remembers the first error of r.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}

// listSerializer is the dynamic client's serializer with listDecoder
// decoding JSON.
type listSerializer struct{ runtime.NegotiatedSerializer }

// SupportedMediaTypes returns the wrapped serializer's media types, JSON
// decoded by listDecoder.
func (s listSerializer) SupportedMediaTypes() []runtime.SerializerInfo {
	infos := slices.Clone(s.NegotiatedSerializer.SupportedMediaTypes())
	for i := range infos {
		if infos[i].MediaType == runtime.ContentTypeJSON && infos[i].Serializer != nil {
			infos[i].Serializer = listDecoder{infos[i].Serializer}
		}
	}
	return infos
}

// listDecoder decodes a JSON list into an UnstructuredList in one pass;
// everything else (and any list it does not recognise) goes to the wrapped
// serializer.
type listDecoder struct{ runtime.Serializer }

// Decode implements runtime.Decoder.
func (d listDecoder) Decode(data []byte, defaults *schema.GroupVersionKind, into runtime.Object) (runtime.Object, *schema.GroupVersionKind, error) {
	list, ok := into.(*unstructured.UnstructuredList)
	if !ok {
		return d.Serializer.Decode(data, defaults, into)
	}
	if gvk, ok := decodeList(data, list); ok {
		return list, &gvk, nil
	}
	return d.Serializer.Decode(data, defaults, into)
}

// decodeList fills list from data as client-go's unstructured decoder
// would (items without apiVersion and kind take the list's, minus "List"),
// reporting false, with list untouched, when data is not a JSON object with
// a kind ending in List and an array of objects as items.
func decodeList(data []byte, list *unstructured.UnstructuredList) (schema.GroupVersionKind, bool) {
	m, err := jsonvalue.List(data)
	if err != nil {
		return schema.GroupVersionKind{}, false
	}
	return fillList(m, list)
}

// fillList is decodeList's second half: list from the decoded response m.
func fillList(m map[string]any, list *unstructured.UnstructuredList) (schema.GroupVersionKind, bool) {
	apiVersion, _ := m["apiVersion"].(string)
	kind, _ := m["kind"].(string)
	raw, isArray := m["items"].([]any)
	if kind == "" || kind == "Status" || (m["items"] != nil && !isArray) {
		return schema.GroupVersionKind{}, false
	}
	items := make([]unstructured.Unstructured, len(raw))
	itemKind := strings.TrimSuffix(kind, "List")
	for i, it := range raw {
		obj, ok := it.(map[string]any)
		if it != nil && !ok {
			return schema.GroupVersionKind{}, false
		}
		if obj == nil {
			obj = map[string]any{}
		}
		items[i].Object = obj
		if items[i].GetKind() == "" && items[i].GetAPIVersion() == "" {
			items[i].SetKind(itemKind)
			items[i].SetAPIVersion(apiVersion)
		}
	}
	delete(m, "items")
	list.Object, list.Items = m, items
	return schema.FromAPIVersionAndKind(apiVersion, kind), true
}
