package hedgehog

import (
	"sort"
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// vpcPeeringValidate checks a VPCPeering's [config] and [local] rules.
func vpcPeeringValidate(obj *unstructured.Unstructured, cfg *Config, r *Reporter) {
	if cfg.VPCPeeringDisabled != nil && *cfg.VPCPeeringDisabled {
		r.Add(ScopeConfig, "disabled", "", "VPC peering is disabled in the fabric config (vpcPeeringDisabled)", "remove the VPCPeering, or enable VPC peering in the fabric")
	}
	spec := mapAt(obj.Object, "spec")
	if rem := str(spec, "remote"); rem != "" {
		r.Add(ScopeLocal, "remote-deprecated", "spec.remote", "remote "+quote(rem)+" is set; remote peering is deprecated and no longer supported", "remove spec.remote")
	}
	permit := list(spec, "permit")
	if len(permit) == 0 || len(permit) > 10 {
		r.Add(ScopeLocal, "permit-count", "spec.permit", "permit has "+strconv.Itoa(len(permit))+" entries; it needs 1 to 10", "give the peering between 1 and 10 permit entries")
	}
	vpcs := map[string]bool{}
	for i, e := range permit {
		entry, _ := e.(map[string]interface{})
		f := "spec.permit" + vpcIdx(i)
		if len(entry) != 2 {
			r.Add(ScopeLocal, "permit-vpcs", f, "permit entry names "+strconv.Itoa(len(entry))+" VPC(s); each entry must name exactly 2", "name the two peered VPCs in every permit entry")
		}
		for name, v := range entry {
			vpcs[name] = true
			peer, _ := v.(map[string]interface{})
			if subs, ok := peer["subnets"].([]interface{}); ok && (len(subs) == 0 || len(subs) > 10) {
				r.Add(ScopeLocal, "permit-subnets-count", f+"."+name+".subnets", "the subnets list of "+name+" has "+strconv.Itoa(len(subs))+" entries; it needs 1 to 10",
					"list 1 to 10 subnets, or omit subnets to permit all")
			}
		}
	}
	if len(vpcs) != 2 && len(permit) > 0 {
		names := make([]string, 0, len(vpcs))
		for n := range vpcs {
			names = append(names, n)
		}
		sort.Strings(names)
		r.Add(ScopeLocal, "vpc-count", "spec.permit", "the peering names "+strconv.Itoa(len(vpcs))+" distinct VPCs ("+vpcNames(names)+"); it must name exactly 2",
			"peer exactly two VPCs; use one VPCPeering per pair")
	}
	for n := range vpcs {
		vpcCheckLabelValue(r, "spec.permit", n, "VPC name")
	}
}

// vpcPeeringValidateFabric checks that both VPCs exist, share their
// namespaces, and have the subnets the permit entries list.
func vpcPeeringValidateFabric(obj *unstructured.Unstructured, idx *Index, _ *Config, r *Reporter) {
	spec := mapAt(obj.Object, "spec")
	vpc1, vpc2, ok := vpcPeeringVPCs(spec)
	if !ok {
		return
	}
	found := map[string]map[string]interface{}{}
	for _, n := range []string{vpc1, vpc2} {
		if v := idx.Get("VPC", n); v == nil {
			r.Add(ScopeFabric, "vpc-missing", "spec.permit", "VPC "+quote(n)+" does not exist in the fabric", "create the VPC or peer an existing one")
		} else {
			found[n] = mapAt(v.Object, "spec")
		}
	}
	if len(found) == 2 {
		for _, f := range []string{"ipv4Namespace", "vlanNamespace"} {
			if a, b := str(found[vpc1], f), str(found[vpc2], f); a != b {
				r.Add(ScopeFabric, "namespace-mismatch", "spec.permit", "VPC "+vpc1+" has "+f+" "+quote(a)+" but VPC "+vpc2+" has "+quote(b)+"; peered VPCs must share it",
					"peer VPCs of the same IPv4Namespace and VLANNamespace")
			}
		}
	}
	for i, e := range list(spec, "permit") {
		entry, _ := e.(map[string]interface{})
		for _, name := range vpcSortedKeys(entry) {
			vs := found[name]
			if vs == nil {
				continue
			}
			peer, _ := entry[name].(map[string]interface{})
			for j, s := range stringList(peer, "subnets") {
				if _, ok := mapAt(vs, "subnets")[s]; !ok {
					r.Add(ScopeFabric, "subnet-missing", "spec.permit"+vpcIdx(i)+"."+name+".subnets"+vpcIdx(j), "VPC "+name+" has no subnet "+quote(s),
						"list subnets of the VPC only")
				}
			}
		}
	}
}
