package root

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/cmd/sync"
	"github.com/githedgehog/kubectl-hnp/pkg/deployer"
)

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// installCRD installs the CRD of testdata/<file> into the lab control plane
// until the test ends, and waits until gvr is served.
func installCRD(t *testing.T, file string, gvr schema.GroupVersionResource) {
	t.Helper()
	root, err := testbed.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "testdata", filepath.FromSlash(file)))
	if err != nil {
		t.Fatal(err)
	}
	var crd map[string]interface{}
	if err := yaml.Unmarshal(b, &crd); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	crds := lab.Dynamic().Resource(crdGVR)
	u, err := crds.Create(ctx, &unstructured.Unstructured{Object: crd}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	name := u.GetName()
	t.Cleanup(func() {
		if err := crds.Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Error(err)
			return
		}
		// Gone before the next test, which may expect no such deployer.
		err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
			_, err := crds.Get(ctx, name, metav1.GetOptions{})
			return apierrors.IsNotFound(err), nil
		})
		if err != nil {
			t.Errorf("the CRD %s was not removed: %v", name, err)
		}
	})
	err = wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		_, err := lab.Dynamic().Resource(gvr).List(ctx, metav1.ListOptions{})
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("the CRD %s is not served: %v", name, err)
	}
}

// createDeployerObject creates a Kustomization or Application (status
// included) in namespace ns, which it creates if needed.
func createDeployerObject(t *testing.T, gvr schema.GroupVersionResource, obj map[string]interface{}) {
	t.Helper()
	ctx := context.Background()
	cs, err := kubernetes.NewForConfig(lab.RestConfig)
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: obj}
	ns := u.GetNamespace()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	if _, err := lab.Dynamic().Resource(gvr).Namespace(ns).Create(ctx, u, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// createKustomization creates a Kustomization whose status.inventory lists
// the ids.
func createKustomization(t *testing.T, ns, name string, ids ...string) {
	t.Helper()
	var entries []interface{}
	for _, id := range ids {
		entries = append(entries, map[string]interface{}{"id": id, "v": "v1beta1"})
	}
	createDeployerObject(t, deployer.KustomizationGVR, map[string]interface{}{
		"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
		"metadata": map[string]interface{}{"name": name, "namespace": ns},
		"spec":     map[string]interface{}{"path": "./fabrics/t", "prune": true},
		"status":   map[string]interface{}{"inventory": map[string]interface{}{"entries": entries}},
	})
}

// pruneCluster: VPCs not in Git, each with other evidence or none.
const pruneCluster = `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-flux
  namespace: sync-prune
  labels: {kustomize.toolkit.fluxcd.io/name: lab, kustomize.toolkit.fluxcd.io/namespace: flux-system}
spec: {}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-flux-labels-only
  namespace: sync-prune
  labels: {kustomize.toolkit.fluxcd.io/name: lab, kustomize.toolkit.fluxcd.io/namespace: flux-system}
spec: {}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-argo
  namespace: sync-prune
  annotations: {argocd.argoproj.io/tracking-id: "lab:vpc.githedgehog.com/VPC:sync-prune/vpc-argo"}
spec: {}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-argo-copied
  namespace: sync-prune
  annotations: {argocd.argoproj.io/tracking-id: "lab:vpc.githedgehog.com/VPC:sync-prune/vpc-argo"}
spec: {}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: vpc-hand, namespace: sync-prune}
spec: {}
`

const pruneGit = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec: {}\n"

// A Flux Kustomization's inventory and Argo CD's tracking annotation are
// evidence; Flux labels without the inventory, a copied tracking id and no
// trace at all are not. Without Flux's CRD, Flux is simply no evidence.
func TestSyncApplyPruneWithDeployerEvidence(t *testing.T) {
	const ns = "sync-prune"
	h, _ := syncFabric(t, ns, map[string]string{"vpc-1.yaml": pruneGit}, pruneGit[:len(pruneGit)-len("spec: {}\n")]+"  namespace: "+ns+"\nspec: {}\n---\n"+pruneCluster)

	// No Flux installed: vpc-flux has no evidence, and that is no error.
	r := h.run("sync", "--apply", "--prune", "--dry-run", "-o", "json")
	if r.code != 1 {
		t.Fatalf("dry run without Flux: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	plan := prunePlan(t, r)
	if got := pruned(plan); got != "vpc-argo=argocd app lab" {
		t.Errorf("without Flux, pruned %q", got)
	}
	if len(plan.Notes) != 0 || len(plan.NotPruned) != 4 {
		t.Errorf("without Flux: notes %q, not pruned %+v", plan.Notes, plan.NotPruned)
	}

	installCRD(t, "crds-flux/kustomizations.kustomize.toolkit.fluxcd.io.yaml", deployer.KustomizationGVR)
	createKustomization(t, "flux-system", "lab", "sync-prune_vpc-flux_vpc.githedgehog.com_VPC", "sync-prune_vpc-1_vpc.githedgehog.com_VPC")
	r = h.run("sync", "--apply", "--prune", "--dry-run", "-o", "json")
	plan = prunePlan(t, r)
	if got := pruned(plan); r.code != 1 || got != "vpc-argo=argocd app lab,vpc-flux=flux inventory flux-system/lab" {
		t.Errorf("with Flux: exit %d, pruned %q", r.code, got)
	}
	kept := []string{}
	for _, s := range plan.NotPruned {
		kept = append(kept, s.Name+"="+strings.Join(s.Changes, ";"))
	}
	const never = "not pruned: never in Git (adopt it, or delete it with kubectl)"
	if strings.Join(kept, ",") != "vpc-argo-copied="+never+",vpc-flux-labels-only="+never+",vpc-hand="+never {
		t.Errorf("not pruned: %q", kept)
	}

	r = h.run("sync", "--apply", "--prune", "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "fabric t: deleted 2 objects") ||
		!strings.Contains(r.stdout, "prune  VPC sync-prune/vpc-flux  delete (flux inventory flux-system/lab)\n") ||
		!strings.Contains(r.stdout, "prune  VPC sync-prune/vpc-argo  delete (argocd app lab)\n") {
		t.Fatalf("prune: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	for _, name := range []string{"vpc-flux", "vpc-argo"} {
		if _, err := lab.Dynamic().Resource(vpcGVR).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("%s not pruned: %v", name, err)
		}
	}
	for _, name := range []string{"vpc-1", "vpc-flux-labels-only", "vpc-argo-copied", "vpc-hand"} {
		liveVPC(t, ns, name)
	}
}

// Argo CD's instance label counts only when the Application lists the
// object: Helm sets the same label on what it installs.
func TestSyncApplyPruneArgoInstanceLabel(t *testing.T) {
	const ns = "sync-prune-argo"
	vpc := func(name string) string {
		return "---\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
			"\n  labels: {app.kubernetes.io/instance: lab}\nspec: {}\n"
	}
	h, _ := syncFabric(t, ns, map[string]string{"vpc-1.yaml": pruneGit}, vpc("vpc-argo")+vpc("vpc-helm"))
	installCRD(t, "crds-argo/applications.argoproj.io.yaml", deployer.ApplicationGVR)
	createDeployerObject(t, deployer.ApplicationGVR, map[string]interface{}{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
		"metadata": map[string]interface{}{"name": "lab", "namespace": "argocd"},
		"status": map[string]interface{}{"resources": []interface{}{
			map[string]interface{}{"group": "vpc.githedgehog.com", "version": "v1beta1", "kind": "VPC", "namespace": ns, "name": "vpc-argo", "requiresPruning": true},
		}},
	})
	r := h.run("sync", "--apply", "--prune", "--dry-run", "-o", "json")
	plan := prunePlan(t, r)
	if got := pruned(plan); r.code != 1 || got != "vpc-argo=argocd app lab" || len(plan.NotPruned) != 1 || plan.NotPruned[0].Name != "vpc-helm" {
		t.Errorf("exit %d, pruned %q, not pruned %+v\n%s", r.code, got, plan.NotPruned, r.stderr)
	}
	// Named in the config, another Application is no evidence (exit 1: vpc-1
	// is still to be created).
	cfg, err := os.ReadFile(h.config)
	if err != nil {
		t.Fatal(err)
	}
	h.writeConfig(strings.Replace(string(cfg), "  git:", "  gitops: {argocd: {application: argocd/prod}}\n  git:", 1))
	r = h.run("sync", "--apply", "--prune", "--dry-run", "-o", "json")
	if plan := prunePlan(t, r); r.code != 1 || pruned(plan) != "" || len(plan.NotPruned) != 2 {
		t.Errorf("configured prod: exit %d, pruned %q, not pruned %+v\n%s", r.code, pruned(plan), plan.NotPruned, r.stderr)
	}
}

// A shallow cache clone (here made by `git clone --depth 1`) is deepened to
// find the commit that removed an object.
func TestSyncApplyPruneDeepensShallowClone(t *testing.T) {
	const ns = "sync-prune-shallow"
	h, remote := syncFabric(t, ns, map[string]string{"vpcs.yaml": pruneGit + legacyDoc}, pruneGit[:len(pruneGit)-len("spec: {}\n")]+"  namespace: "+ns+"\nspec: {}\n---\n"+
		strings.ReplaceAll(legacyDoc, "name: vpc-legacy", "name: vpc-legacy\n  namespace: "+ns))
	removal := testbed.CommitFiles(t, remote, map[string]string{"fabrics/t/vpcs.yaml": pruneGit}, "remove vpc-legacy")
	testbed.CommitFiles(t, remote, map[string]string{"README.md": "later\n"}, "later")

	if r := h.run("sync"); r.code != 0 {
		t.Fatalf("sync: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	clones, err := filepath.Glob(filepath.Join(h.env["XDG_CACHE_HOME"], "kubectl-hnp", "repos", "*", ".git"))
	if err != nil || len(clones) != 1 {
		t.Fatalf("cache clones %v: %v", clones, err)
	}
	clone := filepath.Dir(clones[0])
	if err := os.RemoveAll(clone); err != nil {
		t.Fatal(err)
	}
	testbed.Git(t, filepath.Dir(clone), "clone", "-q", "--depth", "1", "file://"+remote, clone)

	// Offline, the clone stays shallow: no evidence, and the note says why.
	r := h.run("sync", "--apply", "--prune", "--dry-run", "--offline")
	if r.code != 0 || !strings.Contains(r.stdout, "keep   VPC "+ns+"/vpc-legacy  not pruned: no evidence that Git deployed it") ||
		!strings.Contains(r.stdout, "note: Git history is shallow below commit ") {
		t.Errorf("offline: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = h.run("sync", "--apply", "--prune", "--dry-run")
	want := "prune  VPC " + ns + `/vpc-legacy  delete (git history: removed in ` + removal[:7] + ` "remove vpc-legacy")`
	if r.code != 1 || !strings.Contains(r.stdout, want) {
		t.Errorf("deepened: exit %d, want %q\n%s%s", r.code, want, r.stdout, r.stderr)
	}
	if got := testbed.Git(t, clone, "rev-parse", "--is-shallow-repository"); got != "false" {
		t.Errorf("the cache clone is still shallow")
	}
}

func prunePlan(t *testing.T, r result) sync.FabricPlan {
	t.Helper()
	// The plan comes first; the dry run prints nothing after it.
	var p sync.Plan
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil || len(p.Fabrics) != 1 {
		t.Fatalf("%v\n%s\n%s", err, r.stdout, r.stderr)
	}
	return p.Fabrics[0]
}

// pruned renders the prune steps as "name=evidence,...".
func pruned(p sync.FabricPlan) string {
	var out []string
	for _, s := range p.Steps {
		if s.Action == "prune" {
			out = append(out, s.Name+"="+s.Evidence)
		}
	}
	return strings.Join(out, ",")
}

// What the deployer is told to leave, sync leaves: an object whose own
// sync-options say Prune=false or Prune=confirm, or whose Application's
// syncOptions say Prune=false (unless the object says Prune=true), or
// that Flux must not prune, is not pruned whatever the evidence; an object
// Flux must not apply (ssa: Ignore in the cluster, reconcile: disabled in
// Git) is neither applied nor created.
func TestSyncLeavesWhatTheDeployerIsToldToLeave(t *testing.T) {
	const ns = "sync-optout"
	vpc := func(name, meta string) string {
		return "---\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
			"\n  annotations: {argocd.argoproj.io/tracking-id: \"lab:vpc.githedgehog.com/VPC:" + ns + "/" + name + "\"" + meta + "}\nspec: {}\n"
	}
	git := map[string]string{
		"vpc-1.yaml": "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\n  labels: {team: a}\nspec: {}\n",
		"vpc-2.yaml": "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-2\n  annotations: {kustomize.toolkit.fluxcd.io/reconcile: disabled}\nspec: {}\n",
	}
	cluster := "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\n  namespace: " + ns +
		"\n  labels: {team: b}\n  annotations: {kustomize.toolkit.fluxcd.io/ssa: Ignore}\nspec: {}\n" +
		vpc("vpc-false", `, argocd.argoproj.io/sync-options: "Prune=false"`) +
		vpc("vpc-confirm", `, argocd.argoproj.io/sync-options: "Validate=false, Prune=confirm"`) +
		vpc("vpc-app", "") +
		vpc("vpc-override", `, argocd.argoproj.io/sync-options: "Prune=true"`) +
		vpc("vpc-flux", `, kustomize.toolkit.fluxcd.io/prune: Disabled`)
	h, _ := syncFabric(t, ns, git, cluster)
	useArgoApplication(t, h, "lab", map[string]interface{}{"syncPolicy": map[string]interface{}{"syncOptions": []interface{}{"CreateNamespace=true", "Prune=false"}}}, nil)

	r := h.run("sync", "--apply", "--prune", "--dry-run", "-o", "json")
	plan := prunePlan(t, r)
	if got := pruned(plan); r.code != 1 || got != "vpc-override=argocd app lab" || len(plan.Steps) != 1 {
		t.Fatalf("exit %d, pruned %q, steps %+v\n%s", r.code, got, plan.Steps, r.stderr)
	}
	reasons := func(steps []sync.Step) string {
		var out []string
		for _, s := range steps {
			out = append(out, s.Action+" "+s.Name+": "+strings.Join(s.Changes, ";"))
		}
		return strings.Join(out, "\n")
	}
	if got, want := reasons(plan.NotPruned), strings.Join([]string{
		"keep vpc-app: not pruned: the Argo CD Application's syncOptions: Prune=false (Argo CD never prunes it)",
		"keep vpc-confirm: not pruned: argocd.argoproj.io/sync-options: Prune=confirm (Argo CD prunes it only when confirmed there; delete it with kubectl)",
		"keep vpc-false: not pruned: argocd.argoproj.io/sync-options: Prune=false (Argo CD never prunes it)",
		"keep vpc-flux: not pruned: kustomize.toolkit.fluxcd.io/prune: Disabled (Flux never deletes it)",
	}, "\n"); got != want {
		t.Errorf("not pruned:\n%s\nwant\n%s", got, want)
	}
	if got, want := reasons(plan.NotApplied), strings.Join([]string{
		"keep vpc-1: not applied: kustomize.toolkit.fluxcd.io/ssa: Ignore in the cluster (Flux does not apply it)",
		"keep vpc-2: not applied: kustomize.toolkit.fluxcd.io/reconcile: disabled in Git (Flux does not apply it)",
	}, "\n"); got != want {
		t.Errorf("not applied:\n%s\nwant\n%s", got, want)
	}

	r = h.run("sync", "--apply", "--prune", "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "): prune 1 object; 2 objects not applied; 4 objects not pruned\n") ||
		!strings.Contains(r.stdout, "keep   VPC sync-optout/vpc-1  not applied: kustomize.toolkit.fluxcd.io/ssa: Ignore in the cluster") {
		t.Fatalf("sync: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := lab.Dynamic().Resource(vpcGVR).Namespace(ns).Get(context.Background(), "vpc-override", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("vpc-override not pruned: %v", err)
	}
	for _, name := range []string{"vpc-app", "vpc-confirm", "vpc-false", "vpc-flux"} {
		liveVPC(t, ns, name)
	}
	if l := liveVPC(t, ns, "vpc-1").GetLabels()["team"]; l != "b" {
		t.Errorf("vpc-1 label team=%q: applied over ssa: Ignore", l)
	}
	if _, err := lab.Dynamic().Resource(vpcGVR).Namespace(ns).Get(context.Background(), "vpc-2", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("vpc-2 created despite reconcile: disabled: %v", err)
	}
}
