package deployer

import (
	"context"
	"fmt"
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
