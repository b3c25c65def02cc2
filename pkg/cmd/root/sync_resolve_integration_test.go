package root

import (
	"context"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

var vpcGVR = schema.GroupVersionResource{Group: "vpc.githedgehog.com", Version: "v1beta1", Resource: "vpcs"}

// syncFabric sets up fabric "t": Git files (under fabrics/t/) on a fresh
// bare remote, and the cluster objects of clusterYAML in namespace ns of
// the lab control plane, the fabric's namespace. Every VPC of ns is deleted
// when the test ends, so that the namespace is left empty as it was found.
func syncFabric(t *testing.T, ns string, git map[string]string, clusterYAML string) (*harness, string) {
	t.Helper()
	ctx := context.Background()
	cs, err := kubernetes.NewForConfig(lab.RestConfig)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		vpcs := lab.Dynamic().Resource(vpcGVR).Namespace(ns)
		list, err := vpcs.List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Error(err)
			return
		}
		for _, v := range list.Items {
			if err := vpcs.Delete(ctx, v.GetName(), metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
				t.Error(err)
			}
		}
	})
	if clusterYAML != "" {
		lab.Apply(t, clusterYAML)
	}
	files := map[string]string{}
	for p, body := range git {
		files["fabrics/t/"+p] = body
	}
	remote := testbed.NewBareRemote(t, files)
	h := newHarness(t)
	h.writeConfig(fmt.Sprintf(`fabrics:
- name: t
  git: {url: %q, dir: fabrics/t}
  cluster: {kubeconfig: %q, context: %s, namespace: %s}
`, remote, lab.KubeconfigPath, lab.Context, ns))
	for k, v := range map[string]string{
		"GIT_AUTHOR_NAME": "Ops Person", "GIT_AUTHOR_EMAIL": "ops@example.com",
		"GIT_COMMITTER_NAME": "Ops Person", "GIT_COMMITTER_EMAIL": "ops@example.com",
	} {
		h.env[k] = v
	}
	return h, remote
}

// liveVPC reads a VPC from the lab cluster.
func liveVPC(t *testing.T, ns, name string) *unstructured.Unstructured {
	t.Helper()
	u, err := lab.Dynamic().Resource(vpcGVR).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func vlanOf(t *testing.T, u *unstructured.Unstructured) int64 {
	t.Helper()
	v, ok, err := unstructured.NestedInt64(u.Object, "spec", "subnets", "default", "vlan")
	if !ok || err != nil {
		t.Fatalf("%s has no VLAN: %v", u.GetName(), err)
	}
	return v
}

// Git keeps VPCs one per file in tenants/; vpc-2 drifted (VLAN changed by
// hand); vpc-3 is not deployed; vpc-legacy was made by hand.
var adoptGit = map[string]string{
	"tenants/vpc-1.yaml": `# vpc-1: the web tier.
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
spec:
  subnets:
    default: {subnet: 10.0.1.0/24, vlan: 1001}
`,
	"tenants/vpc-2.yaml": `# vpc-2: the database tier.
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-2
  labels:
    team: db   # who to call
spec:
  subnets:
    default:
      subnet: 10.0.2.0/24
      vlan: 1002 # access VLAN

      # no DHCP here
`,
	"tenants/vpc-3.yaml": `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-3
spec:
  subnets:
    default: {subnet: 10.0.3.0/24, vlan: 1003}
`,
}

const adoptCluster = `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: vpc-1, namespace: sync-adopt}
spec:
  subnets:
    default: {subnet: 10.0.1.0/24, vlan: 1001}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-2
  namespace: sync-adopt
  labels: {team: db, fabric.githedgehog.com/vpc: vpc-2}
spec:
  subnets:
    default: {subnet: 10.0.2.0/24, vlan: 1099}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-legacy
  namespace: sync-adopt
  labels:
    team: legacy
    fabric.githedgehog.com/vpc: vpc-legacy
    fabric.githedgehog.com/ipv4ns: default
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"vpc.githedgehog.com/v1beta1","kind":"VPC"}'
    fabric.githedgehog.com/checked: "yes"
spec:
  ipv4Namespace: default
  subnets:
    default: {subnet: 10.0.9.0/24, vlan: 1009}
`

func TestSyncAdopt(t *testing.T) {
	h, remote := syncFabric(t, "sync-adopt", adoptGit, adoptCluster)
	head := testbed.Git(t, remote, "rev-parse", "main")

	r := h.run("sync", "--adopt", "--dry-run")
	if r.code != 1 {
		t.Fatalf("dry run: exit %d, want 1: %s %s", r.code, r.stdout, r.stderr)
	}
	golden(t, "sync-adopt-plan", revisionless(r.stdout))
	if got := testbed.Git(t, remote, "rev-parse", "main"); got != head {
		t.Fatalf("a dry run pushed %s", got)
	}

	// Without a terminal and without --yes: refused, nothing written.
	r = h.run("sync", "--adopt")
	if r.code != 2 || !strings.Contains(r.stderr, "refusing to adopt 2 objects from the cluster into Git without confirmation: stdin is not a terminal; pass --yes") {
		t.Fatalf("no --yes: exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "adopt  VPC sync-adopt/vpc-legacy") {
		t.Errorf("the plan is printed before refusing:\n%s", r.stdout)
	}
	if got := testbed.Git(t, remote, "rev-parse", "main"); got != head {
		t.Fatalf("a refused adoption pushed %s", got)
	}

	r = h.run("sync", "--adopt", "--yes")
	if r.code != 0 {
		t.Fatalf("adopt: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"adopt 2 objects: committed ",
		"in fabrics/t/tenants/vpc-2.yaml, fabrics/t/tenants/vpc-legacy.yaml (fabric t)",
		"pushed to branch main",
		"): 4 resources, 3 in sync, 0 drifted, 1 missing from cluster, 0 not in Git",
		"t\tVPC\tvpc-3\tmissingFromCluster",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	// The new object: its own file, as the repository keeps VPCs, without
	// what the server and the fabric controller own.
	legacy := remoteFile(t, remote, "main", "fabrics/t/tenants/vpc-legacy.yaml")
	wantLegacy := `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-legacy
  labels:
    team: legacy
spec:
  ipv4Namespace: default
  subnets:
    default:
      subnet: 10.0.9.0/24
      vlan: 1009
`
	if legacy != wantLegacy {
		t.Errorf("new file:\n--- want\n%s--- got\n%s", wantLegacy, legacy)
	}
	// The drifted object: only the value changed, comments and layout kept.
	wantVPC2 := strings.Replace(adoptGit["tenants/vpc-2.yaml"], "vlan: 1002 # access VLAN", "vlan: 1099 # access VLAN", 1)
	if got := remoteFile(t, remote, "main", "fabrics/t/tenants/vpc-2.yaml"); got != wantVPC2 {
		t.Errorf("vpc-2.yaml:\n--- want\n%s--- got\n%s", wantVPC2, got)
	}
	if files := testbed.Git(t, remote, "show", "--name-only", "--format=", "main"); files != "fabrics/t/tenants/vpc-2.yaml\nfabrics/t/tenants/vpc-legacy.yaml" {
		t.Errorf("committed files: %q", files)
	}
	msg := testbed.Git(t, remote, "log", "-1", "--format=%an|%B", "main")
	wantMsg := "Ops Person|kubectl-hnp: adopt 2 objects from the cluster (fabric t)\n\n" +
		"- VPC sync-adopt/vpc-2: /spec/subnets/default/vlan: 1002 → 1099 (fabrics/t/tenants/vpc-2.yaml:2)\n" +
		"- VPC sync-adopt/vpc-legacy: → new file fabrics/t/tenants/vpc-legacy.yaml"
	if msg != wantMsg {
		t.Errorf("commit message:\n--- want\n%s\n--- got\n%s", wantMsg, msg)
	}

	// Nothing left to adopt; vpc-3 stays missing from the cluster.
	r = h.run("sync", "--adopt", "--dry-run")
	if r.code != 0 || !strings.HasSuffix(r.stdout, "): nothing to do\n") {
		t.Errorf("second dry run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = h.run("sync", "--adopt", "vpc", "vpc-3", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "note: VPC sync-adopt/vpc-3 is missing from the cluster: --adopt leaves it in Git") {
		t.Errorf("named missing object: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = h.run("drift", "-o", "json")
	if rep := driftReport(t, r); r.code != 1 || rep.Summary.InSync != 3 || rep.Summary.MissingFromCluster != 1 {
		t.Errorf("drift after adopt: exit %d %+v", r.code, rep.Summary)
	}
}

// The commit goes to a review branch; the fabric's branch is untouched.
func TestSyncAdoptOneObjectToBranch(t *testing.T) {
	h, remote := syncFabric(t, "sync-adopt-branch", map[string]string{"vpcs.yaml": adoptGit["tenants/vpc-1.yaml"] + "---\n" + adoptGit["tenants/vpc-3.yaml"]},
		strings.ReplaceAll(adoptCluster, "sync-adopt", "sync-adopt-branch"))
	head := testbed.Git(t, remote, "rev-parse", "main")
	r := h.run("sync", "--adopt", "vpc", "vpc-legacy", "--yes", "--to-branch", "adopt/legacy", "-m", "Adopt the legacy VPC")
	if r.code != 0 {
		t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	if got := testbed.Git(t, remote, "rev-parse", "main"); got != head {
		t.Errorf("main moved")
	}
	if msg := testbed.Git(t, remote, "log", "-1", "--format=%s", "adopt/legacy"); msg != "Adopt the legacy VPC" {
		t.Errorf("message %q", msg)
	}
	// One shared file for VPCs: appended there.
	got := remoteFile(t, remote, "adopt/legacy", "fabrics/t/vpcs.yaml")
	want := adoptGit["tenants/vpc-1.yaml"] + "---\n" + adoptGit["tenants/vpc-3.yaml"] + "---\n" +
		"apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-legacy\n  labels:\n    team: legacy\n" +
		"spec:\n  ipv4Namespace: default\n  subnets:\n    default:\n      subnet: 10.0.9.0/24\n      vlan: 1009\n"
	if got != want {
		t.Errorf("vpcs.yaml:\n--- want\n%s--- got\n%s", want, got)
	}
}

// Git keeps VPCs in one shared file. vpc-1 and vpc-2 drifted, vpc-3 is not
// deployed, vpc-legacy is not in Git.
const applyGit = `# Tenants.
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
spec:
  subnets:
    default: {subnet: 10.0.1.0/24, vlan: 1001}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-2
  labels: {team: db}
spec:
  subnets:
    default:
      subnet: 10.0.2.0/24
      vlan: 1002
      dhcp: {enable: true}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-3
spec:
  subnets:
    default: {subnet: 10.0.3.0/24, vlan: 1003}
`

// In the cluster, vpc-1 keeps a field that Git set once, with a
// client-side apply, and no longer sets.
const applyCluster = `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
  namespace: sync-apply
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"vpc.githedgehog.com/v1beta1","kind":"VPC","metadata":{"name":"vpc-1","namespace":"sync-apply"},"spec":{"defaultIsolated":true,"subnets":{"default":{"subnet":"10.0.1.0/24","vlan":1001}}}}'
spec:
  defaultIsolated: true
  subnets:
    default: {subnet: 10.0.1.0/24, vlan: 1001}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: vpc-2, namespace: sync-apply, labels: {team: web}}
spec:
  subnets:
    default: {subnet: 10.0.2.0/24, vlan: 1099}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: vpc-legacy, namespace: sync-apply}
spec:
  subnets:
    default: {subnet: 10.0.9.0/24, vlan: 1009}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: vpc-hand, namespace: sync-apply}
spec:
  subnets:
    default: {subnet: 10.0.8.0/24, vlan: 1008}
`

// legacyDoc is vpc-legacy as Git had it before a commit removed it.
const legacyDoc = `---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-legacy
spec:
  subnets:
    default: {subnet: 10.0.9.0/24, vlan: 1009}
`

// Git deployed vpc-legacy and a commit removed it: --prune deletes it.
// Nobody's Git ever had vpc-hand: it stays.
func TestSyncApply(t *testing.T) {
	const ns = "sync-apply"
	h, remote := syncFabric(t, ns, map[string]string{"vpcs.yaml": applyGit + legacyDoc}, applyCluster)
	testbed.CommitFiles(t, remote, map[string]string{"fabrics/t/vpcs.yaml": applyGit}, "remove vpc-legacy")

	r := h.run("sync", "--apply", "--prune", "--dry-run")
	if r.code != 1 {
		t.Fatalf("dry run: exit %d, want 1: %s %s", r.code, r.stdout, r.stderr)
	}
	golden(t, "sync-apply-plan", revisionless(r.stdout))
	if vlanOf(t, liveVPC(t, ns, "vpc-2")) != 1099 {
		t.Fatalf("a dry run changed the cluster")
	}

	r = h.run("sync", "--apply")
	if r.code != 2 || !strings.Contains(r.stderr, "refusing to change 3 objects in the cluster without confirmation: stdin is not a terminal; pass --yes") {
		t.Fatalf("no --yes: exit %d: %s", r.code, r.stderr)
	}

	// Apply without pruning: vpc-legacy stays.
	r = h.run("sync", "--apply", "--yes")
	if r.code != 0 {
		t.Fatalf("apply: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"fabric t: applied 3 objects (server-side apply, field manager kubectl-hnp)",
		"fabric t: removed 1 field that Git no longer sets from 1 object",
		"): 5 resources, 3 in sync, 0 drifted, 0 missing from cluster, 2 not in Git",
		"t\tVPC\tvpc-legacy\tnotInGit",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	vpc2 := liveVPC(t, ns, "vpc-2")
	if vlanOf(t, vpc2) != 1002 || vpc2.GetLabels()["team"] != "db" {
		t.Errorf("vpc-2 not applied: %v", vpc2.Object)
	}
	if _, found, _ := unstructured.NestedBool(liveVPC(t, ns, "vpc-1").Object, "spec", "defaultIsolated"); found {
		t.Errorf("vpc-1 keeps the field Git no longer sets")
	}
	if vlanOf(t, liveVPC(t, ns, "vpc-3")) != 1003 {
		t.Errorf("vpc-3 not created")
	}
	if r := h.run("drift", "vpc", "vpc-2"); r.code != 0 {
		t.Errorf("drift vpc-2 after apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Prune: what Git deployed goes, the hand-made VPC stays.
	r = h.run("sync", "--apply", "--prune", "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "fabric t: deleted 1 object") || strings.Contains(r.stdout, "applied") ||
		!strings.Contains(r.stdout, "keep   VPC sync-apply/vpc-hand  not pruned: never in Git (adopt it, or delete it with kubectl)\n") {
		t.Fatalf("prune: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	if _, err := lab.Dynamic().Resource(vpcGVR).Namespace(ns).Get(context.Background(), "vpc-legacy", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("vpc-legacy not pruned: %v", err)
	}
	liveVPC(t, ns, "vpc-hand")
	r = h.run("drift", "-o", "json")
	if rep := driftReport(t, r); r.code != 1 || rep.Summary.InSync != 3 || rep.Summary.NotInGit != 1 {
		t.Errorf("drift after apply --prune: exit %d %+v", r.code, rep.Summary)
	}
	r = h.run("sync", "--apply", "--prune", "--dry-run")
	if r.code != 0 || !strings.HasSuffix(r.stdout, "): nothing to do; 1 object not pruned\n"+
		"keep   VPC sync-apply/vpc-hand  not pruned: never in Git (adopt it, or delete it with kubectl)\n") {
		t.Errorf("dry run in sync: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A field another manager owns stops an apply without --force-conflicts,
// naming the manager and the field; the default takes it over.
func TestSyncApplyConflicts(t *testing.T) {
	const ns = "sync-apply-conflict"
	git := "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-c\nspec:\n  subnets:\n    default: {subnet: 10.0.4.0/24, vlan: 1004}\n"
	h, _ := syncFabric(t, ns, map[string]string{"vpc-c.yaml": git}, "")
	var live map[string]interface{}
	if err := yaml.Unmarshal([]byte(strings.Replace(strings.Replace(git, "1004", "1099", 1), "name: vpc-c", "name: vpc-c\n  namespace: "+ns, 1)), &live); err != nil {
		t.Fatal(err)
	}
	_, err := lab.Dynamic().Resource(vpcGVR).Namespace(ns).Apply(context.Background(), "vpc-c", &unstructured.Unstructured{Object: live},
		metav1.ApplyOptions{FieldManager: "hand-editor"})
	if err != nil {
		t.Fatal(err)
	}

	r := h.run("sync", "--apply", "--yes", "--force-conflicts=false")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2: %s %s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		`VPC sync-apply-conflict/vpc-c: conflict: fields owned by other managers: .spec.subnets.default.vlan (field manager "hand-editor")`,
		"--force-conflicts takes such fields over",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if vlanOf(t, liveVPC(t, ns, "vpc-c")) != 1099 {
		t.Errorf("a conflicting apply changed the object")
	}

	r = h.run("sync", "--apply", "--yes")
	if r.code != 0 {
		t.Fatalf("forced: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	u := liveVPC(t, ns, "vpc-c")
	if vlanOf(t, u) != 1004 {
		t.Errorf("not applied: %v", u.Object)
	}
	owner := ""
	for _, mf := range u.GetManagedFields() {
		if mf.FieldsV1 != nil && strings.Contains(mf.FieldsV1.GetRawString(), `"f:vlan"`) {
			owner += mf.Manager + " "
		}
	}
	if owner != "kubectl-hnp " {
		t.Errorf("VLAN owned by %q, want kubectl-hnp alone", owner)
	}
}

// With several fabrics, one that fails does not stop the others.
func TestSyncApplyOneFabricFails(t *testing.T) {
	const ns = "sync-apply-two"
	git := "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-n\nspec:\n  subnets:\n    default: {subnet: 10.0.5.0/24, vlan: 1005}\n"
	h, remote := syncFabric(t, ns, map[string]string{"vpc-n.yaml": git}, "")
	cfg := fmt.Sprintf(`fabrics:
- name: t
  git: {url: %q, dir: fabrics/t}
  cluster: {kubeconfig: %q, context: %s, namespace: %s}
- name: broken
  git: {url: %q, dir: fabrics/t}
  cluster: {kubeconfig: /nonexistent/kubeconfig}
`, remote, lab.KubeconfigPath, lab.Context, ns, remote)
	h.writeConfig(cfg)
	r := h.run("sync", "--apply", "--yes", "--fabric", "broken,t")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2: %s %s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "fabric broken: error: ") || !strings.Contains(r.stdout, "fabric t: applied 1 object") || !strings.Contains(r.stderr, "Error: fabric broken") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	if vlanOf(t, liveVPC(t, ns, "vpc-n")) != 1005 {
		t.Errorf("fabric t was not applied")
	}
}
