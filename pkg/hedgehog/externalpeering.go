package hedgehog

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

func init() {
	register("ExternalPeering", KindRules{
		Webhook:        true,
		Default:        externalPeeringDefault,
		Validate:       externalPeeringValidate,
		ValidateFabric: externalPeeringValidateFabric,
	})
}

// externalPeeringDefault is ExternalPeering.Default(): the vpc and external
// labels, the VPC subnets sorted as strings, the external prefixes sorted
// by their prefix string; permit, permit.vpc and permit.external stored as
// {} when absent (structs without a pointer).
func externalPeeringDefault(obj map[string]interface{}) {
	spec := ensureMap(obj, "spec")
	permit := ensureMap(spec, "permit")
	vpc := ensureMap(permit, "vpc")
	ext := ensureMap(permit, "external")
	labels, keep := vpcBeginLabels(obj)
	labels[vpcLabelVPC] = str(vpc, "name")
	labels[vpcLabelExternal] = str(ext, "name")
	vpcEndLabels(obj, keep)
	vpcSortStrings(list(vpc, "subnets"))
	if prefixes := list(ext, "prefixes"); len(prefixes) > 1 {
		vpcSortStable(prefixes, func(a, b interface{}) bool {
			am, _ := a.(map[string]interface{})
			bm, _ := b.(map[string]interface{})
			return str(am, "prefix") < str(bm, "prefix")
		})
	}
}

// externalPeeringValidate checks the names are set and every external
// prefix is non-empty (prefixes are not parsed, as upstream).
func externalPeeringValidate(obj *unstructured.Unstructured, _ *Config, r *Reporter) {
	permit := mapAt(obj.Object, "spec", "permit")
	for _, side := range []string{"vpc", "external"} {
		if n := str(mapAt(permit, side), "name"); n == "" {
			r.Add(ScopeLocal, side+"-required", "spec.permit."+side+".name", "permit."+side+".name is empty", "set spec.permit."+side+".name")
		} else {
			vpcCheckLabelValue(r, "spec.permit."+side+".name", n, side+" name")
		}
	}
	for i, v := range list(mapAt(permit, "external"), "prefixes") {
		p, _ := v.(map[string]interface{})
		if str(p, "prefix") == "" {
			r.Add(ScopeLocal, "prefix-required", "spec.permit.external.prefixes"+vpcIdx(i)+".prefix", "external prefix is empty", "set the prefix, e.g. 0.0.0.0/0")
		}
	}
}

// externalPeeringValidateFabric checks the VPC and External exist, share
// the IPv4Namespace, and the listed VPC subnets exist.
func externalPeeringValidateFabric(obj *unstructured.Unstructured, idx *Index, _ *Config, r *Reporter) {
	permit := mapAt(obj.Object, "spec", "permit")
	vpcName, extName := str(mapAt(permit, "vpc"), "name"), str(mapAt(permit, "external"), "name")
	var vpc, ext *unstructured.Unstructured
	if vpcName != "" {
		if vpc = idx.Get("VPC", vpcName); vpc == nil {
			r.Add(ScopeFabric, "vpc-missing", "spec.permit.vpc.name", "VPC "+quote(vpcName)+" does not exist in the fabric", "create the VPC or name an existing one")
		}
	}
	if extName != "" {
		if ext = idx.Get("External", extName); ext == nil {
			r.Add(ScopeFabric, "external-missing", "spec.permit.external.name", "External "+quote(extName)+" does not exist in the fabric", "create the External or name an existing one")
		}
	}
	if vpc != nil && ext != nil {
		a, b := str(mapAt(vpc.Object, "spec"), "ipv4Namespace"), str(mapAt(ext.Object, "spec"), "ipv4Namespace")
		if a != b {
			r.Add(ScopeFabric, "namespace-mismatch", "spec.permit", "VPC "+vpcName+" is in IPv4Namespace "+quote(a)+" but External "+extName+" is in "+quote(b),
				"peer a VPC and an External of the same IPv4Namespace")
		}
	}
	if vpc == nil {
		return
	}
	subnets := mapAt(vpc.Object, "spec", "subnets")
	for i, s := range stringList(mapAt(permit, "vpc"), "subnets") {
		if _, ok := subnets[s]; !ok {
			r.Add(ScopeFabric, "subnet-missing", "spec.permit.vpc.subnets"+vpcIdx(i), "VPC "+vpcName+" has no subnet "+quote(s), "list subnets of the VPC only")
		}
	}
}
