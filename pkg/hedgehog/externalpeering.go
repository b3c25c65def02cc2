package hedgehog

func init() {
	register("ExternalPeering", KindRules{
		Webhook: true,
		Default: externalPeeringDefault,
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
