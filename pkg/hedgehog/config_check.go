package hedgehog

import (
	"errors"
	"fmt"
	"net/netip"
)

// Check reports every value of the config that the rules cannot read,
// each named by its key ("reservedSubnets[1]", "fabricSubnet"): a value
// that does not parse would otherwise turn its rules off without a word.
// A nil Config is valid (nothing given).
func (c *Config) Check() error {
	if c == nil {
		return nil
	}
	var errs []error
	bad := func(key, value, want string) {
		errs = append(errs, fmt.Errorf("%s %q: %s", key, value, want))
	}
	for i, s := range c.ReservedSubnets {
		if _, ok := parsePrefix(s); !ok {
			bad(fmt.Sprintf("reservedSubnets[%d]", i), s, "not a CIDR prefix (like 172.28.0.0/16)")
		}
	}
	for _, f := range []struct {
		key string
		v   *string
	}{{"fabricSubnet", c.FabricSubnet}, {"managementSubnet", c.ManagementSubnet}, {"protocolSubnet", c.ProtocolSubnet}, {"vtepSubnet", c.VTEPSubnet}} {
		if f.v != nil {
			if _, ok := parsePrefix(*f.v); !ok {
				bad(f.key, *f.v, "not a CIDR prefix (like 172.30.0.0/21)")
			}
		}
	}
	for _, f := range []struct {
		key string
		v   *string
	}{{"managementDHCPStart", c.ManagementDHCPStart}, {"controlVIP", c.ControlVIP}} {
		if _, ok := wiringConfigAddr(f.v); f.v != nil && !ok {
			bad(f.key, *f.v, "not an IP address or prefix")
		}
	}
	if c.FabricMTU != nil && *c.FabricMTU <= 0 {
		errs = append(errs, fmt.Errorf("fabricMTU %d: must be positive", *c.FabricMTU))
	}
	if o := c.ServerFacingMTUOffset; o != nil && (*o < 0 || c.FabricMTU != nil && *o >= *c.FabricMTU) {
		errs = append(errs, fmt.Errorf("serverFacingMTUOffset %d: must be at least 0 and below fabricMTU", *o))
	}
	for _, f := range []struct {
		key string
		r   *VLANRange
	}{{"vpcIRBVLANRange", c.VPCIRBVLANRange}, {"th5WorkaroundVLANRange", c.TH5WorkaroundVLANRange}} {
		if r := f.r; r != nil && (r.From < 1 || r.To > 4094 || r.From > r.To) {
			errs = append(errs, fmt.Errorf("%s {from: %d, to: %d}: must satisfy 1 <= from <= to <= 4094", f.key, r.From, r.To))
		}
	}
	if c.LeafASNStart != nil && c.LeafASNEnd != nil && *c.LeafASNStart > *c.LeafASNEnd {
		errs = append(errs, fmt.Errorf("leafASNStart %d is above leafASNEnd %d", *c.LeafASNStart, *c.LeafASNEnd))
	}
	return errors.Join(errs...)
}

// reserved returns the config's reservedSubnets, masked; nil when not
// given (the [config] rules needing them are skipped). Values that do not
// parse are left out: Check reports them when the fabric config loads.
func (c *Config) reserved() []netip.Prefix {
	if c == nil || c.ReservedSubnets == nil {
		return nil
	}
	out := make([]netip.Prefix, 0, len(c.ReservedSubnets))
	for _, s := range c.ReservedSubnets {
		if p, ok := parsePrefix(s); ok {
			out = append(out, p.Masked())
		}
	}
	return out
}

// parsePrefix parses s as a CIDR prefix; host bits are allowed (as
// net.ParseCIDR and netip.ParsePrefix allow them).
func parsePrefix(s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(s)
	return p, err == nil
}
