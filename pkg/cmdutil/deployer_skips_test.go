package cmdutil

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/deployer"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// MarkDeployerSkips marks what Flux is told not to apply, whatever side
// says so, only when not in sync, and nothing for an Argo CD fabric.
func TestMarkDeployerSkips(t *testing.T) {
	vpc := func(name string, annotations map[string]interface{}) *resource.Object {
		md := map[string]interface{}{"name": name, "namespace": "default"}
		if annotations != nil {
			md["annotations"] = annotations
		}
		u := &unstructured.Unstructured{Object: map[string]interface{}{"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPC", "metadata": md}}
		return &resource.Object{Key: resource.Key{Kind: "VPC", Namespace: "default", Name: name}, Obj: u}
	}
	set := func(objs ...*resource.Object) resource.Set {
		s := resource.Set{}
		for _, o := range objs {
			s[o.Key] = o
		}
		return s
	}
	ifNotPresent := map[string]interface{}{deployer.FluxSSAKey: "IfNotPresent"}
	ignore := map[string]interface{}{deployer.FluxSSAKey: "Ignore"}
	disabled := map[string]interface{}{deployer.FluxReconcileKey: "disabled"}
	st := &FabricState{
		Desired: set(vpc("drifted-ifnotpresent", ifNotPresent), vpc("insync-ifnotpresent", ifNotPresent), vpc("drifted-ignored-in-cluster", nil),
			vpc("missing-disabled", disabled), vpc("missing-ifnotpresent", ifNotPresent), vpc("drifted-plain", nil)),
		Actual: set(vpc("drifted-ifnotpresent", nil), vpc("insync-ifnotpresent", nil), vpc("drifted-ignored-in-cluster", ignore),
			vpc("drifted-plain", nil), vpc("notingit-ignored", ignore)),
	}
	results := func() *drift.Result {
		rs := []drift.ResourceResult{
			{Kind: "VPC", Namespace: "default", Name: "drifted-ifnotpresent", Status: drift.StatusDrifted},
			{Kind: "VPC", Namespace: "default", Name: "insync-ifnotpresent", Status: drift.StatusInSync},
			{Kind: "VPC", Namespace: "default", Name: "drifted-ignored-in-cluster", Status: drift.StatusDrifted},
			{Kind: "VPC", Namespace: "default", Name: "missing-disabled", Status: drift.StatusMissingFromCluster},
			{Kind: "VPC", Namespace: "default", Name: "missing-ifnotpresent", Status: drift.StatusMissingFromCluster},
			{Kind: "VPC", Namespace: "default", Name: "drifted-plain", Status: drift.StatusDrifted},
			{Kind: "VPC", Namespace: "default", Name: "notingit-ignored", Status: drift.StatusNotInGit},
		}
		return &drift.Result{Resources: rs, Summary: drift.SummaryOf(rs)}
	}
	res := results()
	MarkDeployerSkips(st, res)
	marked := map[string]bool{}
	for _, r := range res.Resources {
		if r.DeployerSkips != "" {
			marked[r.Name] = true
		}
	}
	want := map[string]bool{"drifted-ifnotpresent": true, "drifted-ignored-in-cluster": true, "missing-disabled": true}
	if len(marked) != len(want) || res.Summary.DeployerSkips != 3 {
		t.Errorf("marked %v (summary %+v), want %v", marked, res.Summary, want)
	}
	for k := range want {
		if !marked[k] {
			t.Errorf("%s not marked", k)
		}
	}
	st.Deployer = &FabricDeployer{Ref: deployer.Ref{Tool: deployer.ToolArgoCD, Namespace: "argocd", Name: "lab"}}
	res = results()
	MarkDeployerSkips(st, res)
	if res.Summary.DeployerSkips != 0 {
		t.Errorf("an Argo CD fabric: %d marked", res.Summary.DeployerSkips)
	}
}
