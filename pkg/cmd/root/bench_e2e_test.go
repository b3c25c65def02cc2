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
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
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
	e2eInFlight  = 32
	e2eFabricDir = "fabrics/e2e"
)

type obj = map[string]any
type lst = []any

// e2eKind generates the objects of one kind: gen returns object j's desired
// (Git) form, skew changes a field of the cluster's copy of a drifted object.
type e2eKind struct {
	kind, group, resource string
	count                 int
	gen                   func(j int) obj
	skew                  func(o obj)
}

func newObj(group, kind, name string, labels obj, spec obj) obj {
	md := obj{"name": name, "namespace": e2eNamespace}
	if labels != nil {
		md["labels"] = labels
	}
	return obj{"apiVersion": group + "/v1beta1", "kind": kind, "metadata": md, "spec": spec}
}

func dig(o obj, keys ...string) obj {
	for _, k := range keys {
		o = o[k].(obj)
	}
	return o
}

const (
	vpcGroup    = "vpc.githedgehog.com"
	wiringGroup = "wiring.githedgehog.com"
	leaves      = 1000
	spines      = 100
	servers     = 2000
	vpcs        = 2400
)

func leafName(i int) string   { return fmt.Sprintf("leaf-%04d", i) }
func serverName(i int) string { return fmt.Sprintf("server-%04d", i) }
func vpcName(i int) string    { return fmt.Sprintf("vpc-%04d", i) }

// connName is the name of server s's connection: every third server is
// dual-homed (MCLAG on a leaf pair), the others single-homed; four servers
// per leaf pair.
func connName(s int) string {
	a, b := 2*(s/4%(leaves/2)), 2*(s/4%(leaves/2))+1
	if s%3 == 0 {
		return fmt.Sprintf("%s--mclag--%s--%s", serverName(s), leafName(a), leafName(b))
	}
	return fmt.Sprintf("%s--unbundled--%s", serverName(s), leafName(a+s%2))
}

// e2eKinds spreads e2eObjects over the 12 kinds, mostly VPCs, attachments,
// connections, servers and switches, in the order a fabric repository
// would list them.
var e2eKinds = []e2eKind{
	{kind: "IPv4Namespace", group: vpcGroup, resource: "ipv4namespaces", count: 10,
		gen: func(j int) obj {
			return newObj(vpcGroup, "IPv4Namespace", fmt.Sprintf("ipns-%02d", j), nil,
				obj{"subnets": lst{fmt.Sprintf("10.%d.0.0/12", 16*j)}})
		},
		skew: func(o obj) { o["spec"].(obj)["subnets"] = lst{"10.250.0.0/16"} }},
	{kind: "VLANNamespace", group: wiringGroup, resource: "vlannamespaces", count: 10,
		gen: func(j int) obj {
			return newObj(wiringGroup, "VLANNamespace", fmt.Sprintf("vlanns-%02d", j), nil,
				obj{"ranges": lst{obj{"from": int64(1000 + 300*j), "to": int64(1299 + 300*j)}}})
		},
		skew: func(o obj) { o["spec"].(obj)["ranges"].(lst)[0].(obj)["to"] = int64(1100) }},
	{kind: "SwitchGroup", group: wiringGroup, resource: "switchgroups", count: 20,
		gen: func(j int) obj {
			return newObj(wiringGroup, "SwitchGroup", fmt.Sprintf("mclag-%02d", j), obj{"example.com/pod": fmt.Sprintf("pod-%d", j/4)}, obj{})
		},
		skew: func(o obj) { dig(o, "metadata", "labels")["example.com/pod"] = "pod-moved" }},
	{kind: "Switch", group: wiringGroup, resource: "switches", count: spines + leaves,
		gen: func(j int) obj {
			if j < spines {
				return newObj(wiringGroup, "Switch", fmt.Sprintf("spine-%03d", j), nil, obj{
					"role": "spine", "profile": "vs", "asn": int64(65100), "description": fmt.Sprintf("spine %d, pod %d", j, j/4),
					"ip": fmt.Sprintf("172.30.%d.%d/21", j/250, j%250+1), "protocolIP": fmt.Sprintf("172.30.8.%d/32", j+1),
				})
			}
			i := j - spines
			sg := fmt.Sprintf("mclag-%02d", i/2%20)
			spec := obj{
				"role": "server-leaf", "profile": "vs", "asn": int64(65101 + i/2), "description": fmt.Sprintf("leaf %d, rack %d", i, i/2),
				"ip": fmt.Sprintf("172.31.%d.%d/21", i/250, i%250+1), "protocolIP": fmt.Sprintf("172.32.%d.%d/32", i/250, i%250+1),
				"vtepIP": fmt.Sprintf("172.33.%d.%d/32", i/250, i%250+1),
				"groups": lst{sg}, "redundancy": obj{"group": sg, "type": "mclag"},
			}
			if i%4 == 0 { // the API server fills in the other two fields
				spec["linkFlapErrDisable"] = obj{"flapThreshold": int64(5)}
			}
			if i%10 == 0 {
				spec["portBreakouts"] = obj{"E1/55": "4x25G", "E1/56": "4x25G"}
			}
			return newObj(wiringGroup, "Switch", leafName(i), nil, spec)
		},
		skew: func(o obj) { o["spec"].(obj)["description"] = "changed by hand" }},
	{kind: "Server", group: wiringGroup, resource: "servers", count: servers,
		gen: func(j int) obj {
			return newObj(wiringGroup, "Server", serverName(j), nil, obj{"description": fmt.Sprintf("compute %d, rack %d", j, j/8), "profile": "compute"})
		},
		skew: func(o obj) { o["spec"].(obj)["description"] = "decommissioned" }},
	{kind: "Connection", group: wiringGroup, resource: "connections", count: servers,
		gen: func(j int) obj {
			a := 2 * (j / 4 % (leaves / 2))
			port := fmt.Sprintf("E1/%d", j%4+1)
			if j%3 == 0 {
				return newObj(wiringGroup, "Connection", connName(j), nil, obj{"mclag": obj{"links": lst{
					obj{"server": obj{"port": serverName(j) + "/enp2s1"}, "switch": obj{"port": leafName(a) + "/" + port}},
					obj{"server": obj{"port": serverName(j) + "/enp2s2"}, "switch": obj{"port": leafName(a+1) + "/" + port}},
				}}})
			}
			return newObj(wiringGroup, "Connection", connName(j), nil, obj{"unbundled": obj{"link": obj{
				"server": obj{"port": serverName(j) + "/enp2s1"}, "switch": obj{"port": leafName(a+j%2) + "/" + port},
			}}})
		},
		skew: func(o obj) {
			spec := o["spec"].(obj)
			if m, ok := spec["mclag"].(obj); ok {
				m["links"].(lst)[0].(obj)["switch"].(obj)["port"] = "leaf-0000/E1/48"
			} else {
				dig(spec, "unbundled", "link", "switch")["port"] = "leaf-0000/E1/48"
			}
		}},
	{kind: "External", group: vpcGroup, resource: "externals", count: 15,
		gen: func(j int) obj {
			return newObj(vpcGroup, "External", fmt.Sprintf("ext-%02d", j), nil, obj{
				"ipv4Namespace": fmt.Sprintf("ipns-%02d", j%10), "inboundCommunity": fmt.Sprintf("65102:%d", 5000+j), "outboundCommunity": "50000:50001",
			})
		},
		skew: func(o obj) { o["spec"].(obj)["inboundCommunity"] = "65102:9999" }},
	{kind: "ExternalAttachment", group: vpcGroup, resource: "externalattachments", count: 15,
		gen: func(j int) obj {
			return newObj(vpcGroup, "ExternalAttachment", fmt.Sprintf("ext-%02d--border", j), nil, obj{
				"connection": fmt.Sprintf("border-%02d--external--spine-%03d", j, j), "external": fmt.Sprintf("ext-%02d", j),
				"neighbor": obj{"asn": int64(64102), "ip": fmt.Sprintf("100.100.%d.6", j)},
				"switch":   obj{"ip": fmt.Sprintf("100.100.%d.1/24", j), "vlan": int64(100 + j)},
			})
		},
		skew: func(o obj) { dig(o, "spec", "neighbor")["asn"] = int64(64199) }},
	{kind: "ExternalPeering", group: vpcGroup, resource: "externalpeerings", count: 15,
		gen: func(j int) obj {
			return newObj(vpcGroup, "ExternalPeering", fmt.Sprintf("%s--ext-%02d", vpcName(j), j), nil, obj{"permit": obj{
				"vpc":      obj{"name": vpcName(j), "subnets": lst{"default"}},
				"external": obj{"name": fmt.Sprintf("ext-%02d", j), "prefixes": lst{obj{"prefix": "0.0.0.0/0"}}},
			}})
		},
		skew: func(o obj) {
			dig(o, "spec", "permit", "external")["prefixes"].(lst)[0].(obj)["prefix"] = "10.0.0.0/8"
		}},
	{kind: "VPC", group: vpcGroup, resource: "vpcs", count: vpcs,
		gen: func(j int) obj {
			ns, m := j%10, j/10 // m < 240: the subnet and VLAN stay inside the namespaces
			subnets := obj{"default": obj{"subnet": fmt.Sprintf("10.%d.%d.0/24", 16*ns, m), "vlan": int64(1000 + 300*ns + m)}}
			if j%2 == 0 {
				dig(subnets, "default")["dhcp"] = obj{"enable": true, "range": obj{"start": fmt.Sprintf("10.%d.%d.10", 16*ns, m)}}
			}
			if j%5 == 0 {
				subnets["backend"] = obj{"subnet": fmt.Sprintf("10.%d.%d.0/24", 16*ns+1, m), "vlan": int64(1240 + 300*ns + m%60), "isolated": true}
			}
			return newObj(vpcGroup, "VPC", vpcName(j), nil, obj{
				"ipv4Namespace": fmt.Sprintf("ipns-%02d", ns), "vlanNamespace": fmt.Sprintf("vlanns-%02d", ns), "subnets": subnets,
			})
		},
		skew: func(o obj) {
			d := dig(o, "spec", "subnets", "default")
			d["vlan"] = d["vlan"].(int64) + 1
		}},
	{kind: "VPCAttachment", group: vpcGroup, resource: "vpcattachments", count: vpcs,
		gen: func(j int) obj {
			return newObj(vpcGroup, "VPCAttachment", fmt.Sprintf("%s--%s", vpcName(j), serverName(j%servers)), nil, obj{
				"subnet": vpcName(j) + "/default", "connection": connName(j % servers),
			})
		},
		skew: func(o obj) { o["spec"].(obj)["subnet"] = vpcName(vpcs-1) + "/backend" }},
	{kind: "VPCPeering", group: vpcGroup, resource: "vpcpeerings", count: 15,
		gen: func(j int) obj {
			a, b := vpcName(2*j), vpcName(2*j+1)
			return newObj(vpcGroup, "VPCPeering", a+"--"+b, nil, obj{"permit": lst{obj{a: obj{}, b: obj{}}}})
		},
		skew: func(o obj) { // the second VPC of the peering replaced
			p := o["spec"].(obj)["permit"].(lst)[0].(obj)
			_, second, _ := strings.Cut(dig(o, "metadata")["name"].(string), "--")
			delete(p, second)
			p[vpcName(vpcs-1)] = obj{}
		}},
}

// e2eState is the shared fixture: the Git working tree, the kubectl diff
// input and what the checks expect.
type e2eState struct {
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
	ctx := context.Background()
	st := &e2eState{drifted: map[string]bool{}}
	var err error
	if st.kubectl, err = exec.LookPath("kubectl"); err != nil {
		return nil, err
	}
	dir := filepath.Join(scratch, "e2e")
	st.bin = filepath.Join(dir, "bin", "kubectl-hnp")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", st.bin, "../../../cmd/kubectl-hnp") // as `make build`
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	st.env = append(os.Environ(), "HOME="+filepath.Join(dir, "home"), "HNP_CONFIG=", "HNP_FABRIC=", "KUBECTL_EXTERNAL_DIFF=")

	// The objects, in repository order; a fixed seed picks the drifted ones.
	var all []obj
	var gvrs []schema.GroupVersionResource
	var skews []func(obj)
	for _, k := range e2eKinds {
		gvr := schema.GroupVersionResource{Group: k.group, Version: "v1beta1", Resource: k.resource}
		for j := range k.count {
			all, gvrs, skews = append(all, k.gen(j)), append(gvrs, gvr), append(skews, k.skew)
		}
	}
	if len(all) != e2eObjects {
		return nil, fmt.Errorf("generated %d objects, want %d", len(all), e2eObjects)
	}
	drifted := map[int]bool{}
	for _, i := range rand.New(rand.NewPCG(2024, 5)).Perm(e2eObjects)[:e2eDrifted] {
		drifted[i] = true
		st.drifted[e2eKey(all[i])] = true
	}

	// Git: e2eFiles files of e2eObjects/e2eFiles documents, committed.
	st.repo = filepath.Join(dir, "repo")
	per := e2eObjects / e2eFiles
	var diffDoc, ssDoc strings.Builder
	for f := range e2eFiles {
		var sb strings.Builder
		fmt.Fprintf(&sb, "# Objects %d to %d of the e2e benchmark fabric.\n", f*per, (f+1)*per-1)
		for i := f * per; i < (f+1)*per; i++ {
			doc, err := yaml.Marshal(all[i])
			if err != nil {
				return nil, err
			}
			sb.WriteString("---\n")
			sb.Write(doc)
			if i%e2eSSEvery == 0 {
				ssDoc.WriteString("---\n")
				ssDoc.Write(doc)
				if drifted[i] {
					st.ssDrift++
				}
			}
			if i%e2eDiffEvery == 0 {
				diffDoc.WriteString("---\n")
				diffDoc.Write(doc)
				if drifted[i] {
					st.diffDrift++
				}
			}
		}
		p := filepath.Join(st.repo, e2eFabricDir, fmt.Sprintf("%03d-%s.yaml", f, strings.ToLower(all[f*per]["kind"].(string))))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
			return nil, err
		}
	}
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"}, {"commit", "-q", "-m", "e2e benchmark fabric"}} {
		git := exec.Command("git", args...)
		git.Dir, git.Env = st.repo, testbed.GitEnv()
		if out, err := git.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	st.diffFile = filepath.Join(dir, "diff-500.yaml")
	if err := os.WriteFile(st.diffFile, []byte(diffDoc.String()), 0o644); err != nil {
		return nil, err
	}
	// The same 1,000 objects as kubectl diff's input and as a second fabric
	// directory of the working tree (read in place, uncommitted).
	st.ssFile = filepath.Join(st.repo, e2eSSDir, "objects.yaml")
	if err := os.MkdirAll(filepath.Dir(st.ssFile), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(st.ssFile, []byte(ssDoc.String()), 0o644); err != nil {
		return nil, err
	}

	// The cluster: what `kubectl apply` of the Git objects stores (their
	// last-applied-configuration included), then a hand edit of 2% of them.
	cs, err := kubernetes.NewForConfig(lab.RestConfig)
	if err != nil {
		return nil, err
	}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: e2eNamespace}}, metav1.CreateOptions{}); err != nil {
		return nil, err
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		sem      = make(chan struct{}, e2eInFlight)
	)
	for i, desired := range all {
		applied, err := json.Marshal(desired)
		if err != nil {
			return nil, err
		}
		live := runtime.DeepCopyJSON(desired)
		dig(live, "metadata")["annotations"] = obj{"kubectl.kubernetes.io/last-applied-configuration": string(applied) + "\n"}
		if drifted[i] {
			skews[i](live)
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			_, err := lab.Dynamic().Resource(gvrs[i]).Namespace(e2eNamespace).Create(ctx, &unstructured.Unstructured{Object: live}, metav1.CreateOptions{})
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("creating %s: %w", e2eKey(desired), err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return st, firstErr
})

func e2eKey(o obj) string {
	return o["kind"].(string) + "/" + o["metadata"].(obj)["name"].(string)
}

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
	res := make([]string, len(e2eKinds))
	for i, k := range e2eKinds {
		res[i] = k.resource + "." + k.group
	}
	return []string{st.kubectl, "get", strings.Join(res, ","), "-o", "json", "-n", e2eNamespace, "--kubeconfig", lab.KubeconfigPath}
}

func (st *e2eState) diffArgs() []string {
	return []string{st.kubectl, "diff", "-f", st.diffFile, "--kubeconfig", lab.KubeconfigPath}
}

// e2eRun is one finished child process.
type e2eRun struct {
	out      []byte
	wall     time.Duration // from start to exit
	maxRSSKB int64
}

func (r e2eRun) peakMB() float64 { return float64(r.maxRSSKB) / 1024 }

// run executes args and fails the benchmark on an exit code not in okCodes
// (0 when none are given).
func (st *e2eState) run(b *testing.B, args []string, okCodes ...int) e2eRun {
	b.Helper()
	if len(okCodes) == 0 {
		okCodes = []int{0}
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = st.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		b.Fatalf("%s: %v", filepath.Base(args[0]), err)
	}
	if code := cmd.ProcessState.ExitCode(); !slices.Contains(okCodes, code) {
		b.Fatalf("%s %s: exit %d\n%s", filepath.Base(args[0]), args[1], code, errOut.String())
	}
	return e2eRun{out: out.Bytes(), wall: wall, maxRSSKB: cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss}
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
	for _, k := range e2eKinds {
		if kinds[k.kind] != k.count {
			t.Errorf("%d %s objects reported, want %d", kinds[k.kind], k.kind, k.count)
		}
	}
}
