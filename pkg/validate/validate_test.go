package validate

import (
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestValidObjectsPass(t *testing.T) {
	for _, name := range sortedKeys(validDocs) {
		t.Run(name, func(t *testing.T) {
			for mode, v := range map[string]*Validator{"lenient": hedgehog(t), "strict": strict(t)} {
				o := obj(t, validDocs[name])
				before := o.DeepCopy()
				if err := v.Validate(o); err != nil {
					t.Fatalf("%s: %v", mode, err)
				}
				if !reflect.DeepEqual(before.Object, o.Object) {
					t.Fatalf("%s: Validate modified the object:\nbefore %v\nafter  %v", mode, before.Object, o.Object)
				}
			}
		})
	}
}

// wantField checks that err is an *Error naming the field with that type of problem.
func wantField(t *testing.T, err error, path string, typ field.ErrorType) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error on %s, got %T: %v", path, err, err)
	}
	var f FieldError
	found := false
	for _, x := range e.Fields {
		if x.Path == path && x.Type == typ {
			f, found = x, true
			break
		}
	}
	if !found {
		t.Fatalf("no %q error on %s:\n%v", typ.String(), path, err)
	}
	if !strings.Contains(err.Error(), "\n  "+f.Error()) {
		t.Fatalf("the text does not show the field error %q:\n%v", f.Error(), err)
	}
	return e
}

func TestInvalidObjectsFail(t *testing.T) {
	for _, c := range invalidCases {
		t.Run(c.name, func(t *testing.T) {
			wantField(t, strict(t).Validate(obj(t, c.doc)), c.path, c.typ)
			err := hedgehog(t).Validate(obj(t, c.doc))
			if c.strictOnly {
				if err != nil {
					t.Fatalf("lenient mode must ignore unknown fields as the server does: %v", err)
				}
				return
			}
			wantField(t, err, c.path, c.typ)
		})
	}
}

func TestErrorTextNamesObjectAndEveryField(t *testing.T) {
	err := strict(t).Validate(obj(t, `
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: vpc-1}
spec:
  subnets:
    default: {vlan: x, vlna: 5}
`))
	want := `VPC default/vpc-1 is invalid:
  spec.subnets.default.vlan: Invalid value: "string": spec.subnets.default.vlan in body must be of type integer: "string"
  spec.subnets.default.vlna: Forbidden: unknown field: it is not declared in the CRD's schema, and the API server would drop it`
	if err == nil || err.Error() != want {
		t.Fatalf("got\n%v\nwant\n%s", err, want)
	}
	var e *Error
	errors.As(err, &e)
	if e.Kind != "VPC" || e.Namespace != "default" || e.Name != "vpc-1" || len(e.Fields) != 2 {
		t.Fatalf("%+v", e)
	}
	if f := e.Fields[1]; f.Value != nil || f.Path != "spec.subnets.default.vlna" {
		t.Fatalf("unknown field error: %+v", f)
	}
}

func TestEveryErrorIsReportedInPathOrder(t *testing.T) {
	err := hedgehog(t).Validate(obj(t, `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: Leaf_1, namespace: lab}
spec:
  role: router
  asn: many
  linkFlapErrDisable: {flapThreshold: 51, recoveryInterval: -1}
`))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%T %v", err, err)
	}
	var paths []string
	for _, f := range e.Fields {
		paths = append(paths, f.Path)
	}
	want := []string{"metadata.name", "spec.asn", "spec.linkFlapErrDisable.flapThreshold", "spec.linkFlapErrDisable.recoveryInterval", "spec.role"}
	if !reflect.DeepEqual(paths, want) {
		t.Fatalf("paths %v, want %v\n%v", paths, want, err)
	}
	if !strings.HasPrefix(err.Error(), "Switch lab/Leaf_1 is invalid:\n") {
		t.Fatalf("header: %v", err)
	}
}

func TestNamespaceDefaultsLikeTheRequest(t *testing.T) {
	v := hedgehog(t).WithOptions(Options{DefaultNamespace: "fabric"})
	err := v.Validate(obj(t, switchHead+"spec: {role: router}\n"))
	var e *Error
	if !errors.As(err, &e) || e.Namespace != "fabric" || e.ObjectName() != "fabric/sw-1" {
		t.Fatalf("%v", err)
	}
	if got := v.Options(); got.DefaultNamespace != "fabric" || got.RejectUnknownFields {
		t.Fatalf("options %+v", got)
	}
}

func TestGenerateNameIsNotEnough(t *testing.T) {
	err := hedgehog(t).Validate(obj(t, "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {generateName: vpc-}\nspec: {}\n"))
	wantField(t, err, "metadata.name", field.ErrorTypeRequired)
}

func TestMissingTypeMeta(t *testing.T) {
	e := wantField(t, hedgehog(t).Validate(obj(t, "metadata: {name: x}\nspec: {}\n")), "kind", field.ErrorTypeRequired)
	if _, ok := e.Field("apiVersion"); !ok {
		t.Fatalf("apiVersion not reported: %v", e)
	}
	wantField(t, hedgehog(t).Validate(obj(t, "apiVersion: a/b/c\nkind: VPC\nmetadata: {name: x}\n")), "apiVersion", field.ErrorTypeInvalid)
	if err := hedgehog(t).Validate(nil); err == nil {
		t.Fatal("nil object accepted")
	}
}
