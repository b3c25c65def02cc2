package hedgehog

import (
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Report is the outcome of validating a set of objects.
type Report struct {
	// Violations, sorted by kind, namespace, name, rule and field.
	Violations []Violation `json:"violations"`
	// Notes say which [config] rules were skipped because the fabric
	// config does not give the values they need, once per missing value.
	Notes []string `json:"notes,omitempty"`
}

// ValidateObjects validates objs as the controller would on creating them
// all: each object is defaulted first (on a copy; webhook kinds only), then
// checked against its kind's [local] and [config] rules and, against the
// other objects given, its [fabric] rules. objs are not modified.
func ValidateObjects(objs []*unstructured.Unstructured, cfg *Config) *Report {
	if cfg == nil {
		cfg = &Config{}
	}
	defaulted := make([]*unstructured.Unstructured, len(objs))
	for i, o := range objs {
		c := o.DeepCopy()
		Default(c)
		defaulted[i] = c
	}
	idx := NewIndex(defaulted)
	rep := &Report{}
	for _, o := range defaulted {
		rep.Violations = append(rep.Violations, ValidateOne(o, idx, cfg)...)
	}
	rep.Notes = cfg.skippedNotes()
	SortViolations(rep.Violations)
	return rep
}

// ValidateOne checks one already defaulted object: the common metadata
// rules, its kind's [local]/[config] rules, and, when idx is not nil, its
// [fabric] rules.
func ValidateOne(obj *unstructured.Unstructured, idx *Index, cfg *Config) []Violation {
	if cfg == nil {
		cfg = &Config{}
	}
	r := &Reporter{obj: obj}
	validateMeta(obj, r)
	if k := registry[obj.GetKind()]; k != nil {
		if k.Validate != nil {
			k.Validate(obj, cfg, r)
		}
		if idx != nil && k.ValidateFabric != nil {
			k.ValidateFabric(obj, idx, cfg, r)
		}
	}
	return r.out
}

// ValidateDelete checks the delete guards of obj against the remaining
// objects (defaulted, indexed in idx).
func ValidateDelete(obj *unstructured.Unstructured, idx *Index) []Violation {
	r := &Reporter{obj: obj}
	if k := registry[obj.GetKind()]; k != nil && k.ValidateDelete != nil {
		k.ValidateDelete(obj, idx, r)
	}
	return r.out
}

// SortViolations sorts by kind, namespace, name, rule, then field.
func SortViolations(vs []Violation) {
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Field < b.Field
	})
}

// skippedNotes names the [config] values that are not given.
func (c *Config) skippedNotes() []string {
	var out []string
	add := func(missing bool, what string) {
		if missing {
			out = append(out, "config rules needing "+what+" skipped: not set in the fabric config (hedgehog.config)")
		}
	}
	add(c.ReservedSubnets == nil, "reservedSubnets")
	add(c.VPCPeeringDisabled == nil, "vpcPeeringDisabled")
	add(c.FabricMTU == nil || c.ServerFacingMTUOffset == nil, "fabricMTU and serverFacingMTUOffset")
	add(c.FabricSubnet == nil, "fabricSubnet")
	add(c.VPCIRBVLANRange == nil, "vpcIRBVLANRange")
	add(c.TH5WorkaroundVLANRange == nil, "th5WorkaroundVLANRange")
	add(c.ManagementSubnet == nil || c.ProtocolSubnet == nil || c.VTEPSubnet == nil, "managementSubnet, protocolSubnet and vtepSubnet")
	add(c.SpineASN == nil || c.LeafASNStart == nil || c.LeafASNEnd == nil, "spineASN, leafASNStart and leafASNEnd")
	return out
}
