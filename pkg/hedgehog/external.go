package hedgehog

import (
	"net/netip"
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func init() {
	register("External", KindRules{
		Webhook:        true,
		Default:        externalDefault,
		Validate:       externalValidate,
		ValidateFabric: externalValidateFabric,
		ValidateDelete: externalValidateDelete,
	})
}

// externalDefault is External.Default(): ipv4Namespace `default` when
// empty, then the ipv4ns label. Prefixes and communities are kept as written.
func externalDefault(obj map[string]interface{}) {
	spec := ensureMap(obj, "spec")
	if str(spec, "ipv4Namespace") == "" {
		spec["ipv4Namespace"] = "default"
	}
	labels, keep := vpcBeginLabels(obj)
	labels[vpcLabelIPv4NS] = str(spec, "ipv4Namespace")
	vpcEndLabels(obj, keep)
}

// externalValidate checks an External's [local] rules: name length,
// namespace, communities (BGP) or prefixes (static).
func externalValidate(obj *unstructured.Unstructured, _ *Config, r *Reporter) {
	if name := obj.GetName(); len(name) > 11 {
		r.Add(ScopeLocal, "name-length", "metadata.name", "name "+quote(name)+" has "+strconv.Itoa(len(name))+" characters; an External name may have at most 11",
			"rename the External to at most 11 characters")
	}
	spec := mapAt(obj.Object, "spec")
	if ns := str(spec, "ipv4Namespace"); ns == "" {
		r.Add(ScopeLocal, "ipv4namespace-required", "spec.ipv4Namespace", "ipv4Namespace is empty", "set spec.ipv4Namespace (the webhook sets \"default\")")
	} else {
		vpcCheckLabelValue(r, "spec.ipv4Namespace", ns, "ipv4Namespace")
	}
	static, isStatic := spec["static"].(map[string]interface{})
	for _, f := range []string{"inboundCommunity", "outboundCommunity"} {
		c := str(spec, f)
		switch {
		case c == "":
		case isStatic:
			r.Add(ScopeLocal, "static-community", "spec."+f, f+" "+quote(c)+" is set on a static External", "remove the communities from a static External")
		case !externalValidCommunity(c):
			r.Add(ScopeLocal, "community-invalid", "spec."+f, f+" "+quote(c)+" is not of the form A:B with A and B from 0 to 65535", "write the community as A:B, e.g. 65102:5000")
		}
	}
	if !isStatic {
		return
	}
	prefixes := list(static, "prefixes")
	if len(prefixes) == 0 {
		r.Add(ScopeLocal, "static-prefixes-required", "spec.static.prefixes", "a static External has no prefixes", "list at least one prefix reachable through the External")
	}
	var parsed []netip.Prefix
	var fields []string
	for i, v := range prefixes {
		s, _ := v.(string)
		f := "spec.static.prefixes" + vpcIdx(i)
		p, ok := parsePrefix(s)
		if !ok {
			r.Add(ScopeLocal, "static-prefix-invalid", f, "prefix "+quote(s)+" is not a CIDR prefix", "write the prefix as address/length")
			continue
		}
		for j, q := range parsed {
			if q.Overlaps(p) {
				r.Add(ScopeLocal, "static-prefix-overlap", f, "prefix "+s+" overlaps "+fields[j]+" ("+q.String()+")", "use non-overlapping prefixes")
			}
		}
		parsed = append(parsed, p)
		fields = append(fields, f)
	}
}

// externalValidCommunity says whether c is A:B with A and B decimal
// numbers 0..65535 without leading zeros.
func externalValidCommunity(c string) bool {
	for i := 0; i < len(c); i++ {
		if c[i] == ':' {
			return externalCommunityPart(c[:i]) && externalCommunityPart(c[i+1:])
		}
	}
	return false
}

func externalCommunityPart(s string) bool {
	if s == "" || len(s) > 5 || len(s) > 1 && s[0] == '0' {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n <= 65535
}

// externalValidateFabric: the IPv4Namespace must exist.
func externalValidateFabric(obj *unstructured.Unstructured, idx *Index, _ *Config, r *Reporter) {
	if ns := str(mapAt(obj.Object, "spec"), "ipv4Namespace"); ns != "" && idx.Get("IPv4Namespace", ns) == nil {
		r.Add(ScopeFabric, "ipv4namespace-missing", "spec.ipv4Namespace", "IPv4Namespace "+quote(ns)+" does not exist in the fabric", "create the IPv4Namespace or name an existing one")
	}
}

// externalValidateDelete refuses deleting an External that attachments or
// peerings still use.
func externalValidateDelete(obj *unstructured.Unstructured, idx *Index, r *Reporter) {
	name := obj.GetName()
	vpcInUse(r, "External", name, "ExternalAttachment", idx.WithLabel("ExternalAttachment", vpcLabelExternal, name))
	vpcInUse(r, "External", name, "ExternalPeering", idx.WithLabel("ExternalPeering", vpcLabelExternal, name))
}
