package hedgehog

func init() {
	register("ExternalAttachment", KindRules{
		Webhook:        true,
		Default:        externalAttachmentDefault,
		Validate:       externalAttachmentValidate,
		ValidateFabric: externalAttachmentValidateFabric,
	})
}

// externalAttachmentDefault is ExternalAttachment.Default(): the connection
// and external labels (even when empty), and the marshalling side effect
// of spec.switch and spec.neighbor (structs without omitempty) stored as {}.
func externalAttachmentDefault(obj map[string]interface{}) {
	spec := ensureMap(obj, "spec")
	labels, keep := vpcBeginLabels(obj)
	labels[vpcLabelConnection] = str(spec, "connection")
	labels[vpcLabelExternal] = str(spec, "external")
	vpcEndLabels(obj, keep)
	ensureMap(spec, "switch")
	ensureMap(spec, "neighbor")
	if st, ok := spec["static"].(map[string]interface{}); ok {
		if _, ok := st["remoteIP"]; !ok {
			st["remoteIP"] = ""
		}
	}
}
