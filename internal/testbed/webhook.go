package testbed

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"time"

	"gomodules.xyz/jsonpatch/v2"
	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes"

	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// webhookName names the Mutating- and ValidatingWebhookConfiguration.
const webhookName = "hedgehog.hnp-testbed"

// Webhooks is a Hedgehog-like admission webhook served from the test
// process over TLS and registered with the control plane: the mutating
// webhook answers with the JSON patch of hedgehog.Default, the validating
// one with hedgehog.ValidateOne (the [fabric] rules against a LIST of the
// cluster) and, on DELETE, hedgehog.ValidateDelete, for the 11 kinds the
// fabric controller registers webhooks for (not SwitchGroup), with
// failurePolicy Fail, as the controller's manifests do.
type Webhooks struct {
	// URL is the server's base URL (https://127.0.0.1:PORT).
	URL string
	// Config holds the FabricConfig values of [config] rules (nil: none).
	Config *hedgehog.Config

	srv      *httptest.Server
	cp       *ControlPlane
	requests atomic.Int64
}

// Requests returns how many admission reviews the webhooks answered.
func (w *Webhooks) Requests() int64 { return w.requests.Load() }

// StartHedgehogWebhooks serves the webhooks with a certificate of a CA
// generated here, registers them with caBundle set, and waits until the
// API server calls them. They stop with the control plane.
func (c *ControlPlane) StartHedgehogWebhooks(ctx context.Context, cfg *hedgehog.Config) (*Webhooks, error) {
	caPEM, cert, err := selfSignedServing()
	if err != nil {
		return nil, err
	}
	w := &Webhooks{Config: cfg, cp: c}
	mux := http.NewServeMux()
	mux.HandleFunc("/mutate", w.serve(w.mutate))
	mux.HandleFunc("/validate", w.serve(w.validate))
	w.srv = httptest.NewUnstartedServer(mux)
	w.srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	w.srv.StartTLS()
	w.URL = w.srv.URL
	c.stopMu.Lock()
	c.onStop = append(c.onStop, w.srv.Close)
	c.stopMu.Unlock()

	cs, err := kubernetes.NewForConfig(c.RestConfig)
	if err != nil {
		return nil, err
	}
	var rules []admissionregistrationv1.RuleWithOperations
	var validateRules []admissionregistrationv1.RuleWithOperations
	for _, k := range kinds.All() {
		if !hedgehog.HasWebhook(k.Kind) {
			continue
		}
		r := admissionregistrationv1.Rule{APIGroups: []string{k.Group}, APIVersions: []string{k.Version}, Resources: []string{k.Plural}}
		rules = append(rules, admissionregistrationv1.RuleWithOperations{Operations: []admissionregistrationv1.OperationType{"CREATE", "UPDATE"}, Rule: r})
		validateRules = append(validateRules, admissionregistrationv1.RuleWithOperations{Operations: []admissionregistrationv1.OperationType{"CREATE", "UPDATE", "DELETE"}, Rule: r})
	}
	fail := admissionregistrationv1.Fail
	none := admissionregistrationv1.SideEffectClassNone
	timeout := int32(10)
	client := func(path string) admissionregistrationv1.WebhookClientConfig {
		u := w.URL + path
		return admissionregistrationv1.WebhookClientConfig{URL: &u, CABundle: caPEM}
	}
	_, err = cs.AdmissionregistrationV1().MutatingWebhookConfigurations().Create(ctx, &admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: webhookName},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name: "mutate." + webhookName, ClientConfig: client("/mutate"), Rules: rules,
			FailurePolicy: &fail, SideEffects: &none, AdmissionReviewVersions: []string{"v1"}, TimeoutSeconds: &timeout,
		}},
	}, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("registering the mutating webhook: %w", err)
	}
	_, err = cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: webhookName},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name: "validate." + webhookName, ClientConfig: client("/validate"), Rules: validateRules,
			FailurePolicy: &fail, SideEffects: &none, AdmissionReviewVersions: []string{"v1"}, TimeoutSeconds: &timeout,
		}},
	}, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("registering the validating webhook: %w", err)
	}
	return w, w.waitActive(ctx)
}

// waitActive polls (dry-run creates) until both webhooks are in the API
// server's path: the IPv4Namespace's subnets come back sorted.
func (w *Webhooks) waitActive(ctx context.Context) error {
	k, _ := kinds.Lookup("IPv4Namespace")
	probe := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": k.Group + "/" + k.Version, "kind": k.Kind,
		"metadata": map[string]interface{}{"name": "probe", "namespace": DefaultNamespace},
		"spec":     map[string]interface{}{"subnets": []interface{}{"10.2.0.0/16", "10.1.0.0/16"}},
	}}
	deadline := time.Now().Add(30 * time.Second)
	for {
		before := w.Requests()
		got, err := w.cp.dyn.Resource(k.GVR()).Namespace(DefaultNamespace).Create(ctx, probe.DeepCopy(), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err == nil && w.Requests() >= before+2 {
			subnets, _, _ := unstructured.NestedStringSlice(got.Object, "spec", "subnets")
			if len(subnets) == 2 && subnets[0] == "10.1.0.0/16" {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the API server did not call the Hedgehog webhooks within 30s (last error: %v)", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// serve decodes an AdmissionReview v1, answers it with handle, and writes
// the review back.
func (w *Webhooks) serve(handle func(context.Context, *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		w.requests.Add(1)
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		var review admissionv1.AdmissionReview
		if err := json.Unmarshal(body, &review); err != nil || review.Request == nil {
			http.Error(rw, fmt.Sprintf("not an AdmissionReview: %v", err), http.StatusBadRequest)
			return
		}
		resp := handle(r.Context(), review.Request)
		resp.UID = review.Request.UID
		review.Response, review.Request = resp, nil
		out, err := json.Marshal(review)
		if err != nil {
			http.Error(rw, err.Error(), http.StatusInternalServerError)
			return
		}
		rw.Header().Set("Content-Type", "application/json")
		_, _ = rw.Write(out)
	}
}

// mutate defaults the object as the controller's mutating webhook does:
// no patch when Default changes nothing, else the JSON patch from the
// request's object to the defaulted one.
func (w *Webhooks) mutate(_ context.Context, req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(req.Object.Raw); err != nil {
		return denied(fmt.Sprintf("decoding the object: %v", err))
	}
	defaulted := obj.DeepCopy()
	hedgehog.Default(defaulted)
	if reflect.DeepEqual(defaulted.Object, obj.Object) {
		return &admissionv1.AdmissionResponse{Allowed: true}
	}
	after, err := json.Marshal(defaulted.Object)
	if err != nil {
		return denied(err.Error())
	}
	ops, err := jsonpatch.CreatePatch(req.Object.Raw, after)
	if err != nil {
		return denied(fmt.Sprintf("computing the patch: %v", err))
	}
	patch, err := json.Marshal(ops)
	if err != nil {
		return denied(err.Error())
	}
	pt := admissionv1.PatchTypeJSONPatch
	return &admissionv1.AdmissionResponse{Allowed: true, Patch: patch, PatchType: &pt}
}

// validate checks the object's rules ([fabric] ones against the cluster's
// objects), or on DELETE the delete guards.
func (w *Webhooks) validate(ctx context.Context, req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	raw := req.Object.Raw
	if req.Operation == admissionv1.Delete {
		raw = req.OldObject.Raw
	}
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(raw); err != nil {
		return denied(fmt.Sprintf("decoding the object: %v", err))
	}
	others, err := w.list(ctx, obj)
	if err != nil {
		return denied(fmt.Sprintf("listing the fabric: %v", err))
	}
	var vs []hedgehog.Violation
	if req.Operation == admissionv1.Delete {
		vs = hedgehog.ValidateDelete(obj, hedgehog.NewIndex(others))
	} else {
		vs = hedgehog.ValidateOne(obj, hedgehog.NewIndex(append(others, obj)), w.Config)
	}
	resp := &admissionv1.AdmissionResponse{Allowed: true}
	var msgs []string
	for _, v := range vs {
		text := v.Message
		if v.Field != "" {
			text = v.Field + ": " + text
		}
		if v.Warning {
			resp.Warnings = append(resp.Warnings, text)
			continue
		}
		msgs = append(msgs, text)
	}
	if len(msgs) > 0 {
		return denied(strings.Join(msgs, "; "))
	}
	return resp
}

// list returns the cluster's objects of the 12 kinds in the object's
// namespace, without the object itself.
func (w *Webhooks) list(ctx context.Context, self *unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
	ns := self.GetNamespace()
	if ns == "" {
		ns = DefaultNamespace
	}
	var out []*unstructured.Unstructured
	for _, k := range kinds.All() {
		l, err := w.cp.dyn.Resource(k.GVR()).Namespace(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		for i := range l.Items {
			o := &l.Items[i]
			if o.GetKind() == self.GetKind() && o.GetName() == self.GetName() {
				continue
			}
			out = append(out, o)
		}
	}
	return out, nil
}

func denied(msg string) *admissionv1.AdmissionResponse {
	return &admissionv1.AdmissionResponse{Allowed: false, Result: &metav1.Status{
		Status: metav1.StatusFailure, Reason: metav1.StatusReasonForbidden, Code: http.StatusForbidden,
		Message: msg,
	}}
}

// selfSignedServing generates a CA and a serving certificate for
// 127.0.0.1 signed by it; it returns the CA's PEM (the caBundle).
func selfSignedServing() ([]byte, tls.Certificate, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hnp-testbed-webhook-ca"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature, BasicConstraintsValid: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	cert, err := tls.X509KeyPair(
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), cert, nil
}
