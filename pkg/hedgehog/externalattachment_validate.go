package hedgehog

import (
	"net"
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// externalAttachmentValidate checks an ExternalAttachment's [local] rules:
// references set, BGP or static parameters, and the inbound ACL.
func externalAttachmentValidate(obj *unstructured.Unstructured, _ *Config, r *Reporter) {
	spec := mapAt(obj.Object, "spec")
	for _, f := range []string{"external", "connection"} {
		if v := str(spec, f); v == "" {
			r.Add(ScopeLocal, f+"-required", "spec."+f, f+" is empty", "set spec."+f)
		} else {
			vpcCheckLabelValue(r, "spec."+f, v, f+" name")
		}
	}
	sw, nb := mapAt(spec, "switch"), mapAt(spec, "neighbor")
	swIP, nbIP := str(sw, "ip"), str(nb, "ip")
	swVLAN, _ := integer(sw, "vlan")
	asn, _ := integer(nb, "asn")
	static, isStatic := spec["static"].(map[string]interface{})
	if !isStatic {
		if swIP == "" {
			r.Add(ScopeLocal, "switch-ip-required", "spec.switch.ip", "switch.ip is empty on a BGP attachment", "set spec.switch.ip to the switch's address with prefix length, e.g. 172.31.0.2/30")
		} else if !vpcIsCIDR(swIP) {
			r.Add(ScopeLocal, "switch-ip-invalid", "spec.switch.ip", "switch.ip "+quote(swIP)+" is not an address with a prefix length", "write switch.ip as address/length, e.g. 172.31.0.2/30")
		}
		if asn == 0 {
			r.Add(ScopeLocal, "neighbor-asn-required", "spec.neighbor.asn", "neighbor.asn is 0 or missing on a BGP attachment", "set spec.neighbor.asn to the neighbor's ASN")
		}
		if nbIP == "" {
			r.Add(ScopeLocal, "neighbor-ip-required", "spec.neighbor.ip", "neighbor.ip is empty on a BGP attachment", "set spec.neighbor.ip to the neighbor's address")
		} else if net.ParseIP(nbIP) == nil {
			r.Add(ScopeLocal, "neighbor-ip-invalid", "spec.neighbor.ip", "neighbor.ip "+quote(nbIP)+" is not an IP address (without prefix length)", "write neighbor.ip as a bare address, e.g. 172.31.0.1")
		}
	} else {
		if swIP != "" || swVLAN != 0 {
			r.Add(ScopeLocal, "static-switch-set", "spec.switch", "switch parameters are set on a static attachment", "remove spec.switch.ip and spec.switch.vlan; use spec.static")
		}
		if asn != 0 || nbIP != "" {
			r.Add(ScopeLocal, "static-neighbor-set", "spec.neighbor", "neighbor parameters are set on a static attachment", "remove spec.neighbor.asn and spec.neighbor.ip")
		}
		if rip := str(static, "remoteIP"); rip == "" {
			r.Add(ScopeLocal, "static-remoteip-required", "spec.static.remoteIP", "static.remoteIP is empty", "set spec.static.remoteIP to the external's next-hop address")
		} else if _, ok := vpcParseAddr(rip); !ok {
			r.Add(ScopeLocal, "static-remoteip-invalid", "spec.static.remoteIP", "static.remoteIP "+quote(rip)+" is not an IP address", "write static.remoteIP as a bare address")
		}
		ip, proxy := str(static, "ip"), boolean(static, "proxy")
		switch {
		case ip == "" && !proxy, ip != "" && proxy:
			r.Add(ScopeLocal, "static-ip-or-proxy", "spec.static", "exactly one of static.ip and static.proxy must be set", "set static.ip (address/length) or static.proxy: true, not both")
		case ip != "" && !vpcIsCIDR(ip):
			r.Add(ScopeLocal, "static-ip-invalid", "spec.static.ip", "static.ip "+quote(ip)+" is not an address with a prefix length", "write static.ip as address/length")
		}
	}
	externalAttachmentValidateACL(mapAt(spec, "inboundACL"), r)
}

var externalACLFlags = [][2]string{{"fin", "notFin"}, {"syn", "notSyn"}, {"rst", "notRst"}, {"psh", "notPsh"}, {"ack", "notAck"}, {"urg", "notUrg"}}

// externalAttachmentValidateACL checks the inbound ACL statements.
func externalAttachmentValidateACL(acl map[string]interface{}, r *Reporter) {
	seqs := map[int64]bool{}
	for i, v := range list(acl, "statements") {
		st, _ := v.(map[string]interface{})
		f := "spec.inboundACL.statements" + vpcIdx(i)
		seq, _ := integer(st, "seq")
		if seq < 10 {
			r.Add(ScopeLocal, "acl-seq", f+".seq", "seq "+vpcItoa(seq)+" is below 10; lower numbers are reserved for security rules", "use seq 10 or higher")
		} else if seqs[seq] {
			r.Add(ScopeLocal, "acl-seq-duplicate", f+".seq", "seq "+vpcItoa(seq)+" is used by another statement", "give each statement its own seq")
		}
		seqs[seq] = true
		switch a := str(st, "action"); a {
		case "permit", "deny", "discard", "transit":
		default:
			r.Add(ScopeLocal, "acl-action", f+".action", "action "+quote(a)+" is not one of permit, deny, discard, transit", "use permit, deny, discard or transit")
		}
		proto := str(st, "protocol")
		switch proto {
		case "ip", "tcp", "udp", "icmp":
		default:
			r.Add(ScopeLocal, "acl-protocol", f+".protocol", "protocol "+quote(proto)+" is not one of ip, tcp, udp, icmp", "use ip, tcp, udp or icmp")
		}
		for _, k := range []string{"srcPrefix", "dstPrefix"} {
			if p := str(st, k); p == "" || p != "any" && !vpcIsCIDR(p) {
				r.Add(ScopeLocal, "acl-prefix", f+"."+k, k+" "+quote(p)+" is neither \"any\" nor a CIDR prefix", "set "+k+" to any or address/length")
			}
		}
		if tf, ok := st["tcpFilters"].(map[string]interface{}); ok {
			externalAttachmentValidateTCP(f, proto, tf, r)
		}
		_, hasType := st["icmpType"]
		_, hasCode := st["icmpCode"]
		if (hasType || hasCode) && proto != "icmp" {
			r.Add(ScopeLocal, "acl-icmp", f, "icmpType/icmpCode are set on a "+quote(proto)+" statement", "use icmpType and icmpCode with protocol icmp only")
		}
		begin, _ := integer(st, "portRangeBegin")
		end, _ := integer(st, "portRangeEnd")
		if begin > 0 || end > 0 {
			switch {
			case proto != "tcp" && proto != "udp":
				r.Add(ScopeLocal, "acl-port-range", f, "a port range is set on a "+quote(proto)+" statement", "use port ranges with tcp or udp only")
			case begin == 0 || begin > end:
				r.Add(ScopeLocal, "acl-port-range", f+".portRangeBegin", "port range "+strconv.FormatInt(begin, 10)+"-"+strconv.FormatInt(end, 10)+" is invalid: begin must be at least 1 and not above end",
					"set portRangeBegin between 1 and portRangeEnd")
			}
		}
	}
}

func externalAttachmentValidateTCP(f, proto string, tf map[string]interface{}, r *Reporter) {
	if proto != "tcp" {
		r.Add(ScopeLocal, "acl-tcp-filters", f+".tcpFilters", "tcpFilters are set on a "+quote(proto)+" statement", "use tcpFilters with protocol tcp only")
	}
	anyFlag := false
	for _, pair := range externalACLFlags {
		a, b := boolean(tf, pair[0]), boolean(tf, pair[1])
		anyFlag = anyFlag || a || b
		if a && b {
			r.Add(ScopeLocal, "acl-tcp-flags", f+".tcpFilters."+pair[1], "tcpFilters set both "+pair[0]+" and "+pair[1], "set a flag or its negation, not both")
		}
	}
	if boolean(tf, "established") && anyFlag {
		r.Add(ScopeLocal, "acl-tcp-flags", f+".tcpFilters.established", "established is combined with individual TCP flags", "use established alone, or individual flags")
	}
}

// externalAttachmentValidateFabric checks the External and the Connection
// and that no other attachment on the connection uses the same VLAN.
func externalAttachmentValidateFabric(obj *unstructured.Unstructured, idx *Index, _ *Config, r *Reporter) {
	spec := mapAt(obj.Object, "spec")
	_, isStatic := spec["static"].(map[string]interface{})
	if name := str(spec, "external"); name != "" {
		if ext := idx.Get("External", name); ext == nil {
			r.Add(ScopeFabric, "external-missing", "spec.external", "External "+quote(name)+" does not exist in the fabric", "create the External or name an existing one")
		} else if _, extStatic := mapAt(ext.Object, "spec")["static"].(map[string]interface{}); extStatic != isStatic {
			what := map[bool]string{true: "static", false: "BGP (non-static)"}
			r.Add(ScopeFabric, "external-mode", "spec.external", "the attachment is "+what[isStatic]+" but External "+name+" is "+what[extStatic], "make the attachment and the External both static or both BGP")
		}
	}
	connName := str(spec, "connection")
	if connName == "" {
		return
	}
	if conn := idx.Get("Connection", connName); conn == nil {
		r.Add(ScopeFabric, "connection-missing", "spec.connection", "Connection "+quote(connName)+" does not exist in the fabric", "create the Connection or name an existing one")
	} else if mapAt(conn.Object, "spec", "external") == nil {
		r.Add(ScopeFabric, "connection-type", "spec.connection", "Connection "+connName+" is not of type external", "attach to an external connection")
	}
	vlan, field := externalAttachmentVLAN(spec)
	for _, other := range externalAttachmentsByConn(idx, connName)[vlan] {
		if other != obj.GetName() {
			r.Add(ScopeFabric, "vlan-conflict", field, "VLAN "+vpcItoa(vlan)+" on Connection "+connName+" is also used by ExternalAttachment "+other, "use another VLAN on this connection")
			break
		}
	}
}

// externalAttachmentVLAN is switch.vlan in BGP mode, static.vlan in static mode.
func externalAttachmentVLAN(spec map[string]interface{}) (int64, string) {
	if st, ok := spec["static"].(map[string]interface{}); ok {
		v, _ := integer(st, "vlan")
		return v, "spec.static.vlan"
	}
	v, _ := integer(mapAt(spec, "switch"), "vlan")
	return v, "spec.switch.vlan"
}

// externalAttachmentsByConn returns the attachments on conn by VLAN,
// grouped once per Index for every connection by the connection label.
func externalAttachmentsByConn(idx *Index, conn string) map[int64][]string {
	all := vpcMemo(idx, "externalattachment.by-connection", func() interface{} {
		byConn := map[string]map[int64][]string{}
		for _, o := range idx.List("ExternalAttachment") {
			spec := mapAt(o.Object, "spec")
			c := str(spec, "connection")
			if str(mapAt(o.Object, "metadata", "labels"), vpcLabelConnection) != c {
				continue
			}
			t := byConn[c]
			if t == nil {
				t = map[int64][]string{}
				byConn[c] = t
			}
			v, _ := externalAttachmentVLAN(spec)
			t[v] = append(t[v], o.GetName())
		}
		return byConn
	}).(map[string]map[int64][]string)
	return all[conn]
}
