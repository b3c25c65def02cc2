package hedgehog

func init() {
	register("IPv4Namespace", KindRules{
		Webhook: true,
		Default: ipv4NamespaceDefault,
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
