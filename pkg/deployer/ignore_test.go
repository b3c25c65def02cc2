package deployer

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// An Application's ignoreDifferences become the fabric's ignore rules as
// Argo CD selects objects: group and kind as globs (empty: only the empty
// group or kind, so no Hedgehog kind), name and namespace exactly; JSON
// pointers, managed-fields managers and jq path expressions become rules.
// What drift cannot follow is a note: pointers and expressions that do not
// parse.
func TestIgnoreRules(t *testing.T) {
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(`
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: lab, namespace: argocd}
spec:
  ignoreDifferences:
  - group: vpc.githedgehog.com
    kind: VPC
    name: vpc-1
    namespace: lab
    jsonPointers: [/spec/subnets/default/vlan, not-a-pointer]
  - group: "*.githedgehog.com"
    kind: "Switch*"
    jsonPointers: [/spec/description]
  - kind: VPC
    jsonPointers: [/spec/ipv4Namespace]
  - group: apps
    kind: Deployment
    jsonPointers: [/spec/replicas]
  - group: "*.githedgehog.com"
    kind: "VPC*"
    jqPathExpressions: [.metadata.labels, ".spec[("]
  - group: wiring.githedgehog.com
    kind: Connection
    namespace: lab
    managedFieldsManagers: [hedgehog-controller]
  - group: vpc.githedgehog.com
    kind: VPC
    name: "vpc-*"
    jsonPointers: [/spec]
  - "not an entry"
status: {}
`), &u.Object); err != nil {
		t.Fatal(err)
	}
	s := StatusOf(ToolArgoCD, u)
	want := []fabric.IgnoreRule{
		{Kind: "VPC", Name: "vpc-1", Namespace: "lab", Paths: []string{"/spec/subnets/default/vlan"}},
		{Kind: "Switch", Paths: []string{"/spec/description"}},
		{Kind: "SwitchGroup", Paths: []string{"/spec/description"}},
		{Kind: "VPC", JQPathExpressions: []string{".metadata.labels"}},
		{Kind: "VPCAttachment", JQPathExpressions: []string{".metadata.labels"}},
		{Kind: "VPCPeering", JQPathExpressions: []string{".metadata.labels"}},
		{Kind: "Connection", Namespace: "lab", Managers: []string{"hedgehog-controller"}},
	}
	if d := cmp.Diff(want, s.Ignores); d != "" {
		t.Errorf("rules (-want +got):\n%s", d)
	}
	notes := strings.Join(s.IgnoreNotes, "\n")
	for _, w := range []string{
		`Argo CD Application argocd/lab: ignoreDifferences[0]: "not-a-pointer" is not a JSON pointer; not followed`,
		`Argo CD Application argocd/lab: ignoreDifferences[4]: jq path expression ".spec[("`,
	} {
		if !strings.Contains(notes, w) {
			t.Errorf("no note %q in\n%s", w, notes)
		}
	}
	if n := len(s.IgnoreNotes); n != 2 {
		t.Errorf("%d notes:\n%s", n, notes)
	}
	// Flux has no such rules.
	if s := StatusOf(ToolFlux, u); s.Ignores != nil || s.IgnoreNotes != nil {
		t.Errorf("a Kustomization's rules: %+v %v", s.Ignores, s.IgnoreNotes)
	}
}
