package hedgehog

import (
	"net/netip"
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// vpcValidateFabric checks a VPC's [fabric] rules: its namespaces exist and
// hold its subnets and VLANs, its relay VPCs exist, and no other VPC of the
// same namespaces overlaps its subnets or reuses its VLANs.
func vpcValidateFabric(obj *unstructured.Unstructured, idx *Index, _ *Config, r *Reporter) {
	spec := mapAt(obj.Object, "spec")
	ipnsName, vlannsName := str(spec, "ipv4Namespace"), str(spec, "vlanNamespace")
	ipns := idx.Get("IPv4Namespace", ipnsName)
	if ipns == nil && ipnsName != "" {
		r.Add(ScopeFabric, "ipv4namespace-missing", "spec.ipv4Namespace", "IPv4Namespace "+quote(ipnsName)+" does not exist in the fabric", "create the IPv4Namespace or name an existing one")
	}
	vlanns := idx.Get("VLANNamespace", vlannsName)
	if vlanns == nil && vlannsName != "" {
		r.Add(ScopeFabric, "vlannamespace-missing", "spec.vlanNamespace", "VLANNamespace "+quote(vlannsName)+" does not exist in the fabric", "create the VLANNamespace or name an existing one")
	}
	var nsPrefixes []netip.Prefix
	if ipns != nil {
		for _, s := range stringList(mapAt(ipns.Object, "spec"), "subnets") {
			if p, ok := parsePrefix(s); ok {
				nsPrefixes = append(nsPrefixes, p.Masked())
			}
		}
	}
	var subnetTable *vpcSubnetTable
	if ipnsName != "" {
		subnetTable = vpcSubnetsByNS(idx, ipnsName)
	}
	var vlanTable vpcVLANTable
	if vlannsName != "" {
		vlanTable = vpcVLANsByNS(idx, vlannsName)
	}
	subnets := mapAt(spec, "subnets")
	for _, sn := range vpcSortedKeys(subnets) {
		sub, _ := subnets[sn].(map[string]interface{})
		path := "spec.subnets." + sn
		p, ok := parsePrefix(str(sub, "subnet"))
		if ok && ipns != nil && !vpcInAny(p.Masked(), nsPrefixes) {
			r.Add(ScopeFabric, "subnet-outside-ipv4namespace", path+".subnet", "subnet "+p.String()+" is not inside any subnet of IPv4Namespace "+ipnsName,
				"pick a prefix inside the IPv4Namespace's subnets, or add one to the namespace")
		}
		vlan, _ := integer(sub, "vlan")
		if vlanns != nil && !boolean(sub, "hostBGP") && !vpcVLANInRanges(vlan, vlanns) {
			r.Add(ScopeFabric, "vlan-outside-vlannamespace", path+".vlan", "VLAN "+vpcItoa(vlan)+" is not inside any range of VLANNamespace "+vlannsName,
				"pick a VLAN inside the VLANNamespace's ranges")
		}
		if rv := str(mapAt(sub, "dhcp"), "relayVPC"); rv != "" && idx.Get("VPC", rv) == nil {
			r.Add(ScopeFabric, "dhcp-relayvpc-missing", path+".dhcp.relayVPC", "relay VPC "+quote(rv)+" does not exist in the fabric", "name an existing VPC")
		}
		if ok && subnetTable != nil {
			if others := subnetTable.overlapping(p.Masked(), obj.GetName()); len(others) > 0 {
				r.Add(ScopeFabric, "subnet-overlap-vpc", path+".subnet", "subnet "+p.String()+" overlaps "+vpcNames(others)+" in IPv4Namespace "+ipnsName,
					"use a prefix no other VPC of the IPv4Namespace uses")
			}
		}
		if vlanTable != nil {
			if others := vlanTable.conflicts(vlan, boolean(sub, "hostBGP"), obj.GetName()); len(others) > 0 {
				r.Add(ScopeFabric, "vlan-conflict-vpc", path+".vlan", "VLAN "+vpcItoa(vlan)+" is also used by "+vpcNames(others)+" in VLANNamespace "+vlannsName,
					"use a VLAN no other VPC of the VLANNamespace uses")
			}
		}
	}
}

// vpcInAny says whether p lies inside one of outers.
func vpcInAny(p netip.Prefix, outers []netip.Prefix) bool {
	for _, o := range outers {
		if vpcContainsPrefix(o, p) {
			return true
		}
	}
	return false
}

// vpcVLANInRanges says whether vlan lies in one of the (defaulted)
// VLANNamespace's ranges.
func vpcVLANInRanges(vlan int64, ns *unstructured.Unstructured) bool {
	for _, v := range list(mapAt(ns.Object, "spec"), "ranges") {
		rg, _ := v.(map[string]interface{})
		from, _ := integer(rg, "from")
		to, _ := integer(rg, "to")
		if to == 0 {
			to = from
		}
		if from <= vlan && vlan <= to {
			return true
		}
	}
	return false
}

// vpcSubnetEntry is a subnet of a VPC in a fabric-wide table.
type vpcSubnetEntry struct {
	vpc, subnet string
	p           netip.Prefix // masked
}

// vpcSubnetTable holds the subnets of the VPCs of one IPv4Namespace, for
// overlap queries in O(prefix length + matches).
type vpcSubnetTable struct {
	byPrefix map[netip.Prefix][]vpcSubnetEntry
	sorted   []vpcSubnetEntry // by address, then prefix length
}

// vpcSubnetsByNS returns the table of the VPCs labelled with the
// IPv4Namespace ns, as the webhook lists them.
func vpcSubnetsByNS(idx *Index, ns string) *vpcSubnetTable {
	byNS := vpcMemo(idx, "vpc.subnets-by-ipv4ns", func() interface{} { return map[string]*vpcSubnetTable{} }).(map[string]*vpcSubnetTable)
	if t, ok := byNS[ns]; ok {
		return t
	}
	t := &vpcSubnetTable{byPrefix: map[netip.Prefix][]vpcSubnetEntry{}}
	byNS[ns] = t
	for _, o := range idx.WithLabel("VPC", vpcLabelIPv4NS, ns) {
		spec := mapAt(o.Object, "spec")
		if str(spec, "ipv4Namespace") != ns {
			continue
		}
		for sn, v := range mapAt(spec, "subnets") {
			sub, _ := v.(map[string]interface{})
			if p, ok := parsePrefix(str(sub, "subnet")); ok {
				e := vpcSubnetEntry{o.GetName(), sn, p.Masked()}
				t.byPrefix[e.p] = append(t.byPrefix[e.p], e)
				t.sorted = append(t.sorted, e)
			}
		}
	}
	sort.Slice(t.sorted, func(i, j int) bool {
		a, b := t.sorted[i].p, t.sorted[j].p
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c < 0
		}
		return a.Bits() < b.Bits()
	})
	return t
}

// overlapping returns "VPC v subnet s (prefix)" for every subnet of
// another VPC than self that overlaps p: those containing p (found by
// masking p to each shorter length) and those inside it (a range of the
// sorted table).
func (t *vpcSubnetTable) overlapping(p netip.Prefix, self string) []string {
	var out []string
	add := func(e vpcSubnetEntry) {
		if e.vpc != self {
			out = append(out, "VPC "+e.vpc+" subnet "+e.subnet+" ("+e.p.String()+")")
		}
	}
	for l := 0; l <= p.Bits(); l++ {
		q, _ := p.Addr().Prefix(l)
		for _, e := range t.byPrefix[q] {
			add(e)
		}
	}
	i := sort.Search(len(t.sorted), func(i int) bool {
		e := t.sorted[i].p
		if c := e.Addr().Compare(p.Addr()); c != 0 {
			return c > 0
		}
		return e.Bits() > p.Bits()
	})
	for ; i < len(t.sorted) && p.Contains(t.sorted[i].p.Addr()); i++ {
		if t.sorted[i].p.Bits() > p.Bits() {
			add(t.sorted[i])
		}
	}
	sort.Strings(out)
	return out
}

// vpcVLANEntry is a subnet's VLAN in a fabric-wide table.
type vpcVLANEntry struct {
	vpc, subnet string
	hostBGP     bool
}

// vpcVLANTable holds the subnet VLANs of the VPCs of one VLANNamespace.
type vpcVLANTable map[int64][]vpcVLANEntry

// vpcVLANsByNS returns the table of the VPCs labelled with the VLANNamespace
// ns, as the webhook lists them.
func vpcVLANsByNS(idx *Index, ns string) vpcVLANTable {
	byNS := vpcMemo(idx, "vpc.vlans-by-vlanns", func() interface{} { return map[string]vpcVLANTable{} }).(map[string]vpcVLANTable)
	if t, ok := byNS[ns]; ok {
		return t
	}
	t := vpcVLANTable{}
	byNS[ns] = t
	for _, o := range idx.WithLabel("VPC", vpcLabelVLANNS, ns) {
		spec := mapAt(o.Object, "spec")
		if str(spec, "vlanNamespace") != ns {
			continue
		}
		for sn, v := range mapAt(spec, "subnets") {
			sub, _ := v.(map[string]interface{})
			vlan, _ := integer(sub, "vlan")
			t[vlan] = append(t[vlan], vpcVLANEntry{o.GetName(), sn, boolean(sub, "hostBGP")})
		}
	}
	return t
}

// conflicts returns the subnets of other VPCs using vlan; several hostBGP
// subnets may share VLAN 0.
func (t vpcVLANTable) conflicts(vlan int64, hostBGP bool, self string) []string {
	var out []string
	for _, e := range t[vlan] {
		if e.vpc == self || vlan == 0 && (hostBGP || e.hostBGP) {
			continue
		}
		out = append(out, "VPC "+e.vpc+" subnet "+e.subnet)
	}
	sort.Strings(out)
	return out
}

// vpcValidateDelete refuses deleting a VPC that attachments, peerings,
// external peerings or staticExternal connections still use.
func vpcValidateDelete(obj *unstructured.Unstructured, idx *Index, r *Reporter) {
	name := obj.GetName()
	vpcInUse(r, "VPC", name, "VPCAttachment", idx.WithLabel("VPCAttachment", vpcLabelVPC, name))
	vpcInUse(r, "VPC", name, "VPCPeering", idx.WithLabel("VPCPeering", vpcListLabelVPC+name, "true"))
	vpcInUse(r, "VPC", name, "ExternalPeering", idx.WithLabel("ExternalPeering", vpcLabelVPC, name))
	vpcInUse(r, "VPC", name, "Connection", idx.WithLabel("Connection", vpcLabelVPC, name))
}

// vpcInUse reports a delete guard: objects of kind still refer to the
// object being deleted.
func vpcInUse(r *Reporter, what, name, kind string, users []*unstructured.Unstructured) {
	if len(users) == 0 {
		return
	}
	names := make([]string, len(users))
	for i, u := range users {
		names[i] = u.GetName()
	}
	sort.Strings(names)
	r.Add(ScopeFabric, "in-use", "", what+" "+name+" is still used by "+kind+" "+vpcNames(names),
		"delete or change the "+kind+"s that refer to it first")
}
