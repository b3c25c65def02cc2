package clusterstate

import (
	"slices"
	"strings"

	"github.com/githedgehog/kubectl-hnp/internal/jsonvalue"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// NewDynamic returns a dynamic client for cfg, as dynamic.NewForConfig
// builds it, except that a JSON LIST response is decoded in one pass.
// client-go's decoder reads a list four times (the kind, the items as raw
// messages, the whole list into a map that is then thrown away, each item
// again): for drift, whose LISTs carry every object of a fabric, that was
// half the command's CPU time. The objects are the same either way; any
// response that is not a plain list of objects goes to client-go's decoder.
func NewDynamic(cfg *rest.Config) (dynamic.Interface, error) {
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
	return dynamic.New(rc), nil
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
