package hedgehog

import (
	"slices"
	"sort"
)

func init() {
	register("VPCPeering", KindRules{
		Webhook:        true,
		Default:        vpcPeeringDefault,
		Validate:       vpcPeeringValidate,
		ValidateFabric: vpcPeeringValidateFabric,
	})
}

// vpcPeeringDefault is VPCPeering.Default(): label cleanup, then the VPC
// labels when every permit entry names exactly 2 VPCs and there are exactly
// 2 VPCs in all. The spec is not changed, but for a `vpc: null` peer, which
// the webhook's marshalling stores as {}.
func vpcPeeringDefault(obj map[string]interface{}) {
	spec := ensureMap(obj, "spec")
	labels, keep := vpcBeginLabels(obj)
	for _, e := range list(spec, "permit") {
		entry, _ := e.(map[string]interface{})
		for k, v := range entry {
			if v == nil {
				entry[k] = map[string]interface{}{}
			}
		}
	}
	if vpc1, vpc2, ok := vpcPeeringVPCs(spec); ok {
		labels[vpcListLabelVPC+vpc1] = "true"
		labels[vpcListLabelVPC+vpc2] = "true"
		labels[vpcLabelVPC1] = vpc1
		labels[vpcLabelVPC2] = vpc2
	}
	vpcEndLabels(obj, keep)
}

// vpcPeeringVPCs returns the peering's two VPCs sorted, when each permit
// entry names exactly 2 VPCs and there are exactly 2 distinct ones.
func vpcPeeringVPCs(spec map[string]interface{}) (string, string, bool) {
	var vpcs []string
	for _, e := range list(spec, "permit") {
		entry, _ := e.(map[string]interface{})
		if len(entry) != 2 {
			return "", "", false
		}
		for name := range entry {
			if !slices.Contains(vpcs, name) {
				vpcs = append(vpcs, name)
			}
		}
		if len(vpcs) > 2 {
			return "", "", false
		}
	}
	if len(vpcs) != 2 {
		return "", "", false
	}
	sort.Strings(vpcs)
	return vpcs[0], vpcs[1], true
}
