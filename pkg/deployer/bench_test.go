package deployer

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkWaitAppliedNotice measures how long WaitApplied takes to
// notice a Kustomization's status reporting the awaited revision: from the
// status write (done when the API server answered it) to WaitApplied's
// return. It watches, so this is the API server's watch latency, not a
// polling interval.
func BenchmarkWaitAppliedNotice(b *testing.B) {
	cp := deployerPlane(b)
	ref := Ref{Tool: ToolFlux, Namespace: "flux-system", Name: "bench"}
	cp.Apply(b, "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: bench, namespace: flux-system}\nspec: {}\n")
	ctx := context.Background()
	var total time.Duration
	i := 0
	for b.Loop() {
		i++
		want := fmt.Sprintf("%040d", i)
		seen := make(chan *Status, 64)
		done := make(chan error, 1)
		go func() {
			_, err := WaitApplied(ctx, cp.Dynamic(), ref, func(sha string) bool { return sha == want }, func(s *Status) { seen <- s })
			done <- err
		}()
		<-seen // the LIST: WaitApplied watches now
		setStatus(b, cp, ref, fluxReady("True", "ReconciliationSucceeded", "", want, want, 1))
		wrote := time.Now()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		total += time.Since(wrote)
	}
	b.ReportMetric(float64(total.Microseconds())/float64(i)/1000, "ms-to-notice/op")
}

// BenchmarkLookup compares a discovered deployer's lookup on a cluster
// with 200 Flux Kustomizations and GitRepositories (other fabrics and
// apps): "discover" LISTs both (no cache, as every command did before the
// discovery cache), "remembered" GETs the Kustomization the cache names.
// The sub-benchmarks alternate within one run; requests/op counts the
// requests to Flux's API.
func BenchmarkLookup(b *testing.B) {
	cp := deployerPlane(b)
	var docs strings.Builder
	for i := range 200 {
		fmt.Fprintf(&docs, "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: repo-%d, namespace: flux-system}\n"+
			"spec: {interval: 1m, url: \"https://git.example.com/net/app-%d.git\", ref: {branch: main}}\n---\n", i, i)
		path := fmt.Sprintf("apps/%d", i)
		if i == 0 {
			path = "fabrics/lab"
		}
		fmt.Fprintf(&docs, "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ks-%d, namespace: flux-system}\n"+
			"spec: {interval: 1m, prune: true, path: %s, sourceRef: {kind: GitRepository, name: repo-%d}}\n---\n", i, path, i)
	}
	cp.Apply(b, docs.String())
	dyn, n := countingClient(b, cp.RestConfig)
	target := Target{URL: "https://git.example.com/net/app-0.git", Branch: "main", Path: "fabrics/lab"}
	cache := &DiscoveryCache{Dir: b.TempDir()}
	ctx := context.Background()
	for _, mode := range []string{"discover", "remembered", "discover", "remembered"} {
		b.Run(mode, func(b *testing.B) {
			c := cache
			if mode == "discover" {
				c = nil
			}
			n.Store(0)
			i := 0
			for b.Loop() {
				i++
				d, err := (&Index{Dynamic: dyn}).Lookup(ctx, c, "https://bench:6443", target)
				if err != nil || !d.Found || d.Ref.Name != "ks-0" {
					b.Fatalf("%+v %v", d, err)
				}
			}
			b.ReportMetric(float64(n.Load())/float64(i), "requests/op")
		})
	}
}
