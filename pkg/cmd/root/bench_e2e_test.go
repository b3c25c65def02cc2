//go:build e2ebench

// End-to-end benchmarks on a fabric of 10,000 objects of the 12 kinds:
// kubectl-hnp drift against kubectl get and kubectl diff, as real processes
// on the lab control plane. Behind the build tag e2ebench so that `make test`
// and `make bench` do not pay for the fixture; `make bench-e2e` runs them.
package root

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

const (
	e2eNamespace = "e2e"
	e2eObjects   = 10000
	e2eFiles     = 100 // of e2eObjects/e2eFiles documents each
	e2eDrifted   = e2eObjects / 50
	e2eDiffEvery = e2eObjects / 500  // every 20th object goes into the kubectl diff file
	e2eSSEvery   = e2eObjects / 1000 // every 10th object goes into the --server-side fabric
	e2eSSDir     = "fabrics/e2e-ss"  // the --server-side fabric: 1,000 of the objects, uncommitted
	e2eFabricDir = "fabrics/e2e"
)

// e2eShape10k is the shape of the e2e fabric.
var e2eShape10k = shapeFor(e2eNamespace, e2eObjects)

// e2eState is the shared fixture: the Git working tree, the kubectl diff
// input and what the checks expect.
type e2eState struct {
	shape     e2eShape
	repo      string // Git working tree; the fabric is e2eFabricDir
	diffFile  string // e2eObjects/e2eDiffEvery of the objects, as in Git
	diffDrift int    // how many of them drifted
	ssFile    string // e2eObjects/e2eSSEvery of the objects, as in Git (kubectl diff input)
	ssDrift   int    // how many of them drifted
	drifted   map[string]bool
	bin       string // kubectl-hnp
	kubectl   string
	env       []string
}

var e2eFixture = sync.OnceValues(func() (*e2eState, error) {
	tools, err := benchBuild()
	if err != nil {
		return nil, err
	}
	st := &e2eState{shape: e2eShape10k, bin: tools.bin, kubectl: tools.kubectl, env: tools.env}
	fab, err := newBenchFabric(st.shape, 5)
	if err != nil {
		return nil, err
	}
	st.drifted = fab.drifted

	// Git: e2eFiles files of e2eObjects/e2eFiles documents, committed.
	st.repo = filepath.Join(scratch, "e2e", "repo")
	if err := fab.writeGit(st.repo, e2eFabricDir, e2eFiles); err != nil {
		return nil, err
	}
	if err := commitAll(st.repo, "e2e benchmark fabric"); err != nil {
		return nil, err
	}
	// Every e2eDiffEvery-th object is kubectl diff's input; every
	// e2eSSEvery-th one is the --server-side fabric (a second directory of
	// the working tree, read in place, uncommitted) and its kubectl diff input.
	var diffDoc, ssDoc strings.Builder
	for i, o := range fab.objects {
		doc, err := yaml.Marshal(o)
		if err != nil {
			return nil, err
		}
		if i%e2eSSEvery == 0 {
			ssDoc.WriteString("---\n")
			ssDoc.Write(doc)
			if fab.isDrift[i] {
				st.ssDrift++
			}
		}
		if i%e2eDiffEvery == 0 {
			diffDoc.WriteString("---\n")
			diffDoc.Write(doc)
			if fab.isDrift[i] {
				st.diffDrift++
			}
		}
	}
	st.diffFile = filepath.Join(scratch, "e2e", "diff-500.yaml")
	if err := os.WriteFile(st.diffFile, []byte(diffDoc.String()), 0o644); err != nil {
		return nil, err
	}
	st.ssFile = filepath.Join(st.repo, e2eSSDir, "objects.yaml")
	if err := os.MkdirAll(filepath.Dir(st.ssFile), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(st.ssFile, []byte(ssDoc.String()), 0o644); err != nil {
		return nil, err
	}
	// The cluster: what `kubectl apply` of the Git objects stores, then a
	// hand edit of 2% of them.
	return st, fab.create(context.Background(), lab)
})

func e2eSetup(b *testing.B) *e2eState {
	b.Helper()
	st, err := e2eFixture()
	if err != nil {
		b.Fatal(err)
	}
	return st
}

func (st *e2eState) driftArgs() []string {
	return []string{st.bin, "drift", "-o", "json", "--repo", st.repo, "--dir", e2eFabricDir,
		"--kubeconfig", lab.KubeconfigPath, "-n", e2eNamespace, "--exit-code=false"}
}

func (st *e2eState) getArgs() []string {
	return []string{st.kubectl, "get", st.shape.resources(), "-o", "json", "-n", e2eNamespace, "--kubeconfig", lab.KubeconfigPath}
}

func (st *e2eState) diffArgs() []string {
	return []string{st.kubectl, "diff", "-f", st.diffFile, "--kubeconfig", lab.KubeconfigPath}
}

// run executes args in the benchmarks' environment and fails the
// benchmark on an exit code not in okCodes (0 when none are given).
func (st *e2eState) run(b *testing.B, args []string, okCodes ...int) e2eRun {
	b.Helper()
	return benchExecute(b, st.env, args, okCodes...)
}

// checkDrift checks that a drift report covers every object and finds
// exactly the drifted ones.
func (st *e2eState) checkDrift(b *testing.B, r e2eRun) {
	b.Helper()
	var rep drift.Report
	if err := json.Unmarshal(r.out, &rep); err != nil {
		b.Fatalf("drift output: %v", err)
	}
	want := drift.Summary{Total: e2eObjects, InSync: e2eObjects - e2eDrifted, Drifted: e2eDrifted}
	if rep.Summary != want || len(rep.Fabrics) != 1 || len(rep.Fabrics[0].Resources) != e2eObjects {
		b.Fatalf("drift summary %+v over %d fabrics, want %+v", rep.Summary, len(rep.Fabrics), want)
	}
	for _, res := range rep.Fabrics[0].Resources {
		if (res.Status == drift.StatusDrifted) != st.drifted[res.Kind+"/"+res.Name] {
			b.Fatalf("%s/%s: %s %+v", res.Kind, res.Name, res.Status, res.Diffs)
		}
	}
}

// checkGet checks that kubectl printed every object.
func checkGet(b *testing.B, r e2eRun) {
	b.Helper()
	var l struct{ Items []struct{ Kind string } }
	if err := json.Unmarshal(r.out, &l); err != nil {
		b.Fatalf("kubectl get output: %v", err)
	}
	if len(l.Items) != e2eObjects {
		b.Fatalf("kubectl get printed %d objects, want %d", len(l.Items), e2eObjects)
	}
}

// checkDiff checks that kubectl diff showed exactly the drifted objects of
// its input.
func (st *e2eState) checkDiff(b *testing.B, r e2eRun) {
	b.Helper()
	if n := bytes.Count(append([]byte("\n"), r.out...), []byte("\ndiff -u -N ")); n != st.diffDrift {
		b.Fatalf("kubectl diff showed %d objects, want %d\n%s", n, st.diffDrift, r.out)
	}
}

// BenchmarkE2EDriftVsKubectlGet compares `kubectl hnp drift` (read Git,
// LIST the 12 kinds, compare, print JSON) with `kubectl get` of the same 12
// kinds as JSON, on 10,000 objects. The alternating sub-benchmark runs both
// in each iteration, in turns, and reports drift's time over kubectl's.
func BenchmarkE2EDriftVsKubectlGet(b *testing.B) {
	st := e2eSetup(b)
	driftArgs, getArgs := st.driftArgs(), st.getArgs()
	// A first run of each, untimed: discovery caches and the page cache
	// warm, as for anyone who runs the commands more than once.
	st.checkDrift(b, st.run(b, driftArgs))
	checkGet(b, st.run(b, getArgs))

	b.Run("kubectl-hnp-drift", func(b *testing.B) {
		var peak float64
		for b.Loop() {
			r := st.run(b, driftArgs)
			b.StopTimer()
			st.checkDrift(b, r)
			peak = max(peak, r.peakMB())
			b.StartTimer()
		}
		b.ReportMetric(peak, "peak-MB")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/e2eObjects, "ns/object")
	})
	b.Run("kubectl-get-12-kinds", func(b *testing.B) {
		var peak float64
		for b.Loop() {
			r := st.run(b, getArgs)
			b.StopTimer()
			checkGet(b, r)
			peak = max(peak, r.peakMB())
			b.StartTimer()
		}
		b.ReportMetric(peak, "peak-MB")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/e2eObjects, "ns/object")
	})
	b.Run("alternating", func(b *testing.B) { st.alternate(b, driftArgs, getArgs, st.checkDrift) })
}

// alternate runs drift and kubectl get in turn (drift first on even
// iterations), each result checked untimed, and reports their times,
// ratio and peaks.
func (st *e2eState) alternate(b *testing.B, driftArgs, getArgs []string, checkDrift func(*testing.B, e2eRun)) {
	var driftTime, getTime time.Duration
	var driftPeak, getPeak float64
	n := 0
	for b.Loop() {
		order := []bool{n%2 == 0, n%2 == 1}
		for _, isDrift := range order {
			if isDrift {
				r := st.run(b, driftArgs)
				driftTime += r.wall
				driftPeak = max(driftPeak, r.peakMB())
				b.StopTimer()
				checkDrift(b, r)
			} else {
				r := st.run(b, getArgs)
				getTime += r.wall
				getPeak = max(getPeak, r.peakMB())
				b.StopTimer()
				checkGet(b, r)
			}
			b.StartTimer()
		}
		n++
	}
	b.ReportMetric(driftTime.Seconds()/float64(n), "drift-s/op")
	b.ReportMetric(getTime.Seconds()/float64(n), "kubectl-s/op")
	b.ReportMetric(float64(driftTime)/float64(getTime), "ratio-vs-kubectl")
	b.ReportMetric(driftPeak, "drift-peak-MB")
	b.ReportMetric(getPeak, "kubectl-peak-MB")
}

// BenchmarkE2EKubectlDiff500 measures `kubectl diff -f` on 500 of the
// objects (a dry-run request per object), and, untimed in each iteration,
// drift on all 10,000, to compare the time per object.
func BenchmarkE2EKubectlDiff500(b *testing.B) {
	st := e2eSetup(b)
	diffArgs, driftArgs := st.diffArgs(), st.driftArgs()
	diffObjects := e2eObjects / e2eDiffEvery
	st.checkDiff(b, st.run(b, diffArgs, 0, 1)) // warm-up, untimed
	var peak float64
	var driftTime time.Duration
	for b.Loop() {
		r := st.run(b, diffArgs, 0, 1)
		b.StopTimer()
		st.checkDiff(b, r)
		peak = max(peak, r.peakMB())
		d := st.run(b, driftArgs)
		st.checkDrift(b, d)
		driftTime += d.wall
		b.StartTimer()
	}
	diffPerObject := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(diffObjects)
	driftPerObject := float64(driftTime.Nanoseconds()) / float64(b.N) / e2eObjects
	b.ReportMetric(peak, "peak-MB")
	b.ReportMetric(diffPerObject, "ns/object")
	b.ReportMetric(driftPerObject, "drift-ns/object")
	b.ReportMetric(diffPerObject/driftPerObject, "drift-x-faster/object")
}

// BenchmarkE2EServerSideVsKubectlDiff measures `drift --server-side` (a
// dry run per object, as its deployer would write it) against `kubectl diff
// -f` on the same 1,000 objects; the other 9,000 of the namespace are
// notInGit for drift and cost it one LIST page each.
func BenchmarkE2EServerSideVsKubectlDiff(b *testing.B) {
	st := e2eSetup(b)
	ssArgs := []string{st.bin, "drift", "-o", "json", "--server-side", "--repo", st.repo, "--dir", e2eSSDir,
		"--kubeconfig", lab.KubeconfigPath, "-n", e2eNamespace, "--exit-code=false"}
	diffArgs := []string{st.kubectl, "diff", "-f", st.ssFile, "--kubeconfig", lab.KubeconfigPath}
	check := func(r e2eRun) {
		var rep drift.Report
		if err := json.Unmarshal(r.out, &rep); err != nil {
			b.Fatalf("drift output: %v", err)
		}
		objects := e2eObjects / e2eSSEvery
		if s := rep.Summary; s.Drifted != st.ssDrift || s.InSync != objects-st.ssDrift || s.Errors != 0 || s.MissingFromCluster != 0 {
			b.Fatalf("drift --server-side summary %+v, want %d drifted and %d in sync", s, st.ssDrift, objects-st.ssDrift)
		}
	}
	checkDiff := func(r e2eRun) {
		if n := bytes.Count(append([]byte("\n"), r.out...), []byte("\ndiff -u -N ")); n != st.ssDrift {
			b.Fatalf("kubectl diff showed %d objects, want %d", n, st.ssDrift)
		}
	}
	check(st.run(b, ssArgs))             // warm-up, untimed
	checkDiff(st.run(b, diffArgs, 0, 1)) // likewise
	var ssTime, diffTime time.Duration
	var ssPeak float64
	for b.Loop() {
		r := st.run(b, ssArgs)
		b.StopTimer()
		check(r)
		ssTime += r.wall
		ssPeak = max(ssPeak, r.peakMB())
		d := st.run(b, diffArgs, 0, 1)
		checkDiff(d)
		diffTime += d.wall
		b.StartTimer()
	}
	b.ReportMetric(ssTime.Seconds()/float64(b.N), "server-side-s/op")
	b.ReportMetric(diffTime.Seconds()/float64(b.N), "kubectl-diff-s/op")
	b.ReportMetric(ssPeak, "server-side-peak-MB")
	b.ReportMetric(ssTime.Seconds()/diffTime.Seconds(), "ratio-vs-kubectl-diff")
}

// TestE2EFixture checks the benchmarks' premise in detail: the fixture is
// valid for the API server, and drift finds exactly the hand-edited objects
// with one changed field each (go test -tags e2ebench -run TestE2EFixture).
func TestE2EFixture(t *testing.T) {
	st, err := e2eFixture()
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	r := h.run("drift", "-o", "json", "--repo", st.repo, "--dir", e2eFabricDir, "--kubeconfig", lab.KubeconfigPath, "-n", e2eNamespace)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1: %s", r.code, r.stderr)
	}
	rep := driftReport(t, r)
	want := drift.Summary{Total: e2eObjects, InSync: e2eObjects - e2eDrifted, Drifted: e2eDrifted}
	if rep.Summary != want {
		t.Fatalf("summary %+v, want %+v", rep.Summary, want)
	}
	kinds := map[string]int{}
	for _, res := range rep.Fabrics[0].Resources {
		kinds[res.Kind]++
		if d := st.drifted[res.Kind+"/"+res.Name]; d != (res.Status == drift.StatusDrifted) || (d && len(res.Diffs) != 1) {
			t.Errorf("%s/%s: %s %+v", res.Kind, res.Name, res.Status, res.Diffs)
		}
	}
	for _, k := range st.shape.kinds() {
		if kinds[k.kind] != k.count {
			t.Errorf("%d %s objects reported, want %d", kinds[k.kind], k.kind, k.count)
		}
	}
}
