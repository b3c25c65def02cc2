package root

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// Objects a server-side apply manager owns are dry-run applied under its
// name; one the server refuses is an error of its own (exit 2), while the
// others are judged. In-process drift reads Git as kubectl does (YAML 1.1)
// and warns where Flux would read it otherwise.
func TestDriftServerSideAsTheDeployerWithPerObjectErrors(t *testing.T) {
	ns := "deployed"
	cs, err := kubernetes.NewForConfig(lab.RestConfig)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	vpc := func(name, extra string) string {
		return "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: " + name + ", namespace: " + ns + "}\nspec:\n  ipv4Namespace: default\n" + extra + "  subnets:\n    default: {subnet: 10.2.1.0/24, vlan: 1201}\n"
	}
	applied := vpc("vpc-ok", "  defaultIsolated: true\n") + "---\n" + vpc("vpc-bad", "") + "---\n" + vpc("vpc-gone", "  defaultRestricted: true\n")
	f := filepath.Join(t.TempDir(), "vpcs.yaml")
	if err := os.WriteFile(f, []byte(applied), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("kubectl", "--kubeconfig", lab.KubeconfigPath, "apply", "--server-side", "--field-manager=kustomize-controller", "-f", f).CombinedOutput(); err != nil {
		t.Fatalf("kubectl apply: %v\n%s", err, out)
	}
	// Git: vpc-ok says "yes" (true for kubectl), vpc-bad gains a field the
	// schema lacks, vpc-gone no longer sets a field its deployer applied.
	git := vpc("vpc-ok", "  defaultIsolated: yes\n") + "---\n" + vpc("vpc-bad", "  notAField: x\n") + "---\n" + vpc("vpc-gone", "")
	wt := testbed.NewWorkTree(t, map[string]string{"f/vpcs.yaml": git})
	h := newHarness(t)
	base := []string{"drift", "--repo", wt, "--dir", "f", "--kubeconfig", lab.KubeconfigPath, "-n", ns, "-o", "json"}

	r := h.run(append(base, "--server-side")...)
	if r.code != 2 {
		t.Fatalf("--server-side: exit %d, want 2: %s\n%s", r.code, r.stderr, r.stdout)
	}
	rep := driftReport(t, r)
	status := map[string]*drift.ResourceResult{}
	for i, res := range rep.Fabrics[0].Resources {
		status[res.Name] = &rep.Fabrics[0].Resources[i]
	}
	if s := status["vpc-bad"]; s == nil || s.Status != drift.StatusError || !strings.Contains(s.Error, "notAField") || !strings.Contains(s.Error, "kustomize-controller") {
		t.Errorf("vpc-bad = %+v, want an error naming the field and the manager", s)
	}
	if s := status["vpc-ok"]; s == nil || s.Status != drift.StatusInSync {
		t.Errorf("vpc-ok = %+v, want inSync", s)
	}
	if s := status["vpc-gone"]; s == nil || s.Status != drift.StatusDrifted || len(s.Diffs) != 1 || s.Diffs[0].Path != "/spec/defaultRestricted" {
		t.Errorf("vpc-gone = %+v, want the field its deployer applied and Git removed", s)
	}
	if rep.Summary.Errors != 1 || rep.Fabrics[0].Summary.Errors != 1 {
		t.Errorf("summary %+v: want one error", rep.Summary)
	}

	r = h.run(base...)
	if r.code != 1 {
		t.Fatalf("in-process: exit %d, want 1: %s\n%s", r.code, r.stderr, r.stdout)
	}
	rep = driftReport(t, r)
	for _, res := range rep.Fabrics[0].Resources {
		want := drift.StatusInSync
		if res.Name == "vpc-gone" {
			want = drift.StatusDrifted
		}
		if res.Status != want {
			t.Errorf("in-process %s = %s %+v, want %s", res.Name, res.Status, res.Diffs, want)
		}
	}
	if !strings.Contains(r.stderr, "Warning: fabric") || !strings.Contains(r.stderr, "/spec/defaultIsolated: yes is the boolean true for kubectl and Argo CD (YAML 1.1)") {
		t.Errorf("no YAML 1.1 warning on stderr:\n%s", r.stderr)
	}

	// A fabric deployed by Flux is read as kyaml reads it (YAML 1.2): "yes"
	// is the string Flux would send, not the boolean the cluster holds.
	h.writeConfig(fmt.Sprintf(`fabrics:
- name: flux
  gitops: {flux: {kustomization: flux-system/flux}}
  git: {url: %q, dir: f}
  cluster: {kubeconfig: %q, context: %s, namespace: %s}
`, wt, lab.KubeconfigPath, lab.Context, ns))
	r = h.run("drift", "--fabric", "flux", "-o", "json")
	if r.code != 1 {
		t.Fatalf("flux fabric: exit %d, want 1: %s\n%s", r.code, r.stderr, r.stdout)
	}
	rep = driftReport(t, r)
	for _, res := range rep.Fabrics[0].Resources {
		if res.Name != "vpc-ok" {
			continue
		}
		if res.Status != drift.StatusDrifted || len(res.Diffs) != 1 || res.Diffs[0].Path != "/spec/defaultIsolated" {
			t.Errorf("flux fabric: vpc-ok = %s %+v, want drifted at /spec/defaultIsolated (the string \"yes\")", res.Status, res.Diffs)
		}
	}
	if !strings.Contains(r.stderr, "(YAML 1.1)") {
		t.Errorf("flux fabric: no warning on stderr:\n%s", r.stderr)
	}
}
