package validate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// One real kube-apiserver serves all the comparisons: Validate must agree
// with it on every object of the tables.
func TestAgainstRealAPIServer(t *testing.T) {
	cp := testbed.StartT(t)
	srv := &server{dyn: cp.Dynamic(), plural: func(kind string) string {
		if k, ok := kinds.Lookup(kind); ok {
			return k.Plural
		}
		return strings.ToLower(kind) + "s"
	}}
	t.Run("valid objects", func(t *testing.T) { testValidAgainstServer(t, srv, hedgehog(t)) })
	t.Run("invalid objects", func(t *testing.T) { testInvalidAgainstServer(t, srv, hedgehog(t), invalidCases) })
	t.Run("fetch and cache", func(t *testing.T) { testFetchAndCache(t, cp) })
	t.Run("CEL, list types and unserved versions", func(t *testing.T) { testWidgetsAgainstServer(t, cp, srv) })
}

// server creates objects with a server-side dry run.
type server struct {
	dyn    dynamic.Interface
	plural func(kind string) string
}

func (s *server) create(ctx context.Context, o *unstructured.Unstructured, fieldValidation string) error {
	gv, err := schema.ParseGroupVersion(o.GetAPIVersion())
	if err != nil {
		return err
	}
	gvr := gv.WithResource(s.plural(o.GetKind()))
	_, err = s.dyn.Resource(gvr).Namespace(testbed.DefaultNamespace).Create(ctx, o.DeepCopy(),
		metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldValidation: fieldValidation})
	return err
}

func testValidAgainstServer(t *testing.T, srv *server, v *Validator) {
	for _, name := range sortedKeys(validDocs) {
		o := obj(t, validDocs[name])
		if err := srv.create(t.Context(), o, metav1.FieldValidationStrict); err != nil {
			t.Errorf("%s: the API server rejects it: %v", name, err)
		}
		if err := v.WithOptions(Options{RejectUnknownFields: true}).Validate(o); err != nil {
			t.Errorf("%s: Validate rejects it: %v", name, err)
		}
	}
}

// testInvalidAgainstServer checks each case in lenient and strict mode: the
// server and Validate both accept or both reject, and on the same field.
func testInvalidAgainstServer(t *testing.T, srv *server, v *Validator, cases []invalidCase) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, mode := range []struct {
				fieldValidation string
				strict          bool
			}{{metav1.FieldValidationIgnore, false}, {metav1.FieldValidationStrict, true}} {
				o := obj(t, c.doc)
				serr := srv.create(t.Context(), o, mode.fieldValidation)
				verr := v.WithOptions(Options{RejectUnknownFields: mode.strict}).Validate(o)
				if c.strictOnly && !mode.strict {
					if serr != nil || verr != nil {
						t.Fatalf("fieldValidation=%s: both must accept; server: %v; Validate: %v", mode.fieldValidation, serr, verr)
					}
					continue
				}
				if serr == nil {
					t.Fatalf("fieldValidation=%s: the API server accepts it; Validate says %v", mode.fieldValidation, verr)
				}
				wantField(t, verr, c.path, c.typ)
				if !serverNamesField(serr, c) {
					t.Fatalf("fieldValidation=%s: the API server does not name %s: %v", mode.fieldValidation, c.path, serr)
				}
				t.Logf("server:   %v\nValidate: %v", serr, verr)
			}
		})
	}
}

// serverNamesField reports whether the API server's error is about the
// case's field: a cause on it for a 422, the field in the message of a 400
// (the decoder's strict or metadata errors), a 404 for an unserved version.
func serverNamesField(err error, c invalidCase) bool {
	var se *apierrors.StatusError
	if !errors.As(err, &se) {
		return false
	}
	if c.notServed {
		return apierrors.IsNotFound(err)
	}
	switch {
	case apierrors.IsInvalid(err) && se.ErrStatus.Details != nil:
		for _, cause := range se.ErrStatus.Details.Causes {
			// kube-openapi's format errors carry no field: the server
			// reports them on "<nil>" and names the field in the message.
			if cause.Field == c.path || (cause.Field == "<nil>" && strings.HasSuffix(cause.Message, " in "+c.path)) {
				return true
			}
		}
	case apierrors.IsBadRequest(err):
		msg := se.ErrStatus.Message
		last := c.path[strings.LastIndex(c.path, ".")+1:]
		return strings.Contains(msg, fmt.Sprintf("unknown field %q", c.path)) ||
			(c.path == "metadata."+last && strings.Contains(msg, "ObjectMeta."+last))
	}
	return false
}

func testFetchAndCache(t *testing.T, cp *testbed.ControlPlane) {
	crds, err := Fetch(t.Context(), cp.RestConfig, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(crds) != 12 || crds[0].Kind != "CustomResourceDefinition" || crds[0].ResourceVersion == "" {
		t.Fatalf("fetched %d CRDs; first: %s %s rv %q", len(crds), crds[0].Kind, crds[0].Name, crds[0].ResourceVersion)
	}
	dir := t.TempDir()
	if err := SaveCache(dir, crds...); err != nil {
		t.Fatal(err)
	}
	checkCacheDir(t, dir, HedgehogCRDNames())
	// CRDs read from a cluster carry a stamp: the cache is current for them.
	if Stamp(crds...) == "" || !Cached(dir, Stamp(crds...), crds...) {
		t.Errorf("the cache of fetched CRDs is not current for them (stamp %q)", Stamp(crds...))
	}
	v, err := LoadCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range sortedKeys(validDocs) {
		if err := v.Validate(obj(t, validDocs[name])); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, c := range invalidCases {
		if !c.strictOnly {
			wantField(t, v.Validate(obj(t, c.doc)), c.path, c.typ)
		}
	}
	_, err = Fetch(t.Context(), cp.RestConfig, []string{"vpcs.vpc.githedgehog.com", "gateways.gateway.githedgehog.com"})
	if err == nil || !strings.Contains(err.Error(), "CRD(s) not found on "+cp.RestConfig.Host+": [gateways.gateway.githedgehog.com]") {
		t.Fatalf("missing CRD: %v", err)
	}
}

// testWidgetsAgainstServer installs the widget CRD, which has a CEL rule, a
// set and an unserved version, and compares on its cases.
func testWidgetsAgainstServer(t *testing.T, cp *testbed.ControlPlane, srv *server) {
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	crd := widgetCRD(t)
	if err := installCRD(ctx, cp, crd); err != nil {
		t.Fatal(err)
	}
	// Established is set once the CRD is served; the resource handler may
	// still be a moment behind, so wait until a valid widget is accepted.
	valid := obj(t, widgetHead+"spec: {min: 1}\n")
	err := wait.PollUntilContextCancel(ctx, 50*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		err := srv.create(ctx, valid, metav1.FieldValidationStrict)
		return !apierrors.IsNotFound(err), err
	})
	if err != nil {
		t.Fatalf("a valid widget: %v", err)
	}
	v, err := FromCRDs(crd)
	if err != nil {
		t.Fatal(err)
	}
	testInvalidAgainstServer(t, srv, v, widgetCases)
}

// installCRD creates the CRD and watches it until it is established.
func installCRD(ctx context.Context, cp *testbed.ControlPlane, crd *apiextensionsv1.CustomResourceDefinition) error {
	cs, err := apiextensionsclient.NewForConfig(cp.RestConfig)
	if err != nil {
		return err
	}
	client := cs.ApiextensionsV1().CustomResourceDefinitions()
	created, err := client.Create(ctx, crd, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	w, err := client.Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + crd.Name, ResourceVersion: created.ResourceVersion})
	if err != nil {
		return err
	}
	defer w.Stop()
	for ev := range w.ResultChan() {
		if c, ok := ev.Object.(*apiextensionsv1.CustomResourceDefinition); ok && ev.Type == watch.Modified && established(c) {
			return nil
		}
	}
	return fmt.Errorf("CRD %s not established: %w", crd.Name, ctx.Err())
}

func established(crd *apiextensionsv1.CustomResourceDefinition) bool {
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
			return true
		}
	}
	return false
}
