package root

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

func driftReport(t *testing.T, r result) *drift.Report {
	t.Helper()
	var rep drift.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s\n%s", err, r.stdout, r.stderr)
	}
	return &rep
}

func findResource(rep *drift.Report, fabric, kind, name string) *drift.ResourceResult {
	for _, f := range rep.Fabrics {
		if f.Name != fabric {
			continue
		}
		for i, r := range f.Resources {
			if r.Kind == kind && r.Name == name {
				return &f.Resources[i]
			}
		}
	}
	return nil
}

func TestDriftStatusesAndExactPointers(t *testing.T) {
	h, _ := labProd(t)
	r := h.run("drift", "-o", "json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (drift found): %s", r.code, r.stderr)
	}
	rep := driftReport(t, r)
	if rep.APIVersion != "hnp.githedgehog.com/v1alpha1" || rep.Kind != "DriftReport" || len(rep.Fabrics) != 2 {
		t.Fatalf("report header: %+v", rep)
	}
	lab := rep.Fabrics[0]
	if lab.Name != "lab" || len(lab.GitRevision) != 40 || lab.Error != "" {
		t.Errorf("lab fabric: %+v", lab)
	}
	want := drift.Summary{Total: 16, InSync: 13, Drifted: 1, MissingFromCluster: 1, NotInGit: 1}
	if lab.Summary != want {
		t.Errorf("lab summary = %+v, want %+v", lab.Summary, want)
	}
	if rep.Fabrics[1].Summary.Total != 5 || rep.Fabrics[1].Summary.InSync != 5 {
		t.Errorf("prod summary = %+v", rep.Fabrics[1].Summary)
	}
	vpc2 := findResource(rep, "lab", "VPC", "vpc-2")
	if vpc2 == nil || vpc2.Status != drift.StatusDrifted || vpc2.File != "fabrics/lab/vpcs/vpcs.yaml" || vpc2.Line != 19 {
		t.Fatalf("vpc-2 = %+v", vpc2)
	}
	if len(vpc2.Diffs) != 1 || vpc2.Diffs[0].Path != "/spec/subnets/default/vlan" || vpc2.Diffs[0].Type != drift.DiffChanged ||
		vpc2.Diffs[0].Desired != float64(1002) || vpc2.Diffs[0].Actual != float64(1099) {
		t.Errorf("vpc-2 diffs = %+v", vpc2.Diffs)
	}
	// The API server's defaults (linkFlapErrDisable intervals) and the
	// controller's labels are not drift.
	for _, n := range []string{"leaf-01", "leaf-02"} {
		if s := findResource(rep, "lab", "Switch", n); s == nil || s.Status != drift.StatusInSync {
			t.Errorf("Switch %s = %+v, want inSync", n, s)
		}
	}
	if s := findResource(rep, "lab", "VPC", "vpc-3"); s == nil || s.Status != drift.StatusMissingFromCluster {
		t.Errorf("vpc-3 = %+v", s)
	}
	if s := findResource(rep, "lab", "VPC", "vpc-legacy"); s == nil || s.Status != drift.StatusNotInGit || s.File != "" {
		t.Errorf("vpc-legacy = %+v", s)
	}
}

func TestDriftExitCodes(t *testing.T) {
	h, _ := labProd(t)
	if r := h.run("drift", "--fabric", "prod"); r.code != 0 {
		t.Errorf("prod in sync: exit %d %s%s", r.code, r.stdout, r.stderr)
	}
	if r := h.run("drift", "--fabric", "lab", "--exit-code=false"); r.code != 0 {
		t.Errorf("--exit-code=false: exit %d", r.code)
	}
	if r := h.run("drift", "vpc", "vpc-1", "--fabric", "lab"); r.code != 0 {
		t.Errorf("vpc-1 alone is in sync: exit %d %s", r.code, r.stdout)
	}
	if r := h.run("drift", "vpc/vpc-2", "--fabric", "lab"); r.code != 1 {
		t.Errorf("KIND/NAME: exit %d %s", r.code, r.stderr)
	}
	if r := h.run("drift", "vpc", "vpc-2", "--fabric", "lab"); r.code != 1 {
		t.Errorf("vpc-2 alone drifted: exit %d", r.code)
	}
	// vpc-2's VLAN ignored: what is left of the VPCs still drifts (vpc-3,
	// vpc-legacy), but vpc-2 itself is in sync.
	r := h.run("drift", "vpc", "vpc-2", "--fabric", "lab", "--ignore", "vpc:/spec/subnets/*/vlan")
	if r.code != 0 {
		t.Errorf("ignored field: exit %d %s", r.code, r.stdout)
	}
	if r := h.run("drift", "--ignore", "nonsense"); r.code != 2 || !strings.Contains(r.stderr, "--ignore") {
		t.Errorf("bad --ignore: exit %d %s", r.code, r.stderr)
	}
}

func TestDriftOneFabricFailsOthersReported(t *testing.T) {
	remote := testbed.NewBareRemote(t, sampleFiles(t))
	h := newHarness(t)
	gone := "- name: gone\n  git: {url: \"" + remote + "\", dir: fabrics/prod}\n  cluster: {kubeconfig: /nonexistent/kubeconfig}\n"
	h.writeConfig("fabrics:\n" + fabricYAML("prod", remote, "fabrics/prod", prod) + gone)
	r := h.run("drift", "-o", "json")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2", r.code)
	}
	rep := driftReport(t, r)
	if len(rep.Fabrics) != 2 || rep.Fabrics[0].Summary.InSync != 5 || rep.Fabrics[1].Error == "" || !strings.Contains(r.stderr, "fabric gone") {
		t.Errorf("report %+v, stderr %s", rep.Fabrics, r.stderr)
	}
}

func TestDriftStrict(t *testing.T) {
	h, _ := labProd(t)
	r := h.run("drift", "sw", "leaf-01", "--fabric", "lab", "--strict", "-o", "json")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	sw := findResource(driftReport(t, r), "lab", "Switch", "leaf-01")
	var paths []string
	for _, d := range sw.Diffs {
		paths = append(paths, d.Path+":"+string(d.Type))
	}
	got := strings.Join(paths, " ")
	for _, want := range []string{"/spec/linkFlapErrDisable/recoveryInterval:onlyInCluster", "/spec/linkFlapErrDisable/samplingInterval:onlyInCluster"} {
		if !strings.Contains(got, want) {
			t.Errorf("strict diffs %s lack %s", got, want)
		}
	}
}

func TestDriftServerSide(t *testing.T) {
	h, _ := labProd(t)
	r := h.run("drift", "--fabric", "lab", "--server-side", "-o", "json")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	rep := driftReport(t, r)
	vpc2 := findResource(rep, "lab", "VPC", "vpc-2")
	if vpc2 == nil || vpc2.Status != drift.StatusDrifted || len(vpc2.Diffs) != 1 || vpc2.Diffs[0].Path != "/spec/subnets/default/vlan" {
		t.Errorf("vpc-2 = %+v", vpc2)
	}
	if want := (drift.Summary{Total: 16, InSync: 13, Drifted: 1, MissingFromCluster: 1, NotInGit: 1}); rep.Fabrics[0].Summary != want {
		t.Errorf("server-side summary = %+v, want %+v", rep.Fabrics[0].Summary, want)
	}
	// A dry run changes nothing.
	if r := h.run("get", "vpc/vpc-2", "--source", "cluster", "-o", "json"); !strings.Contains(r.stdout, "1099") {
		t.Errorf("dry run changed the cluster: %s", r.stdout)
	}
}

// A field that `kubectl apply` (client-side) once set and Git no longer
// sets is drift; a field only the server set is not.
func TestDriftFieldRemovedAfterKubectlApply(t *testing.T) {
	ns := "applied"
	cs, err := kubernetes.NewForConfig(lab.RestConfig)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	applied := "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-a, namespace: applied}\nspec:\n  ipv4Namespace: default\n  defaultIsolated: true\n  subnets:\n    default: {subnet: 10.1.1.0/24, vlan: 1101}\n"
	f := filepath.Join(t.TempDir(), "vpc.yaml")
	if err := os.WriteFile(f, []byte(applied), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("kubectl", "--kubeconfig", lab.KubeconfigPath, "apply", "-f", f).CombinedOutput(); err != nil {
		t.Fatalf("kubectl apply: %v\n%s", err, out)
	}
	// Git no longer sets defaultIsolated.
	gitDoc := strings.Replace(applied, "  defaultIsolated: true\n", "", 1)
	wt := testbed.NewWorkTree(t, map[string]string{"f/vpc.yaml": gitDoc})
	h := newHarness(t)
	r := h.run("drift", "--repo", wt, "--dir", "f", "--kubeconfig", lab.KubeconfigPath, "-n", ns, "-o", "json")
	if r.code != 1 {
		t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	vpc := findResource(driftReport(t, r), "adhoc", "VPC", "vpc-a")
	if vpc == nil || vpc.Status != drift.StatusDrifted || len(vpc.Diffs) != 1 || vpc.Diffs[0].Path != "/spec/defaultIsolated" || vpc.Diffs[0].Type != drift.DiffOnlyInCluster {
		t.Errorf("vpc-a = %+v", vpc)
	}
}

func TestDriftOutputFormats(t *testing.T) {
	h, _ := labProd(t)
	r := h.run("drift", "vpc", "--fabric", "lab", "-o", "diff")
	if r.code != 1 {
		t.Fatalf("diff: exit %d %s", r.code, r.stderr)
	}
	for _, want := range []string{"--- git/VPC/default/vpc-2", "+++ cluster/VPC/default/vpc-2", "-      vlan: 1002", "+      vlan: 1099"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("diff lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "vpc-1") {
		t.Errorf("an object in sync has no diff:\n%s", r.stdout)
	}
	r = h.run("drift", "--fabric", "lab", "-o", "junit")
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal([]byte(r.stdout), &suites); err != nil || suites.Tests != 16 || suites.Failures != 3 {
		t.Errorf("junit: %v %+v\n%s", err, suites, r.stdout)
	}
	r = h.run("drift", "--fabric", "lab", "-o", "markdown", "--exit-code=false")
	if r.code != 0 || !strings.Contains(r.stdout, "vpc-2") || !strings.Contains(r.stdout, "/spec/subnets/default/vlan") {
		t.Errorf("markdown: exit %d\n%s", r.code, r.stdout)
	}
	r = h.run("drift", "--fabric", "lab")
	if r.code != 1 || !strings.Contains(r.stdout, "fabric lab (revision ") || !strings.Contains(r.stdout, "16 resources") {
		t.Errorf("table: exit %d\n%s", r.code, r.stdout)
	}
	golden(t, "drift-lab-table", revisionless(r.stdout))
}

// revisionless blanks the Git revision, which differs per run.
func revisionless(s string) string {
	i := strings.Index(s, "(revision ")
	if i < 0 {
		return s
	}
	j := strings.Index(s[i:], ")")
	return s[:i] + "(revision REV" + s[i+j:]
}

// background runs a command in-process until stop is called, with its
// stdout in a syncBuffer; stop cancels it (Ctrl-C) and returns its exit code
// and stderr.
func background(t *testing.T, h *harness, args ...string) (out *syncBuffer, stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	out = &syncBuffer{writes: make(chan struct{}, 1)}
	var errOut bytes.Buffer
	f := cmdutil.NewFactory(genericiooptions.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: &errOut})
	f.Getenv = func(k string) string { return h.env[k] }
	done := make(chan int)
	go func() { done <- Run(ctx, f, args) }()
	return out, func() (int, string) {
		cancel()
		return <-done, errOut.String()
	}
}

// syncBuffer is an io.Writer that signals every write.
type syncBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes chan struct{}
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	n, err := b.buf.Write(p)
	b.mu.Unlock()
	select {
	case b.writes <- struct{}{}:
	default:
	}
	return n, err
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor blocks until the buffer holds want, or the test's deadline.
func (b *syncBuffer) waitFor(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	for !strings.Contains(b.String(), want) {
		select {
		case <-b.writes:
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %q in:\n%s", want, b.String())
		}
	}
}

func TestDriftWatchSeesChange(t *testing.T) {
	cs, err := kubernetes.NewForConfig(lab.RestConfig)
	if err != nil {
		t.Fatal(err)
	}
	ns := "watched"
	if _, err := cs.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	doc := "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-w, namespace: watched}\nspec:\n  subnets:\n    default: {subnet: 10.2.1.0/24, vlan: 1201}\n"
	lab.Apply(t, doc)
	wt := testbed.NewWorkTree(t, map[string]string{"f/vpc.yaml": doc})
	h := newHarness(t)

	out, stop := background(t, h, "drift", "--watch", "-o", "json", "--repo", wt, "--dir", "f", "--kubeconfig", lab.KubeconfigPath, "-n", ns)
	ctx := t.Context()
	// The watch prints nothing while all is in sync; change the VLAN and
	// wait for the line. Until the informers have synced, the patch may be
	// part of the initial state: then the first line reports it all the same.
	gvr := schema.GroupVersionResource{Group: "vpc.githedgehog.com", Version: "v1beta1", Resource: "vpcs"}
	patch := []byte(`{"spec":{"subnets":{"default":{"vlan":1299}}}}`)
	if _, err := lab.Dynamic().Resource(gvr).Namespace(ns).Patch(ctx, "vpc-w", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	waitCtx, waitCancel := context.WithTimeout(ctx, 60e9)
	defer waitCancel()
	out.waitFor(t, waitCtx, `"status":"drifted"`)
	var c struct {
		Fabric, Kind, Name, Status string
		Diffs                      []drift.FieldDiff
	}
	line := strings.SplitN(strings.TrimSpace(out.String()), "\n", 2)[0]
	if err := json.Unmarshal([]byte(line), &c); err != nil {
		t.Fatalf("%v: %q", err, line)
	}
	if c.Kind != "VPC" || c.Name != "vpc-w" || len(c.Diffs) != 1 || c.Diffs[0].Path != "/spec/subnets/default/vlan" {
		t.Errorf("change = %+v", c)
	}
	// Back in sync: another line.
	patch = []byte(`{"spec":{"subnets":{"default":{"vlan":1201}}}}`)
	if _, err := lab.Dynamic().Resource(gvr).Namespace(ns).Patch(ctx, "vpc-w", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, waitCtx, `"status":"inSync","previous":"drifted"`)
	if code, stderr := stop(); code != 0 {
		t.Errorf("Ctrl-C should end the watch cleanly, exit %d: %s", code, stderr)
	}
}
