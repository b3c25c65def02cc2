package testbed

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
)

const kubectlPath = "/usr/bin/kubectl"

// servedKind is what discovery must report for one of the 12 Hedgehog kinds.
type servedKind struct {
	group, kind, plural string
	shortNames          []string
}

// hedgehogKinds lists the kinds of testdata/crds as the upstream CRDs name them.
var hedgehogKinds = []servedKind{
	{"vpc.githedgehog.com", "VPC", "vpcs", nil},
	{"vpc.githedgehog.com", "VPCAttachment", "vpcattachments", []string{"vpcattach"}},
	{"vpc.githedgehog.com", "VPCPeering", "vpcpeerings", []string{"vpcpeer"}},
	{"vpc.githedgehog.com", "IPv4Namespace", "ipv4namespaces", []string{"ipns"}},
	{"vpc.githedgehog.com", "External", "externals", []string{"ext"}},
	{"vpc.githedgehog.com", "ExternalAttachment", "externalattachments", []string{"extattach"}},
	{"vpc.githedgehog.com", "ExternalPeering", "externalpeerings", []string{"extpeering", "extpeer"}},
	{"wiring.githedgehog.com", "Connection", "connections", []string{"conn"}},
	{"wiring.githedgehog.com", "Switch", "switches", []string{"sw"}},
	{"wiring.githedgehog.com", "Server", "servers", []string{"srv"}},
	{"wiring.githedgehog.com", "SwitchGroup", "switchgroups", []string{"sg"}},
	{"wiring.githedgehog.com", "VLANNamespace", "vlannamespaces", []string{"vlanns"}},
}

var switchGVR = schema.GroupVersionResource{Group: "wiring.githedgehog.com", Version: "v1beta1", Resource: "switches"}

// kubectl runs the real kubectl with the given environment additions and
// returns its trimmed stdout, failing the test on a non-zero exit.
func kubectl(t *testing.T, env []string, args ...string) string {
	t.Helper()
	if _, err := os.Stat(kubectlPath); err != nil {
		t.Fatalf("%s is needed by this test: %v", kubectlPath, err)
	}
	cmd := exec.CommandContext(t.Context(), kubectlPath, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

func nestedInt(t *testing.T, obj *unstructured.Unstructured, fields ...string) int64 {
	t.Helper()
	v, found, err := unstructured.NestedInt64(obj.Object, fields...)
	if err != nil || !found {
		t.Fatalf("%s: %s not set (found=%v, err=%v) in %v", obj.GetName(), strings.Join(fields, "."), found, err, obj.Object)
	}
	return v
}

func TestControlPlaneServesCRDsAndAppliesDefaults(t *testing.T) {
	cp := StartT(t)

	// Every Hedgehog kind is served at v1beta1, namespaced, with its upstream names.
	dc, err := discovery.NewDiscoveryClientForConfig(cp.RestConfig)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range hedgehogKinds {
		list, err := dc.ServerResourcesForGroupVersion(k.group + "/v1beta1")
		if err != nil {
			t.Fatalf("discovery of %s/v1beta1: %v", k.group, err)
		}
		var res *metav1.APIResource
		hasStatus := false
		for i := range list.APIResources {
			r := &list.APIResources[i]
			switch r.Name {
			case k.plural:
				res = r
			case k.plural + "/status":
				hasStatus = true
			}
		}
		if res == nil {
			t.Errorf("%s: resource %s not served", k.kind, k.plural)
			continue
		}
		if res.Kind != k.kind || !res.Namespaced || res.SingularName != strings.ToLower(k.kind) {
			t.Errorf("%s: served as kind=%s namespaced=%v singular=%s", k.kind, res.Kind, res.Namespaced, res.SingularName)
		}
		if !slices.Equal(res.ShortNames, k.shortNames) {
			t.Errorf("%s: short names %v served, want %v", k.kind, res.ShortNames, k.shortNames)
		}
		if !slices.Contains(res.Categories, "hedgehog") {
			t.Errorf("%s: categories %v lack hedgehog", k.kind, res.Categories)
		}
		if !hasStatus {
			t.Errorf("%s: no status subresource", k.kind)
		}
	}

	// The API server fills in the CRD defaults the YAML left out.
	objs := cp.Apply(t, `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-01
spec:
  role: server-leaf
  linkFlapErrDisable:
    flapThreshold: 5
`)
	if len(objs) != 1 {
		t.Fatalf("Apply returned %d objects, want 1", len(objs))
	}
	if ns := objs[0].GetNamespace(); ns != DefaultNamespace {
		t.Errorf("switch created in namespace %q, want %q", ns, DefaultNamespace)
	}
	stored, err := cp.Dynamic().Resource(switchGVR).Namespace(DefaultNamespace).Get(t.Context(), "leaf-01", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading the switch back: %v", err)
	}
	for _, obj := range []*unstructured.Unstructured{objs[0], stored} {
		lf := []string{"spec", "linkFlapErrDisable"}
		if got := nestedInt(t, obj, append(lf, "flapThreshold")...); got != 5 {
			t.Errorf("flapThreshold = %d, want the given 5", got)
		}
		if got := nestedInt(t, obj, append(lf, "recoveryInterval")...); got != 300 {
			t.Errorf("recoveryInterval = %d, want the default 300", got)
		}
		if got := nestedInt(t, obj, append(lf, "samplingInterval")...); got != 30 {
			t.Errorf("samplingInterval = %d, want the default 30", got)
		}
	}

	// The schema is enforced: an unknown role is refused.
	_, err = cp.CreateYAML(t.Context(), `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-02
spec:
  role: not-a-role
`)
	if !apierrors.IsInvalid(err) {
		t.Errorf("creating a switch with an invalid role: got %v, want an Invalid error", err)
	}

	// The kubeconfig works with the real kubectl.
	if got := kubectl(t, nil, "--kubeconfig", cp.KubeconfigPath, "config", "current-context"); got != DefaultContext {
		t.Errorf("current context %q, want %q", got, DefaultContext)
	}
	if got := kubectl(t, nil, "--kubeconfig", cp.KubeconfigPath, "get", "switches", "-o", "name"); got != "switch.wiring.githedgehog.com/leaf-01" {
		t.Errorf("kubectl get switches -o name = %q", got)
	}

	// The servers' CPU time (benchmarks tell the server's share by it) is
	// there and grows with work.
	before, err := cp.ServerCPU(t.Context())
	if err != nil || before <= 0 {
		t.Fatalf("ServerCPU = %v, %v; want a positive time", before, err)
	}
	deadline := time.Now().Add(time.Minute)
	for after := before; after == before; {
		for range 20 {
			if _, err := dc.ServerGroups(); err != nil {
				t.Fatal(err)
			}
		}
		if after, err = cp.ServerCPU(t.Context()); err != nil || after < before {
			t.Fatalf("ServerCPU after work = %v, %v; want at least %v", after, err, before)
		}
		if time.Now().After(deadline) {
			t.Fatalf("ServerCPU stayed at %v through a minute of requests", before)
		}
	}
}

func TestTwoControlPlanesSideBySide(t *testing.T) {
	dir := t.TempDir()
	names := []string{"fabric-a", "fabric-b"}
	cps := make([]*ControlPlane, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() { cps[i], errs[i] = Start(Options{Context: name, KubeconfigDir: dir}) })
	}
	wg.Wait()
	for i := range names {
		if cps[i] != nil {
			t.Cleanup(func() { _ = cps[i].Stop() })
		}
		if errs[i] != nil {
			t.Fatalf("starting %s: %v", names[i], errs[i])
		}
	}
	a, b := cps[0], cps[1]
	if a.RestConfig.Host == b.RestConfig.Host {
		t.Fatalf("both control planes serve at %s", a.RestConfig.Host)
	}
	for i, cp := range cps {
		if want := filepath.Join(dir, names[i]+".kubeconfig"); cp.KubeconfigPath != want || cp.Context != names[i] {
			t.Errorf("control plane %d: kubeconfig %s context %s, want %s and %s", i, cp.KubeconfigPath, cp.Context, want, names[i])
		}
	}

	a.Apply(t, `
apiVersion: v1
kind: Namespace
metadata:
  name: fabric-a-vpcs
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-a
spec:
  role: server-leaf
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-a
  namespace: fabric-a-vpcs
spec: {}
`)
	b.Apply(t, `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: spine-b
spec:
  role: spine
`)

	// The two kubeconfigs merge without collisions; each context sees only its own cluster.
	merged := []string{"KUBECONFIG=" + a.KubeconfigPath + string(os.PathListSeparator) + b.KubeconfigPath}
	if got := kubectl(t, merged, "--context", "fabric-a", "get", "switches", "-o", "name"); got != "switch.wiring.githedgehog.com/leaf-a" {
		t.Errorf("fabric-a switches = %q", got)
	}
	if got := kubectl(t, merged, "--context", "fabric-b", "get", "switches", "-o", "name"); got != "switch.wiring.githedgehog.com/spine-b" {
		t.Errorf("fabric-b switches = %q", got)
	}
	if got := kubectl(t, merged, "--context", "fabric-a", "get", "vpcs", "-A", "-o", "name"); got != "vpc.vpc.githedgehog.com/vpc-a" {
		t.Errorf("fabric-a vpcs = %q (the VPC named its own namespace)", got)
	}
	vpcs, err := b.Dynamic().Resource(schema.GroupVersionResource{Group: "vpc.githedgehog.com", Version: "v1beta1", Resource: "vpcs"}).List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(vpcs.Items) != 0 {
		t.Errorf("fabric-b has %d VPCs, want 0", len(vpcs.Items))
	}

	// Stopping one leaves the other running; Stop is idempotent.
	if err := a.Stop(); err != nil {
		t.Fatalf("stopping fabric-a: %v", err)
	}
	if err := a.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if _, err := a.Dynamic().Resource(switchGVR).Namespace(DefaultNamespace).List(t.Context(), metav1.ListOptions{}); err == nil {
		t.Errorf("fabric-a still answers after Stop")
	}
	if _, err := b.Dynamic().Resource(switchGVR).Namespace(DefaultNamespace).Get(t.Context(), "spine-b", metav1.GetOptions{}); err != nil {
		t.Errorf("fabric-b after stopping fabric-a: %v", err)
	}
	if _, err := os.Stat(a.KubeconfigPath); err != nil {
		t.Errorf("kubeconfig in a caller's directory should survive Stop: %v", err)
	}
}

func TestStopRemovesPrivateKubeconfig(t *testing.T) {
	cp, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := cp.KubeconfigPath
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("kubeconfig not written: %v", err)
	}
	if err := cp.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Errorf("temporary kubeconfig directory still there after Stop (stat err %v)", err)
	}
}

func TestStartWithoutBinariesSaysHowToBuildThem(t *testing.T) {
	_, err := Start(Options{BinDir: t.TempDir()})
	if err == nil {
		t.Fatal("Start succeeded without binaries")
	}
	if !strings.Contains(err.Error(), "make controlplane") {
		t.Errorf("error %q does not tell to run make controlplane", err)
	}
}

func TestRepoRootSkipsNestedModules(t *testing.T) {
	root := t.TempDir()
	nested := filepath.Join(root, "hack", "tools", "etcd")
	deeper := filepath.Join(nested, "sub")
	if err := os.MkdirAll(deeper, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module "+ModulePath+"\n\ngo 1.26.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(nested, "go.mod"), []byte("module "+ModulePath+"/hack/tools/etcd\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(deeper)
	got, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.EvalSymlinks(root)
	if gotReal, _ := filepath.EvalSymlinks(got); gotReal != want {
		t.Errorf("RepoRoot() = %s, want %s", got, root)
	}

	t.Chdir(t.TempDir())
	if _, err := RepoRoot(); err == nil {
		t.Error("RepoRoot() outside any repository succeeded")
	}
}

// countRequests adds up apiserver_request_total's series of one verb and
// group, whatever their other labels, and no other series.
func TestCountRequests(t *testing.T) {
	page := []byte(`# HELP apiserver_request_total [STABLE] Counter of apiserver requests
# TYPE apiserver_request_total counter
apiserver_request_total{code="200",component="apiserver",dry_run="",group="vpc.githedgehog.com",resource="vpcs",scope="cluster",subresource="",verb="LIST",version="v1beta1"} 3
apiserver_request_total{code="200",component="apiserver",dry_run="",group="vpc.githedgehog.com",resource="vpcs",scope="namespace",subresource="",verb="LIST",version="v1beta1"} 12
apiserver_request_total{code="403",component="apiserver",dry_run="",group="vpc.githedgehog.com",resource="ipv4namespaces",scope="cluster",subresource="",verb="LIST",version="v1beta1"} 1
apiserver_request_total{code="200",component="apiserver",dry_run="",group="vpc.githedgehog.com",resource="vpcs",scope="resource",subresource="",verb="GET",version="v1beta1"} 7
apiserver_request_total{code="200",component="apiserver",dry_run="",group="wiring.githedgehog.com",resource="switches",scope="namespace",subresource="",verb="LIST",version="v1beta1"} 5
apiserver_request_duration_seconds_count{component="apiserver",dry_run="",group="vpc.githedgehog.com",resource="vpcs",scope="cluster",subresource="",verb="LIST",version="v1beta1"} 100
`)
	for _, tt := range []struct {
		verb, group string
		want        int
	}{
		{"LIST", "vpc.githedgehog.com", 16},
		{"GET", "vpc.githedgehog.com", 7},
		{"LIST", "wiring.githedgehog.com", 5},
		{"WATCH", "vpc.githedgehog.com", 0},
	} {
		if got, err := countRequests(page, tt.verb, tt.group); err != nil || got != tt.want {
			t.Errorf("%s %s: %d, %v; want %d", tt.verb, tt.group, got, err, tt.want)
		}
	}
	if _, err := countRequests([]byte(`apiserver_request_total{group="g",verb="LIST"} x`+"\n"), "LIST", "g"); err == nil {
		t.Error("a value that is not a number is no error")
	}
}
