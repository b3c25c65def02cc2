package hedgehog

import "strings"

func init() {
	register("VPCAttachment", KindRules{
		Webhook:        true,
		Default:        vpcAttachmentDefault,
		Validate:       vpcAttachmentValidate,
		ValidateFabric: vpcAttachmentValidateFabric,
	})
}

// vpcAttachmentDefault is VPCAttachment.Default(): `vpc` becomes
// `vpc/default`, then the labels naming the VPC, subnet and connection.
// An attachment whose subnet has an empty VPC part is left alone.
func vpcAttachmentDefault(obj map[string]interface{}) {
	spec := ensureMap(obj, "spec")
	subnet := str(spec, "subnet")
	vpc, sub, hasSlash := strings.Cut(subnet, "/")
	if vpc == "" {
		return
	}
	if !hasSlash {
		spec["subnet"] = subnet + "/default"
	}
	if sub == "" {
		sub = "default"
	}
	labels, keep := vpcBeginLabels(obj)
	labels[vpcLabelVPC] = vpc
	labels[vpcLabelSubnet] = sub
	labels[vpcLabelConnection] = str(spec, "connection")
	if boolean(spec, "nativeVLAN") {
		labels[vpcLabelNativeVLAN] = "true"
	}
	vpcEndLabels(obj, keep)
}
