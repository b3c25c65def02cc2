package desired

import (
	"fmt"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// classify sorts a document into a managed object, a skipped document (of
// a kind kubectl-hnp does not manage) or an error, unpacking v1 Lists. A
// document that looks meant for a managed kind but is not quite one (the
// kind with another group, a group of ours with an unknown kind) is an
// error, not skipped: skipping it would make the live object look
// notInGit, and prune would delete it.
func (r *fileResult) classify(doc document, file string, errs *[]error) {
	obj, ok := doc.value.(map[string]interface{})
	if !ok {
		if doc.value != nil {
			r.skipped = append(r.skipped, resource.Skipped{File: file, Line: doc.line})
		}
		return
	}
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	if apiVersion == "v1" && kind == "List" {
		items, _ := obj["items"].([]interface{})
		for i, it := range items {
			line := doc.line
			if i < len(doc.itemLines) {
				line = doc.itemLines[i]
			}
			bad := badNumbersUnder(doc.nonFinite, fmt.Sprintf("items[%d]", i))
			r.classify(document{index: doc.index, line: line, value: it, nonFinite: bad}, file, errs)
		}
		return
	}
	meta, _ := obj["metadata"].(map[string]interface{})
	name, nameOK := meta["name"].(string)
	k, msg := managedKind(apiVersion, kind, name)
	if msg != "" {
		*errs = append(*errs, &ParseError{File: file, Line: doc.line, Msg: msg})
		return
	}
	if k == nil {
		r.skipped = append(r.skipped, resource.Skipped{File: file, Line: doc.line, APIVersion: apiVersion, Kind: kind, Name: name})
		return
	}
	if !nameOK || name == "" {
		msg := k.Kind + " without metadata.name"
		if v, present := meta["name"]; present && v != nil && !nameOK {
			msg = k.Kind + ": metadata.name is not a string"
		}
		*errs = append(*errs, &ParseError{File: file, Line: doc.line, Msg: msg})
		return
	}
	ns := resource.DefaultNamespace
	if v, present := meta["namespace"]; present && v != nil {
		s, isString := v.(string)
		if !isString {
			*errs = append(*errs, &ParseError{File: file, Line: doc.line, Msg: fmt.Sprintf("%s %s: metadata.namespace is not a string", k.Kind, name)})
			return
		}
		if s != "" {
			ns = s
		}
	}
	if len(doc.nonFinite) > 0 {
		for _, b := range doc.nonFinite {
			*errs = append(*errs, &ParseError{File: file, Line: b.line,
				Msg: fmt.Sprintf("%s %s: %s is %s, a number JSON cannot carry", k.Kind, name, b.path, b.text)})
		}
		return
	}
	r.objects = append(r.objects, &resource.Object{
		Key:    resource.Key{Kind: k.Kind, Namespace: ns, Name: name},
		Obj:    &unstructured.Unstructured{Object: obj},
		Origin: &resource.Origin{File: file, Doc: doc.index, Line: doc.line},
	})
}

// apiVersionRe matches a Kubernetes API version: v1, v1beta1, v2alpha3.
var apiVersionRe = regexp.MustCompile(`^v[1-9][0-9]*(?:(?:alpha|beta)[1-9][0-9]*)?$`)

// managedKind returns the managed kind of a document, nil for a document
// of another kind (skipped), or a message saying why the document is
// neither: one of the managed kinds with another group or a malformed
// version, or a group of ours with an unknown kind. Any well-formed version
// of the right group is the kind (the cluster may serve another one).
func managedKind(apiVersion, kind, name string) (*kinds.Kind, string) {
	group, version, ok := strings.Cut(apiVersion, "/")
	if !ok {
		group, version = "", apiVersion // the core group: "v1"
	}
	if k := kinds.ByKind(kind); k != nil {
		if group == k.Group && (version == k.Version || apiVersionRe.MatchString(version)) {
			return k, ""
		}
		what := k.Kind
		if name != "" {
			what += " " + name
		}
		has := "no apiVersion"
		if apiVersion != "" {
			has = "apiVersion " + apiVersion
		}
		return nil, fmt.Sprintf("%s has %s, expected %s", what, has, k.APIVersion())
	}
	if group != kinds.GroupVPC && group != kinds.GroupWiring {
		return nil, ""
	}
	var ours []string
	for _, k := range kinds.All() {
		if k.Group == group {
			ours = append(ours, k.Kind)
		}
	}
	expected := "expected one of " + strings.Join(ours, ", ")
	if kind == "" {
		return nil, fmt.Sprintf("document of apiVersion %s has no kind, %s", apiVersion, expected)
	}
	if k, found := kinds.Lookup(kind); found {
		expected = "did you mean " + k.Kind + "?"
	}
	return nil, fmt.Sprintf("%s is not a kind of %s, %s", kind, group, expected)
}
