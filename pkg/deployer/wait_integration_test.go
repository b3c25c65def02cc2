package deployer

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// WaitApplied and Reconcile on a real API server, against Kustomizations
// and Applications whose status the test writes the way Flux and Argo CD
// write it (the stand-in CRDs of testdata keep status in the object).

func deployerPlane(t testing.TB) *testbed.ControlPlane {
	cp := testbed.StartT(t)
	root, err := testbed.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := envtest.InstallCRDs(cp.RestConfig, envtest.CRDInstallOptions{Paths: []string{
		filepath.Join(root, "testdata", "crds-flux"), filepath.Join(root, "testdata", "crds-argo"),
	}, ErrorIfPathMissing: true}); err != nil {
		t.Fatal(err)
	}
	cp.Apply(t, "apiVersion: v1\nkind: Namespace\nmetadata: {name: flux-system}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: argocd}\n")
	return cp
}

const (
	shaOld = "1111111111111111111111111111111111111111"
	shaNew = "2222222222222222222222222222222222222222"
)

// waitResult is WaitApplied's outcome, sent on a channel.
type waitResult struct {
	st  *Status
	err error
}

// startWait runs WaitApplied for shaNew in a goroutine; seen receives
// every status it sees.
func startWait(ctx context.Context, cp *testbed.ControlPlane, ref Ref, seen chan<- *Status) <-chan waitResult {
	done := make(chan waitResult, 1)
	go func() {
		st, err := WaitApplied(ctx, cp.Dynamic(), ref, func(sha string) bool { return sha == shaNew }, func(s *Status) { seen <- s })
		done <- waitResult{st, err}
	}()
	return done
}

// setStatus replaces the object's status (the stand-in CRDs store it with
// the object).
func setStatus(t testing.TB, cp *testbed.ControlPlane, ref Ref, status map[string]interface{}) {
	t.Helper()
	ri := cp.Dynamic().Resource(ref.GVR()).Namespace(ref.Namespace)
	u, err := ri.Get(t.Context(), ref.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := status["observedGeneration"]; ok {
		// The stand-in CRD has no status subresource: this update bumps
		// the generation, which the controller then has observed.
		status["observedGeneration"] = u.GetGeneration() + 1
	}
	u.Object["status"] = status
	if _, err := ri.Update(t.Context(), u, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// recv receives from ch within 30 seconds, or fails the test.
func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	timer := time.NewTimer(30 * time.Second)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatal("nothing received within 30s")
	}
	var zero T
	return zero
}

func fluxReady(status, reason, msg, applied, attempted string, gen int64) map[string]interface{} {
	return map[string]interface{}{
		"observedGeneration":    gen,
		"lastAppliedRevision":   "main@sha1:" + applied,
		"lastAttemptedRevision": "main@sha1:" + attempted,
		"conditions": []interface{}{map[string]interface{}{
			"type": "Ready", "status": status, "reason": reason, "message": msg,
		}},
	}
}

func TestWaitAppliedFollowsTheDeployer(t *testing.T) {
	cp := deployerPlane(t)
	cp.Apply(t, `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: lab, namespace: flux-system}
spec:
  path: ./fabrics/lab
  sourceRef: {kind: GitRepository, name: fabrics}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: bad, namespace: flux-system}
spec:
  path: ./fabrics/bad
  sourceRef: {kind: GitRepository, name: fabrics}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: fabrics, namespace: flux-system}
spec:
  url: https://git.example.com/net/fabrics.git
  interval: 1m
  ref: {branch: main}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: lab, namespace: argocd}
spec: {}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: bad, namespace: argocd}
spec: {}
`)
	ctx := t.Context()

	t.Run("flux applied", func(t *testing.T) {
		ref := Ref{Tool: ToolFlux, Namespace: "flux-system", Name: "lab"}
		setStatus(t, cp, ref, fluxReady("True", "ReconciliationSucceeded", "Applied revision: main@sha1:"+shaOld, shaOld, shaOld, 1))
		seen := make(chan *Status, 64)
		done := startWait(ctx, cp, ref, seen)
		if s := recv(t, seen); s.Revision != shaOld {
			t.Fatalf("first status %+v", s)
		}
		// In progress: Ready=Unknown, then False with reason Progressing.
		setStatus(t, cp, ref, fluxReady("False", "Progressing", "Reconciliation in progress", shaOld, shaNew, 1))
		if s := recv(t, seen); s.Failed() {
			t.Fatalf("progress taken for a failure: %+v", s)
		}
		setStatus(t, cp, ref, fluxReady("True", "ReconciliationSucceeded", "Applied revision: main@sha1:"+shaNew, shaNew, shaNew, 1))
		r := recv(t, done)
		if r.err != nil || r.st.Revision != shaNew || r.st.Ready != ReadyTrue {
			t.Errorf("WaitApplied: %+v %v", r.st, r.err)
		}
	})

	t.Run("flux failed", func(t *testing.T) {
		ref := Ref{Tool: ToolFlux, Namespace: "flux-system", Name: "bad"}
		setStatus(t, cp, ref, fluxReady("True", "ReconciliationSucceeded", "", shaOld, shaOld, 1))
		seen := make(chan *Status, 64)
		done := startWait(ctx, cp, ref, seen)
		recv(t, seen)
		msg := "VPC/default/vpc-2 dry-run failed: .spec.subnets.default.vlan: expected numeric (int or float), got string"
		setStatus(t, cp, ref, fluxReady("False", "ReconciliationFailed", msg, shaOld, shaNew, 1))
		r := recv(t, done)
		var failed *FailedError
		if !errors.As(r.err, &failed) || !strings.Contains(r.err.Error(), "Flux flux-system/bad failed to apply 2222222: "+msg) {
			t.Errorf("WaitApplied: %v, want Flux's failure", r.err)
		}
	})

	t.Run("argo cd synced", func(t *testing.T) {
		ref := Ref{Tool: ToolArgoCD, Namespace: "argocd", Name: "lab"}
		setStatus(t, cp, ref, map[string]interface{}{
			"sync":   map[string]interface{}{"status": "Synced", "revision": shaOld},
			"health": map[string]interface{}{"status": "Healthy"},
		})
		seen := make(chan *Status, 64)
		done := startWait(ctx, cp, ref, seen)
		if s := recv(t, seen); s.Revision != shaOld || s.Ready != ReadyTrue {
			t.Fatalf("first status %+v", s)
		}
		setStatus(t, cp, ref, map[string]interface{}{
			"sync":           map[string]interface{}{"status": "OutOfSync", "revision": shaNew},
			"health":         map[string]interface{}{"status": "Progressing"},
			"operationState": map[string]interface{}{"phase": "Running", "message": "waiting", "syncResult": map[string]interface{}{"revision": shaNew}},
			"history":        []interface{}{map[string]interface{}{"revision": shaOld}},
		})
		if s := recv(t, seen); s.Revision != shaOld || s.Ready != ReadyUnknown || s.Failed() {
			t.Fatalf("syncing: %+v", s)
		}
		setStatus(t, cp, ref, map[string]interface{}{
			"sync":           map[string]interface{}{"status": "Synced", "revision": shaNew},
			"health":         map[string]interface{}{"status": "Healthy"},
			"operationState": map[string]interface{}{"phase": "Succeeded", "message": "successfully synced", "syncResult": map[string]interface{}{"revision": shaNew}},
		})
		r := recv(t, done)
		if r.err != nil || r.st.Revision != shaNew || r.st.Ready != ReadyTrue {
			t.Errorf("WaitApplied: %+v %v", r.st, r.err)
		}
	})

	t.Run("argo cd failed", func(t *testing.T) {
		ref := Ref{Tool: ToolArgoCD, Namespace: "argocd", Name: "bad"}
		setStatus(t, cp, ref, map[string]interface{}{"sync": map[string]interface{}{"status": "Synced", "revision": shaOld}})
		seen := make(chan *Status, 64)
		done := startWait(ctx, cp, ref, seen)
		recv(t, seen)
		setStatus(t, cp, ref, map[string]interface{}{
			"sync":           map[string]interface{}{"status": "OutOfSync", "revision": shaNew},
			"operationState": map[string]interface{}{"phase": "Failed", "message": "one or more objects failed to apply", "syncResult": map[string]interface{}{"revision": shaNew}},
		})
		r := recv(t, done)
		if r.err == nil || r.err.Error() != "Argo CD argocd/bad failed to apply 2222222: one or more objects failed to apply" {
			t.Errorf("WaitApplied: %v", r.err)
		}
	})

	t.Run("reconcile", func(t *testing.T) {
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		if err := Reconcile(ctx, cp.Dynamic(), Ref{Tool: ToolFlux, Namespace: "flux-system", Name: "lab"}, now); err != nil {
			t.Fatal(err)
		}
		for _, o := range []struct {
			ref Ref
			key string
		}{
			{Ref{Tool: ToolFlux, Namespace: "flux-system", Name: "lab"}, FluxReconcileAnnotation},
			{Ref{Tool: "gitrepository", Namespace: "flux-system", Name: "fabrics"}, FluxReconcileAnnotation},
		} {
			gvr := o.ref.GVR()
			if o.ref.Tool == "gitrepository" {
				gvr = GitRepositoryGVR
			}
			u, err := cp.Dynamic().Resource(gvr).Namespace(o.ref.Namespace).Get(ctx, o.ref.Name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := u.GetAnnotations()[o.key]; got != now.Format(time.RFC3339Nano) {
				t.Errorf("%s %s: annotation %q", gvr.Resource, o.ref, got)
			}
		}
		if err := Reconcile(ctx, cp.Dynamic(), Ref{Tool: ToolArgoCD, Namespace: "argocd", Name: "lab"}, now); err != nil {
			t.Fatal(err)
		}
		u, err := cp.Dynamic().Resource(ApplicationGVR).Namespace("argocd").Get(ctx, "lab", metav1.GetOptions{})
		if err != nil || u.GetAnnotations()[ArgoRefreshAnnotation] != "normal" {
			t.Errorf("Argo CD refresh: %v %v", err, u.GetAnnotations())
		}
	})

	t.Run("discover", func(t *testing.T) {
		x := &Index{Dynamic: cp.Dynamic()}
		for _, tt := range []struct {
			target Target
			want   string
		}{
			{Target{URL: "https://token:secret@git.example.com/net/fabrics", Branch: "main", Path: "fabrics/lab/"}, "flux-system/lab"},
			{Target{URL: "git@git.example.com:net/fabrics.git", Branch: "main", Path: "./fabrics/bad"}, "flux-system/bad"},
			{Target{URL: "https://git.example.com/net/fabrics.git", Branch: "dev", Path: "fabrics/lab"}, ""},
			{Target{URL: "https://git.example.com/net/other.git", Branch: "main", Path: "fabrics/lab"}, ""},
			{Target{URL: "https://git.example.com/net/fabrics.git", Branch: "main", Path: "fabrics"}, ""},
		} {
			d, err := x.Discover(ctx, tt.target)
			got := ""
			if d.Found {
				got = d.Ref.String()
			}
			if err != nil || got != tt.want {
				t.Errorf("%+v: %q %v, want %q", tt.target, got, err, tt.want)
			}
		}
		// A second Kustomization of the same path: which one is ambiguous.
		cp.Apply(t, `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: lab-copy, namespace: flux-system}
spec:
  path: fabrics/lab
  sourceRef: {kind: GitRepository, name: fabrics}
`)
		_, err := (&Index{Dynamic: cp.Dynamic()}).Discover(ctx, Target{URL: "https://git.example.com/net/fabrics.git", Branch: "main", Path: "fabrics/lab"})
		if err == nil || !strings.Contains(err.Error(), "flux-system/lab, flux-system/lab-copy") || !strings.Contains(err.Error(), "gitops: {flux: {kustomization:") {
			t.Errorf("ambiguous: %v", err)
		}
	})
}

func TestRevisionSHA(t *testing.T) {
	for in, want := range map[string]string{
		"main@sha1:" + shaNew: shaNew, "main/" + shaNew: shaNew, shaNew: shaNew, "": "",
	} {
		if got := RevisionSHA(in); got != want {
			t.Errorf("%q: %q", in, got)
		}
	}
}

func TestNormalizeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://git.example.com/net/fabrics.git":           "git.example.com/net/fabrics",
		"https://user:tok@GIT.example.com:443/net/fabrics/": "git.example.com/net/fabrics",
		"ssh://git@git.example.com/net/fabrics":             "git.example.com/net/fabrics",
		"git@git.example.com:net/fabrics.git":               "git.example.com/net/fabrics",
		"http://127.0.0.1:8080/fabrics.git":                 "127.0.0.1:8080/fabrics",
		"/srv/git/fabrics.git/":                             "/srv/git/fabrics.git",
	} {
		if got := NormalizeURL(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
