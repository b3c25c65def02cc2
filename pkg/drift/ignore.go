package drift

import (
	"fmt"
	"path"
	"strings"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// Rule excludes a subtree of matching objects from drift comparison.
type Rule struct {
	// Kind is a registry Kind such as "VPC"; "" matches every kind.
	Kind string
	// Name is a path.Match glob over object names; "" matches every name.
	Name string
	// Namespace is an object's namespace; "" matches every namespace.
	Namespace string
	// Pointer is a JSON pointer (RFC 6901). A "*" inside a reference token
	// matches any run of characters, so a "*" token matches any map key or
	// list index. The pointed-to field and everything below it is ignored.
	Pointer string
}

// ManagerRule leaves out of the comparison of the objects it selects the
// fields that the named field managers own in the cluster's copy (its
// metadata.managedFields, any operation): what they set wins over Git, as
// Argo CD's managedFieldsManagers has it. Fields are followed by map key;
// a list a manager owns whole is left out whole, one it owns item by item
// is compared.
type ManagerRule struct {
	// Kind, Name and Namespace select objects as a Rule's do.
	Kind, Name, Namespace string
	Managers              []string
}

// String renders the rule in the command-line form ParseIgnore reads.
func (r Rule) String() string {
	k := r.Kind
	if k == "" {
		k = "*"
	}
	if r.Name != "" {
		k += "/" + r.Name
	}
	return k + ":" + r.Pointer
}

// ParseIgnore reads a command-line ignore rule: "KIND:/json/pointer",
// "KIND/NAME-GLOB:/json/pointer", or "*:/json/pointer" for every kind. KIND
// may be any name kinds.Lookup accepts.
func ParseIgnore(s string) (Rule, error) {
	sel, ptr, ok := strings.Cut(s, ":")
	if !ok {
		return Rule{}, fmt.Errorf("ignore rule %q: expected KIND[/NAME]:/json/pointer", s)
	}
	kind, name, _ := strings.Cut(sel, "/")
	r, err := newRule(kind, name, ptr)
	if err != nil {
		return Rule{}, fmt.Errorf("ignore rule %q: %w", s, err)
	}
	return r, nil
}

// RulesFromConfig turns the ignore rules of a fabric's configuration into
// drift rules, one per path.
func RulesFromConfig(cfg []fabric.IgnoreRule) ([]Rule, error) {
	var out []Rule
	for i, c := range cfg {
		if len(c.Paths) == 0 && len(c.Managers) == 0 && len(c.JQPathExpressions) == 0 {
			return nil, fmt.Errorf("ignore rule %d: no paths, managers or jqPathExpressions", i+1)
		}
		if len(c.Paths) == 0 {
			// Managers or jq alone: the kind and name must still be good.
			if _, err := newRule(c.Kind, c.Name, "/metadata"); err != nil {
				return nil, fmt.Errorf("ignore rule %d: %w", i+1, err)
			}
		}
		for _, p := range c.Paths {
			r, err := newRule(c.Kind, c.Name, p)
			if err != nil {
				return nil, fmt.Errorf("ignore rule %d: %w", i+1, err)
			}
			r.Namespace = c.Namespace
			out = append(out, r)
		}
	}
	return out, nil
}

// ManagerRulesFromConfig returns the rules by field owner of a fabric's
// configuration (the ignore rules with managers); RulesFromConfig checks
// their kinds and names.
func ManagerRulesFromConfig(cfg []fabric.IgnoreRule) []ManagerRule {
	var out []ManagerRule
	for _, c := range cfg {
		if len(c.Managers) == 0 {
			continue
		}
		sel := selector(c.Kind, c.Name, c.Namespace)
		out = append(out, ManagerRule{Kind: sel.kind, Name: c.Name, Namespace: c.Namespace, Managers: c.Managers})
	}
	return out
}

func newRule(kind, name, ptr string) (Rule, error) {
	var r Rule
	kind = strings.TrimSpace(kind)
	if kind != "" && kind != "*" {
		k, ok := kinds.Lookup(kind)
		if !ok {
			return Rule{}, &kinds.UnknownKindError{Name: kind}
		}
		r.Kind = k.Kind
	}
	if name != "" && name != "*" {
		if _, err := path.Match(name, ""); err != nil {
			return Rule{}, fmt.Errorf("bad name glob %q: %w", name, err)
		}
		r.Name = name
	}
	if ptr == "" {
		return Rule{}, fmt.Errorf("empty JSON pointer")
	}
	if _, err := ParsePointer(ptr); err != nil {
		return Rule{}, err
	}
	r.Pointer = ptr
	return r, nil
}

// BuiltinRules returns the built-in Hedgehog profile: fields that the fabric
// controller owns and that Git cannot be expected to match.
func BuiltinRules() []Rule {
	return []Rule{
		// Labels the fabric controller puts on objects to index them, such as
		// fabric.githedgehog.com/vpc1, /vpc2, /vpc, /connection,
		// /connection-type, /switch, /server, /external, /ipv4ns and /vlanns.
		{Pointer: "/metadata/labels/fabric.githedgehog.com~1*"},
		// Annotations in the fabric controller's own prefix.
		{Pointer: "/metadata/annotations/fabric.githedgehog.com~1*"},
		// The marks a GitOps tool puts on what it applies, which Git never
		// holds: Flux's kustomize-controller labels each object with its
		// Kustomization (and owns the labels in managedFields, so without
		// these rules they would look removed from Git); Argo CD's
		// annotation tracking.
		{Pointer: "/metadata/labels/kustomize.toolkit.fluxcd.io~1name"},
		{Pointer: "/metadata/labels/kustomize.toolkit.fluxcd.io~1namespace"},
		{Pointer: "/metadata/annotations/argocd.argoproj.io~1tracking-id"},
	}
}

// compiledRule is a Rule ready for matching.
type compiledRule struct {
	kind, name, namespace string
	segs                  []string
}

func compileRules(opts Options) []compiledRule {
	rules := opts.Ignores
	if opts.BuiltinIgnores {
		rules = append(BuiltinRules(), rules...)
	}
	out := make([]compiledRule, 0, len(rules))
	for _, r := range rules {
		segs, err := ParsePointer(r.Pointer)
		if err != nil || len(segs) == 0 {
			continue // ignoring the whole object is not a field rule
		}
		c := selector(r.Kind, r.Name, r.Namespace)
		c.segs = segs
		out = append(out, c)
	}
	return out
}

// selector is a rule's choice of objects: its kind (any accepted name, as
// the registry spells it), name glob and namespace.
func selector(kind, name, namespace string) compiledRule {
	kind = strings.TrimSpace(kind)
	if k, ok := kinds.Lookup(kind); ok {
		kind = k.Kind
	}
	return compiledRule{kind: kind, name: name, namespace: namespace}
}

// appliesTo reports whether the rule selects objects of this kind,
// namespace and name.
func (c *compiledRule) appliesTo(kind, namespace, name string) bool {
	if c.kind != "" && c.kind != "*" && c.kind != kind {
		return false
	}
	if c.namespace != "" && c.namespace != namespace {
		return false
	}
	if c.name == "" {
		return true
	}
	ok, err := path.Match(c.name, name)
	return ok && err == nil
}

// matches reports whether the rule's pointer equals the path, with globs.
func (c *compiledRule) matches(p []string) bool {
	if len(c.segs) != len(p) {
		return false
	}
	for i := len(p) - 1; i >= 0; i-- {
		if !globMatch(c.segs[i], p[i]) {
			return false
		}
	}
	return true
}

// globMatch matches s against a pattern in which "*" stands for any run of
// characters (including "/") and every other character for itself.
func globMatch(pat, s string) bool {
	if pat == "*" {
		return true
	}
	if !strings.Contains(pat, "*") {
		return pat == s
	}
	px, sx := 0, 0
	starP, starS := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pat) && pat[px] == '*':
			starP, starS = px, sx
			px++
		case px < len(pat) && pat[px] == s[sx]:
			px++
			sx++
		case starP >= 0:
			starS++
			px, sx = starP+1, starS
		default:
			return false
		}
	}
	for px < len(pat) && pat[px] == '*' {
		px++
	}
	return px == len(pat)
}
