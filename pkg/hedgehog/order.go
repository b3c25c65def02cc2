package hedgehog

// applyTiers is the creation order the [fabric] rules imply (see the facts'
// "implied apply order"): namespaces and switch groups first; then VPCs,
// Externals, Switches and Servers; then Connections (their switches and
// servers, a staticExternal's VPC); then what attaches and peers.
var applyTiers = map[string]int{
	"IPv4Namespace": 0, "VLANNamespace": 0, "SwitchGroup": 0,
	"VPC": 1, "External": 1, "Switch": 1, "Server": 1,
	"Connection":    2,
	"VPCAttachment": 3, "VPCPeering": 3, "ExternalAttachment": 3, "ExternalPeering": 3,
}

// ApplyTier returns the kind's place in the order in which a fabric's
// objects can be created through the controller's validating webhooks,
// 0 first: an object's [fabric] rules need the objects of lower tiers to
// exist. Deletion goes the other way. Unknown kinds are last.
func ApplyTier(kind string) int {
	if t, ok := applyTiers[kind]; ok {
		return t
	}
	return len(applyTiers)
}
