package drift

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func TestParseIgnore(t *testing.T) {
	tests := []struct {
		in      string
		want    Rule
		wantErr string
	}{
		{in: "vpc:/spec/subnets/*/dhcp", want: Rule{Kind: "VPC", Pointer: "/spec/subnets/*/dhcp"}},
		{in: "switches:/spec/ecmp", want: Rule{Kind: "Switch", Pointer: "/spec/ecmp"}},
		{in: "conn/leaf-*:/spec/mclag/links/*/switch", want: Rule{Kind: "Connection", Name: "leaf-*", Pointer: "/spec/mclag/links/*/switch"}},
		{in: "VPCAttachment.vpc.githedgehog.com:/spec", want: Rule{Kind: "VPCAttachment", Pointer: "/spec"}},
		{in: "*:/metadata/annotations/a~1b", want: Rule{Pointer: "/metadata/annotations/a~1b"}},
		{in: "*/vpc-?:/spec", want: Rule{Name: "vpc-?", Pointer: "/spec"}},
		{in: "vpc", wantErr: "expected KIND[/NAME]:/json/pointer"},
		{in: "vpc:spec", wantErr: "must start with"},
		{in: "vpc:", wantErr: "empty JSON pointer"},
		{in: "vpc:/a~2", wantErr: "bad escape"},
		{in: "router:/spec", wantErr: `unknown kind "router"`},
		{in: "vpc/[a:/spec", wantErr: "bad name glob"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseIgnore(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseIgnore(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ParseIgnore(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			back, err := ParseIgnore(got.String())
			if err != nil || back != got {
				t.Errorf("round trip through %q = %+v, %v", got.String(), back, err)
			}
		})
	}
}

func TestRulesFromConfig(t *testing.T) {
	got, err := RulesFromConfig([]fabric.IgnoreRule{
		{Kind: "sw", Paths: []string{"/spec/ecmp", "/spec/portBreakouts"}},
		{Name: "vpc-*", Namespace: "lab", Paths: []string{"/spec/subnets/*/vlan"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []Rule{
		{Kind: "Switch", Pointer: "/spec/ecmp"},
		{Kind: "Switch", Pointer: "/spec/portBreakouts"},
		{Name: "vpc-*", Namespace: "lab", Pointer: "/spec/subnets/*/vlan"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("RulesFromConfig (-want +got):\n%s", d)
	}
	for _, bad := range [][]fabric.IgnoreRule{
		{{Kind: "nope", Paths: []string{"/spec"}}},
		{{Kind: "vpc"}},
		{{Kind: "vpc", Paths: []string{"spec"}}},
	} {
		if _, err := RulesFromConfig(bad); err == nil {
			t.Errorf("RulesFromConfig(%+v) succeeded", bad)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"*", "", true},
		{"*", "anything/at all", true},
		{"fabric.githedgehog.com/*", "fabric.githedgehog.com/vpc1", true},
		{"fabric.githedgehog.com/*", "fabric.githedgehog.com/a/b", true},
		{"fabric.githedgehog.com/*", "fabric.githedgehog.com", false},
		{"fabric.githedgehog.com/*", "x.fabric.githedgehog.com/vpc", false},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{"a*", "a", true},
		{"exact", "exact", true},
		{"exact", "exactly", false},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pat, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pat, tt.s, got, tt.want)
		}
	}
}

func TestIgnoreRulesInCompare(t *testing.T) {
	desired := obj(t, `
kind: VPC
metadata: {name: vpc-1, labels: {fabric.githedgehog.com/vpc: old, team: a}}
spec:
  subnets:
    s1: {vlan: 1, dhcp: {enable: true}}
    s2: {vlan: 2, dhcp: {enable: true}}
  permit: [[s1, s2]]
  links: [{port: E1/1, speed: 10}, {port: E1/2, speed: 10}]
`)
	actual := obj(t, `
kind: VPC
metadata: {name: vpc-1, labels: {fabric.githedgehog.com/vpc: new, team: a}}
spec:
  subnets:
    s1: {vlan: 11, dhcp: {enable: false}}
    s2: {vlan: 12, dhcp: {enable: true}}
  permit: [[s1]]
  links: [{port: E1/1, speed: 25}, {port: E1/2, speed: 40}]
`)
	all := []string{"/metadata/labels/fabric.githedgehog.com~1vpc", "/spec/links/0/speed", "/spec/links/1/speed",
		"/spec/permit/0", "/spec/subnets/s1/dhcp/enable", "/spec/subnets/s1/vlan", "/spec/subnets/s2/vlan"}
	cli := func(s string) []Rule {
		r, err := ParseIgnore(s)
		if err != nil {
			t.Fatal(err)
		}
		return []Rule{r}
	}
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{name: "no rules", want: all},
		{name: "builtin profile", opts: Options{BuiltinIgnores: true}, want: all[1:]},
		{name: "map key wildcard", opts: Options{Ignores: cli("vpc:/spec/subnets/*/vlan")},
			want: []string{all[0], all[1], all[2], all[3], all[4]}},
		{name: "list index wildcard", opts: Options{Ignores: cli("*:/spec/links/*/speed")},
			want: []string{all[0], all[3], all[4], all[5], all[6]}},
		{name: "one list index", opts: Options{Ignores: cli("VPC:/spec/links/1")},
			want: []string{all[0], all[1], all[3], all[4], all[5], all[6]}},
		{name: "a subtree", opts: Options{Ignores: cli("vpc:/spec/subnets"), BuiltinIgnores: true},
			want: []string{all[1], all[2], all[3]}},
		{name: "name glob matches", opts: Options{Ignores: cli("vpc/vpc-*:/spec")}, want: all[:1]},
		{name: "name glob does not match", opts: Options{Ignores: cli("vpc/other-*:/spec")}, want: all},
		{name: "other kind", opts: Options{Ignores: cli("switch:/spec")}, want: all},
		{name: "from config", opts: Options{Ignores: mustRules(t, []fabric.IgnoreRule{
			{Kind: "vpc", Name: "vpc-1", Paths: []string{"/spec/permit", "/spec/links"}},
		})}, want: []string{all[0], all[4], all[5], all[6]}},
		{name: "its namespace", opts: Options{Ignores: mustRules(t, []fabric.IgnoreRule{
			{Kind: "vpc", Namespace: desired.Key.Namespace, Paths: []string{"/spec"}},
		})}, want: all[:1]},
		{name: "another namespace", opts: Options{Ignores: mustRules(t, []fabric.IgnoreRule{
			{Kind: "vpc", Namespace: "elsewhere", Paths: []string{"/spec"}},
		})}, want: all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantPaths(t, desired, actual, tt.opts, tt.want)
		})
	}
}

func mustRules(t *testing.T, cfg []fabric.IgnoreRule) []Rule {
	t.Helper()
	r, err := RulesFromConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestIgnoredFieldsLeaveNoEmptyShell(t *testing.T) {
	// With dhcp ignored, a subnet holding only dhcp is as good as absent.
	desired := obj(t, `{kind: VPC, metadata: {name: v}, spec: {subnets: {s1: {vlan: 1}, s2: {dhcp: {enable: true}}}}}`)
	actual := obj(t, `{kind: VPC, metadata: {name: v}, spec: {subnets: {s1: {vlan: 1}}}}`)
	opts := Options{Ignores: []Rule{{Pointer: "/spec/subnets/*/dhcp"}}}
	if r := compareOne(t, desired, actual, opts); r.Status != StatusInSync {
		t.Errorf("status = %s, diffs %+v", r.Status, r.Diffs)
	}
	if r := compareOne(t, desired, actual, Options{}); r.Status != StatusDrifted {
		t.Errorf("without the rule: status = %s", r.Status)
	}
}

func TestBuiltinRulesCoverControllerLabels(t *testing.T) {
	rules := compileRules(Options{BuiltinIgnores: true})
	for _, suffix := range []string{"vpc1", "vpc2", "connection-type", "switch", "server", "vpc", "external", "ipv4ns", "vlanns", "connection"} {
		for _, field := range []string{"labels", "annotations"} {
			p := []string{"metadata", field, "fabric.githedgehog.com/" + suffix}
			matched := false
			for i := range rules {
				matched = matched || rules[i].matches(p)
			}
			if !matched {
				t.Errorf("builtin rules do not cover %s", FormatPointer(p))
			}
		}
	}
	for i := range rules {
		if rules[i].matches([]string{"metadata", "labels", "team"}) {
			t.Errorf("builtin rule %v covers an ordinary label", BuiltinRules()[i])
		}
	}
}

// A rule by field owner leaves out the fields the named managers own in the
// cluster's copy: a field, or a list they own whole; what they do not own
// is compared. The rule selects objects by kind, name and namespace.
func TestManagerRules(t *testing.T) {
	desired := obj(t, `
kind: VPC
metadata: {name: vpc-1, namespace: lab}
spec:
  subnets:
    s1: {vlan: 1, dhcp: {enable: true}}
  permit: [[s1, s2]]
`)
	actual := obj(t, `
kind: VPC
metadata:
  name: vpc-1
  namespace: lab
  managedFields:
  - manager: hedgehog-controller
    operation: Update
    fieldsV1: {f:spec: {f:subnets: {f:s1: {f:vlan: {}}}, f:permit: {}}}
  - manager: kubectl-edit
    operation: Update
    fieldsV1: {f:spec: {f:subnets: {f:s1: {f:dhcp: {f:enable: {}}}}}}
spec:
  subnets:
    s1: {vlan: 11, dhcp: {enable: false}}
  permit: [[s1]]
`)
	all := []string{"/spec/permit/0", "/spec/subnets/s1/dhcp/enable", "/spec/subnets/s1/vlan"}
	tests := []struct {
		name  string
		rules []ManagerRule
		want  []string
	}{
		{name: "none", want: all},
		{name: "the controller's fields", rules: []ManagerRule{{Kind: "vpc", Managers: []string{"hedgehog-controller"}}}, want: all[1:2]},
		{name: "its namespace and name", rules: []ManagerRule{{Kind: "VPC", Namespace: "lab", Name: "vpc-*", Managers: []string{"hedgehog-controller"}}}, want: all[1:2]},
		{name: "another namespace", rules: []ManagerRule{{Namespace: "other", Managers: []string{"hedgehog-controller"}}}, want: all},
		{name: "another kind", rules: []ManagerRule{{Kind: "Switch", Managers: []string{"hedgehog-controller"}}}, want: all},
		{name: "a manager with no fields here", rules: []ManagerRule{{Managers: []string{"flux"}}}, want: all},
		{name: "two managers", rules: []ManagerRule{{Managers: []string{"hedgehog-controller", "kubectl-edit"}}}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantPaths(t, desired, actual, Options{Managers: tt.rules}, tt.want)
		})
	}
	// From the config: managers alone are a rule; its kind must be known.
	cfg := []fabric.IgnoreRule{{Kind: "vpc", Namespace: "lab", Managers: []string{"hedgehog-controller"}}}
	if _, err := RulesFromConfig(cfg); err != nil {
		t.Errorf("a rule of managers alone: %v", err)
	}
	if got := ManagerRulesFromConfig(cfg); len(got) != 1 || got[0].Kind != "VPC" || got[0].Namespace != "lab" || got[0].Managers[0] != "hedgehog-controller" {
		t.Errorf("ManagerRulesFromConfig = %+v", got)
	}
	if _, err := RulesFromConfig([]fabric.IgnoreRule{{Kind: "nope", Managers: []string{"x"}}}); err == nil {
		t.Error("an unknown kind with managers alone was accepted")
	}
}

// A rule by jq path expression deletes what the expression selects from
// each side before the comparison, evaluated on each side, as Argo CD's
// jqPathExpressions: a list item selected by a field is dropped wherever
// it sits, so the items after it compare with their counterparts. The
// views show the same.
func TestJQRules(t *testing.T) {
	desired := obj(t, `
kind: VPC
metadata: {name: vpc-1, namespace: lab}
spec:
  subnets:
    s1: {vlan: 1, dhcp: {enable: true}}
  links: [{port: E1/1, speed: 10}, {port: E1/3, speed: 10}]
`)
	actual := obj(t, `
kind: VPC
metadata: {name: vpc-1, namespace: lab}
spec:
  subnets:
    s1: {vlan: 11, dhcp: {enable: true}}
  links: [{port: E1/1, speed: 10}, {port: E1/2, speed: 25}, {port: E1/3, speed: 40}]
`)
	tests := []struct {
		name string
		rule JQRule
		want []string
	}{
		{name: "none", want: []string{"/spec/links", "/spec/subnets/s1/vlan"}},
		{name: "a list item by field", rule: JQRule{Kind: "vpc", Expressions: []string{`.spec.links[] | select(.port == "E1/2")`}},
			want: []string{"/spec/links/1/speed", "/spec/subnets/s1/vlan"}},
		{name: "several", rule: JQRule{Namespace: "lab", Expressions: []string{`.spec.links[] | select(.port == "E1/2")`, `.spec.links[].speed`, `.spec.subnets[].vlan`}},
			want: nil},
		{name: "another namespace", rule: JQRule{Namespace: "other", Expressions: []string{`.spec`}},
			want: []string{"/spec/links", "/spec/subnets/s1/vlan"}},
		{name: "an expression failing on the object leaves it", rule: JQRule{Expressions: []string{`.spec.subnets[0]`}},
			want: []string{"/spec/links", "/spec/subnets/s1/vlan"}},
	}
	before := deepCopy(desired.Obj.Object)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{}
			if tt.rule.Expressions != nil {
				opts.JQ = []JQRule{tt.rule}
			}
			wantPaths(t, desired, actual, opts, tt.want)
			git, cluster := Views(desired, actual, opts)
			if (len(tt.want) == 0) != cmp.Equal(git, cluster) {
				t.Errorf("views equal %v with %d diffs:\n%v\n%v", cmp.Equal(git, cluster), len(tt.want), git, cluster)
			}
		})
	}
	if d := cmp.Diff(before, interface{}(desired.Obj.Object)); d != "" {
		t.Errorf("the rules changed the object's own content:\n%s", d)
	}
	// From the config; an expression that does not parse is an error.
	cfg := []fabric.IgnoreRule{{Kind: "vpc", JQPathExpressions: []string{".spec.links"}}}
	if got, err := JQRulesFromConfig(cfg); err != nil || len(got) != 1 || got[0].Kind != "VPC" {
		t.Errorf("JQRulesFromConfig = %+v, %v", got, err)
	}
	if _, err := RulesFromConfig(cfg); err != nil {
		t.Errorf("a rule of jq alone: %v", err)
	}
	if _, err := JQRulesFromConfig([]fabric.IgnoreRule{{JQPathExpressions: []string{".spec[("}}}); err == nil || !strings.Contains(err.Error(), `jq path expression ".spec[("`) {
		t.Errorf("a bad expression: %v", err)
	}
}

// wantPaths compares desired with actual under opts and checks the paths
// of the differences.
func wantPaths(t *testing.T, desired, actual *resource.Object, opts Options, want []string) {
	t.Helper()
	if d := cmp.Diff(want, pathsOf(compareOne(t, desired, actual, opts))); d != "" {
		t.Errorf("paths (-want +got):\n%s", d)
	}
}

// pathsOf returns the paths of a result's differences, in order.
func pathsOf(r ResourceResult) []string {
	var out []string
	for _, d := range r.Diffs {
		out = append(out, d.Path)
	}
	return out
}
