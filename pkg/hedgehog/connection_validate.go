package hedgehog

import (
	"net/netip"
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// connectionValidate checks a Connection's [local] and [config] rules.
func connectionValidate(obj *unstructured.Unstructured, cfg *Config, r *Reporter) {
	wiringCheckLabels(obj, r)
	spec := mapAt(obj.Object, "spec")
	if connIsMCLAG(spec) {
		field := "spec.mclag"
		if mapAt(spec, "mclag") == nil {
			field = "spec.mclagDomain"
		}
		r.Warn(ScopeLocal, "mclag-deprecated", field,
			"MCLAG is deprecated and no longer supported: the controller accepts the connection with a warning and checks nothing else",
			"move the server to an ESLAG connection (spec.eslag, switches with redundancy type eslag)")
		return
	}
	if cfg.FabricMTU != nil && cfg.ServerFacingMTUOffset != nil {
		limit := int64(*cfg.FabricMTU) - int64(*cfg.ServerFacingMTUOffset)
		for _, key := range [...]string{"unbundled", "bundled"} {
			if mtu, _ := integer(mapAt(spec, key), "mtu"); mtu > limit {
				r.Add(ScopeConfig, "mtu", "spec."+key+".mtu",
					key+" connection mtu "+wiringItoa(mtu)+" is greater than the fabric MTU "+strconv.Itoa(*cfg.FabricMTU)+
						" minus the server-facing MTU offset "+strconv.Itoa(*cfg.ServerFacingMTUOffset)+" ("+wiringItoa(limit)+")",
					"lower the mtu to at most "+wiringItoa(limit))
			}
		}
	}
	ends := connAnalyse(spec)
	for _, p := range ends.problems {
		r.Add(ScopeLocal, p.rule, p.field, p.msg, p.fix)
	}
	if !ends.ok() {
		return // the webhook stops at the endpoint error
	}
	if se := mapAt(spec, "staticExternal"); se != nil {
		connValidateStaticExternal(mapAt(se, "link", "switch"), cfg, r)
	}
	connValidateLinkIPs(spec, ends, cfg, r)
}

// connValidateStaticExternal checks staticExternal.link.switch: ip, nextHop
// and subnets.
func connValidateStaticExternal(sw map[string]interface{}, cfg *Config, r *Reporter) {
	const base = "spec.staticExternal.link.switch"
	ip := str(sw, "ip")
	prefix, ok := parsePrefix(ip)
	if !ok {
		r.Add(ScopeLocal, "static-external-ip", base+".ip", "ip "+quote(ip)+" is not a valid CIDR", "write the switch's address with its prefix length, e.g. 172.31.255.1/24")
	} else {
		nh := str(sw, "nextHop")
		addr, err := netip.ParseAddr(nh)
		switch {
		case err != nil:
			r.Add(ScopeLocal, "static-external-next-hop", base+".nextHop", "nextHop "+quote(nh)+" is not a valid IP address", "write the next hop's IP address")
		case !prefix.Masked().Contains(addr):
			r.Add(ScopeLocal, "static-external-next-hop", base+".nextHop", "nextHop "+nh+" is not in "+prefix.Masked().String(), "use a next hop inside the switch's subnet "+prefix.Masked().String())
		}
	}
	subnets := stringList(sw, "subnets")
	var parsed []netip.Prefix
	var fields []string
	for i, s := range subnets {
		field := wiringIndexed(base+".subnets", i)
		p, ok := parsePrefix(s)
		if !ok {
			r.Add(ScopeLocal, "static-external-subnet", field, "subnet "+quote(s)+" is not a valid prefix", "write the subnet in CIDR notation")
			continue
		}
		if s == "0.0.0.0/0" {
			if len(subnets) > 1 {
				r.Add(ScopeLocal, "static-external-default-route", field, "the default route 0.0.0.0/0 must be the only subnet", "list 0.0.0.0/0 alone, or remove it")
			}
			break // the webhook stops looking at the subnets here
		}
		if p.Addr() != p.Masked().Addr() {
			r.Add(ScopeLocal, "static-external-subnet", field, "subnet "+s+" has host bits set", "write it as "+p.Masked().String())
			continue
		}
		for j, q := range parsed {
			if q.Overlaps(p) {
				r.Add(ScopeLocal, "static-external-subnets-overlap", field, "subnet "+s+" overlaps "+q.String()+" ("+fields[j]+")", "remove or split the overlapping subnets")
			}
		}
		parsed = append(parsed, p)
		fields = append(fields, field)
	}
	if cfg.ReservedSubnets == nil {
		return
	}
	for _, res := range cfg.reserved() {
		for j, p := range parsed {
			if res.Overlaps(p) {
				r.Add(ScopeConfig, "static-external-reserved", fields[j], "subnet "+p.String()+" overlaps the fabric's reserved subnet "+res.String(), "use a subnet outside the fabric's reservedSubnets")
			}
		}
	}
}

// connEachLinkIP calls fn for every non-empty ip of a fabric, mesh or
// gateway connection's links.
func connEachLinkIP(spec map[string]interface{}, e *connEnds, fn func(link, side int, ip string)) {
	switch e.shape.key {
	case "fabric", "mesh", "gateway":
	default:
		return
	}
	for li, it := range list(mapAt(spec, e.shape.key), "links") {
		link, _ := it.(map[string]interface{})
		for si, side := range e.shape.sides {
			if ip := str(mapAt(link, side.name), "ip"); ip != "" {
				fn(li, si, ip)
			}
		}
	}
}

// connIPField is the path of a link side's ip: spec.fabric.links[0].leaf.ip.
func connIPField(e *connEnds, link, side int) string {
	return wiringIndexed("spec."+e.shape.key+".links", link) + "." + e.shape.sides[side].name + ".ip"
}

// connValidateLinkIPs checks fabric, mesh and gateway links where both
// ends have an IP: /31s, in the fabric subnet (when given), both ends in
// the same /31.
func connValidateLinkIPs(spec map[string]interface{}, e *connEnds, cfg *Config, r *Reporter) {
	fabricSubnet, haveSubnet := wiringConfigPrefix(cfg.FabricSubnet)
	connEachNumberedLink(spec, e, func(li int, ips [2]string) {
		var ps [2]netip.Prefix
		for si, ip := range ips {
			field := connIPField(e, li, si)
			p, ok := parsePrefix(ip)
			if !ok {
				r.Add(ScopeLocal, "link-ip", field, "ip "+quote(ip)+" is not a valid prefix", "write the address as a /31, e.g. 172.30.128.0/31")
				return
			}
			if p.Bits() != 31 {
				r.Add(ScopeLocal, "link-ip", field, "ip "+ip+" is not a /31", "use a /31 on both ends of the link")
				return
			}
			if haveSubnet && !fabricSubnet.Contains(p.Addr()) {
				r.Add(ScopeConfig, "link-ip-fabric-subnet", field, "ip "+ip+" is not in the fabric subnet "+fabricSubnet.String(), "use an address inside the fabric's fabricSubnet")
			}
			ps[si] = p
		}
		if ps[0].Masked() != ps[1].Masked() {
			r.Add(ScopeLocal, "link-ip-same-subnet", connIPField(e, li, 1), "ips "+ips[0]+" and "+ips[1]+" are not in the same /31", "give both ends of the link the two addresses of one /31")
		}
	})
}

// connEachNumberedLink calls fn for the links where both ends have an IP.
func connEachNumberedLink(spec map[string]interface{}, e *connEnds, fn func(link int, ips [2]string)) {
	switch e.shape.key {
	case "fabric", "mesh", "gateway":
	default:
		return
	}
	for li, it := range list(mapAt(spec, e.shape.key), "links") {
		link, _ := it.(map[string]interface{})
		a := str(mapAt(link, e.shape.sides[0].name), "ip")
		b := str(mapAt(link, e.shape.sides[1].name), "ip")
		if a != "" && b != "" {
			fn(li, [2]string{a, b})
		}
	}
}

// connectionValidateFabric checks a Connection against the fabric's other
// objects.
func connectionValidateFabric(obj *unstructured.Unstructured, idx *Index, _ *Config, r *Reporter) {
	spec := mapAt(obj.Object, "spec")
	if connIsMCLAG(spec) {
		return
	}
	w := idx.wiringConns()
	ends := w.ends[obj]
	if ends == nil {
		ends = connAnalyse(spec)
	}
	if !ends.ok() {
		return
	}
	name := obj.GetName()
	connValidateDevices(ends, idx, r)
	if se := mapAt(spec, "staticExternal"); se != nil {
		if vpc := str(se, "withinVPC"); vpc != "" && idx.Get("VPC", vpc) == nil {
			r.Add(ScopeFabric, "vpc-exists", "spec.staticExternal.withinVPC", "VPC "+vpc+" (withinVPC) not found", "create the VPC or correct withinVPC")
		}
	}
	var buf []byte
	for _, p := range ends.ports {
		var others string
		buf = connAliases(buf, p.name, func(alias []byte) {
			if o, used := wiringOthers(w.ports[string(alias)], name); used && others == "" {
				others = o
				if string(alias) != p.name {
					others += " (as " + string(alias) + ")"
				}
			}
		})
		if others != "" {
			r.Add(ScopeFabric, "port-used-twice", ends.field(p), "port "+p.name+" is also used by connection "+others,
				"use another port, or remove it from one of the connections")
		}
	}
	var seen map[netip.Addr]bool
	connEachNumberedLink(spec, ends, func(li int, ips [2]string) {
		if seen == nil {
			seen = map[netip.Addr]bool{}
		}
		for si, ip := range ips {
			p, ok := parsePrefix(ip)
			if !ok {
				continue
			}
			field := connIPField(ends, li, si)
			if others, used := wiringOthers(w.linkIPs[p.Addr()], name); used {
				r.Add(ScopeFabric, "link-ip-unique", field, "ip "+p.Addr().String()+" is also used by connection "+others, "give every link end its own address")
			} else if seen[p.Addr()] {
				r.Add(ScopeFabric, "link-ip-unique", field, "ip "+p.Addr().String()+" is used twice in this connection", "give every link end its own address")
			}
			seen[p.Addr()] = true
		}
	})
}

// connValidateDevices checks that the endpoint switches and servers exist
// and, for ESLAG, the switches' redundancy.
func connValidateDevices(e *connEnds, idx *Index, r *Reporter) {
	var groups, types, groupOf, typeOf []string
	for _, s := range e.switches {
		sw := idx.Get("Switch", s)
		if sw == nil {
			r.Add(ScopeFabric, "switch-exists", e.field(connFirstPort(e, s, connSwitch)), "switch "+s+" not found", "create Switch "+s+" or correct the port name")
			continue
		}
		red := mapAt(sw.Object, "spec", "redundancy")
		if g := str(red, "group"); g != "" && !swContainsStr(groups, g) {
			groups, groupOf = append(groups, g), append(groupOf, s)
		}
		if t := str(red, "type"); t != "" && !swContainsStr(types, t) {
			types, typeOf = append(types, t), append(typeOf, s)
		}
	}
	for _, s := range e.servers {
		if idx.Get("Server", s) == nil {
			r.Add(ScopeFabric, "server-exists", e.field(connFirstPort(e, s, connServer)), "server "+s+" not found", "create Server "+s+" or correct the port name")
		}
	}
	if e.shape.key != "eslag" {
		return
	}
	switch {
	case len(groups) > 1:
		r.Add(ScopeFabric, "eslag-redundancy-group", "spec.eslag", "the switches of an ESLAG connection must share one redundancy group, found "+
			groups[0]+" ("+groupOf[0]+") and "+groups[1]+" ("+groupOf[1]+")", "put all the connection's switches in one ESLAG redundancy group")
	case len(groups) == 0:
		r.Add(ScopeFabric, "eslag-redundancy-group", "spec.eslag", "the switches of an ESLAG connection must have a redundancy group",
			"set spec.redundancy {group, type: eslag} on the connection's switches")
	}
	switch {
	case len(types) > 1:
		r.Add(ScopeFabric, "eslag-redundancy-type", "spec.eslag", "the switches of an ESLAG connection must share one redundancy type, found "+
			types[0]+" ("+typeOf[0]+") and "+types[1]+" ("+typeOf[1]+")", "set redundancy type eslag on all the connection's switches")
	case len(types) == 0 || types[0] != "eslag":
		found := "none"
		if len(types) == 1 {
			found = types[0]
		}
		r.Add(ScopeFabric, "eslag-redundancy-type", "spec.eslag", "the switches of an ESLAG connection must have redundancy type eslag, found "+found,
			"set redundancy type eslag on the connection's switches")
	}
}

func swContainsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// connFirstPort returns the first port of a device of a kind.
func connFirstPort(e *connEnds, device string, kind byte) connPort {
	for _, p := range e.ports {
		if p.kind == kind && connDevice(p.name) == device {
			return p
		}
	}
	return e.ports[0]
}

// connectionValidateDelete: refused while VPCAttachments or
// ExternalAttachments name the connection.
func connectionValidateDelete(obj *unstructured.Unstructured, idx *Index, r *Reporter) {
	for _, kind := range [...]string{"VPCAttachment", "ExternalAttachment"} {
		if atts := idx.WithLabel(kind, wiringLabelConnection, obj.GetName()); len(atts) > 0 {
			r.Add(ScopeFabric, "has-attachments", "", "connection "+obj.GetName()+" is still used by "+kind+" "+wiringNames(atts),
				"delete those attachments first")
		}
	}
}
