package hedgehog

import (
	"net/netip"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// vpcParsedSubnet is a subnet of a VPC that parsed.
type vpcParsedSubnet struct {
	name string
	p    netip.Prefix
}

// vpcValidate checks a VPC's [local] and [config] rules.
func vpcValidate(obj *unstructured.Unstructured, cfg *Config, r *Reporter) {
	name := obj.GetName()
	if len(name) > 11 {
		r.Add(ScopeLocal, "name-length", "metadata.name", "name "+quote(name)+" has "+strconv.Itoa(len(name))+" characters; a VPC name may have at most 11",
			"rename the VPC to at most 11 characters")
	}
	if strings.HasPrefix(name, "ext.") {
		r.Add(ScopeLocal, "name-ext-prefix", "metadata.name", "name "+quote(name)+" starts with \"ext.\", which is reserved for Externals' VPCInfo objects",
			"rename the VPC so that it does not start with \"ext.\"")
	}
	spec := mapAt(obj.Object, "spec")
	for _, f := range []string{"ipv4Namespace", "vlanNamespace"} {
		if str(spec, f) == "" {
			r.Add(ScopeLocal, strings.ToLower(f)+"-required", "spec."+f, f+" is empty", "set spec."+f+" (the webhook sets \"default\")")
		} else {
			vpcCheckLabelValue(r, "spec."+f, str(spec, f), f)
		}
	}
	subnets := mapAt(spec, "subnets")
	if n := len(subnets); n == 0 || n > 20 {
		r.Add(ScopeLocal, "subnets-count", "spec.subnets", "the VPC has "+strconv.Itoa(n)+" subnets; it needs 1 to 20",
			"give the VPC between 1 and 20 subnets")
	}
	switch mode := str(spec, "mode"); mode {
	case "", "l3vni":
	case "l3flat":
		r.Add(ScopeLocal, "mode-unsupported", "spec.mode", "mode \"l3flat\" is not supported yet", "use mode \"\" (L2VNI) or \"l3vni\"")
	default:
		r.Add(ScopeLocal, "mode", "spec.mode", "mode "+quote(mode)+" is not one of \"\" (L2VNI), \"l3vni\", \"l3flat\"", "use mode \"\" (L2VNI) or \"l3vni\"")
	}

	names := vpcSortedKeys(subnets)
	var parsed []vpcParsedSubnet
	vlans := map[int64][]string{}
	reserved := cfg.reserved()
	for _, sn := range names {
		p, ok := vpcValidateSubnet(sn, subnets[sn], reserved, r, vlans)
		if ok {
			parsed = append(parsed, vpcParsedSubnet{sn, p})
		}
	}
	for _, sn := range names {
		sub, _ := subnets[sn].(map[string]interface{})
		if boolean(sub, "hostBGP") {
			continue
		}
		vlan, _ := integer(sub, "vlan")
		if others := vlans[vlan]; vlan != 0 && len(others) > 1 {
			r.Add(ScopeLocal, "vlan-duplicate", "spec.subnets."+sn+".vlan", "VLAN "+vpcItoa(vlan)+" is used by more than one subnet of this VPC: "+vpcNames(others),
				"give each subnet its own VLAN")
		}
	}
	for i := range parsed {
		for j := 0; j < i; j++ {
			if parsed[i].p.Overlaps(parsed[j].p) {
				r.Add(ScopeLocal, "subnet-overlap", "spec.subnets."+parsed[i].name+".subnet",
					"subnet "+parsed[i].p.String()+" overlaps subnet "+parsed[j].name+" ("+parsed[j].p.String()+") of the same VPC",
					"use non-overlapping prefixes for the VPC's subnets")
			}
		}
	}
	vpcValidatePermit(spec, subnets, r)
	vpcValidateStaticRoutes(spec, r)
}

// vpcValidateSubnet checks one subnet; it returns the parsed prefix when it
// is usable for overlap checks.
func vpcValidateSubnet(sn string, v interface{}, reserved []netip.Prefix, r *Reporter, vlans map[int64][]string) (netip.Prefix, bool) {
	path := "spec.subnets." + sn
	sub, _ := v.(map[string]interface{})
	s := str(sub, "subnet")
	if s == "" {
		r.Add(ScopeLocal, "subnet-required", path+".subnet", "subnet "+sn+" has no subnet prefix", "set "+path+".subnet, e.g. 10.0.1.0/24")
		return netip.Prefix{}, false
	}
	p, ok := parsePrefix(s)
	if !ok {
		r.Add(ScopeLocal, "subnet-invalid", path+".subnet", "subnet "+quote(s)+" is not a CIDR prefix", "write the subnet as address/length, e.g. 10.0.1.0/24")
		return netip.Prefix{}, false
	}
	if p.Bits() > 30 {
		r.Add(ScopeLocal, "subnet-prefix-length", path+".subnet", "subnet "+s+" has prefix length "+strconv.Itoa(p.Bits())+"; at most 30 is allowed",
			"use a /30 or shorter prefix")
		return netip.Prefix{}, false
	}
	for _, res := range reserved {
		if res.Overlaps(p) {
			r.Add(ScopeConfig, "subnet-reserved", path+".subnet", "subnet "+s+" overlaps the reserved subnet "+res.String()+" of the fabric config",
				"pick a prefix outside the fabric's reservedSubnets")
		}
	}
	dhcp := mapAt(sub, "dhcp")
	enable := boolean(dhcp, "enable")
	var gw netip.Addr
	if boolean(sub, "hostBGP") {
		if enable {
			r.Add(ScopeLocal, "hostbgp-dhcp", path+".dhcp.enable", "DHCP is enabled on the hostBGP subnet "+sn, "set dhcp.enable to false for hostBGP subnets")
		}
	} else {
		gw = vpcValidateGateway(path, p, sub, r)
		vlan, _ := integer(sub, "vlan")
		if vlan == 0 {
			r.Add(ScopeLocal, "vlan-required", path+".vlan", "subnet "+sn+" has no VLAN", "set "+path+".vlan to a VLAN of the VPC's VLANNamespace")
		} else {
			vlans[vlan] = append(vlans[vlan], sn)
		}
	}
	vpcValidateRelay(path, dhcp, enable, r)
	if enable {
		vpcValidateDHCPOn(path, p, gw, str(sub, "gateway"), dhcp, r)
	} else {
		vpcValidateDHCPOff(path, dhcp, r)
	}
	return p, true
}

func vpcValidateGateway(path string, p netip.Prefix, sub map[string]interface{}, r *Reporter) netip.Addr {
	s := str(sub, "gateway")
	if s == "" {
		r.Add(ScopeLocal, "gateway-required", path+".gateway", "the subnet has no gateway", "set "+path+".gateway to an address inside the subnet (the webhook sets network + 1)")
		return netip.Addr{}
	}
	gw, ok := vpcParseAddr(s)
	if !ok {
		r.Add(ScopeLocal, "gateway-invalid", path+".gateway", "gateway "+quote(s)+" is not an IP address", "set the gateway to an IP address inside the subnet")
		return netip.Addr{}
	}
	if !p.Contains(gw) {
		r.Add(ScopeLocal, "gateway-outside", path+".gateway", "gateway "+s+" is not inside the subnet "+p.String(), "set the gateway to an IP address inside the subnet")
	}
	return gw
}

func vpcValidateRelay(path string, dhcp map[string]interface{}, enable bool, r *Reporter) {
	relay := str(dhcp, "relay")
	if relay != "" && enable {
		r.Add(ScopeLocal, "dhcp-relay-exclusive", path+".dhcp.relay", "DHCP relay "+relay+" is set while the DHCP server is enabled", "use either dhcp.relay or dhcp.enable, not both")
	}
	if relay != "" {
		if _, ok := parsePrefix(relay); !ok {
			r.Add(ScopeLocal, "dhcp-relay-invalid", path+".dhcp.relay", "DHCP relay "+quote(relay)+" is not a CIDR prefix", "write the relay in CIDR notation, e.g. 10.99.0.1/32")
		}
	} else if rv := str(dhcp, "relayVPC"); rv != "" {
		r.Add(ScopeLocal, "dhcp-relayvpc-without-relay", path+".dhcp.relayVPC", "relayVPC "+quote(rv)+" is set but dhcp.relay is not", "set dhcp.relay too, or remove dhcp.relayVPC")
	}
}

// vpcValidateDHCPOff checks a subnet whose DHCP server is disabled: no
// options, range or static leases (options and range cannot reach this
// through the webhook, which removes them).
func vpcValidateDHCPOff(path string, dhcp map[string]interface{}, r *Reporter) {
	if opts := mapAt(dhcp, "options"); opts != nil {
		mtu, _ := integer(opts, "interfaceMTU")
		lease, _ := integer(opts, "leaseTimeSeconds")
		set := map[string]bool{
			"pxeURL": str(opts, "pxeURL") != "", "dnsServers": len(list(opts, "dnsServers")) > 0, "timeServers": len(list(opts, "timeServers")) > 0,
			"interfaceMTU": mtu > 0, "leaseTimeSeconds": lease > 0, "disableDefaultRoute": boolean(opts, "disableDefaultRoute"),
			"advertisedRoutes": len(list(opts, "advertisedRoutes")) > 0,
		}
		for _, k := range []string{"advertisedRoutes", "disableDefaultRoute", "dnsServers", "interfaceMTU", "leaseTimeSeconds", "pxeURL", "timeServers"} {
			if set[k] {
				r.Add(ScopeLocal, "dhcp-options-disabled", path+".dhcp.options."+k, "DHCP option "+k+" is set but DHCP is disabled", "enable DHCP or remove the option")
			}
		}
	}
	if rng := mapAt(dhcp, "range"); rng != nil {
		for _, k := range []string{"start", "end"} {
			if str(rng, k) != "" {
				r.Add(ScopeLocal, "dhcp-range-disabled", path+".dhcp.range."+k, "DHCP range "+k+" is set but DHCP is disabled", "enable DHCP or remove the range")
			}
		}
	}
	if len(mapAt(dhcp, "static")) > 0 {
		r.Add(ScopeLocal, "dhcp-static-disabled", path+".dhcp.static", "static IPs are not supported when DHCP is disabled", "enable DHCP or remove dhcp.static")
	}
}
