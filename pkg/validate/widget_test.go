package validate

import (
	"errors"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// widgetCRDYAML is a CRD that has what the Hedgehog CRDs lack: a required
// field with a default, a CEL rule, a set-type list, and an unserved version.
const widgetCRDYAML = `
# a test CRD
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.test.hnp.githedgehog.com
spec:
  group: test.hnp.githedgehog.com
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, default: 1, minimum: 1}
              min: {type: integer}
              max: {type: integer}
              tags:
                type: array
                x-kubernetes-list-type: set
                items: {type: string}
            x-kubernetes-validations:
            - rule: "!has(self.min) || !has(self.max) || self.min <= self.max"
              message: min must not exceed max
              fieldPath: .min
          status: {type: object}
  - name: v1alpha1
    served: false
    storage: false
    schema:
      openAPIV3Schema: {type: object}
`

func widgetCRD(t testing.TB) *apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	crds, err := decodeCRDs([]byte(widgetCRDYAML))
	if err != nil || len(crds) != 1 {
		t.Fatalf("decoding the widget CRD: %v (%d CRDs)", err, len(crds))
	}
	return crds[0]
}

const widgetHead = "apiVersion: test.hnp.githedgehog.com/v1\nkind: Widget\nmetadata: {name: w}\n"

// widgetCases are widgets the API server rejects, and the field it names.
var widgetCases = []invalidCase{
	{name: "CEL rule", path: "spec.min", typ: field.ErrorTypeInvalid, doc: widgetHead + "spec: {min: 5, max: 2}\n"},
	{name: "set with duplicates", path: "spec.tags[1]", typ: field.ErrorTypeDuplicate, doc: widgetHead + "spec: {tags: [a, a]}\n"},
	{name: "minimum", path: "spec.size", typ: field.ErrorTypeInvalid, doc: widgetHead + "spec: {size: 0}\n"},
	{name: "unserved version", path: "apiVersion", typ: field.ErrorTypeNotSupported, notServed: true,
		doc: "apiVersion: test.hnp.githedgehog.com/v1alpha1\nkind: Widget\nmetadata: {name: w}\nspec: {}\n"},
}

func widgets(t testing.TB) *Validator {
	t.Helper()
	v, err := FromCRDs(widgetCRD(t))
	if err != nil {
		t.Fatal(err)
	}
	return v.WithOptions(Options{RejectUnknownFields: true})
}

// The required field size is missing but has a default: the server defaults
// before it validates, and so does Validate.
func TestDefaultsApplyBeforeValidation(t *testing.T) {
	if err := widgets(t).Validate(obj(t, widgetHead+"spec: {min: 1, max: 2}\n")); err != nil {
		t.Fatal(err)
	}
}

func TestWidgetCases(t *testing.T) {
	for _, c := range widgetCases {
		t.Run(c.name, func(t *testing.T) {
			wantField(t, widgets(t).Validate(obj(t, c.doc)), c.path, c.typ)
		})
	}
}

func TestCELRuleInTheServersWords(t *testing.T) {
	e := wantField(t, widgets(t).Validate(obj(t, widgetHead+"spec: {min: 5, max: 2}\n")), "spec.min", field.ErrorTypeInvalid)
	if f, _ := e.Field("spec.min"); f.Reason != "min must not exceed max" {
		t.Fatalf("reason %q", f.Reason)
	}
}

// As on the server, a type error stops the CEL rules, with a note saying so.
func TestTypeErrorsBlockCEL(t *testing.T) {
	err := widgets(t).Validate(obj(t, widgetHead+"spec: {min: x, max: 2}\n"))
	wantField(t, err, "spec.min", field.ErrorTypeTypeInvalid)
	if !strings.Contains(err.Error(), "some validation rules were not checked") {
		t.Fatalf("no note about unchecked rules:\n%v", err)
	}
}

func TestUnservedVersionNamesCRDAndServedVersions(t *testing.T) {
	err := widgets(t).Validate(obj(t, widgetCases[len(widgetCases)-1].doc))
	want := `apiVersion: Unsupported value: "test.hnp.githedgehog.com/v1alpha1": version "v1alpha1" of kind Widget is not served by CRD widgets.test.hnp.githedgehog.com; supported values: "test.hnp.githedgehog.com/v1"`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got\n%v\nwant a line\n%s", err, want)
	}
}

func TestUnknownKind(t *testing.T) {
	v, err := FromCRDs(widgetCRD(t))
	if err != nil {
		t.Fatal(err)
	}
	var uk *UnknownKindError
	err = v.Validate(obj(t, switchHead+"spec: {role: spine}\n"))
	if !errors.As(err, &uk) || uk.CRDName != "switches.wiring.githedgehog.com" {
		t.Fatalf("%T %v", err, err)
	}
	want := "cannot validate kind Switch.wiring.githedgehog.com: no CRD for it is loaded (it is served by CRD switches.wiring.githedgehog.com); known kinds: Widget.test.hnp.githedgehog.com"
	if err.Error() != want {
		t.Fatalf("got  %s\nwant %s", err, want)
	}
	err = hedgehog(t).Validate(obj(t, "apiVersion: vpc.githedgehog.com/v1beta1\nkind: Gateway\nmetadata: {name: g}\n"))
	if !errors.As(err, &uk) || uk.CRDName != "" || !strings.HasPrefix(err.Error(), "cannot validate kind Gateway.vpc.githedgehog.com: no CRD for it is loaded; known kinds: Connection.wiring") {
		t.Fatalf("%v", err)
	}
}

func TestKindsListsServedVersions(t *testing.T) {
	got := widgets(t).Kinds()
	if len(got) != 1 || got[0].String() != "test.hnp.githedgehog.com/v1, Kind=Widget" {
		t.Fatalf("%v", got)
	}
	if n := len(hedgehog(t).Kinds()); n != 12 {
		t.Fatalf("%d Hedgehog kinds", n)
	}
}
