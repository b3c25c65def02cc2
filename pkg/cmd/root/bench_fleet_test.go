//go:build e2ebench

package root

// The fleet benchmark (issue 14): 12 fabrics of 1,000 objects, six on each
// of the two control planes (lab and prod) in namespaces of their own, in
// one config file; `kubectl hnp drift` over all of them against the sum of
// the 12 single-fabric runs (`drift --fabric X`), in the same iterations.
// `make bench-fleet` runs it:
//
//	go test -tags e2ebench -run '^$' -bench FleetDrift -benchtime 5x -timeout 60m ./pkg/cmd/root/

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

const (
	fleetFabrics = 12
	fleetObjects = 1000
	fleetFiles   = 10 // per fabric, of fleetObjects/fleetFiles documents each
)

// fleetState is the fleet's fixture: one working tree with a directory per
// fabric, a config file naming the 12 fabrics, and each fabric's objects.
type fleetState struct {
	tools   *benchTools
	env     []string // the benchmark's environment with HNP_CONFIG set
	fabrics map[string]*benchFabric
	names   []string // in the config's order
}

// fleetName is fabric i's name, namespace and directory (below fabrics/).
func fleetName(i int) string { return fmt.Sprintf("fleet-%02d", i) }

// fleetPlane is the control plane of fabric i: lab and prod in turn.
func fleetPlane(i int) *testbed.ControlPlane {
	if i%2 == 0 {
		return lab
	}
	return prod
}

var fleetFixture = sync.OnceValues(func() (*fleetState, error) {
	tools, err := benchBuild()
	if err != nil {
		return nil, err
	}
	st := &fleetState{tools: tools, fabrics: map[string]*benchFabric{}}
	dir := filepath.Join(scratch, "fleet")
	repo := filepath.Join(dir, "repo")
	var config strings.Builder
	config.WriteString("apiVersion: hnp.githedgehog.com/v1alpha1\nkind: Config\nfabrics:\n")
	for i := range fleetFabrics {
		name := fleetName(i)
		fab, err := newBenchFabric(shapeFor(name, fleetObjects), uint64(100+i))
		if err != nil {
			return nil, err
		}
		if err := fab.writeGit(repo, "fabrics/"+name, fleetFiles); err != nil {
			return nil, err
		}
		cp := fleetPlane(i)
		kubeconfig, err := fleetKubeconfig(cp, dir)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&config, "- name: %s\n  git: {url: %q, dir: fabrics/%s}\n  cluster: {kubeconfig: %q, context: %s, namespace: %s}\n",
			name, repo, name, kubeconfig, cp.Context, name)
		st.fabrics[name], st.names = fab, append(st.names, name)
	}
	if err := commitAll(repo, "fleet benchmark fabrics"); err != nil {
		return nil, err
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(config.String()), 0o600); err != nil {
		return nil, err
	}
	st.env = append(tools.env[:len(tools.env):len(tools.env)], "HNP_CONFIG="+cfg)
	// The two control planes are filled at the same time, their fabrics
	// one after the other.
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for p := range 2 {
		wg.Go(func() {
			for i := p; i < fleetFabrics && errs[p] == nil; i += 2 {
				errs[p] = st.fabrics[fleetName(i)].create(context.Background(), fleetPlane(i))
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return st, nil
})

// fleetKubeconfig is the kubeconfig the fleet's config names for cp: its
// own, or with HNP_BENCH_RTT=<duration> (such as 10ms) one reaching it
// through a testbed.LatencyProxy with that round-trip time, as a cluster in
// another zone or region would be (the fixture is created directly).
func fleetKubeconfig(cp *testbed.ControlPlane, dir string) (string, error) {
	rtt := os.Getenv("HNP_BENCH_RTT")
	if rtt == "" {
		return cp.KubeconfigPath, nil
	}
	d, err := time.ParseDuration(rtt)
	if err != nil {
		return "", fmt.Errorf("HNP_BENCH_RTT: %w", err)
	}
	addr, err := cp.ServerAddr()
	if err != nil {
		return "", err
	}
	fleetProxies.Lock()
	defer fleetProxies.Unlock()
	if fleetProxies.m == nil {
		fleetProxies.m = map[string]string{}
	}
	if p, ok := fleetProxies.m[addr]; ok {
		return p, nil
	}
	proxy, err := testbed.NewLatencyProxy(addr, d) // lives as long as the benchmark's process
	if err != nil {
		return "", err
	}
	p, err := cp.KubeconfigVia(proxy, dir)
	if err != nil {
		return "", err
	}
	fleetProxies.m[addr] = p
	return p, nil
}

// fleetProxies are the kubeconfigs through each server's proxy.
var fleetProxies struct {
	sync.Mutex
	m map[string]string
}

// checkFleet checks a drift report on the fabrics named (in this order):
// each one's 1,000 objects, exactly its hand-changed ones drifted.
func (st *fleetState) checkFleet(b *testing.B, r e2eRun, names ...string) {
	b.Helper()
	var rep drift.Report
	if err := json.Unmarshal(r.out, &rep); err != nil {
		b.Fatalf("drift output: %v", err)
	}
	if len(rep.Fabrics) != len(names) {
		b.Fatalf("drift reported %d fabrics, want %d", len(rep.Fabrics), len(names))
	}
	want := drift.Summary{Total: fleetObjects, InSync: fleetObjects - fleetObjects/50, Drifted: fleetObjects / 50}
	for i, f := range rep.Fabrics {
		if f.Name != names[i] || f.Error != "" || f.Summary != want || len(f.Resources) != fleetObjects {
			b.Fatalf("fabric %d: %s (error %q) summary %+v, want %s with %+v", i, f.Name, f.Error, f.Summary, names[i], want)
		}
		fab := st.fabrics[f.Name]
		for _, res := range f.Resources {
			if res.Namespace != fab.shape.ns || (res.Status == drift.StatusDrifted) != fab.drifted[res.Kind+"/"+res.Name] {
				b.Fatalf("%s: %s/%s/%s: %s %+v", f.Name, res.Namespace, res.Kind, res.Name, res.Status, res.Diffs)
			}
		}
	}
	if want := (drift.Summary{Total: want.Total * len(names), InSync: want.InSync * len(names), Drifted: want.Drifted * len(names)}); rep.Summary != want {
		b.Fatalf("summary %+v, want %+v", rep.Summary, want)
	}
}

// BenchmarkFleetDrift runs, in every iteration, `kubectl hnp drift` over
// the 12 fabrics (default --concurrency), the 12 single-fabric runs one
// after the other, and the fleet with --concurrency 1 (where the gain comes
// from), in rotating order, each output checked untimed. It reports the
// fleet's time over the sum of the single runs (target ≤ 0.5), and the CPU
// time of the command and of the two control planes' servers meanwhile.
// HNP_BENCH_BEFORE names another kubectl-hnp binary (such as one built
// from main) whose fleet and single runs join the rotation, reported with
// the prefix before-. HNP_BENCH_RTT=<duration> puts that round-trip time
// between the commands and the servers (fleetKubeconfig).
func BenchmarkFleetDrift(b *testing.B) {
	st, err := fleetFixture()
	if err != nil {
		b.Fatal(err)
	}
	type totals struct {
		wall, cpu, server time.Duration
		peak              float64
		lists             int // LIST requests for the managed kinds
	}
	scrape := serverReadCost(b, lab, prod)
	b.Logf("reading the servers' CPU time costs them %s", scrape)
	// measure runs the commands one after the other and adds their times,
	// and the control planes' CPU time and LIST requests meanwhile, to t.
	// The servers are read around the whole sequence, so that the 12 single
	// runs follow each other as in a script: a reading between them would
	// add its own work to the servers' (and leave garbage to collect), and
	// the estimate of a reading's cost would be taken off 12 times.
	type run struct {
		args  []string
		names []string
	}
	measure := func(t *totals, runs ...run) {
		b.StopTimer()
		l0 := managedLists(b, lab, prod)
		s0 := serverCPU(b, lab, prod)
		var rs []e2eRun
		b.StartTimer()
		for _, r := range runs {
			rs = append(rs, benchExecute(b, st.env, r.args))
		}
		b.StopTimer()
		t.server += serverCPU(b, lab, prod) - s0 - scrape
		t.lists += managedLists(b, lab, prod) - l0
		for i, r := range rs {
			t.wall, t.cpu, t.peak = t.wall+r.wall, t.cpu+r.cpu, max(t.peak, r.peakMB())
			st.checkFleet(b, r, runs[i].names...)
		}
		b.StartTimer()
	}
	type binary struct {
		prefix, path       string
		fleet, sum, serial totals
	}
	bins := []*binary{{path: st.tools.bin}}
	if before := os.Getenv("HNP_BENCH_BEFORE"); before != "" {
		bins = append(bins, &binary{prefix: "before-", path: before})
	}
	var contenders []func()
	for _, bin := range bins {
		base := []string{bin.path, "drift", "-o", "json", "--exit-code=false"}
		if os.Getenv("HNP_BENCH_RTT") != "" {
			// Through the latency proxy the servers stand for remote
			// ones: compressed responses, as for any server not on
			// loopback.
			base = append(base, "--disable-compression=false")
		}
		fleetArgs := base
		single := func(name string) []string { return append(base[:len(base):len(base)], "--fabric", name) }
		// A first run of each, untimed: discovery caches and page cache warm.
		st.checkFleet(b, benchExecute(b, st.env, fleetArgs), st.names...)
		for _, name := range st.names {
			st.checkFleet(b, benchExecute(b, st.env, single(name)), name)
		}
		benchProfile(b, st.env, fleetArgs, bin.prefix+"fleet")
		benchProfile(b, st.env, single(st.names[0]), bin.prefix+"fleet-single")
		contenders = append(contenders,
			func() { measure(&bin.fleet, run{fleetArgs, st.names}) },
			func() {
				var singles []run
				for _, name := range st.names {
					singles = append(singles, run{single(name), []string{name}})
				}
				measure(&bin.sum, singles...)
			})
		if bin.prefix == "" {
			serialArgs := append(base[:len(base):len(base)], "--concurrency", "1")
			contenders = append(contenders, func() { measure(&bin.serial, run{serialArgs, st.names}) })
		}
	}
	n := 0
	for b.Loop() {
		f0, s0, fs0, ss0 := bins[0].fleet, bins[0].sum, bins[0].fleet.server, bins[0].sum.server
		for k := range contenders {
			contenders[(n+k)%len(contenders)]()
		}
		n++
		// Each iteration's own figures, to show the spread.
		f, s := bins[0].fleet.wall-f0.wall, bins[0].sum.wall-s0.wall
		b.Logf("iteration %d: fleet %s, sum %s, ratio %.2f; servers' CPU fleet %s, sum %s", n,
			f.Round(time.Millisecond), s.Round(time.Millisecond), float64(f)/float64(s),
			(bins[0].fleet.server - fs0).Round(time.Millisecond), (bins[0].sum.server - ss0).Round(time.Millisecond))
	}
	per := func(d time.Duration) float64 { return d.Seconds() / float64(n) }
	for _, bin := range bins {
		p := bin.prefix
		b.ReportMetric(per(bin.fleet.wall), p+"fleet-s/op")
		b.ReportMetric(per(bin.sum.wall), p+"sum-of-12-s/op")
		b.ReportMetric(float64(bin.fleet.wall)/float64(bin.sum.wall), p+"ratio-vs-sum")
		b.ReportMetric(per(bin.fleet.cpu), p+"fleet-cpu-s/op")
		b.ReportMetric(per(bin.sum.cpu), p+"sum-cpu-s/op")
		b.ReportMetric(float64(bin.fleet.cpu)/float64(bin.sum.cpu), p+"cpu-ratio-vs-sum")
		b.ReportMetric(per(bin.fleet.server), p+"fleet-server-cpu-s/op")
		b.ReportMetric(per(bin.sum.server), p+"sum-server-cpu-s/op")
		b.ReportMetric(float64(bin.fleet.lists)/float64(n), p+"fleet-lists/op")
		b.ReportMetric(float64(bin.sum.lists)/float64(n), p+"sum-lists/op")
		b.ReportMetric(bin.fleet.peak, p+"fleet-peak-MB")
		b.ReportMetric(bin.sum.peak, p+"single-peak-MB")
		if p == "" {
			b.ReportMetric(per(bin.serial.wall), "concurrency-1-s/op")
			b.ReportMetric(bin.serial.peak, "concurrency-1-peak-MB")
		}
	}
}

// managedLists is how many LIST requests for the managed kinds' groups the
// control planes have answered so far.
func managedLists(b *testing.B, planes ...*testbed.ControlPlane) int {
	b.Helper()
	sum := 0
	for _, cp := range planes {
		for _, g := range []string{kinds.GroupVPC, kinds.GroupWiring} {
			n, err := cp.Requests(context.Background(), "LIST", g)
			if err != nil {
				b.Fatal(err)
			}
			sum += n
		}
	}
	return sum
}
