package hedgehog

import (
	"net/netip"
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func init() {
	register("IPv4Namespace", KindRules{
		Webhook:        true,
		Default:        ipv4NamespaceDefault,
		Validate:       ipv4NamespaceValidate,
		ValidateFabric: ipv4NamespaceValidateFabric,
		ValidateDelete: ipv4NamespaceValidateDelete,
	})
}

// ipv4NamespaceDefault is IPv4Namespace.Default(): label cleanup, subnets
// sorted as strings (not numerically, not masked).
func ipv4NamespaceDefault(obj map[string]interface{}) {
	spec := ensureMap(obj, "spec")
	_, keep := vpcBeginLabels(obj)
	vpcEndLabels(obj, keep)
	vpcSortStrings(list(spec, "subnets"))
}

// ipv4NamespaceValidate checks the name length, the subnets (valid, at
// most 10, no overlaps) and, with the fabric config, the reserved subnets.
func ipv4NamespaceValidate(obj *unstructured.Unstructured, cfg *Config, r *Reporter) {
	if name := obj.GetName(); len(name) > 11 {
		r.Add(ScopeLocal, "name-length", "metadata.name", "name "+quote(name)+" has "+strconv.Itoa(len(name))+" characters; an IPv4Namespace name may have at most 11",
			"rename the IPv4Namespace to at most 11 characters")
	}
	vpcCheckLabelValue(r, "metadata.name", obj.GetName(), "IPv4Namespace name")
	spec := mapAt(obj.Object, "spec")
	subnets := list(spec, "subnets")
	if len(subnets) > 10 {
		r.Add(ScopeLocal, "subnets-count", "spec.subnets", "the namespace has "+strconv.Itoa(len(subnets))+" subnets; at most 10 are allowed", "merge or drop subnets")
	}
	if v, present := spec["subnets"]; present && v != nil && len(subnets) == 0 {
		r.Add(ScopeLocal, "subnets-count", "spec.subnets", "the subnets list is empty; the schema needs at least 1", "list at least one subnet")
	}
	reserved := cfg.reserved()
	var parsed []netip.Prefix
	var fields []string
	for i, v := range subnets {
		s, _ := v.(string)
		f := "spec.subnets" + vpcIdx(i)
		p, ok := parsePrefix(s)
		if !ok {
			r.Add(ScopeLocal, "subnet-invalid", f, "subnet "+quote(s)+" is not a CIDR prefix", "write the subnet as address/length, e.g. 10.0.0.0/16")
			continue
		}
		for j, q := range parsed {
			if q.Overlaps(p) {
				r.Add(ScopeLocal, "subnet-overlap", f, "subnet "+s+" overlaps "+fields[j]+" ("+q.String()+")", "use non-overlapping subnets")
			}
		}
		for _, res := range reserved {
			if res.Overlaps(p) {
				r.Add(ScopeConfig, "subnet-reserved", f, "subnet "+s+" overlaps the reserved subnet "+res.String()+" of the fabric config", "pick a prefix outside the fabric's reservedSubnets")
			}
		}
		parsed = append(parsed, p)
		fields = append(fields, f)
	}
}

// ipv4NamespaceValidateFabric is the update rule: the VPCs of the
// namespace (by label) must still fit inside its subnets.
func ipv4NamespaceValidateFabric(obj *unstructured.Unstructured, idx *Index, _ *Config, r *Reporter) {
	var nsPrefixes []netip.Prefix
	for _, s := range stringList(mapAt(obj.Object, "spec"), "subnets") {
		if p, ok := parsePrefix(s); ok {
			nsPrefixes = append(nsPrefixes, p.Masked())
		}
	}
	for _, vpc := range idx.WithLabel("VPC", vpcLabelIPv4NS, obj.GetName()) {
		subnets := mapAt(vpc.Object, "spec", "subnets")
		for _, sn := range vpcSortedKeys(subnets) {
			sub, _ := subnets[sn].(map[string]interface{})
			if p, ok := parsePrefix(str(sub, "subnet")); ok && !vpcInAny(p.Masked(), nsPrefixes) {
				r.Add(ScopeFabric, "vpc-subnet-outside", "spec.subnets", "subnet "+sn+" ("+p.String()+") of VPC "+vpc.GetName()+" is not inside any of the namespace's subnets",
					"keep a subnet that contains the VPC's subnets, or move the VPC")
			}
		}
	}
}

// ipv4NamespaceValidateDelete refuses deleting a namespace VPCs or
// Externals still use.
func ipv4NamespaceValidateDelete(obj *unstructured.Unstructured, idx *Index, r *Reporter) {
	name := obj.GetName()
	vpcInUse(r, "IPv4Namespace", name, "VPC", idx.WithLabel("VPC", vpcLabelIPv4NS, name))
	vpcInUse(r, "IPv4Namespace", name, "External", idx.WithLabel("External", vpcLabelIPv4NS, name))
}
