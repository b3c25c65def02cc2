package hedgehog

import (
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// switchValidate checks a Switch's [local] rules, the form of its
// addresses (hydration), and the [config] ranges when the fabric config
// gives them.
func switchValidate(obj *unstructured.Unstructured, cfg *Config, r *Reporter) {
	wiringCheckLabels(obj, r)
	spec := mapAt(obj.Object, "spec")
	role := str(spec, "role")
	if len(list(spec, "vlanNamespaces")) == 0 {
		r.Add(ScopeLocal, "vlan-namespaces", "spec.vlanNamespaces", "at least one VLAN namespace is required", "list a VLANNamespace in spec.vlanNamespaces (the webhook defaults it to [default])")
	}
	asn, _ := integer(spec, "asn")
	if asn == 0 {
		r.Add(ScopeLocal, "asn-required", "spec.asn", "asn is required", "set spec.asn (a leaf's from the fabric's leaf ASN range, a spine's the spine ASN)")
	}
	if str(spec, "ip") == "" {
		r.Add(ScopeLocal, "ip-required", "spec.ip", "ip (the management address) is required", "set spec.ip to the switch's management address with its prefix length")
	}
	if str(spec, "protocolIP") == "" {
		r.Add(ScopeLocal, "protocol-ip-required", "spec.protocolIP", "protocolIP is required", "set spec.protocolIP to a /32 in the fabric's protocol subnet")
	}
	vtep := str(spec, "vtepIP")
	if swIsLeaf(role) && vtep == "" {
		// [config]: fabricMode spine-leaf, the only mode there is.
		r.Add(ScopeConfig, "vtep-ip-required", "spec.vtepIP", "a leaf ("+role+") needs vtepIP in spine-leaf mode", "set spec.vtepIP to a /32 in the fabric's VTEP subnet")
	}
	if swIsSpine(role) && vtep != "" {
		r.Add(ScopeLocal, "vtep-ip-spine", "spec.vtepIP", "a spine must not have vtepIP ("+vtep+")", "remove spec.vtepIP")
	}
	if str(spec, "profile") == "" {
		r.Add(ScopeLocal, "profile-required", "spec.profile", "profile is required", "set spec.profile to the switch's SwitchProfile")
	}
	red := mapAt(spec, "redundancy")
	group, typ := str(red, "group"), str(red, "type")
	if typ != "" && typ != "mclag" && typ != "eslag" {
		r.Add(ScopeLocal, "redundancy-type", "spec.redundancy.type", "redundancy type "+quote(typ)+" is invalid", "use eslag (or mclag, deprecated), or leave it empty")
	}
	if (group == "") != (typ == "") {
		r.Add(ScopeLocal, "redundancy-group-type", "spec.redundancy", "redundancy group ("+quote(group)+") and type ("+quote(typ)+") must be set together", "set both spec.redundancy.group and spec.redundancy.type, or neither")
	}
	if lf := mapAt(spec, "linkFlapErrDisable"); lf != nil {
		for _, k := range [...]string{"flapThreshold", "samplingInterval", "recoveryInterval"} {
			if lf[k] == nil {
				r.Add(ScopeLocal, "link-flap", "spec.linkFlapErrDisable."+k, "linkFlapErrDisable is set but "+k+" is not", "set "+k+" (the webhook defaults it)")
			}
		}
	}
	swValidateAddresses(spec, role, asn, cfg, r)
}

// swValidateAddresses checks the hydration rules that need only the
// switch (the forms) and the fabric config (the ranges).
func swValidateAddresses(spec map[string]interface{}, role string, asn int64, cfg *Config, r *Reporter) {
	if ip := str(spec, "ip"); ip != "" {
		p, ok := parsePrefix(ip)
		if !ok {
			r.Add(ScopeLocal, "ip-format", "spec.ip", "ip "+quote(ip)+" is not an address with a prefix length", "write the management address as address/length, e.g. 172.30.0.8/21")
		} else {
			if sub, ok := wiringConfigPrefix(cfg.ManagementSubnet); ok && !sub.Contains(p.Addr()) {
				r.Add(ScopeConfig, "ip-management-subnet", "spec.ip", "management ip "+ip+" is not in the management subnet "+sub.String(), "use an address inside the fabric's managementSubnet")
			}
			if start, ok := wiringConfigAddr(cfg.ManagementDHCPStart); ok && p.Addr().Compare(start) >= 0 {
				r.Add(ScopeConfig, "ip-management-dhcp", "spec.ip", "management ip "+ip+" is in the management DHCP range starting at "+start.String(), "use an address below managementDHCPStart")
			}
			if vip, ok := wiringConfigAddr(cfg.ControlVIP); ok && p.Addr() == vip {
				r.Add(ScopeConfig, "ip-control-vip", "spec.ip", "management ip "+ip+" is the control node's VIP", "use another management address")
			}
		}
	}
	if pip := str(spec, "protocolIP"); pip != "" {
		p, ok := parsePrefix(pip)
		switch {
		case !ok || p.Bits() != 32:
			r.Add(ScopeLocal, "protocol-ip-format", "spec.protocolIP", "protocolIP "+quote(pip)+" is not a /32", "write it as address/32")
		default:
			if sub, ok := wiringConfigPrefix(cfg.ProtocolSubnet); ok && !sub.Contains(p.Addr()) {
				r.Add(ScopeConfig, "protocol-ip-subnet", "spec.protocolIP", "protocolIP "+pip+" is not in the protocol subnet "+sub.String(), "use an address inside the fabric's protocolSubnet")
			}
		}
	}
	switch {
	case swIsLeaf(role):
		if cfg.LeafASNStart != nil && cfg.LeafASNEnd != nil && (asn < int64(*cfg.LeafASNStart) || asn > int64(*cfg.LeafASNEnd)) {
			r.Add(ScopeConfig, "asn-leaf-range", "spec.asn", "leaf asn "+wiringItoa(asn)+" is not within the fabric's leaf ASN range "+
				strconv.FormatUint(uint64(*cfg.LeafASNStart), 10)+"-"+strconv.FormatUint(uint64(*cfg.LeafASNEnd), 10), "use an ASN inside leafASNStart-leafASNEnd")
		}
		if vtep := str(spec, "vtepIP"); vtep != "" {
			p, ok := parsePrefix(vtep)
			switch {
			case !ok || p.Bits() != 32:
				r.Add(ScopeLocal, "vtep-ip-format", "spec.vtepIP", "vtepIP "+quote(vtep)+" is not a /32", "write it as address/32")
			default:
				if sub, ok := wiringConfigPrefix(cfg.VTEPSubnet); ok && !sub.Contains(p.Addr()) {
					r.Add(ScopeConfig, "vtep-ip-subnet", "spec.vtepIP", "vtepIP "+vtep+" is not in the VTEP subnet "+sub.String(), "use an address inside the fabric's vtepSubnet")
				}
			}
		}
	case swIsSpine(role):
		if cfg.SpineASN != nil && asn != int64(*cfg.SpineASN) {
			r.Add(ScopeConfig, "asn-spine", "spec.asn", "spine asn "+wiringItoa(asn)+" is not the fabric's spine ASN "+strconv.FormatUint(uint64(*cfg.SpineASN), 10), "set spec.asn to the fabric's spineASN")
		}
	}
}

// switchValidateFabric checks a Switch against the fabric's other objects:
// VLAN namespaces and switch groups that must exist, namespace ranges that
// must not overlap, and addresses and leaf ASNs unique among the switches.
func switchValidateFabric(obj *unstructured.Unstructured, idx *Index, _ *Config, r *Reporter) {
	spec := mapAt(obj.Object, "spec")
	var ranges []wiringTaggedRange
	for i, ns := range stringList(spec, "vlanNamespaces") {
		vns := idx.Get("VLANNamespace", ns)
		if vns == nil {
			r.Add(ScopeFabric, "vlan-namespace-exists", wiringIndexed("spec.vlanNamespaces", i), "VLANNamespace "+ns+" not found", "create VLANNamespace "+ns+" or remove it from spec.vlanNamespaces")
			continue
		}
		for _, w := range wiringRangesOf(vns) {
			ranges = append(ranges, wiringTaggedRange{w, ns})
		}
	}
	for _, p := range wiringOverlaps(ranges) {
		r.Add(ScopeFabric, "vlan-namespace-overlap", "spec.vlanNamespaces", "VLAN ranges overlap: "+p[0].String()+" ("+p[0].src+") and "+p[1].String()+" ("+p[1].src+")",
			"list VLAN namespaces whose ranges do not overlap")
	}
	for i, g := range stringList(spec, "groups") {
		field := wiringIndexed("spec.groups", i)
		if g == "" {
			r.Add(ScopeFabric, "group-empty", field, "a group name is empty", "remove the empty entry")
		} else if idx.Get("SwitchGroup", g) == nil {
			r.Add(ScopeFabric, "group-exists", field, "SwitchGroup "+g+" not found (the webhook adds redundancy.group to groups)", "create SwitchGroup "+g)
		}
	}
	swValidateUnique(obj, spec, idx, r)
}

// swValidateUnique checks the hydration rules across switches.
func swValidateUnique(obj *unstructured.Unstructured, spec map[string]interface{}, idx *Index, r *Reporter) {
	w := idx.wiringSwitches()
	name := obj.GetName()
	role := str(spec, "role")
	mclag := str(mapAt(spec, "redundancy"), "type") == "mclag"
	if p, ok := parsePrefix(str(spec, "ip")); ok {
		if others, used := wiringOthers(w.mgmt[p.Addr()], name); used {
			r.Add(ScopeFabric, "ip-unique", "spec.ip", "management address "+p.Addr().String()+" is also used by switch "+others, "give every switch its own management address")
		}
	}
	if pip := str(spec, "protocolIP"); pip != "" {
		if others, used := wiringOthers(w.protocol[pip], name); used {
			r.Add(ScopeFabric, "protocol-ip-unique", "spec.protocolIP", "protocolIP "+pip+" is also used by switch "+others, "give every switch its own protocolIP")
		}
	}
	if !swIsLeaf(role) || mclag {
		return // the MCLAG exemption of the ASN and VTEP uniqueness
	}
	if asn, _ := integer(spec, "asn"); asn != 0 {
		if others, used := wiringOthers(w.leafASN[asn], name); used {
			r.Add(ScopeFabric, "asn-unique", "spec.asn", "leaf asn "+wiringItoa(asn)+" is also used by leaf "+others, "give every leaf its own ASN")
		}
	}
	if vtep := str(spec, "vtepIP"); vtep != "" {
		if others, used := wiringOthers(w.vtep[vtep], name); used {
			r.Add(ScopeFabric, "vtep-ip-unique", "spec.vtepIP", "vtepIP "+vtep+" is also used by switch "+others, "give every leaf its own vtepIP")
		}
	}
}

// switchValidateDelete: refused while Connections name the switch.
func switchValidateDelete(obj *unstructured.Unstructured, idx *Index, r *Reporter) {
	if conns := idx.WithLabel("Connection", wiringListSwitch+obj.GetName(), wiringListValue); len(conns) > 0 {
		r.Add(ScopeFabric, "has-connections", "", "switch "+obj.GetName()+" still has connection "+wiringNames(conns),
			"delete the switch's connections first")
	}
}
