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

// Argo CD's system-wide ignoreDifferences in argocd-cm: a key per kind, the
// "all" key, and the older resource.customizations map; other keys are not
// read, and a value that does not parse is a note.
func TestParseArgoSettings(t *testing.T) {
	data := map[string]string{
		"url": "https://argocd.example.com",
		"resource.customizations.ignoreDifferences.vpc.githedgehog.com_VPC":       "jsonPointers:\n- /spec/subnets/default/vlan\njqPathExpressions:\n- .metadata.labels\n",
		"resource.customizations.ignoreDifferences.all":                           "managedFieldsManagers: [kube-controller-manager]\n",
		"resource.customizations.ignoreDifferences.Service":                       "jsonPointers: [/spec/clusterIP]\n",
		"resource.customizations.ignoreDifferences.wiring.githedgehog.com_Switch": "jsonPointers: [/spec/description",
		"resource.customizations.health.vpc.githedgehog.com_VPC":                  "hs = {}\nreturn hs\n",
		"resource.customizations": "wiring.githedgehog.com/Connection:\n  ignoreDifferences: |\n    jsonPointers:\n    - /spec/unbundled\n" +
			"  health.lua: return {}\nvpc.githedgehog.com/External:\n  health.lua: return {}\n",
	}
	got, notes := parseArgoSettings("argocd/argocd-cm", data)
	want := []IgnoreDifference{
		{Source: "Argo CD's argocd/argocd-cm: resource.customizations: wiring.githedgehog.com/Connection", Group: "wiring.githedgehog.com", Kind: "Connection", JSONPointers: []string{"/spec/unbundled"}},
		{Source: "Argo CD's argocd/argocd-cm: resource.customizations.ignoreDifferences.Service", Group: "", Kind: "Service", JSONPointers: []string{"/spec/clusterIP"}},
		{Source: "Argo CD's argocd/argocd-cm: resource.customizations.ignoreDifferences.all", Group: "*", Kind: "*", ManagedFieldsManagers: []string{"kube-controller-manager"}},
		{Source: "Argo CD's argocd/argocd-cm: resource.customizations.ignoreDifferences.vpc.githedgehog.com_VPC", Group: "vpc.githedgehog.com", Kind: "VPC",
			JSONPointers: []string{"/spec/subnets/default/vlan"}, JQPathExpressions: []string{".metadata.labels"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("entries (-want +got):\n%s", d)
	}
	if len(notes) != 1 || !strings.HasPrefix(notes[0], "Argo CD's argocd/argocd-cm: resource.customizations.ignoreDifferences.wiring.githedgehog.com_Switch: ") ||
		!strings.HasSuffix(notes[0], "; not followed") {
		t.Errorf("notes %q", notes)
	}
	// As rules: the managed kinds each entry selects (Service is none).
	rules, notes := IgnoreRules("argocd/lab", got)
	kinds := map[string]int{}
	for _, r := range rules {
		kinds[r.Kind]++
	}
	if len(notes) != 0 || kinds["Connection"] != 2 || kinds["VPC"] != 3 || kinds["Switch"] != 1 || kinds["Service"] != 0 {
		t.Errorf("rules per kind %v, notes %q", kinds, notes)
	}
	if _, notes := parseArgoSettings("argocd/argocd-cm", map[string]string{"resource.customizations": "- a list"}); len(notes) != 1 {
		t.Errorf("a resource.customizations that is no map: notes %q", notes)
	}
}

// A status from a watch event of the Application lacks argocd-cm's rules;
// WithSystemIgnores carries them over from the status Read made, once.
func TestWithSystemIgnores(t *testing.T) {
	sys := []fabric.IgnoreRule{{Kind: "VPC", Paths: []string{"/spec/a"}}}
	own := []fabric.IgnoreRule{{Kind: "VPC", Paths: []string{"/spec/b"}}}
	prev := &Status{Ignores: append(own[:1:1], sys...), SystemIgnores: sys}
	ev := &Status{Ignores: []fabric.IgnoreRule{{Kind: "Switch", Paths: []string{"/spec/c"}}}}
	got := ev.WithSystemIgnores(prev)
	if len(got.Ignores) != 2 || got.Ignores[0].Kind != "Switch" || got.Ignores[1].Paths[0] != "/spec/a" || len(got.SystemIgnores) != 1 {
		t.Errorf("carried over: %+v", got)
	}
	if len(ev.Ignores) != 1 || ev.SystemIgnores != nil {
		t.Errorf("the event's status was changed: %+v", ev)
	}
	if again := got.WithSystemIgnores(prev); len(again.Ignores) != 2 {
		t.Errorf("added twice: %+v", again.Ignores)
	}
	if none := ev.WithSystemIgnores(&Status{}); none != ev {
		t.Errorf("without system rules, the status should be kept as is")
	}
}
