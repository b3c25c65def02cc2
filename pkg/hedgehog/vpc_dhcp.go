package hedgehog

import (
	"net/netip"
)

// vpcValidateDHCPOn checks a subnet whose DHCP server is enabled: the
// range, the options and the static leases.
func vpcValidateDHCPOn(path string, p netip.Prefix, gw netip.Addr, gwStr string, dhcp map[string]interface{}, r *Reporter) {
	rng := mapAt(dhcp, "range")
	if rng == nil {
		r.Add(ScopeLocal, "dhcp-range-required", path+".dhcp.range", "DHCP is enabled but there is no range", "set dhcp.range (the webhook fills it in for /30 and shorter prefixes)")
	} else {
		start, okS := vpcValidateRangeEnd(path+".dhcp.range.start", "start", str(rng, "start"), p, gw, r)
		end, okE := vpcValidateRangeEnd(path+".dhcp.range.end", "end", str(rng, "end"), p, gw, r)
		if okS && okE && !start.Less(end) {
			r.Add(ScopeLocal, "dhcp-range-order", path+".dhcp.range", "DHCP range start "+start.String()+" does not come before end "+end.String(),
				"make dhcp.range.start lower than dhcp.range.end")
		}
	}
	if opts := mapAt(dhcp, "options"); opts != nil {
		vpcValidateOptions(path+".dhcp.options", p, opts, r)
	}
	vpcValidateStatic(path+".dhcp.static", p, gwStr, mapAt(dhcp, "static"), r)
}

func vpcValidateRangeEnd(field, which, s string, p netip.Prefix, gw netip.Addr, r *Reporter) (netip.Addr, bool) {
	if s == "" {
		r.Add(ScopeLocal, "dhcp-range-invalid", field, "DHCP range "+which+" is empty", "set dhcp.range."+which+" to an address inside the subnet")
		return netip.Addr{}, false
	}
	a, ok := vpcParseAddr(s)
	if !ok {
		r.Add(ScopeLocal, "dhcp-range-invalid", field, "DHCP range "+which+" "+quote(s)+" is not an IP address", "set dhcp.range."+which+" to an address inside the subnet")
		return netip.Addr{}, false
	}
	switch {
	case a == p.Masked().Addr():
		r.Add(ScopeLocal, "dhcp-range-reserved-address", field, "DHCP range "+which+" "+s+" is the subnet's network address", "start the range after the gateway")
	case gw.IsValid() && a == gw:
		r.Add(ScopeLocal, "dhcp-range-reserved-address", field, "DHCP range "+which+" "+s+" is the gateway", "keep the gateway out of the DHCP range")
	case !p.Contains(a):
		r.Add(ScopeLocal, "dhcp-range-outside", field, "DHCP range "+which+" "+s+" is not inside the subnet "+p.String(), "set dhcp.range."+which+" to an address inside the subnet")
	}
	// start < end is checked for every address that parses, as upstream.
	return a, true
}

func vpcValidateOptions(path string, p netip.Prefix, opts map[string]interface{}, r *Reporter) {
	for _, k := range []string{"dnsServers", "timeServers"} {
		for i, v := range list(opts, k) {
			s, _ := v.(string)
			if _, ok := vpcParseAddr(s); !ok {
				r.Add(ScopeLocal, "dhcp-server-invalid", path+"."+k+vpcIdx(i), k+" entry "+quote(s)+" is not an IP address", "list IP addresses only")
			}
		}
	}
	if mtu, _ := integer(opts, "interfaceMTU"); mtu < 96 || mtu > 9036 {
		r.Add(ScopeLocal, "dhcp-mtu-range", path+".interfaceMTU", "interfaceMTU "+vpcItoa(mtu)+" is outside 96..9036", "set interfaceMTU between 96 and 9036")
	}
	if lease, _ := integer(opts, "leaseTimeSeconds"); lease < 1 {
		r.Add(ScopeLocal, "dhcp-lease-min", path+".leaseTimeSeconds", "leaseTimeSeconds "+vpcItoa(lease)+" is below 1", "set leaseTimeSeconds to 1 or more (the webhook sets 3600)")
	}
	for i, v := range list(opts, "advertisedRoutes") {
		rt, _ := v.(map[string]interface{})
		f := path + ".advertisedRoutes" + vpcIdx(i)
		dst, gws := str(rt, "destination"), str(rt, "gateway")
		if _, ok := parsePrefix(dst); !ok {
			r.Add(ScopeLocal, "dhcp-route-invalid", f+".destination", "advertised route destination "+quote(dst)+" is not a CIDR prefix", "set the destination to a prefix, e.g. 10.20.0.0/16")
		}
		gw, ok := vpcParseAddr(gws)
		if !ok {
			r.Add(ScopeLocal, "dhcp-route-invalid", f+".gateway", "advertised route gateway "+quote(gws)+" is not an IP address", "set the gateway to an address inside the subnet")
		} else if !p.Contains(gw) {
			r.Add(ScopeLocal, "dhcp-route-gateway-outside", f+".gateway", "advertised route gateway "+gws+" is not inside the subnet "+p.String(), "set the gateway to an address inside the subnet")
		}
	}
}

func vpcValidateStatic(path string, p netip.Prefix, gw string, static map[string]interface{}, r *Reporter) {
	if len(static) == 0 {
		return
	}
	byIP := map[string]string{}
	network, last := p.Masked().Addr(), vpcLastAddr(p)
	for _, mac := range vpcSortedKeys(static) {
		e, _ := static[mac].(map[string]interface{})
		ipStr := str(e, "ip")
		f := path + "." + mac
		if ipStr == "" {
			r.Add(ScopeLocal, "dhcp-static-ip-required", f+".ip", "static lease for MAC "+quote(mac)+" has no IP", "set the lease's ip")
			continue
		}
		if _, ok := vpcCanonicalMAC(mac); !ok {
			r.Add(ScopeLocal, "dhcp-static-mac-invalid", f, "static lease key "+quote(mac)+" is not a MAC address", "key static leases by MAC address, e.g. aa:bb:cc:dd:ee:ff")
		}
		ip, ok := vpcParseAddr(ipStr)
		switch {
		case !ok:
			r.Add(ScopeLocal, "dhcp-static-ip-invalid", f+".ip", "static IP "+quote(ipStr)+" is not an IP address", "set the lease's ip to an address inside the subnet")
			continue
		case !p.Contains(ip):
			r.Add(ScopeLocal, "dhcp-static-ip-outside", f+".ip", "static IP "+ipStr+" is not inside the subnet "+p.String(), "set the lease's ip to an address inside the subnet")
		case ip == network:
			r.Add(ScopeLocal, "dhcp-static-ip-reserved", f+".ip", "static IP "+ipStr+" is the subnet's network address", "pick a host address")
		case ipStr == gw:
			r.Add(ScopeLocal, "dhcp-static-ip-reserved", f+".ip", "static IP "+ipStr+" is the gateway", "pick an address other than the gateway")
		case ip == last:
			r.Add(ScopeLocal, "dhcp-static-ip-reserved", f+".ip", "static IP "+ipStr+" is the subnet's broadcast address", "pick a host address")
		}
		if other, dup := byIP[ipStr]; dup {
			r.Add(ScopeLocal, "dhcp-static-ip-duplicate", f+".ip", "static IP "+ipStr+" is also assigned to MAC "+other, "assign each IP to one MAC only")
		} else {
			byIP[ipStr] = mac
		}
	}
}

func vpcValidatePermit(spec, subnets map[string]interface{}, r *Reporter) {
	for i, v := range list(spec, "permit") {
		l, _ := v.([]interface{})
		f := "spec.permit" + vpcIdx(i)
		if len(l) < 2 {
			r.Add(ScopeLocal, "permit-size", f, "permit list has "+vpcItoa(int64(len(l)))+" subnet(s); each needs at least 2", "list at least 2 subnets of the VPC, or remove the entry")
		}
		seen := map[string]bool{}
		for j, n := range l {
			name, _ := n.(string)
			if _, ok := subnets[name]; !ok {
				r.Add(ScopeLocal, "permit-unknown-subnet", f+vpcIdx(j), "permit names subnet "+quote(name)+", which this VPC does not have", "name subnets of this VPC only")
			}
			if seen[name] {
				r.Add(ScopeLocal, "permit-duplicate", f+vpcIdx(j), "subnet "+quote(name)+" appears twice in the permit list", "list each subnet once")
			}
			seen[name] = true
		}
	}
}

func vpcValidateStaticRoutes(spec map[string]interface{}, r *Reporter) {
	for i, v := range list(spec, "staticRoutes") {
		rt, _ := v.(map[string]interface{})
		f := "spec.staticRoutes" + vpcIdx(i)
		s := str(rt, "prefix")
		if s == "" {
			r.Add(ScopeLocal, "static-route-prefix-required", f+".prefix", "static route has no prefix", "set the route's prefix, e.g. 10.42.0.0/24")
		} else if p, ok := parsePrefix(s); !ok {
			r.Add(ScopeLocal, "static-route-prefix-invalid", f+".prefix", "static route prefix "+quote(s)+" is not a CIDR prefix", "write the prefix as address/length")
		} else if p.Masked() != p {
			r.Add(ScopeLocal, "static-route-prefix-invalid", f+".prefix", "static route prefix "+s+" has host bits set", "use the network address: "+p.Masked().String())
		}
		if len(list(rt, "nextHops")) == 0 {
			r.Add(ScopeLocal, "static-route-nexthops", f+".nextHops", "static route has no next hops", "add at least one next hop")
		}
	}
}
