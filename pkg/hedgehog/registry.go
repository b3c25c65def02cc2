package hedgehog

import (
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Scope says what a validation rule needs to be checked.
type Scope string

// Scopes of validation rules.
const (
	// ScopeLocal rules need only the object.
	ScopeLocal Scope = "local"
	// ScopeFabric rules read other objects of the fabric.
	ScopeFabric Scope = "fabric"
	// ScopeConfig rules need the fabric's global configuration.
	ScopeConfig Scope = "config"
)

// Violation is one broken rule on one object.
type Violation struct {
	// Kind, Namespace and Name identify the object.
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Rule is a stable identifier, "<kind>.<rule>" in lower case
	// (e.g. "vpc.name-length"), usable in docs and ignore lists.
	Rule  string `json:"rule"`
	Scope Scope  `json:"scope"`
	// Field is the dotted path of the offending field ("spec.subnets.default.gateway"),
	// "" for the object as a whole.
	Field string `json:"field,omitempty"`
	// Message says what is wrong; Fix says how to put it right.
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
	// Warning marks rules the controller accepts with a warning (e.g. a
	// deprecated MCLAG connection): reported, never a failure.
	Warning bool `json:"warning,omitempty"`
}

// Reporter collects the violations of one object.
type Reporter struct {
	obj *unstructured.Unstructured
	out []Violation
}

// Add records a violation of rule (without the kind prefix, e.g.
// "name-length") on field.
func (r *Reporter) Add(scope Scope, rule, field, message, fix string) {
	r.out = append(r.out, r.violation(scope, rule, field, message, fix))
}

// Warn records a rule the controller accepts with a warning.
func (r *Reporter) Warn(scope Scope, rule, field, message, fix string) {
	v := r.violation(scope, rule, field, message, fix)
	v.Warning = true
	r.out = append(r.out, v)
}

func (r *Reporter) violation(scope Scope, rule, field, message, fix string) Violation {
	ns := r.obj.GetNamespace()
	if ns == "" {
		ns = "default"
	}
	return Violation{
		Kind: r.obj.GetKind(), Namespace: ns, Name: r.obj.GetName(),
		Rule: lowerKind(r.obj.GetKind()) + "." + rule, Scope: scope, Field: field,
		Message: message, Fix: fix,
	}
}

// KindRules are one kind's webhook behaviour.
type KindRules struct {
	// Webhook is false for kinds the controller registers no webhook for
	// (SwitchGroup): the cluster neither defaults nor validates them beyond
	// the CRD schema, so Default leaves them alone; Validate still checks
	// the rules other tools (hhfab) apply offline.
	Webhook bool
	// Default mutates the object (its Object map) as the mutating webhook
	// would, including the side effects of the webhook re-marshalling the
	// typed object (e.g. empty structs stored as {}).
	Default func(obj map[string]interface{})
	// Validate checks the [local] rules, and the [config] ones when cfg
	// holds the values they need (cfg is never nil).
	Validate func(obj *unstructured.Unstructured, cfg *Config, r *Reporter)
	// ValidateFabric checks the [fabric] rules of a create/update against
	// the fabric's other objects.
	ValidateFabric func(obj *unstructured.Unstructured, idx *Index, cfg *Config, r *Reporter)
	// ValidateDelete checks the delete guards: which objects still refer
	// to obj.
	ValidateDelete func(obj *unstructured.Unstructured, idx *Index, r *Reporter)
}

var registry = map[string]*KindRules{}

// register adds a kind's rules; called from each kind file's init.
func register(kind string, rules KindRules) {
	if _, dup := registry[kind]; dup {
		panic("hedgehog: kind registered twice: " + kind)
	}
	registry[kind] = &rules
}

// Rules returns the rules of a kind, nil when the package knows none.
func Rules(kind string) *KindRules { return registry[kind] }

// Kinds returns the kinds with registered rules, sorted.
func Kinds() []string {
	out := make([]string, 0, len(registry))
	for k := range registry {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// HasWebhook says whether the controller's mutating and validating
// webhooks process the kind.
func HasWebhook(kind string) bool {
	r := registry[kind]
	return r != nil && r.Webhook
}

// Default applies the kind's webhook defaulting to obj in place, first the
// common steps (namespace "default" when empty), then the kind's own. Kinds
// without a webhook are left alone. It reports whether it ran.
func Default(obj *unstructured.Unstructured) bool {
	r := registry[obj.GetKind()]
	if r == nil || !r.Webhook || r.Default == nil {
		return false
	}
	if obj.GetNamespace() == "" {
		obj.SetNamespace("default")
	}
	r.Default(obj.Object)
	return true
}

func lowerKind(kind string) string {
	b := []byte(kind)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
