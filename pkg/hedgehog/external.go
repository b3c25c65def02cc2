package hedgehog

func init() {
	register("External", KindRules{
		Webhook: true,
		Default: externalDefault,
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
