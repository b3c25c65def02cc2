package hedgehog

import (
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// vpcAttachmentValidate checks a VPCAttachment's [local] rules.
func vpcAttachmentValidate(obj *unstructured.Unstructured, _ *Config, r *Reporter) {
	spec := mapAt(obj.Object, "spec")
	subnet := str(spec, "subnet")
	vpc, _, hasSlash := strings.Cut(subnet, "/")
	switch {
	case subnet == "":
		r.Add(ScopeLocal, "subnet-required", "spec.subnet", "subnet is empty", "set spec.subnet to <vpc>/<subnet>, e.g. vpc-1/default")
	case vpc == "":
		r.Add(ScopeLocal, "subnet-format", "spec.subnet", "subnet "+quote(subnet)+" has no VPC part", "write spec.subnet as <vpc>/<subnet>, e.g. vpc-1/default")
	case !hasSlash:
		r.Add(ScopeLocal, "subnet-format", "spec.subnet", "subnet "+quote(subnet)+" has no subnet part", "write spec.subnet as <vpc>/<subnet>, e.g. vpc-1/default")
	default:
		vpcCheckLabelValue(r, "spec.subnet", vpc, "VPC name")
	}
	conn := str(spec, "connection")
	if conn == "" {
		r.Add(ScopeLocal, "connection-required", "spec.connection", "connection is empty", "set spec.connection to the Connection the VPC subnet is attached to")
	} else {
		vpcCheckLabelValue(r, "spec.connection", conn, "connection name")
	}
	if p2p, ok := obj.GetAnnotations()[vpcAnnotationP2P]; ok {
		p, valid := parsePrefix(p2p)
		if !valid || !p.Addr().Is4() || p.Bits() != 31 {
			r.Add(ScopeLocal, "p2p-link-invalid", "metadata.annotations."+vpcAnnotationP2P, "annotation "+vpcAnnotationP2P+" "+quote(p2p)+" is not an IPv4 /31 prefix",
				"set the annotation to an IPv4 /31, e.g. 10.50.0.0/31, or remove it")
		}
	}
}

// vpcAttachmentValidateFabric checks a VPCAttachment's [fabric] rules: the
// VPC, its subnet, the Connection and its switches exist and fit, and no
// other attachment on the connection uses the same subnet or native VLAN.
// SwitchProfile rules are skipped (see vpcSkippedRules).
func vpcAttachmentValidateFabric(obj *unstructured.Unstructured, idx *Index, _ *Config, r *Reporter) {
	spec := mapAt(obj.Object, "spec")
	vpcName, subnetName, _ := strings.Cut(str(spec, "subnet"), "/")
	connName := str(spec, "connection")
	var vpcSpec, sub map[string]interface{}
	if vpcName != "" {
		if vpc := idx.Get("VPC", vpcName); vpc == nil {
			r.Add(ScopeFabric, "vpc-missing", "spec.subnet", "VPC "+quote(vpcName)+" does not exist in the fabric", "create the VPC or attach to an existing one")
		} else {
			vpcSpec = mapAt(vpc.Object, "spec")
			sub, _ = mapAt(vpcSpec, "subnets")[subnetName].(map[string]interface{})
			if sub == nil {
				r.Add(ScopeFabric, "subnet-missing", "spec.subnet", "VPC "+vpcName+" has no subnet "+quote(subnetName), "name a subnet of the VPC: "+strings.Join(vpcSortedKeys(mapAt(vpcSpec, "subnets")), ", "))
			}
		}
	}
	var conn *unstructured.Unstructured
	if connName != "" {
		if conn = idx.Get("Connection", connName); conn == nil {
			r.Add(ScopeFabric, "connection-missing", "spec.connection", "Connection "+quote(connName)+" does not exist in the fabric", "create the Connection or name an existing one")
		}
	}
	if conn != nil {
		vpcAttachmentCheckConnection(conn, vpcSpec, sub, idx, r)
	}
	if connName != "" {
		vpcAttachmentCheckSiblings(obj, spec, connName, idx, r)
	}
}

func vpcAttachmentCheckConnection(conn *unstructured.Unstructured, vpcSpec, sub map[string]interface{}, idx *Index, r *Reporter) {
	cspec := mapAt(conn.Object, "spec")
	hostBGP := boolean(sub, "hostBGP")
	if vpcSpec != nil && mapAt(cspec, "eslag") != nil && str(vpcSpec, "mode") != "" {
		r.Add(ScopeFabric, "eslag-mode", "spec.connection", "Connection "+conn.GetName()+" is ESLAG, which supports only VPC mode \"\" (L2VNI), not "+quote(str(vpcSpec, "mode")),
			"attach the VPC through an unbundled or bundled connection, or use an L2VNI VPC")
	}
	if sub != nil && hostBGP && mapAt(cspec, "unbundled") == nil {
		r.Add(ScopeFabric, "hostbgp-unbundled", "spec.connection", "the subnet is a hostBGP subnet, which only an unbundled connection can attach; "+conn.GetName()+" is not unbundled",
			"attach the hostBGP subnet through an unbundled connection")
	}
	switches, typeOK, badPort := vpcConnSwitches(conn.Object)
	switch {
	case !typeOK:
		r.Add(ScopeFabric, "connection-type", "spec.connection", "Connection "+conn.GetName()+" is not unbundled, bundled or eslag: a VPC can attach only to those",
			"attach to an unbundled, bundled or eslag connection")
		return
	case badPort != "":
		r.Add(ScopeFabric, "connection-endpoints", "spec.connection", "Connection "+conn.GetName()+" has an invalid endpoint: "+badPort+" is not <device>/<port>",
			"fix the Connection's ports")
	case len(switches) == 0:
		r.Add(ScopeFabric, "connection-endpoints", "spec.connection", "Connection "+conn.GetName()+" has no switch endpoints", "fix the Connection's links")
	}
	vlanns := str(vpcSpec, "vlanNamespace")
	for _, swName := range switches {
		sw := idx.Get("Switch", swName)
		if sw == nil {
			r.Add(ScopeFabric, "switch-missing", "spec.connection", "switch "+quote(swName)+" of Connection "+conn.GetName()+" does not exist in the fabric", "create the Switch")
			continue
		}
		swSpec := mapAt(sw.Object, "spec")
		if vpcSpec != nil && !slices.Contains(stringList(swSpec, "vlanNamespaces"), vlanns) {
			r.Add(ScopeFabric, "switch-vlannamespace", "spec.connection", "switch "+swName+" does not list the VPC's VLANNamespace "+quote(vlanns)+" in spec.vlanNamespaces",
				"add "+vlanns+" to the switch's spec.vlanNamespaces")
		}
		red := mapAt(swSpec, "redundancy")
		if hostBGP && str(red, "group") != "" && str(red, "type") == "mclag" {
			r.Add(ScopeFabric, "hostbgp-mclag", "spec.connection", "switch "+swName+" is an MCLAG peer; a hostBGP subnet cannot attach to it", "attach the hostBGP subnet on a switch without MCLAG")
		}
	}
}

// vpcAttachmentCheckSiblings compares with the other attachments on the
// same connection (found by the connection label, as the webhook does).
func vpcAttachmentCheckSiblings(obj *unstructured.Unstructured, spec map[string]interface{}, connName string, idx *Index, r *Reporter) {
	t := vpcAttachmentsByConn(idx, connName)
	self, subnet := obj.GetName(), str(spec, "subnet")
	for _, other := range t.bySubnet[subnet] {
		if other != self {
			r.Add(ScopeFabric, "subnet-duplicate", "spec.subnet", "VPCAttachment "+other+" already attaches Connection "+connName+" to "+subnet,
				"remove one of the two attachments")
			break
		}
	}
	if boolean(spec, "nativeVLAN") {
		for _, other := range t.native {
			if other != self {
				r.Add(ScopeFabric, "native-vlan-duplicate", "spec.nativeVLAN", "VPCAttachment "+other+" already uses the native VLAN on Connection "+connName,
					"use nativeVLAN on one attachment per connection")
				break
			}
		}
	}
}

type vpcAttachTable struct {
	bySubnet map[string][]string
	native   []string
}

// vpcAttachmentsByConn returns the attachments on conn, grouped once per
// Index for every connection by the connection label, as the webhook lists
// them.
func vpcAttachmentsByConn(idx *Index, conn string) *vpcAttachTable {
	all := vpcMemo(idx, "vpcattachment.by-connection", func() interface{} {
		byConn := map[string]*vpcAttachTable{}
		for _, o := range idx.List("VPCAttachment") {
			spec := mapAt(o.Object, "spec")
			c := str(spec, "connection")
			if str(mapAt(o.Object, "metadata", "labels"), vpcLabelConnection) != c {
				continue
			}
			t := byConn[c]
			if t == nil {
				t = &vpcAttachTable{bySubnet: map[string][]string{}}
				byConn[c] = t
			}
			name := o.GetName()
			t.bySubnet[str(spec, "subnet")] = append(t.bySubnet[str(spec, "subnet")], name)
			if boolean(spec, "nativeVLAN") {
				t.native = append(t.native, name)
			}
		}
		return byConn
	}).(map[string]*vpcAttachTable)
	if t := all[conn]; t != nil {
		return t
	}
	return &vpcAttachTable{}
}
