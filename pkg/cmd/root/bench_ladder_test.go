//go:build e2ebench

package root

// The size ladder (issue 14): `kubectl hnp drift` on fabrics of 1,000,
// 10,000 and 50,000 objects on the lab control plane, time and peak memory
// per size; the growth should be linear (50k ≤ 5.5 × 10k). `make
// bench-ladder` runs it:
//
//	go test -tags e2ebench -run '^$' -bench LadderDrift -benchtime 5x -timeout 90m ./pkg/cmd/root/
//
// HNP_BENCH_LADDER changes the sizes (comma-separated multiples of 1,000).

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// ladderPerFile is how many documents each file of a ladder fabric holds,
// as in the e2e fabric.
const ladderPerFile = 100

// ladderSizes are the ladder's rungs: HNP_BENCH_LADDER or 1k, 10k, 50k.
func ladderSizes() ([]int, error) {
	v := os.Getenv("HNP_BENCH_LADDER")
	if v == "" {
		return []int{1000, 10000, 50000}, nil
	}
	var sizes []int
	for _, s := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 || n%1000 != 0 {
			return nil, fmt.Errorf("HNP_BENCH_LADDER: %q is not a positive multiple of 1000", s)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

// ladderRung is one size of the ladder: its fabric, in Git and in the
// namespace of the same name on lab.
type ladderRung struct {
	fab  *benchFabric
	name string // ladder-10k: namespace and directory below fabrics/
}

type ladderState struct {
	tools *benchTools
	repo  string
	rungs []ladderRung
}

var ladderFixture = sync.OnceValues(func() (*ladderState, error) {
	tools, err := benchBuild()
	if err != nil {
		return nil, err
	}
	sizes, err := ladderSizes()
	if err != nil {
		return nil, err
	}
	st := &ladderState{tools: tools, repo: filepath.Join(scratch, "ladder", "repo")}
	for _, n := range sizes {
		name := fmt.Sprintf("ladder-%dk", n/1000)
		fab, err := newBenchFabric(shapeFor(name, n), 5)
		if err != nil {
			return nil, err
		}
		if err := fab.writeGit(st.repo, "fabrics/"+name, n/ladderPerFile); err != nil {
			return nil, err
		}
		st.rungs = append(st.rungs, ladderRung{fab: fab, name: name})
	}
	if err := commitAll(st.repo, "ladder benchmark fabrics"); err != nil {
		return nil, err
	}
	for _, r := range st.rungs {
		start := time.Now()
		if err := r.fab.create(context.Background(), lab); err != nil {
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "ladder: created %d objects in %s in %s\n", len(r.fab.objects), r.name, time.Since(start).Round(time.Second))
	}
	return st, nil
})

func (st *ladderState) driftArgs(bin string, r ladderRung) []string {
	return []string{bin, "drift", "-o", "json", "--repo", st.repo, "--dir", "fabrics/" + r.name,
		"--kubeconfig", lab.KubeconfigPath, "-n", r.name, "--exit-code=false"}
}

// check checks a drift report on rung r: every object, exactly the
// hand-changed ones drifted.
func (r ladderRung) check(b *testing.B, run e2eRun) {
	b.Helper()
	var rep drift.Report
	if err := json.Unmarshal(run.out, &rep); err != nil {
		b.Fatalf("%s: drift output: %v", r.name, err)
	}
	n := len(r.fab.objects)
	want := drift.Summary{Total: n, InSync: n - n/50, Drifted: n / 50}
	if rep.Summary != want || len(rep.Fabrics) != 1 || len(rep.Fabrics[0].Resources) != n {
		b.Fatalf("%s: drift summary %+v over %d fabrics, want %+v", r.name, rep.Summary, len(rep.Fabrics), want)
	}
	for _, res := range rep.Fabrics[0].Resources {
		if (res.Status == drift.StatusDrifted) != r.fab.drifted[res.Kind+"/"+res.Name] {
			b.Fatalf("%s: %s/%s: %s %+v", r.name, res.Kind, res.Name, res.Status, res.Diffs)
		}
	}
}

// mean is the average of xs.
func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

// median is the middle value of xs (the mean of the two middle ones).
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// BenchmarkLadderDrift runs drift on every rung in each iteration, in
// rotating order, each output checked untimed, and reports per size the
// median wall and CPU time, the median CPU time the control plane spent
// meanwhile (kube-apiserver and etcd), the highest peak resident set size,
// and the growth from each rung to the next, of the medians and of the
// means (-mean): the control plane's collections land on whichever run is
// going, so a few iterations' medians scatter, and the ratio of the means
// over many iterations is each rung's steady cost, the collections shared
// out in proportion to the garbage each run causes. HNP_BENCH_BEFORE
// names another kubectl-hnp binary (such as one built from main) whose runs
// join the rotation, reported with the prefix before-.
func BenchmarkLadderDrift(b *testing.B) {
	st, err := ladderFixture()
	if err != nil {
		b.Fatal(err)
	}
	type binary struct {
		prefix, path         string
		walls, cpus, servers [][]float64
		peaks                []float64
	}
	bins := []*binary{{path: st.tools.bin}}
	if before := os.Getenv("HNP_BENCH_BEFORE"); before != "" {
		bins = append(bins, &binary{prefix: "before-", path: before})
	}
	type contender struct {
		bin  *binary
		rung int
	}
	var contenders []contender
	for _, bin := range bins {
		bin.walls, bin.cpus, bin.servers = make([][]float64, len(st.rungs)), make([][]float64, len(st.rungs)), make([][]float64, len(st.rungs))
		bin.peaks = make([]float64, len(st.rungs))
		for i, r := range st.rungs { // warm-up, untimed
			args := st.driftArgs(bin.path, r)
			r.check(b, benchExecute(b, st.tools.env, args))
			benchProfile(b, st.tools.env, args, bin.prefix+r.name)
			contenders = append(contenders, contender{bin, i})
		}
	}
	scrape := serverReadCost(b, lab).Seconds()
	n := 0
	for b.Loop() {
		for k := range contenders {
			c := contenders[(n+k)%len(contenders)]
			b.StopTimer()
			s0 := serverCPU(b, lab)
			b.StartTimer()
			r := benchExecute(b, st.tools.env, st.driftArgs(c.bin.path, st.rungs[c.rung]))
			b.StopTimer()
			c.bin.walls[c.rung] = append(c.bin.walls[c.rung], r.wall.Seconds())
			c.bin.cpus[c.rung] = append(c.bin.cpus[c.rung], r.cpu.Seconds())
			c.bin.servers[c.rung] = append(c.bin.servers[c.rung], (serverCPU(b, lab)-s0).Seconds()-scrape)
			c.bin.peaks[c.rung] = max(c.bin.peaks[c.rung], r.peakMB())
			st.rungs[c.rung].check(b, r)
			b.Logf("iteration %d: %s%s: %s, CPU %s, server CPU %.3fs", n+1, c.bin.prefix, st.rungs[c.rung].name,
				r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond), c.bin.servers[c.rung][len(c.bin.servers[c.rung])-1])
			b.StartTimer()
		}
		n++
	}
	for _, bin := range bins {
		for i, r := range st.rungs {
			size := bin.prefix + strings.TrimPrefix(r.name, "ladder-")
			b.ReportMetric(median(bin.walls[i]), size+"-s")
			b.ReportMetric(median(bin.cpus[i]), size+"-cpu-s")
			b.ReportMetric(median(bin.servers[i]), size+"-server-cpu-s")
			b.ReportMetric(bin.peaks[i], size+"-peak-MB")
			if i == 0 {
				continue
			}
			step := size + "/" + strings.TrimPrefix(st.rungs[i-1].name, "ladder-")
			b.ReportMetric(median(bin.walls[i])/median(bin.walls[i-1]), step+"-time")
			b.ReportMetric(median(bin.cpus[i])/median(bin.cpus[i-1]), step+"-cpu")
			b.ReportMetric(median(bin.servers[i])/median(bin.servers[i-1]), step+"-server-cpu")
			b.ReportMetric(mean(bin.walls[i])/mean(bin.walls[i-1]), step+"-time-mean")
			b.ReportMetric(mean(bin.cpus[i])/mean(bin.cpus[i-1]), step+"-cpu-mean")
			b.ReportMetric(mean(bin.servers[i])/mean(bin.servers[i-1]), step+"-server-cpu-mean")
			b.ReportMetric(bin.peaks[i]/bin.peaks[i-1], step+"-peak")
		}
	}
}
