package root

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/deployer"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// The whole GitOps loop with the real Flux (source-controller and
// kustomize-controller v1.7.3 as processes beside a control plane of its
// own): kubectl-hnp pushes, Flux applies, kubectl-hnp follows. One control
// plane and one Flux serve the subtests, which run in order.

func fluxVPC(name string, vlan int) string {
	return fmt.Sprintf(`apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: %s
spec:
  subnets:
    default:
      subnet: 10.0.%d.0/24
      vlan: %d
`, name, vlan%250, vlan)
}

// fluxLoop is the shared fixture: the control plane, Flux, the Git remote
// and a harness whose config names the fabric "lab" (no gitops: the
// deployer is discovered).
type fluxLoop struct {
	cp   *testbed.ControlPlane
	fx   *testbed.Flux
	bare string
	url  string
	h    *harness
}

func startFluxLoop(t *testing.T) *fluxLoop {
	cp, err := testbed.Start(testbed.Options{Context: "gitops"})
	if err != nil {
		t.Fatalf("testbed: %v", err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	l := &fluxLoop{cp: cp, fx: testbed.StartFluxT(t, cp)}
	l.bare = testbed.NewBareRemote(t, map[string]string{
		"fabrics/lab/vpc-1.yaml": fluxVPC("vpc-1", 1001),
		"fabrics/lab/vpc-2.yaml": fluxVPC("vpc-2", 1002),
		"fabrics/lab/vpc-3.yaml": fluxVPC("vpc-3", 1003),
	})
	l.url = testbed.ServeHTTP(t, l.bare, "", "")
	ctx := t.Context()
	if err := l.fx.GitRepository(ctx, "fabrics", l.url, "main", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := l.fx.Kustomization(ctx, "lab", "fabrics", "fabrics/lab", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	l.h = newHarness(t)
	l.h.env["GIT_AUTHOR_NAME"], l.h.env["GIT_AUTHOR_EMAIL"] = "Op", "op@example.com"
	l.h.env["GIT_COMMITTER_NAME"], l.h.env["GIT_COMMITTER_EMAIL"] = "Op", "op@example.com"
	l.h.writeConfig("fabrics:\n" + fabricYAML("lab", l.url, "fabrics/lab", cp))
	l.waitApplied(t, testbed.Git(t, l.bare, "rev-parse", "main"))
	return l
}

// kustomization reads the Kustomization flux-system/lab.
func (l *fluxLoop) kustomization(t *testing.T) *deployer.Status {
	t.Helper()
	s, err := deployer.Read(t.Context(), l.cp.Dynamic(), deployer.Ref{Tool: deployer.ToolFlux, Namespace: testbed.FluxNamespace, Name: "lab"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitFor polls cond until it holds, for at most two minutes.
func waitFor(t *testing.T, what string, cond func(ctx context.Context) (bool, error)) {
	t.Helper()
	if err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, 2*time.Minute, true, cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

func (l *fluxLoop) waitApplied(t *testing.T, sha string) {
	t.Helper()
	waitFor(t, "Flux to apply "+sha, func(ctx context.Context) (bool, error) {
		s := l.kustomization(t)
		return s.Revision == sha && s.Ready == deployer.ReadyTrue, nil
	})
}

func (l *fluxLoop) vlan(t *testing.T, name string) int64 {
	t.Helper()
	u, err := l.cp.Dynamic().Resource(vpcGVR).Namespace("default").Get(t.Context(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, _, _ := unstructured.NestedInt64(u.Object, "spec", "subnets", "default", "vlan")
	return v
}

// reconcile asks Flux to reconcile now, as `flux reconcile ks lab --with-source`.
func (l *fluxLoop) reconcile(t *testing.T) {
	t.Helper()
	if err := deployer.Reconcile(t.Context(), l.cp.Dynamic(), deployer.Ref{Tool: deployer.ToolFlux, Namespace: testbed.FluxNamespace, Name: "lab"}, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// reconciled asks Flux to reconcile now and waits until it has handled the
// request (status.lastHandledReconcileAt) and is Ready at the head of main:
// whatever Flux does to the cluster for that revision is done.
func (l *fluxLoop) reconciled(t *testing.T) {
	t.Helper()
	now := time.Now()
	if err := deployer.Reconcile(t.Context(), l.cp.Dynamic(), deployer.Ref{Tool: deployer.ToolFlux, Namespace: testbed.FluxNamespace, Name: "lab"}, now); err != nil {
		t.Fatal(err)
	}
	stamp, head := now.Format(time.RFC3339Nano), testbed.Git(t, l.bare, "rev-parse", "main")
	waitFor(t, "Flux to handle the reconcile request "+stamp, func(ctx context.Context) (bool, error) {
		ks, err := l.cp.Dynamic().Resource(deployer.KustomizationGVR).Namespace(testbed.FluxNamespace).Get(ctx, "lab", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		handled, _, _ := unstructured.NestedString(ks.Object, "status", "lastHandledReconcileAt")
		s := deployer.StatusOf(deployer.ToolFlux, ks)
		return handled == stamp && s.Revision == head && s.Ready == deployer.ReadyTrue, nil
	})
}

func (l *fluxLoop) suspend(t *testing.T, on bool) {
	t.Helper()
	patch := fmt.Sprintf(`{"spec":{"suspend":%v}}`, on)
	if _, err := l.cp.Dynamic().Resource(deployer.KustomizationGVR).Namespace(testbed.FluxNamespace).
		Patch(t.Context(), "lab", types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
}

// runCounting runs kubectl-hnp and counts its requests to Flux's API groups.
func (l *fluxLoop) runCounting(t *testing.T, args ...string) (result, int64) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := cmdutil.NewFactory(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	f.Getenv = func(k string) string { return l.h.env[k] }
	var n atomic.Int64
	f.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if strings.Contains(r.URL.Path, ".toolkit.fluxcd.io/") {
				n.Add(1)
			}
			return rt.RoundTrip(r)
		})
	}
	code := Run(context.Background(), f, args)
	return result{out.String(), errOut.String(), code}, n.Load()
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type driftJSON struct {
	Summary struct {
		PendingDeploy int `json:"pendingDeploy"`
	} `json:"summary"`
	Fabrics []struct {
		GitRevision string `json:"gitRevision"`
		Deployer    *struct {
			Tool, Name, Revision, Ready, Message, LastAttempt string
			Suspended                                         bool
			Behind                                            int
		} `json:"deployer"`
		Resources []struct {
			Name, Status, Reason string
			PendingDeploy        bool
		} `json:"resources"`
	} `json:"fabrics"`
}

func parseDrift(t *testing.T, r result) driftJSON {
	t.Helper()
	var d driftJSON
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil || len(d.Fabrics) != 1 {
		t.Fatalf("drift -o json: %v\n%s\n%s", err, r.stdout, r.stderr)
	}
	return d
}

func TestFluxLoop(t *testing.T) {
	l := startFluxLoop(t)
	short := func(sha string) string { return sha[:7] }

	t.Run("drift shows the deployer, one discovery per read", func(t *testing.T) {
		head := testbed.Git(t, l.bare, "rev-parse", "main")
		r, n := l.runCounting(t, "drift", "--fabric", "lab")
		if r.code != 0 {
			t.Fatalf("drift: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		// Flux reconciles every 10 s, Ready=Unknown while it does: either
		// is a healthy Flux at this revision; True is waited for below.
		want := "fabric lab: Git " + short(head) + ", Flux flux-system/lab applied " + short(head) + " (up to date), Ready="
		healthy := func(out string) bool {
			return strings.Contains(out, want+"True") || strings.Contains(out, want+"Unknown: Reconciliation in progress")
		}
		if !healthy(r.stdout) {
			t.Errorf("drift header: want %q with Ready True (or reconciling) in\n%s", want, r.stdout)
		}
		// Discovered, the first time: one LIST of Kustomizations, one of
		// GitRepositories.
		if n != 2 {
			t.Errorf("drift made %d requests to Flux's API, want 2 (discovery)", n)
		}
		// Remembered in the discovery cache: one GET of the Kustomization.
		r, n = l.runCounting(t, "drift", "--fabric", "lab", "-o", "json")
		if n != 1 {
			t.Errorf("drift made %d requests to Flux's API, want 1 (the remembered Kustomization)", n)
		}
		d := parseDrift(t, r)
		dep := d.Fabrics[0].Deployer
		if dep == nil || dep.Tool != "flux" || dep.Name != "flux-system/lab" || dep.Revision != head || (dep.Ready != "True" && dep.Ready != "Unknown") {
			t.Errorf("deployer %+v, want flux flux-system/lab at %s, Ready (or reconciling)", dep, head)
		}
		// Configured: one GET.
		l.h.writeConfig("fabrics:\n" + fabricYAML("lab", l.url, "fabrics/lab", l.cp) + "  gitops: {flux: {kustomization: flux-system/lab}}\n")
		defer l.h.writeConfig("fabrics:\n" + fabricYAML("lab", l.url, "fabrics/lab", l.cp))
		r, n = l.runCounting(t, "drift", "--fabric", "lab")
		if r.code != 0 || n != 1 || !healthy(r.stdout) {
			t.Errorf("configured deployer: exit %d, %d requests (want 1)\n%s%s", r.code, n, r.stdout, r.stderr)
		}
		waitFor(t, "drift to show Flux ready", func(ctx context.Context) (bool, error) {
			r := l.h.run("drift", "--fabric", "lab")
			if r.code != 0 || !healthy(r.stdout) {
				return false, fmt.Errorf("drift: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			return strings.Contains(r.stdout, want+"True"), nil
		})
	})

	t.Run("edit --wait follows Flux until it applied the commit", func(t *testing.T) {
		r := l.h.run("edit", "vpc", "vpc-1", "--fabric", "lab", "--set", "spec.subnets.default.vlan=1201", "--wait", "--reconcile", "--timeout", "2m")
		if r.code != 0 {
			t.Fatalf("edit --wait: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		head := testbed.Git(t, l.bare, "rev-parse", "main")
		if want := "Flux flux-system/lab applied " + short(head) + " after"; !strings.Contains(r.stderr, want) {
			t.Errorf("want %q in\n%s", want, r.stderr)
		}
		if !strings.Contains(r.stderr, "converged") {
			t.Errorf("no convergence reported:\n%s", r.stderr)
		}
		// Flux applied it (not kubectl-hnp): the cluster has the new VLAN,
		// and the deployer says so.
		if v := l.vlan(t, "vpc-1"); v != 1201 {
			t.Errorf("vpc-1 vlan %d in the cluster, want 1201", v)
		}
		if s := l.kustomization(t); s.Revision != head {
			t.Errorf("Flux applied %s, want %s", s.Revision, head)
		}
		if r := l.h.run("drift", "--fabric", "lab"); r.code != 0 {
			t.Errorf("drift after the wait: exit %d\n%s", r.code, r.stdout)
		}
	})

	t.Run("a commit the API server rejects: Flux's message ends the wait and heads drift", func(t *testing.T) {
		r := l.h.run("edit", "vpc", "vpc-2", "--fabric", "lab", "--set-string", "spec.subnets.default.vlan=twelve",
			"--validate", "none", "--wait", "--reconcile", "--timeout", "2m")
		bad := testbed.Git(t, l.bare, "rev-parse", "main")
		if r.code != 1 {
			t.Fatalf("edit --wait on a rejected commit: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
		}
		if want := "Flux flux-system/lab failed to apply " + short(bad) + ":"; !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "vlan") {
			t.Errorf("want %q and the API server's complaint about vlan in\n%s", want, r.stderr)
		}
		r = l.h.run("drift", "--fabric", "lab")
		if !strings.Contains(r.stdout, "(1 commit behind), Ready=False:") || !strings.Contains(r.stdout, "vlan") {
			t.Errorf("drift header without Flux's failure:\n%s", r.stdout)
		}
		// Repair it, and Flux is Ready again.
		r = l.h.run("edit", "vpc", "vpc-2", "--fabric", "lab", "--set", "spec.subnets.default.vlan=1202", "--wait", "--reconcile", "--timeout", "2m")
		if r.code != 0 {
			t.Fatalf("repairing edit: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("a hand change: drift shows it, Flux reverts it", func(t *testing.T) {
		patch := `{"spec":{"subnets":{"default":{"vlan":1999}}}}`
		if _, err := l.cp.Dynamic().Resource(vpcGVR).Namespace("default").Patch(t.Context(), "vpc-3", types.MergePatchType, []byte(patch),
			metav1.PatchOptions{FieldManager: "kubectl-edit"}); err != nil {
			t.Fatal(err)
		}
		r := l.h.run("drift", "--fabric", "lab", "-o", "json")
		d := parseDrift(t, r)
		if r.code != 1 {
			t.Errorf("drift on a hand change: exit %d, want 1", r.code)
		}
		for _, res := range d.Fabrics[0].Resources {
			if res.Name == "vpc-3" && (res.Status != "drifted" || res.PendingDeploy) {
				t.Errorf("vpc-3: %+v, want drifted and not pendingDeploy (Flux is up to date)", res)
			}
		}
		l.reconcile(t)
		waitFor(t, "Flux to revert vpc-3", func(ctx context.Context) (bool, error) { return l.vlan(t, "vpc-3") == 1003, nil })
		if r := l.h.run("drift", "--fabric", "lab"); r.code != 0 {
			t.Errorf("drift after Flux reverted: exit %d\n%s", r.code, r.stdout)
		}
	})

	t.Run("pendingDeploy while Flux is suspended", func(t *testing.T) {
		l.suspend(t, true)
		defer l.suspend(t, false)
		deployed := l.kustomization(t).Revision
		r := l.h.run("edit", "vpc", "vpc-2", "--fabric", "lab", "--set", "spec.subnets.default.vlan=1302")
		if r.code != 0 {
			t.Fatalf("edit: exit %d\n%s", r.code, r.stderr)
		}
		head := testbed.Git(t, l.bare, "rev-parse", "main")
		r = l.h.run("drift", "--fabric", "lab")
		if r.code != 0 {
			t.Errorf("drift with only a pending deploy: exit %d, want 0 (--fail-on drifted)\n%s", r.code, r.stdout)
		}
		want := "Flux flux-system/lab applied " + short(deployed) + " (1 commit behind), suspended"
		if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "drifted (pendingDeploy)") {
			t.Errorf("want %q and a pendingDeploy row in\n%s", want, r.stdout)
		}
		if r := l.h.run("drift", "--fabric", "lab", "--fail-on", "drifted,pending"); r.code != 1 {
			t.Errorf("--fail-on pending: exit %d, want 1", r.code)
		}
		d := parseDrift(t, l.h.run("drift", "--fabric", "lab", "-o", "json"))
		if d.Summary.PendingDeploy != 1 || d.Fabrics[0].Deployer == nil || !d.Fabrics[0].Deployer.Suspended || d.Fabrics[0].Deployer.Behind != 1 {
			t.Errorf("summary %+v, deployer %+v", d.Summary, d.Fabrics[0].Deployer)
		}
		for _, res := range d.Fabrics[0].Resources {
			if res.Name == "vpc-2" && (!res.PendingDeploy || !strings.Contains(res.Reason, short(head))) {
				t.Errorf("vpc-2: %+v, want pendingDeploy naming %s", res, short(head))
			}
		}
		// A snapshot keeps the deployer: drift on it, with no cluster access,
		// shows the same pipeline and marks the same pendingDeploy.
		snap := filepath.Join(t.TempDir(), "snap.json")
		if r := l.h.run("sync", "--fabric", "lab", "--save-snapshot", snap); r.code != 0 {
			t.Fatalf("sync --save-snapshot: exit %d\n%s", r.code, r.stderr)
		}
		ds := parseDrift(t, l.h.run("drift", "--fabric", "lab", "-o", "json", "--snapshot", snap))
		if ds.Summary != d.Summary || ds.Fabrics[0].Deployer == nil || *ds.Fabrics[0].Deployer != *d.Fabrics[0].Deployer {
			t.Errorf("drift --snapshot: summary %+v, deployer %+v; want as live: %+v, %+v", ds.Summary, ds.Fabrics[0].Deployer, d.Summary, d.Fabrics[0].Deployer)
		}
		for _, res := range ds.Fabrics[0].Resources {
			if res.Name == "vpc-2" && (!res.PendingDeploy || !strings.Contains(res.Reason, short(head))) {
				t.Errorf("drift --snapshot: vpc-2: %+v, want pendingDeploy naming %s", res, short(head))
			}
		}
		// A snapshot whose deployed revision Git no longer has (the branch
		// was force-pushed since): nothing can be shown as not deployed yet,
		// and the pipeline says why, as live drift would.
		raw, err := os.ReadFile(snap)
		if err != nil {
			t.Fatal(err)
		}
		sha := regexp.MustCompile(`[0-9a-f]{40}`).FindString(deployed)
		if sha == "" || !bytes.Contains(raw, []byte(sha)) {
			t.Fatalf("snapshot holds no deployed revision %q", deployed)
		}
		rewritten := filepath.Join(t.TempDir(), "rewritten.json")
		if err := os.WriteFile(rewritten, bytes.ReplaceAll(raw, []byte(sha), []byte(strings.Repeat("e", 40))), 0o600); err != nil {
			t.Fatal(err)
		}
		r = l.h.run("drift", "--fabric", "lab", "--snapshot", rewritten)
		if r.code != 1 || !strings.Contains(r.stdout, "applied eeeeeee (not on Git's branch)") || strings.Contains(r.stdout, "pendingDeploy") {
			t.Errorf("drift --snapshot, deployed revision not on the branch: exit %d, want 1, the pipeline saying so and no pendingDeploy:\n%s%s", r.code, r.stdout, r.stderr)
		}
		// The CI formats carry the pipeline too.
		junit := filepath.Join(t.TempDir(), "drift.xml")
		r = l.h.run("drift", "--fabric", "lab", "-o", "github", "--output-file", "junit="+junit)
		xml, _ := os.ReadFile(junit)
		for _, c := range []struct{ out, want string }{
			{r.stdout, "::warning title=fabric lab%3A Flux flux-system/lab applied " + short(deployed) + " (1 commit behind)%2C suspended%2C Ready=True::"},
			{r.stdout, "(pendingDeploy)::fabric lab: VPC default/vpc-2 drifted"},
			{string(xml), `<property name="deployer.revision" value="` + deployed + `">`},
			{string(xml), `<skipped message="pendingDeploy: drifted, not deployed yet: changed in Git in ` + short(head)},
		} {
			if r.code != 0 || !strings.Contains(c.out, c.want) {
				t.Errorf("drift -o github, junit: exit %d, want %q in\n%s", r.code, c.want, c.out)
			}
		}
		// A hand change beside it is real drift, pending or not.
		patch := `{"spec":{"subnets":{"default":{"vlan":1998}}}}`
		if _, err := l.cp.Dynamic().Resource(vpcGVR).Namespace("default").Patch(t.Context(), "vpc-1", types.MergePatchType, []byte(patch),
			metav1.PatchOptions{FieldManager: "kubectl-edit"}); err != nil {
			t.Fatal(err)
		}
		if r := l.h.run("drift", "--fabric", "lab"); r.code != 1 {
			t.Errorf("drift with a hand change and a pending deploy: exit %d, want 1\n%s", r.code, r.stdout)
		}

		// Prune evidence from the real inventory: vpc-3 leaves Git while
		// Flux is suspended, and Flux's inventory still lists it.
		if r := l.h.run("delete", "vpc", "vpc-3", "--fabric", "lab", "--yes"); r.code != 0 {
			t.Fatalf("delete: exit %d\n%s", r.code, r.stderr)
		}
		r = l.h.run("sync", "--apply", "--prune", "--fabric", "lab", "--dry-run")
		if !strings.Contains(r.stdout, "flux inventory flux-system/lab") {
			t.Errorf("prune plan without the Flux inventory as evidence:\n%s%s", r.stdout, r.stderr)
		}
	})

	t.Run("resumed, Flux deploys what was pending", func(t *testing.T) {
		head := testbed.Git(t, l.bare, "rev-parse", "main")
		l.reconcile(t)
		l.waitApplied(t, head)
		waitFor(t, "Flux to prune vpc-3", func(ctx context.Context) (bool, error) {
			_, err := l.cp.Dynamic().Resource(vpcGVR).Namespace("default").Get(ctx, "vpc-3", metav1.GetOptions{})
			return err != nil, nil
		})
		// Drift is clean at once; Flux may be reconciling the same revision
		// again (its interval, the source's new artifact), Ready=Unknown
		// meanwhile, so the pipeline's line is waited for.
		waitFor(t, "drift to show Flux up to date and ready", func(ctx context.Context) (bool, error) {
			r := l.h.run("drift", "--fabric", "lab")
			if r.code != 0 || !strings.Contains(r.stdout, "(up to date), Ready=") {
				return false, fmt.Errorf("drift once Flux caught up: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			return strings.Contains(r.stdout, "(up to date), Ready=True"), nil
		})
	})

	t.Run("create and delete --wait follow Flux too", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "vpc-4.yaml")
		if err := os.WriteFile(file, []byte(fluxVPC("vpc-4", 1004)), 0o600); err != nil {
			t.Fatal(err)
		}
		r := l.h.run("create", "-f", file, "--fabric", "lab", "--wait", "--reconcile", "--timeout", "2m")
		if r.code != 0 || !strings.Contains(r.stderr, "Flux flux-system/lab applied") {
			t.Fatalf("create --wait: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if v := l.vlan(t, "vpc-4"); v != 1004 {
			t.Errorf("vpc-4 vlan %d", v)
		}
		r = l.h.run("delete", "vpc", "vpc-4", "--fabric", "lab", "--yes", "--wait", "--reconcile", "--timeout", "2m")
		if r.code != 0 || !strings.Contains(r.stderr, "gone") {
			t.Fatalf("delete --wait: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if _, err := l.cp.Dynamic().Resource(vpcGVR).Namespace("default").Get(t.Context(), "vpc-4", metav1.GetOptions{}); err == nil {
			t.Errorf("vpc-4 still in the cluster after delete --wait")
		}
	})

	// watchPipeline runs `<command> --watch` while Flux is suspended, an
	// edit pushed and Flux resumed: the deployer's lines, and the edited
	// object drifted (pendingDeploy) until Flux applies it.
	watchPipeline := func(t *testing.T, command, vlan string) {
		head := testbed.Git(t, l.bare, "rev-parse", "main")
		out, stop := background(t, l.h, command, "--watch", "--fabric", "lab", "--git-poll", "1s")
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		out.waitFor(t, ctx, " lab deployer: Git "+short(head)+", Flux flux-system/lab applied "+short(head)+" (up to date), Ready=True")
		l.suspend(t, true)
		out.waitFor(t, ctx, "(up to date), suspended, Ready=True")
		if r := l.h.run("edit", "vpc", "vpc-2", "--fabric", "lab", "--set", "spec.subnets.default.vlan="+vlan); r.code != 0 {
			t.Fatalf("edit: exit %d\n%s", r.code, r.stderr)
		}
		edited := testbed.Git(t, l.bare, "rev-parse", "main")
		out.waitFor(t, ctx, " lab deployer: Git "+short(edited)+", Flux flux-system/lab applied "+short(head)+" (1 commit behind), suspended")
		out.waitFor(t, ctx, " lab VPC default/vpc-2: inSync → drifted (pendingDeploy) (/spec/subnets/default/vlan)")
		l.suspend(t, false)
		l.reconcile(t)
		// Flux updates vpc-2, then its own status; the two arrive through
		// different watches, in either order. When the status comes first,
		// vpc-2 keeps its mark until its own event follows (a hold): it
		// never shows as drifted in between.
		out.waitFor(t, ctx, " lab VPC default/vpc-2: drifted (pendingDeploy) → inSync")
		out.waitFor(t, ctx, " lab deployer: Git "+short(edited)+", Flux flux-system/lab applied "+short(edited)+" (up to date), Ready=True")
		if s := out.String(); strings.Contains(s, "vpc-2: drifted (pendingDeploy) → drifted") || strings.Contains(s, "vpc-2: drifted → inSync") {
			t.Errorf("%s --watch showed vpc-2 drifted after Flux applied it:\n%s", command, s)
		}
		if code, stderr := stop(); code != 0 {
			t.Errorf("%s --watch: exit %d\n%s", command, code, stderr)
		}
	}
	t.Run("drift --watch shows the pipeline and marks pendingDeploy", func(t *testing.T) { watchPipeline(t, "drift", "1222") })
	t.Run("sync --watch shows the pipeline and marks pendingDeploy", func(t *testing.T) { watchPipeline(t, "sync", "1223") })

	// pushedPast runs `<command> --watch` with a one-hour Git poll while
	// someone pushes past kubectl-hnp and Flux deploys it: the deployer's
	// new revision makes the watch fetch at once, and the object Flux
	// changed is never shown as drift; a hand change after it is.
	pushedPast := func(t *testing.T, command string, vlan, hand int) {
		head := testbed.Git(t, l.bare, "rev-parse", "main")
		out, stop := background(t, l.h, command, "--watch", "--fabric", "lab", "--git-poll", "1h")
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		out.waitFor(t, ctx, " lab deployer: Git "+short(head)+", Flux flux-system/lab applied "+short(head)+" (up to date), Ready=True")
		theirs := testbed.CommitFiles(t, l.bare, map[string]string{"fabrics/lab/vpc-2.yaml": fluxVPC("vpc-2", vlan)}, "pushed elsewhere")
		l.reconcile(t)
		out.waitFor(t, ctx, " lab deployer: Git "+short(theirs)+", Flux flux-system/lab applied "+short(theirs)+" (up to date)")
		if v := l.vlan(t, "vpc-2"); v != int64(vlan) {
			t.Errorf("vpc-2's VLAN in the cluster: %d, want %d", v, vlan)
		}
		// A hand change of vpc-1 after it: its line comes after vpc-2's
		// event was judged (one informer delivers a kind's events in order).
		// Flux is suspended first, so that it cannot revert the change
		// before the watch's Git read has checked it (a change undone that
		// fast is never printed), and has finished any reconciliation it
		// was in: the Kustomization that says suspended also says Ready.
		l.suspend(t, true)
		out.waitFor(t, ctx, " lab deployer: Git "+short(theirs)+", Flux flux-system/lab applied "+short(theirs)+" (up to date), suspended, Ready=True")
		patch := fmt.Sprintf(`{"spec":{"subnets":{"default":{"vlan":%d}}}}`, hand)
		change := func() {
			if _, err := l.cp.Dynamic().Resource(vpcGVR).Namespace("default").Patch(t.Context(), "vpc-1", types.MergePatchType, []byte(patch),
				metav1.PatchOptions{FieldManager: "kubectl-edit"}); err != nil {
				t.Fatal(err)
			}
		}
		change()
		// A reconciliation Flux began just before the suspension (on its
		// interval, say) may still end after it, status "suspended,
		// Ready=Unknown: Reconciliation in progress", and undo the change
		// before the watch has shown it. Suspended, Flux begins no other:
		// make the change again whenever it was undone, until it shows.
		want := " lab VPC default/vpc-1: inSync → drifted (/spec/subnets/default/vlan)"
		undone := time.NewTicker(100 * time.Millisecond)
		defer undone.Stop()
		for !strings.Contains(out.String(), want) {
			select {
			case <-out.writes:
			case <-undone.C:
				if l.vlan(t, "vpc-1") != int64(hand) {
					change()
				}
			case <-ctx.Done():
				t.Fatalf("timed out waiting for %q in:\n%s", want, out.String())
			}
		}
		if code, stderr := stop(); code != 0 {
			t.Errorf("%s --watch: exit %d\n%s", command, code, stderr)
		}
		// Whichever of vpc-2's event and Flux's status came first, what Flux
		// applied was judged against the Git it came from: never drift.
		if s := out.String(); strings.Contains(s, "vpc-2:") {
			t.Errorf("%s --watch showed vpc-2, which Flux deployed from a pushed commit, as drift:\n%s", command, s)
		}
		l.suspend(t, false)
		l.reconcile(t)
		waitFor(t, "Flux to revert vpc-1", func(ctx context.Context) (bool, error) { return l.vlan(t, "vpc-1") != int64(hand), nil })
	}
	t.Run("drift --watch fetches Git at once when Flux applied a commit it has not read", func(t *testing.T) { pushedPast(t, "drift", 1231, 1997) })
	t.Run("sync --watch fetches Git at once when Flux applied a commit it has not read", func(t *testing.T) { pushedPast(t, "sync", 1232, 1996) })

	t.Run("a newer commit someone else pushed, applied first, holds ours", func(t *testing.T) {
		// Flux waits (suspended) while kubectl-hnp pushes; then another
		// client pushes on top, and Flux applies that newer commit, which
		// the wait's shallow cache clone has never seen.
		l.suspend(t, true)
		before := testbed.Git(t, l.bare, "rev-parse", "main")
		done := make(chan result, 1)
		go func() {
			done <- l.h.run("edit", "vpc", "vpc-1", "--fabric", "lab", "--set", "spec.subnets.default.vlan=1211", "--wait", "--timeout", "2m")
		}()
		waitFor(t, "the edit's push", func(ctx context.Context) (bool, error) {
			return testbed.Git(t, l.bare, "rev-parse", "main") != before, nil
		})
		theirs := testbed.CommitFiles(t, l.bare, map[string]string{"fabrics/lab/vpc-2.yaml": fluxVPC("vpc-2", 1212)}, "someone else's change")
		l.suspend(t, false)
		l.reconcile(t)
		r := <-done
		if r.code != 0 {
			t.Fatalf("edit --wait: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if want := "Flux flux-system/lab applied " + short(theirs) + " after"; !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "converged") {
			t.Errorf("want %q and the convergence in\n%s", want, r.stderr)
		}
		if v, w := l.vlan(t, "vpc-1"), l.vlan(t, "vpc-2"); v != 1211 || w != 1212 {
			t.Errorf("vlans %d, %d in the cluster, want 1211, 1212", v, w)
		}
	})

	t.Run("create --wait on a kustomize fabric waits for the rendered object", func(t *testing.T) {
		testbed.CommitFiles(t, l.bare, map[string]string{
			"fabrics/kz/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: kz-\nresources:\n- vpcs/seed.yaml\n",
			"fabrics/kz/vpcs/seed.yaml":     fluxVPC("seed", 1500),
		}, "a kustomize fabric")
		if err := l.fx.Kustomization(t.Context(), "kz", "fabrics", "fabrics/kz", 10*time.Second); err != nil {
			t.Fatal(err)
		}
		l.h.writeConfig("fabrics:\n" + fabricYAML("lab", l.url, "fabrics/lab", l.cp) + fabricYAML("kz", l.url, "fabrics/kz", l.cp))
		defer l.h.writeConfig("fabrics:\n" + fabricYAML("lab", l.url, "fabrics/lab", l.cp))
		file := filepath.Join(t.TempDir(), "vpc-5.yaml")
		if err := os.WriteFile(file, []byte(fluxVPC("vpc-5", 1005)), 0o600); err != nil {
			t.Fatal(err)
		}
		r := l.h.run("create", "-f", file, "--fabric", "kz", "--wait", "--reconcile", "--timeout", "2m")
		if r.code != 0 {
			t.Fatalf("create --wait: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		// The object waited for is the one Flux applies: kz-vpc-5.
		if !strings.Contains(r.stderr, "Flux flux-system/kz applied") || !strings.Contains(r.stderr, "kz-vpc-5 converged") {
			t.Errorf("want Flux's kz and kz-vpc-5's convergence in\n%s", r.stderr)
		}
		if v := l.vlan(t, "kz-vpc-5"); v != 1005 {
			t.Errorf("kz-vpc-5 vlan %d, want 1005", v)
		}
	})

	t.Run("what Flux is told to leave, sync leaves: ssa IfNotPresent, prune disabled", func(t *testing.T) {
		// Two VPCs Flux creates and is then told to leave: vpc-5 it only
		// creates when missing, vpc-6 it never deletes.
		withMeta := func(name string, vlan int, annotation string) string {
			return strings.Replace(fluxVPC(name, vlan), "  name: "+name+"\n", "  name: "+name+"\n  annotations: {"+annotation+"}\n", 1)
		}
		for name, doc := range map[string]string{
			"vpc-5": withMeta("vpc-5", 1005, "kustomize.toolkit.fluxcd.io/ssa: IfNotPresent"),
			"vpc-6": withMeta("vpc-6", 1006, "kustomize.toolkit.fluxcd.io/prune: disabled"),
		} {
			file := filepath.Join(t.TempDir(), name+".yaml")
			if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
				t.Fatal(err)
			}
			if r := l.h.run("create", "-f", file, "--fabric", "lab", "--wait", "--reconcile", "--timeout", "2m"); r.code != 0 {
				t.Fatalf("create %s: exit %d\n%s%s", name, r.code, r.stdout, r.stderr)
			}
		}
		// A hand change of vpc-5: Flux leaves it (the real judge first).
		patch := `{"spec":{"subnets":{"default":{"vlan":1995}}}}`
		if _, err := l.cp.Dynamic().Resource(vpcGVR).Namespace("default").Patch(t.Context(), "vpc-5", types.MergePatchType, []byte(patch),
			metav1.PatchOptions{FieldManager: "kubectl-edit"}); err != nil {
			t.Fatal(err)
		}
		l.reconciled(t)
		if v := l.vlan(t, "vpc-5"); v != 1995 {
			t.Fatalf("Flux set vpc-5's VLAN to %d: it does not leave an IfNotPresent object alone", v)
		}
		// drift: the difference is real, and Flux's diff skips it: marked,
		// exit 0 unless --fail-on skipped; --no-deployer-ignores counts it.
		// (vpc-5 alone: fabric kz's objects share the namespace, notInGit
		// for lab.)
		r := l.h.run("drift", "vpc", "vpc-5", "--fabric", "lab", "-o", "json")
		rep := driftReport(t, r)
		var vpc5 drift.ResourceResult
		for _, res := range rep.Fabrics[0].Resources {
			if res.Name == "vpc-5" {
				vpc5 = res
			}
		}
		if r.code != 0 || vpc5.Status != drift.StatusDrifted || rep.Summary.DeployerSkips != 1 ||
			vpc5.DeployerSkips != "kustomize.toolkit.fluxcd.io/ssa: IfNotPresent in Git (Flux only creates it when it is missing)" {
			t.Errorf("drift: exit %d, vpc-5 %+v, summary %+v\n%s", r.code, vpc5, rep.Summary, r.stderr)
		}
		if r := l.h.run("drift", "vpc", "vpc-5", "--fabric", "lab"); r.code != 0 || !strings.Contains(r.stdout, "vpc-5\tdrifted (skipped by Flux)\t") {
			t.Errorf("drift table: exit %d\n%s", r.code, r.stdout)
		}
		if r := l.h.run("drift", "vpc", "vpc-5", "--fabric", "lab", "--fail-on", "skipped"); r.code != 1 {
			t.Errorf("drift --fail-on skipped: exit %d, want 1", r.code)
		}
		r = l.h.run("drift", "vpc", "vpc-5", "--fabric", "lab", "--no-deployer-ignores", "-o", "json")
		if rep := driftReport(t, r); r.code != 1 || rep.Summary.DeployerSkips != 0 {
			t.Errorf("drift --no-deployer-ignores: exit %d, summary %+v", r.code, rep.Summary)
		}
		r = l.h.run("sync", "--apply", "--fabric", "lab", "--dry-run", "-o", "json")
		plan := prunePlan(t, r)
		if r.code != 0 || len(plan.Steps) != 0 || len(plan.NotApplied) != 1 || plan.NotApplied[0].Name != "vpc-5" ||
			plan.NotApplied[0].Changes[0] != "not applied: kustomize.toolkit.fluxcd.io/ssa: IfNotPresent in Git (Flux only creates it when it is missing)" {
			t.Errorf("sync --apply on vpc-5: exit %d, steps %+v, not applied %+v\n%s", r.code, plan.Steps, plan.NotApplied, r.stderr)
		}
		if r := l.h.run("sync", "--apply", "--fabric", "lab", "--yes"); r.code != 0 || l.vlan(t, "vpc-5") != 1995 {
			t.Errorf("sync --apply: exit %d, vpc-5 VLAN %d\n%s%s", r.code, l.vlan(t, "vpc-5"), r.stdout, r.stderr)
		}

		// vpc-6 removed from Git: Flux keeps it, and so does --prune,
		// though Git's history says Git deployed it.
		if r := l.h.run("delete", "vpc", "vpc-6", "--fabric", "lab", "--yes"); r.code != 0 {
			t.Fatalf("delete vpc-6: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		l.reconciled(t)
		if _, err := l.cp.Dynamic().Resource(vpcGVR).Namespace("default").Get(t.Context(), "vpc-6", metav1.GetOptions{}); err != nil {
			t.Fatalf("Flux deleted vpc-6 (prune: disabled): %v", err)
		}
		// The objects of fabric kz (another directory, another
		// Kustomization, the same namespace) are no concern of lab's:
		// Flux's inventory of kz is no evidence that lab's Git deployed
		// them, since lab's deployer is known (discovered).
		r = l.h.run("sync", "--apply", "--prune", "--fabric", "lab", "--dry-run", "-o", "json")
		plan = prunePlan(t, r)
		kept := map[string]string{}
		for _, s := range plan.NotPruned {
			kept[s.Name] = strings.Join(s.Changes, ";")
		}
		const never = "not pruned: never in Git (adopt it, or delete it with kubectl)"
		if r.code != 0 || len(plan.Steps) != 0 || len(kept) != 3 || kept["kz-seed"] != never || kept["kz-vpc-5"] != never ||
			kept["vpc-6"] != "not pruned: kustomize.toolkit.fluxcd.io/prune: disabled (Flux never deletes it)" {
			t.Errorf("sync --prune on vpc-6: exit %d, steps %+v, not pruned %q\n%s", r.code, plan.Steps, kept, r.stderr)
		}
		if r := l.h.run("sync", "--apply", "--prune", "--fabric", "lab", "--yes"); r.code != 0 {
			t.Errorf("sync --prune: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if _, err := l.cp.Dynamic().Resource(vpcGVR).Namespace("default").Get(t.Context(), "vpc-6", metav1.GetOptions{}); err != nil {
			t.Errorf("sync --prune deleted vpc-6: %v", err)
		}

		// Leave the fabric as it was: vpc-5 out of Git and, since Flux does
		// not prune an IfNotPresent object it found present (it is not in
		// its inventory), out of the cluster by hand, as vpc-6.
		if r := l.h.run("delete", "vpc", "vpc-5", "--fabric", "lab", "--yes"); r.code != 0 {
			t.Fatalf("delete vpc-5: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		l.reconciled(t)
		for _, name := range []string{"vpc-5", "vpc-6"} {
			if err := l.cp.Dynamic().Resource(vpcGVR).Namespace("default").Delete(t.Context(), name, metav1.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("Flux fetching another repository: the remembered deployer is dropped, a wait says so", func(t *testing.T) {
		if _, n := l.runCounting(t, "drift", "--fabric", "lab"); n != 1 {
			t.Errorf("drift made %d requests to Flux's API, want 1 (remembered)", n)
		}
		elsewhere := testbed.NewBareRemote(t, map[string]string{
			"fabrics/lab/vpc-1.yaml": fluxVPC("vpc-1", 1211),
			"fabrics/lab/vpc-2.yaml": fluxVPC("vpc-2", 1212),
		})
		patch := fmt.Sprintf(`{"spec":{"url":%q}}`, testbed.ServeHTTP(t, elsewhere, "", ""))
		if _, err := l.cp.Dynamic().Resource(deployer.GitRepositoryGVR).Namespace(testbed.FluxNamespace).
			Patch(t.Context(), "fabrics", types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		l.reconcile(t)
		other := testbed.Git(t, elsewhere, "rev-parse", "main")
		l.waitApplied(t, other)
		// The remembered Kustomization applied a commit the fabric's
		// branch does not hold: rediscovered (1 GET + 2 LISTs), and no
		// Kustomization deploys the fabric's repository any more.
		r, n := l.runCounting(t, "drift", "--fabric", "lab")
		if n != 3 || strings.Contains(r.stdout, "Flux flux-system/lab") {
			t.Errorf("drift: %d requests (want 3), header\n%s%s", n, r.stdout, r.stderr)
		}
		if _, n := l.runCounting(t, "drift", "--fabric", "lab"); n != 2 {
			t.Errorf("drift made %d requests to Flux's API, want 2 (discovery, nothing remembered)", n)
		}
		// Named in the config, a wait says the revision is not Git's.
		l.h.writeConfig("fabrics:\n" + fabricYAML("lab", l.url, "fabrics/lab", l.cp) + "  gitops: {flux: {kustomization: flux-system/lab}}\n")
		r = l.h.run("edit", "vpc", "vpc-1", "--fabric", "lab", "--set", "spec.subnets.default.vlan=1213", "--wait", "--timeout", "5s")
		if r.code != 1 {
			t.Fatalf("edit --wait: exit %d, want 1 (timeout)\n%s%s", r.code, r.stdout, r.stderr)
		}
		for _, want := range []string{
			"Flux flux-system/lab reports " + short(other) + ", which is not on branch main of ",
			"; " + short(other) + " is not on branch main of ",
		} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("want %q in\n%s", want, r.stderr)
			}
		}
	})
}
