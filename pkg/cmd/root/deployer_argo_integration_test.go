package root

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/deployer"
)

// Argo CD is not run in the tests: its Application is created with a
// status the test writes in Argo CD's shape. drift and sync read it as the
// fabric's configured deployer: the revision it applied (from history, as
// its last operation failed), its failure, and the Git change it has not
// applied (pendingDeploy).
func TestDriftWithArgoCDApplication(t *testing.T) {
	const ns = "argo-pipeline"
	h, remote := syncFabric(t, ns, map[string]string{"vpc-1.yaml": pruneGit},
		strings.Replace(pruneGit, "  name: vpc-1\n", "  name: vpc-1\n  namespace: "+ns+"\n", 1))
	deployed := testbed.Git(t, remote, "rev-parse", "main")
	newer := testbed.CommitFiles(t, remote, map[string]string{
		"fabrics/t/vpc-1.yaml": strings.Replace(pruneGit, "  name: vpc-1\n", "  name: vpc-1\n  labels: {team: a}\n", 1),
	}, "label vpc-1")
	useArgoApplication(t, h, "lab", nil, map[string]interface{}{
		"sync":   map[string]interface{}{"status": "OutOfSync", "revision": newer},
		"health": map[string]interface{}{"status": "Healthy"},
		"operationState": map[string]interface{}{"phase": "Failed", "message": "one or more synchronization tasks are not valid",
			"syncResult": map[string]interface{}{"revision": newer}},
		"history": []interface{}{map[string]interface{}{"id": int64(1), "revision": deployed}},
	})

	r := h.run("drift")
	want := "fabric t: Git " + newer[:7] + ", Argo CD argocd/lab applied " + deployed[:7] + " (1 commit behind), Ready=False: one or more synchronization tasks are not valid"
	if r.code != 0 || !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "drifted (pendingDeploy)") {
		t.Errorf("drift: exit %d (want 0: only a pending deploy), want %q and a pendingDeploy row in\n%s%s", r.code, want, r.stdout, r.stderr)
	}
	var rep driftJSON
	r = h.run("drift", "-o", "json")
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || len(rep.Fabrics) != 1 {
		t.Fatalf("drift -o json: %v\n%s", err, r.stdout)
	}
	d := rep.Fabrics[0].Deployer
	if d == nil || d.Tool != "argocd" || d.Name != "argocd/lab" || d.Revision != deployed || d.Ready != "False" || d.LastAttempt != newer || d.Behind != 1 {
		t.Errorf("deployer %+v", d)
	}
	if res := rep.Fabrics[0].Resources; len(res) != 1 || !res[0].PendingDeploy || !strings.Contains(res[0].Reason, `changed in Git in `+newer[:7]+` "label vpc-1", after the revision `+deployed[:7]+` deployed (Argo CD)`) {
		t.Errorf("resources %+v", res)
	}
	if r := h.run("drift", "--fail-on", "pending"); r.code != 1 {
		t.Errorf("--fail-on pending: exit %d", r.code)
	}
	if r := h.run("drift", "--fail-on", "pendng"); r.code != 2 || !strings.Contains(r.stderr, `--fail-on "pendng": want one or more of drifted, pending, unapplied`) {
		t.Errorf("--fail-on pendng: exit %d: %s", r.code, r.stderr)
	}

	r = h.run("sync")
	if r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Errorf("sync: exit %d, want %q in\n%s%s", r.code, want, r.stdout, r.stderr)
	}
	var sum struct {
		Fabrics []struct {
			Deployer *struct{ Tool, Revision string } `json:"deployer"`
		} `json:"fabrics"`
	}
	r = h.run("sync", "-o", "json")
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil || len(sum.Fabrics) != 1 || sum.Fabrics[0].Deployer == nil || sum.Fabrics[0].Deployer.Revision != deployed {
		t.Errorf("sync -o json: %v\n%s", err, r.stdout)
	}
}

// useArgoApplication creates the Argo CD Application argocd/name with the
// spec and status given (Argo CD is not run: the test writes its status)
// and names it as the deployer of the harness's one fabric.
func useArgoApplication(t *testing.T, h *harness, name string, spec, status map[string]interface{}) {
	t.Helper()
	installCRD(t, "crds-argo/applications.argoproj.io.yaml", deployer.ApplicationGVR)
	app := map[string]interface{}{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
		"metadata": map[string]interface{}{"name": name, "namespace": "argocd"},
		"status":   status,
	}
	if spec != nil {
		app["spec"] = spec
	}
	createDeployerObject(t, deployer.ApplicationGVR, app)
	cfg, err := os.ReadFile(h.config)
	if err != nil {
		t.Fatal(err)
	}
	h.writeConfig(strings.Replace(string(cfg), "  git:", "  gitops: {argocd: {application: argocd/"+name+"}}\n  git:", 1))
}
