package root

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/deployer"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// The fabric's Argo CD Application leaves vpc-1's VLAN out of its diff
// (spec.ignoreDifferences), lets a controller's fields of vpc-3 win
// (managedFieldsManagers) and deletes vpc-4's VLANs before comparing
// (jqPathExpressions): drift does too, on the live cluster, on a
// snapshot and in --watch, and says what of the Application it cannot
// follow (a jq path expression that does not parse). --no-deployer-ignores
// compares the fields.
func TestDriftFollowsArgoCDIgnoreDifferences(t *testing.T) {
	const ns = "argo-ignore"
	inNS := "  namespace: " + ns + "\n"
	h, remote := syncFabric(t, ns, map[string]string{
		"vpc-1.yaml": adoptVPC("vpc-1", "1001", ""),
		"vpc-2.yaml": adoptVPC("vpc-2", "1002", ""),
		"vpc-3.yaml": adoptVPC("vpc-3", "1003", ""),
		"vpc-4.yaml": adoptVPC("vpc-4", "1004", ""),
	}, strings.Join([]string{adoptVPC("vpc-1", "1091", inNS), adoptVPC("vpc-2", "1092", inNS), adoptVPC("vpc-3", "1003", inNS),
		adoptVPC("vpc-4", "1094", inNS)}, "---\n"))
	// A controller sets vpc-3's VLAN (and owns it in managedFields).
	if _, err := lab.Dynamic().Resource(vpcGVR).Namespace(ns).Patch(t.Context(), "vpc-3", types.MergePatchType,
		[]byte(`{"spec":{"subnets":{"default":{"vlan":1093}}}}`), metav1.PatchOptions{FieldManager: "fabric-ctrl"}); err != nil {
		t.Fatal(err)
	}
	head := testbed.Git(t, remote, "rev-parse", "main")
	useArgoApplication(t, h, "argo-ignore", map[string]interface{}{
		"ignoreDifferences": []interface{}{
			map[string]interface{}{"group": "vpc.githedgehog.com", "kind": "VPC", "name": "vpc-1", "namespace": ns,
				"jsonPointers": []interface{}{"/spec/subnets/default/vlan"}},
			map[string]interface{}{"group": "*", "kind": "*", "jqPathExpressions": []interface{}{".spec[("}},
			map[string]interface{}{"group": "vpc.githedgehog.com", "kind": "VPC", "name": "vpc-4",
				"jqPathExpressions": []interface{}{".spec.subnets[].vlan"}},
			map[string]interface{}{"group": "vpc.githedgehog.com", "kind": "VPC", "name": "vpc-3",
				"managedFieldsManagers": []interface{}{"fabric-ctrl"}},
		},
	}, map[string]interface{}{
		"sync":   map[string]interface{}{"status": "Synced", "revision": head},
		"health": map[string]interface{}{"status": "Healthy"},
	})

	const jqNote = `Warning: fabric t: Argo CD Application argocd/argo-ignore: ignoreDifferences[1]: jq path expression ".spec[(": `

	r := h.run("drift", "-o", "json")
	if got := driftStatuses(t, r); r.code != 1 || got["vpc-1"] != drift.StatusInSync || got["vpc-2"] != drift.StatusDrifted || got["vpc-3"] != drift.StatusInSync || got["vpc-4"] != drift.StatusInSync {
		t.Errorf("drift: exit %d, %v; want vpc-1 in sync (its VLAN ignored by the Application), vpc-3 too (its VLAN owned by a trusted manager), vpc-4 too (its VLANs deleted by jq), vpc-2 drifted\n%s", r.code, got, r.stderr)
	}
	if !strings.Contains(r.stderr, jqNote) {
		t.Errorf("no note on the jq path expression that does not parse in:\n%s", r.stderr)
	}

	r = h.run("drift", "--no-deployer-ignores", "-o", "json")
	if got := driftStatuses(t, r); r.code != 1 || got["vpc-1"] != drift.StatusDrifted || got["vpc-3"] != drift.StatusDrifted || got["vpc-4"] != drift.StatusDrifted || strings.Contains(r.stderr, jqNote) {
		t.Errorf("--no-deployer-ignores: exit %d, %v\n%s", r.code, got, r.stderr)
	}

	snap := filepath.Join(t.TempDir(), "snap.json")
	if r := h.run("sync", "--save-snapshot", snap); r.code != 0 {
		t.Fatalf("sync --save-snapshot: exit %d: %s", r.code, r.stderr)
	}
	r = h.run("drift", "--snapshot", snap, "-o", "json")
	if got := driftStatuses(t, r); r.code != 1 || got["vpc-1"] != drift.StatusInSync || got["vpc-2"] != drift.StatusDrifted || got["vpc-3"] != drift.StatusInSync || got["vpc-4"] != drift.StatusInSync {
		t.Errorf("drift --snapshot: exit %d, %v\n%s", r.code, got, r.stderr)
	}

	// list's SYNC column judges as drift does.
	r = h.run("list", "vpc", "-o", "wide", "--no-headers")
	sync := map[string]string{}
	for _, row := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if f := strings.Fields(row); len(f) > 2 {
			sync[f[0]] = f[2] // NAME NAMESPACE SYNC ...
		}
	}
	if sync["vpc-1"] != "inSync" || sync["vpc-2"] != "drifted" || sync["vpc-3"] != "inSync" || sync["vpc-4"] != "inSync" {
		t.Errorf("list's SYNC column %v, want vpc-1 inSync, vpc-2 drifted:\n%s", sync, r.stdout)
	}

	// sync plans what drift reports.
	r = h.run("sync", "--apply", "--dry-run", "-o", "json")
	if r.code != 1 || !strings.Contains(r.stdout, `"name": "vpc-2"`) || strings.Contains(r.stdout, `"name": "vpc-1"`) {
		t.Errorf("sync --apply --dry-run: exit %d, want vpc-2 alone:\n%s%s", r.code, r.stdout, r.stderr)
	}

	t.Run("watch", func(t *testing.T) {
		out, stop := background(t, h, "drift", "--watch", "-o", "json")
		ctx, cancel := context.WithTimeout(t.Context(), 60e9)
		defer cancel()
		out.waitFor(t, ctx, `"name":"vpc-2","status":"drifted"`)
		out.waitFor(t, ctx, `"type":"DeployerChanged"`)
		// The ignored field changes again, then vpc-2 returns to sync: its
		// line comes after any line of vpc-1 (one informer, in order).
		for _, p := range []struct{ name, vlan string }{{"vpc-1", "1095"}, {"vpc-2", "1002"}} {
			patch := []byte(`{"spec":{"subnets":{"default":{"vlan":` + p.vlan + `}}}}`)
			if _, err := lab.Dynamic().Resource(vpcGVR).Namespace(ns).Patch(ctx, p.name, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		out.waitFor(t, ctx, `"name":"vpc-2","status":"inSync"`)
		if code, stderr := stop(); code != 0 || !strings.Contains(stderr, jqNote) {
			t.Errorf("exit %d, want 0 and the jq note: %s", code, stderr)
		}
		if s := out.String(); strings.Contains(s, `"name":"vpc-1"`) || strings.Contains(s, `"name":"vpc-3"`) || strings.Contains(s, `"name":"vpc-4"`) {
			t.Errorf("a line for vpc-1, whose only difference the Application ignores:\n%s", out.String())
		}
	})
}

// Argo CD's system-wide ignoreDifferences (argocd-cm, beside the
// Application) count as the Application's own: here an "all" rule whose jq
// path expression selects vpc-1's VLAN. A second drift follows them too,
// and so does sync's plan; --no-deployer-ignores compares the field.
func TestDriftFollowsArgoCDSystemIgnoreDifferences(t *testing.T) {
	const ns = "argo-cm"
	inNS := "  namespace: " + ns + "\n"
	h, remote := syncFabric(t, ns, map[string]string{
		"vpc-1.yaml": adoptVPC("vpc-1", "1001", ""),
		"vpc-2.yaml": adoptVPC("vpc-2", "1002", ""),
	}, adoptVPC("vpc-1", "1091", inNS)+"---\n"+adoptVPC("vpc-2", "1092", inNS))
	head := testbed.Git(t, remote, "rev-parse", "main")
	useArgoApplication(t, h, "argo-cm", nil, map[string]interface{}{
		"sync":   map[string]interface{}{"status": "Synced", "revision": head},
		"health": map[string]interface{}{"status": "Healthy"},
	})
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: deployer.ArgoConfigMap, Namespace: "argocd"}, Data: map[string]string{
		"resource.customizations.ignoreDifferences.all":                     "jqPathExpressions:\n- 'select(.metadata.name == \"vpc-1\") | .spec.subnets.default.vlan'\n",
		"resource.customizations.ignoreDifferences.vpc.githedgehog.com_VPC": "jsonPointers: [/spec/subnets/default/vlan\n",
	}}
	cs, err := kubernetes.NewForConfig(lab.RestConfig)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().ConfigMaps("argocd").Create(t.Context(), cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := cs.CoreV1().ConfigMaps("argocd").Delete(context.Background(), cm.Name, metav1.DeleteOptions{}); err != nil {
			t.Error(err)
		}
	})
	r := h.run("drift", "-o", "json")
	if got := driftStatuses(t, r); r.code != 1 || got["vpc-1"] != drift.StatusInSync || got["vpc-2"] != drift.StatusDrifted {
		t.Errorf("drift: exit %d, %v; want vpc-1 in sync (its VLAN left out by argocd-cm), vpc-2 drifted\n%s", r.code, got, r.stderr)
	}
	// The VPC key does not parse: a note, and the rest is followed.
	if want := "Warning: fabric t: Argo CD's argocd/argocd-cm: resource.customizations.ignoreDifferences.vpc.githedgehog.com_VPC: "; !strings.Contains(r.stderr, want) {
		t.Errorf("no note %q in\n%s", want, r.stderr)
	}
	r = h.run("sync", "--apply", "--dry-run", "-o", "json")
	if plan := prunePlan(t, r); r.code != 1 || len(plan.Steps) != 1 || plan.Steps[0].Name != "vpc-2" {
		t.Errorf("sync --apply plans %+v (exit %d), want vpc-2 only", plan.Steps, r.code)
	}
	r = h.run("drift", "--no-deployer-ignores", "-o", "json")
	if got := driftStatuses(t, r); r.code != 1 || got["vpc-1"] != drift.StatusDrifted || got["vpc-2"] != drift.StatusDrifted {
		t.Errorf("--no-deployer-ignores: exit %d, %v\n%s", r.code, got, r.stderr)
	}
}

// driftStatuses is the status of each object of the one fabric of a drift
// -o json report, by name.
func driftStatuses(t *testing.T, r result) map[string]drift.Status {
	t.Helper()
	out := map[string]drift.Status{}
	for _, res := range driftReport(t, r).Fabrics[0].Resources {
		out[res.Name] = res.Status
	}
	return out
}
