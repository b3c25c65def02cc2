//go:build e2ebench

package root

// The generated fabrics of the end-to-end benchmarks (e2e, fleet, size
// ladder): objects of the 12 kinds in the proportions of a real fabric,
// scaled to any multiple of 1,000, written to a Git working tree and
// created in a control plane as `kubectl apply` stores them, 2% of them
// then changed by hand in the cluster.

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
	"strconv"
	"strings"
	"sync"
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
)

type obj = map[string]any
type lst = []any

const (
	vpcGroup    = "vpc.githedgehog.com"
	wiringGroup = "wiring.githedgehog.com"
	// benchInFlight is how many creates a fixture keeps in flight.
	benchInFlight = 32
)

// e2eShape is how many objects of each kind a generated fabric holds, and
// the namespace they name. shapeFor gives the proportions of the 10,000-object
// fabric at any multiple of 1,000.
type e2eShape struct {
	ns                     string
	spines, leaves         int
	servers, vpcs          int // servers = connections; vpcs = VPC attachments
	ipns, switchGroups     int // ipns = VLAN namespaces
	externals, extPeerings int // externals = external attachments; extPeerings = VPC peerings
}

// shapeFor spreads n objects (a multiple of 1,000) over the 12 kinds as the
// 10,000-object fabric does: 2,400 VPCs and as many attachments, 2,000
// servers and connections, 1,100 switches and 100 of the small kinds per
// 10,000.
func shapeFor(ns string, n int) e2eShape {
	s := n / 1000
	return e2eShape{ns: ns, spines: 10 * s, leaves: 100 * s, servers: 200 * s, vpcs: 240 * s,
		ipns: s, switchGroups: 2 * s, externals: (3*s + 1) / 2, extPeerings: 3 * s / 2}
}

// total is the number of objects of the shape.
func (sh e2eShape) total() int {
	return 2*sh.ipns + sh.switchGroups + sh.spines + sh.leaves + 2*sh.servers + 2*sh.externals + 2*sh.extPeerings + 2*sh.vpcs
}

// e2eKind generates the objects of one kind: gen returns object j's desired
// (Git) form, skew changes a field of the cluster's copy of a drifted object.
type e2eKind struct {
	kind, group, resource string
	count                 int
	gen                   func(j int) obj
	skew                  func(o obj)
}

func (sh e2eShape) newObj(group, kind, name string, labels obj, spec obj) obj {
	md := obj{"name": name, "namespace": sh.ns}
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

func leafName(i int) string   { return fmt.Sprintf("leaf-%04d", i) }
func serverName(i int) string { return fmt.Sprintf("server-%04d", i) }
func vpcName(i int) string    { return fmt.Sprintf("vpc-%04d", i) }

// ipnsNet is the first two octets of IPv4Namespace j's /12 (10.0, 10.16, …
// 10.240, then 11.0, …).
func ipnsNet(j int) (int, int) { return 10 + j/16, 16 * (j % 16) }

// connName is the name of server s's connection: every third server is
// dual-homed (MCLAG on a leaf pair), the others single-homed; four servers
// per leaf pair.
func (sh e2eShape) connName(s int) string {
	a, b := 2*(s/4%(sh.leaves/2)), 2*(s/4%(sh.leaves/2))+1
	if s%3 == 0 {
		return fmt.Sprintf("%s--mclag--%s--%s", serverName(s), leafName(a), leafName(b))
	}
	return fmt.Sprintf("%s--unbundled--%s", serverName(s), leafName(a+s%2))
}

// kinds returns the shape's generators, mostly VPCs, attachments,
// connections, servers and switches, in the order a fabric repository would
// list them.
func (sh e2eShape) kinds() []e2eKind {
	newObj := sh.newObj
	return []e2eKind{
		{kind: "IPv4Namespace", group: vpcGroup, resource: "ipv4namespaces", count: sh.ipns,
			gen: func(j int) obj {
				a, b := ipnsNet(j)
				return newObj(vpcGroup, "IPv4Namespace", fmt.Sprintf("ipns-%02d", j), nil,
					obj{"subnets": lst{fmt.Sprintf("%d.%d.0.0/12", a, b)}})
			},
			skew: func(o obj) { o["spec"].(obj)["subnets"] = lst{"10.250.0.0/16"} }},
		{kind: "VLANNamespace", group: wiringGroup, resource: "vlannamespaces", count: sh.ipns,
			gen: func(j int) obj {
				return newObj(wiringGroup, "VLANNamespace", fmt.Sprintf("vlanns-%02d", j), nil,
					obj{"ranges": lst{obj{"from": int64(1000 + 300*(j%10)), "to": int64(1299 + 300*(j%10))}}})
			},
			skew: func(o obj) { o["spec"].(obj)["ranges"].(lst)[0].(obj)["to"] = int64(1100) }},
		{kind: "SwitchGroup", group: wiringGroup, resource: "switchgroups", count: sh.switchGroups,
			gen: func(j int) obj {
				return newObj(wiringGroup, "SwitchGroup", fmt.Sprintf("mclag-%02d", j), obj{"example.com/pod": fmt.Sprintf("pod-%d", j/4)}, obj{})
			},
			skew: func(o obj) { dig(o, "metadata", "labels")["example.com/pod"] = "pod-moved" }},
		{kind: "Switch", group: wiringGroup, resource: "switches", count: sh.spines + sh.leaves,
			gen: func(j int) obj {
				if j < sh.spines {
					return newObj(wiringGroup, "Switch", fmt.Sprintf("spine-%03d", j), nil, obj{
						"role": "spine", "profile": "vs", "asn": int64(65100), "description": fmt.Sprintf("spine %d, pod %d", j, j/4),
						"ip": fmt.Sprintf("172.30.%d.%d/21", j/250, j%250+1), "protocolIP": fmt.Sprintf("172.30.8.%d/32", j+1),
					})
				}
				i := j - sh.spines
				sg := fmt.Sprintf("mclag-%02d", i/2%sh.switchGroups)
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
		{kind: "Server", group: wiringGroup, resource: "servers", count: sh.servers,
			gen: func(j int) obj {
				return newObj(wiringGroup, "Server", serverName(j), nil, obj{"description": fmt.Sprintf("compute %d, rack %d", j, j/8), "profile": "compute"})
			},
			skew: func(o obj) { o["spec"].(obj)["description"] = "decommissioned" }},
		{kind: "Connection", group: wiringGroup, resource: "connections", count: sh.servers,
			gen: func(j int) obj {
				a := 2 * (j / 4 % (sh.leaves / 2))
				port := fmt.Sprintf("E1/%d", j%4+1)
				if j%3 == 0 {
					return newObj(wiringGroup, "Connection", sh.connName(j), nil, obj{"mclag": obj{"links": lst{
						obj{"server": obj{"port": serverName(j) + "/enp2s1"}, "switch": obj{"port": leafName(a) + "/" + port}},
						obj{"server": obj{"port": serverName(j) + "/enp2s2"}, "switch": obj{"port": leafName(a+1) + "/" + port}},
					}}})
				}
				return newObj(wiringGroup, "Connection", sh.connName(j), nil, obj{"unbundled": obj{"link": obj{
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
		{kind: "External", group: vpcGroup, resource: "externals", count: sh.externals,
			gen: func(j int) obj {
				return newObj(vpcGroup, "External", fmt.Sprintf("ext-%02d", j), nil, obj{
					"ipv4Namespace": fmt.Sprintf("ipns-%02d", j%sh.ipns), "inboundCommunity": fmt.Sprintf("65102:%d", 5000+j), "outboundCommunity": "50000:50001",
				})
			},
			skew: func(o obj) { o["spec"].(obj)["inboundCommunity"] = "65102:9999" }},
		{kind: "ExternalAttachment", group: vpcGroup, resource: "externalattachments", count: sh.externals,
			gen: func(j int) obj {
				return newObj(vpcGroup, "ExternalAttachment", fmt.Sprintf("ext-%02d--border", j), nil, obj{
					"connection": fmt.Sprintf("border-%02d--external--spine-%03d", j, j), "external": fmt.Sprintf("ext-%02d", j),
					"neighbor": obj{"asn": int64(64102), "ip": fmt.Sprintf("100.100.%d.6", j)},
					"switch":   obj{"ip": fmt.Sprintf("100.100.%d.1/24", j), "vlan": int64(100 + j)},
				})
			},
			skew: func(o obj) { dig(o, "spec", "neighbor")["asn"] = int64(64199) }},
		{kind: "ExternalPeering", group: vpcGroup, resource: "externalpeerings", count: sh.extPeerings,
			gen: func(j int) obj {
				return newObj(vpcGroup, "ExternalPeering", fmt.Sprintf("%s--ext-%02d", vpcName(j), j), nil, obj{"permit": obj{
					"vpc":      obj{"name": vpcName(j), "subnets": lst{"default"}},
					"external": obj{"name": fmt.Sprintf("ext-%02d", j), "prefixes": lst{obj{"prefix": "0.0.0.0/0"}}},
				}})
			},
			skew: func(o obj) {
				dig(o, "spec", "permit", "external")["prefixes"].(lst)[0].(obj)["prefix"] = "10.0.0.0/8"
			}},
		{kind: "VPC", group: vpcGroup, resource: "vpcs", count: sh.vpcs,
			gen: func(j int) obj {
				ns, m := j%sh.ipns, j/sh.ipns // m < 240: the subnet and VLAN stay inside the namespaces
				a, b := ipnsNet(ns)
				vlan := 1000 + 300*(ns%10)
				subnets := obj{"default": obj{"subnet": fmt.Sprintf("%d.%d.%d.0/24", a, b, m), "vlan": int64(vlan + m)}}
				if j%2 == 0 {
					dig(subnets, "default")["dhcp"] = obj{"enable": true, "range": obj{"start": fmt.Sprintf("%d.%d.%d.10", a, b, m)}}
				}
				if j%5 == 0 {
					subnets["backend"] = obj{"subnet": fmt.Sprintf("%d.%d.%d.0/24", a, b+1, m), "vlan": int64(vlan + 240 + m%60), "isolated": true}
				}
				return newObj(vpcGroup, "VPC", vpcName(j), nil, obj{
					"ipv4Namespace": fmt.Sprintf("ipns-%02d", ns), "vlanNamespace": fmt.Sprintf("vlanns-%02d", ns), "subnets": subnets,
				})
			},
			skew: func(o obj) {
				d := dig(o, "spec", "subnets", "default")
				d["vlan"] = d["vlan"].(int64) + 1
			}},
		{kind: "VPCAttachment", group: vpcGroup, resource: "vpcattachments", count: sh.vpcs,
			gen: func(j int) obj {
				return newObj(vpcGroup, "VPCAttachment", fmt.Sprintf("%s--%s", vpcName(j), serverName(j%sh.servers)), nil, obj{
					"subnet": vpcName(j) + "/default", "connection": sh.connName(j % sh.servers),
				})
			},
			skew: func(o obj) { o["spec"].(obj)["subnet"] = vpcName(sh.vpcs-1) + "/backend" }},
		{kind: "VPCPeering", group: vpcGroup, resource: "vpcpeerings", count: sh.extPeerings,
			gen: func(j int) obj {
				a, b := vpcName(2*j), vpcName(2*j+1)
				return newObj(vpcGroup, "VPCPeering", a+"--"+b, nil, obj{"permit": lst{obj{a: obj{}, b: obj{}}}})
			},
			skew: func(o obj) { // the second VPC of the peering replaced
				p := o["spec"].(obj)["permit"].(lst)[0].(obj)
				_, second, _ := strings.Cut(dig(o, "metadata")["name"].(string), "--")
				delete(p, second)
				p[vpcName(sh.vpcs-1)] = obj{}
			}},
	}
}

// resources is the kinds' plural.group list, as kubectl get takes it.
func (sh e2eShape) resources() string {
	var res []string
	for _, k := range sh.kinds() {
		res = append(res, k.resource+"."+k.group)
	}
	return strings.Join(res, ",")
}

// benchFabric is a generated fabric: its objects in repository order and
// which of them were changed by hand in the cluster (2%, picked with a
// fixed seed).
type benchFabric struct {
	shape   e2eShape
	objects []obj
	gvrs    []schema.GroupVersionResource
	skews   []func(obj)
	isDrift map[int]bool
	drifted map[string]bool // kind/name of the drifted objects
}

// newBenchFabric generates the objects of shape sh; seed picks the drifted
// ones.
func newBenchFabric(sh e2eShape, seed uint64) (*benchFabric, error) {
	f := &benchFabric{shape: sh, isDrift: map[int]bool{}, drifted: map[string]bool{}}
	for _, k := range sh.kinds() {
		gvr := schema.GroupVersionResource{Group: k.group, Version: "v1beta1", Resource: k.resource}
		for j := range k.count {
			f.objects, f.gvrs, f.skews = append(f.objects, k.gen(j)), append(f.gvrs, gvr), append(f.skews, k.skew)
		}
	}
	if n := len(f.objects); n != sh.total() || n%1000 != 0 {
		return nil, fmt.Errorf("generated %d objects, want %d", n, sh.total())
	}
	n := len(f.objects)
	for _, i := range rand.New(rand.NewPCG(2024, seed)).Perm(n)[:n/50] {
		f.isDrift[i] = true
		f.drifted[e2eKey(f.objects[i])] = true
	}
	return f, nil
}

func e2eKey(o obj) string {
	return o["kind"].(string) + "/" + o["metadata"].(obj)["name"].(string)
}

// writeGit writes the objects into dir of the working tree repo as files
// files of equal parts, named after their first object's kind.
func (f *benchFabric) writeGit(repo, dir string, files int) error {
	per := len(f.objects) / files
	for i := range files {
		var sb strings.Builder
		fmt.Fprintf(&sb, "# Objects %d to %d of a benchmark fabric.\n", i*per, (i+1)*per-1)
		for _, o := range f.objects[i*per : (i+1)*per] {
			doc, err := yaml.Marshal(o)
			if err != nil {
				return err
			}
			sb.WriteString("---\n")
			sb.Write(doc)
		}
		p := filepath.Join(repo, dir, fmt.Sprintf("%03d-%s.yaml", i, strings.ToLower(f.objects[i*per]["kind"].(string))))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// commitAll commits every file of the working tree repo, creating the
// repository first if there is none.
func commitAll(repo, msg string) error {
	steps := [][]string{{"add", "-A"}, {"commit", "-q", "-m", msg}}
	if _, err := os.Stat(filepath.Join(repo, ".git")); err != nil {
		steps = append([][]string{{"init", "-q", "-b", "main"}}, steps...)
	}
	for _, args := range steps {
		git := exec.Command("git", args...)
		git.Dir, git.Env = repo, testbed.GitEnv()
		if out, err := git.CombinedOutput(); err != nil {
			return fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return nil
}

// create makes the fabric's namespace in cp and creates every object as
// `kubectl apply` stores it (its last-applied-configuration included),
// the drifted ones changed by hand, benchInFlight requests at a time.
func (f *benchFabric) create(ctx context.Context, cp *testbed.ControlPlane) error {
	cs, err := kubernetes.NewForConfig(cp.RestConfig)
	if err != nil {
		return err
	}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: f.shape.ns}}, metav1.CreateOptions{}); err != nil {
		return err
	}
	client := cp.Dynamic()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		sem      = make(chan struct{}, benchInFlight)
	)
	for i, desired := range f.objects {
		applied, err := json.Marshal(desired)
		if err != nil {
			return err
		}
		live := runtime.DeepCopyJSON(desired)
		dig(live, "metadata")["annotations"] = obj{"kubectl.kubernetes.io/last-applied-configuration": string(applied) + "\n"}
		if f.isDrift[i] {
			f.skews[i](live)
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			_, err := client.Resource(f.gvrs[i]).Namespace(f.shape.ns).Create(ctx, &unstructured.Unstructured{Object: live}, metav1.CreateOptions{})
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("creating %s in %s: %w", e2eKey(desired), f.shape.ns, err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// benchTools are the processes the end-to-end benchmarks run: kubectl-hnp
// built as `make build` builds it, kubectl, and their environment.
type benchTools struct {
	bin, kubectl string
	env          []string
}

var benchBuild = sync.OnceValues(func() (*benchTools, error) {
	t := &benchTools{}
	var err error
	if t.kubectl, err = exec.LookPath("kubectl"); err != nil {
		return nil, err
	}
	dir := filepath.Join(scratch, "bench")
	t.bin = filepath.Join(dir, "bin", "kubectl-hnp")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", t.bin, "../../../cmd/kubectl-hnp") // as `make build`
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	t.env = append(os.Environ(), "HOME="+filepath.Join(dir, "home"), "HNP_CONFIG=", "HNP_FABRIC=", "KUBECTL_EXTERNAL_DIFF=")
	return t, nil
})

// e2eRun is one finished child process.
type e2eRun struct {
	out      []byte
	wall     time.Duration // from start to exit
	cpu      time.Duration // user + system
	maxRSSKB int64
}

func (r e2eRun) peakMB() float64 { return float64(r.maxRSSKB) / 1024 }

// benchExecute runs args with env under /usr/bin/time, which reports the
// child's peak resident set size and CPU time, and fails the benchmark on an
// exit code not in okCodes (0 when none are given). The child's own
// getrusage would not do for the peak: a process started with vfork (as
// os/exec starts it) inherits the high-water mark of the benchmark's
// process, which holds the fixtures; GNU time forks from a small process.
func benchExecute(b *testing.B, env, args []string, okCodes ...int) e2eRun {
	b.Helper()
	if len(okCodes) == 0 {
		okCodes = []int{0}
	}
	stats := filepath.Join(b.TempDir(), "time")
	cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%x %M %U %S", "-o", stats}, args...)...)
	cmd.Env = env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		b.Fatalf("%s: %v", filepath.Base(args[0]), err)
	}
	text, rerr := os.ReadFile(stats)
	fields := strings.Fields(lastLine(string(text)))
	if rerr != nil || len(fields) != 4 {
		b.Fatalf("/usr/bin/time %s: %q %v\n%s", filepath.Base(args[0]), text, rerr, errOut.String())
	}
	code, _ := strconv.Atoi(fields[0])
	if !slices.Contains(okCodes, code) {
		b.Fatalf("%s %s: exit %d\n%s", filepath.Base(args[0]), args[1], code, errOut.String())
	}
	kb, _ := strconv.ParseInt(fields[1], 10, 64)
	user, _ := strconv.ParseFloat(fields[2], 64)
	sys, _ := strconv.ParseFloat(fields[3], 64)
	return e2eRun{out: out.Bytes(), wall: wall, cpu: time.Duration((user + sys) * float64(time.Second)), maxRSSKB: kb}
}

// lastLine is s's last non-empty line (GNU time writes "Command exited
// with non-zero status N" before its format).
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// benchProfile runs args once more, untimed, writing CPU and heap profiles
// of the child to HNP_BENCH_PROFILE/NAME.cpu and NAME.mem when that
// variable names a directory (HNP_CPUPROFILE, HNP_MEMPROFILE: profile.go).
func benchProfile(b *testing.B, env, args []string, name string, okCodes ...int) {
	b.Helper()
	dir := os.Getenv("HNP_BENCH_PROFILE")
	if dir == "" {
		return
	}
	env = append(env[:len(env):len(env)], "HNP_CPUPROFILE="+filepath.Join(dir, name+".cpu"), "HNP_MEMPROFILE="+filepath.Join(dir, name+".mem"))
	r := benchExecute(b, env, args, okCodes...)
	b.Logf("profiled %s: %s, %s CPU, peak %.0f MB", name, r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond), r.peakMB())
}

// serverReadCost is what reading the control planes' CPU time costs them:
// the median of a few readings with nothing between them, to be taken off
// each measurement.
func serverReadCost(b *testing.B, planes ...*testbed.ControlPlane) time.Duration {
	b.Helper()
	var idle []float64
	for range 5 {
		s0 := serverCPU(b, planes...)
		idle = append(idle, float64(serverCPU(b, planes...)-s0))
	}
	return time.Duration(median(idle))
}

// serverCPU is the CPU time the control planes' kube-apiservers and etcds
// have used so far (testbed.ControlPlane.ServerCPU).
func serverCPU(b *testing.B, planes ...*testbed.ControlPlane) time.Duration {
	b.Helper()
	var sum time.Duration
	for _, cp := range planes {
		d, err := cp.ServerCPU(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		sum += d
	}
	return sum
}
