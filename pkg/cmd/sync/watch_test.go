package sync

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil/watch"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func vpc(name string, vlan int64) *resource.Object {
	u := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPC",
		"metadata": map[string]interface{}{"name": name, "namespace": "default"},
		"spec":     map[string]interface{}{"subnets": map[string]interface{}{"default": map[string]interface{}{"vlan": vlan}}},
	}}
	return &resource.Object{Key: resource.KeyOf(u), Obj: u}
}

func set(objs ...*resource.Object) resource.Set {
	s := resource.Set{}
	for _, o := range objs {
		s[o.Key] = o
	}
	return s
}

// newTestBoard is a board of the named fabrics (VPCs, Git polled every
// 30s) at the time at, with a function returning its last frame.
func newTestBoard(at time.Time, fabrics ...string) (*board, func() string) {
	b, frames := newTestBoardFrames(at, fabrics...)
	return b, func() string {
		f := frames()
		return f[len(f)-1]
	}
}

// newTestBoardFrames is newTestBoard, with a function returning all its
// output split at each redraw (what came before the first one first).
func newTestBoardFrames(at time.Time, fabrics ...string) (*board, func() []string) {
	var out bytes.Buffer
	f := cmdutil.NewFactory(genericiooptions.IOStreams{Out: &out, ErrOut: &bytes.Buffer{}})
	f.Now = func() time.Time { return at }
	vpcKind, _ := kinds.Lookup("vpc")
	o := &Options{IOStreams: f.IOStreams, f: f, kinds: []*kinds.Kind{vpcKind}, GitPoll: 30 * time.Second}
	b := &board{o: o, sums: map[string]FabricSummary{}}
	for _, name := range fabrics {
		b.fabrics = append(b.fabrics, fabric.Fabric{Name: name})
	}
	return b, func() []string { return strings.Split(out.String(), "\033[H\033[2J") }
}

// The terminal board redraws every fabric's summary after each update.
func TestBoardRedraws(t *testing.T) {
	b, allFrames := newTestBoardFrames(time.Date(2026, 11, 26, 7, 0, 0, 0, time.UTC), "lab", "prod")

	b.update("prod", set(vpc("p", 1)), set(vpc("p", 1)))
	b.update("lab", set(vpc("a", 1), vpc("b", 2)), set(vpc("a", 1), vpc("b", 3), vpc("c", 4)))
	frames := allFrames()
	if len(frames) != 3 {
		t.Fatalf("want 2 redraws, got %d frames", len(frames)-1)
	}
	last := frames[2]
	var rows []string
	for _, l := range strings.Split(last, "\n") {
		rows = append(rows, strings.Join(strings.Fields(l), " "))
	}
	got := strings.Join(rows, "\n")
	for _, want := range []string{
		"fabric lab: Git revision -, read 2026-11-26T07:00:00Z",
		"VPC 2 3 1 1 0 1", // lab: a in sync, b drifted, c not in Git
		"fabric prod: Git revision -, read 2026-11-26T07:00:00Z",
		"VPC 1 1 1 0 0 0",
		"watching 2 fabric(s); Git is fetched every 30s; Ctrl-C to stop",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("last frame lacks %q:\n%s", want, last)
		}
	}
	// Fabrics keep their configured order whichever updates first.
	if strings.Index(last, "fabric lab") > strings.Index(last, "fabric prod") {
		t.Errorf("fabric order:\n%s", last)
	}
}

// A lost cluster or Git remote shows as a status line under the summary
// until it is back.
func TestBoardShowsLostSources(t *testing.T) {
	at := time.Date(2026, 11, 26, 7, 0, 0, 0, time.UTC)
	b, lastFrame := newTestBoard(at, "lab", "prod")

	b.update("lab", set(vpc("a", 1)), set(vpc("a", 1)))
	b.reach(watch.Reachability{Time: at, Type: watch.TypeClusterUnreachable, Fabric: "lab", Error: "connection refused"})
	b.reach(watch.Reachability{Time: at.Add(time.Minute), Type: watch.TypeGitUnreachable, Fabric: "prod", Error: "fetch failed"})
	frame := lastFrame()
	for _, want := range []string{
		"fabric lab: cluster unreachable since 2026-11-26T07:00:00Z, retrying: connection refused\n",
		"fabric prod: Git unreachable since 2026-11-26T07:01:00Z, retrying: fetch failed\n",
		"fabric lab: Git revision -", // the last summary stays
	} {
		if !strings.Contains(frame, want) {
			t.Errorf("frame lacks %q:\n%s", want, frame)
		}
	}
	b.reach(watch.Reachability{Time: at.Add(2 * time.Minute), Type: watch.TypeClusterReachable, Fabric: "lab"})
	frame = lastFrame()
	if strings.Contains(frame, "fabric lab: cluster unreachable") || !strings.Contains(frame, "fabric prod: Git unreachable") {
		t.Errorf("after the cluster is back:\n%s", frame)
	}
}

// The board shows each fabric's deployer as the watch last saw it, before
// and after the fabric's next update.
func TestBoardShowsTheDeployer(t *testing.T) {
	at := time.Date(2026, 11, 26, 7, 0, 0, 0, time.UTC)
	b, lastFrame := newTestBoard(at, "lab")
	head, deployed := "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

	b.update("lab", set(vpc("a", 1)), set(vpc("a", 1)))
	b.deployer(watch.DeployerChange{Time: at, Type: watch.TypeDeployerChanged, Fabric: "lab", GitRevision: head,
		Deployer: &drift.Pipeline{Tool: "flux", Name: "flux-system/lab", Revision: deployed, Ready: "True", Behind: 1}})
	want := "fabric lab: Git 1111111, Flux flux-system/lab applied 2222222 (1 commit behind), Ready=True\n"
	if frame := lastFrame(); !strings.Contains(frame, want) || !strings.Contains(frame, "fabric lab: Git revision 1111111") {
		t.Errorf("after the deployer's state, the frame lacks %q or the revision:\n%s", want, frame)
	}
	b.update("lab", set(vpc("a", 2)), set(vpc("a", 1)))
	if frame := lastFrame(); !strings.Contains(frame, want) {
		t.Errorf("after the next update, the frame lacks %q:\n%s", want, frame)
	}
	b.deployer(watch.DeployerChange{Time: at, Type: watch.TypeDeployerChanged, Fabric: "lab", GitRevision: head,
		Deployer: &drift.Pipeline{Tool: "flux", Name: "flux-system/lab", Revision: head, Ready: "True"}})
	if frame, want := lastFrame(), "Flux flux-system/lab applied 1111111 (up to date), Ready=True\n"; !strings.Contains(frame, want) {
		t.Errorf("after the deploy, the frame lacks %q:\n%s", want, frame)
	}
}
