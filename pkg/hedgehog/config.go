package hedgehog

// Config holds the values of the fabric's global configuration
// (Hedgehog's FabricConfig) that [config] rules need. A nil field means
// "not given": the rules needing it are skipped, and Validate says so with
// a note (see Skipped).
type Config struct {
	// ReservedSubnets must not overlap VPC subnets, IPv4Namespace subnets
	// or staticExternal subnets.
	ReservedSubnets []string `json:"reservedSubnets,omitempty" mapstructure:"reservedSubnets"`
	// VPCPeeringDisabled rejects every VPCPeering.
	VPCPeeringDisabled *bool `json:"vpcPeeringDisabled,omitempty" mapstructure:"vpcPeeringDisabled"`
	// FabricMTU and ServerFacingMTUOffset bound unbundled/bundled
	// connection MTUs (at most FabricMTU - ServerFacingMTUOffset).
	FabricMTU             *int `json:"fabricMTU,omitempty" mapstructure:"fabricMTU"`
	ServerFacingMTUOffset *int `json:"serverFacingMTUOffset,omitempty" mapstructure:"serverFacingMTUOffset"`
	// FabricSubnet holds fabric/mesh/gateway link /31s.
	FabricSubnet *string `json:"fabricSubnet,omitempty" mapstructure:"fabricSubnet"`
	// VPCIRBVLANRange and TH5WorkaroundVLANRange must not overlap
	// VLANNamespace ranges (written {from: N, to: M}).
	VPCIRBVLANRange        *VLANRange `json:"vpcIRBVLANRange,omitempty" mapstructure:"vpcIRBVLANRange"`
	TH5WorkaroundVLANRange *VLANRange `json:"th5WorkaroundVLANRange,omitempty" mapstructure:"th5WorkaroundVLANRange"`
	// Switch hydration: management, protocol and VTEP addressing, ASNs.
	ManagementSubnet    *string `json:"managementSubnet,omitempty" mapstructure:"managementSubnet"`
	ManagementDHCPStart *string `json:"managementDHCPStart,omitempty" mapstructure:"managementDHCPStart"`
	ControlVIP          *string `json:"controlVIP,omitempty" mapstructure:"controlVIP"`
	ProtocolSubnet      *string `json:"protocolSubnet,omitempty" mapstructure:"protocolSubnet"`
	VTEPSubnet          *string `json:"vtepSubnet,omitempty" mapstructure:"vtepSubnet"`
	SpineASN            *uint32 `json:"spineASN,omitempty" mapstructure:"spineASN"`
	LeafASNStart        *uint32 `json:"leafASNStart,omitempty" mapstructure:"leafASNStart"`
	LeafASNEnd          *uint32 `json:"leafASNEnd,omitempty" mapstructure:"leafASNEnd"`
}

// VLANRange is an inclusive range of VLAN IDs.
type VLANRange struct {
	From uint16 `json:"from" mapstructure:"from"`
	To   uint16 `json:"to" mapstructure:"to"`
}
