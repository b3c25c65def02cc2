package kinds

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// str returns the string form of a nested scalar field, or "" when absent.
func str(path ...string) func(u *unstructured.Unstructured) string {
	return func(u *unstructured.Unstructured) string {
		v, ok, _ := unstructured.NestedFieldNoCopy(u.Object, path...)
		if !ok || v == nil {
			return ""
		}
		switch t := v.(type) {
		case []interface{}:
			parts := make([]string, 0, len(t))
			for _, e := range t {
				parts = append(parts, fmt.Sprint(e))
			}
			return strings.Join(parts, ",")
		case map[string]interface{}:
			return strings.Join(sortedKeys(t), ",")
		default:
			return fmt.Sprint(v)
		}
	}
}

func sortedKeys(m map[string]interface{}) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func label(key string) func(u *unstructured.Unstructured) string {
	return func(u *unstructured.Unstructured) string { return u.GetLabels()[key] }
}

// subnetsField returns the names of the VPC's subnets.
func subnetsField(u *unstructured.Unstructured) string {
	m, _, _ := unstructured.NestedMap(u.Object, "spec", "subnets")
	return strings.Join(sortedKeys(m), ",")
}

// vpcVLANs returns the VLANs of a VPC's subnets, in subnet-name order.
func vpcVLANs(u *unstructured.Unstructured) string {
	m, _, _ := unstructured.NestedMap(u.Object, "spec", "subnets")
	var out []string
	for _, k := range sortedKeys(m) {
		if s, ok := m[k].(map[string]interface{}); ok {
			if v, ok := s["vlan"]; ok && v != nil {
				out = append(out, fmt.Sprint(v))
			}
		}
	}
	return strings.Join(out, ",")
}

// vpcCIDRs returns the CIDRs of a VPC's subnets, in subnet-name order.
func vpcCIDRs(u *unstructured.Unstructured) string {
	m, _, _ := unstructured.NestedMap(u.Object, "spec", "subnets")
	var out []string
	for _, k := range sortedKeys(m) {
		if s, ok := m[k].(map[string]interface{}); ok {
			if v, ok := s["subnet"].(string); ok {
				out = append(out, v)
			}
		}
	}
	return strings.Join(out, ",")
}

// connectionType is the one connection variant set in a Connection's spec.
func connectionType(u *unstructured.Unstructured) string {
	spec, _, _ := unstructured.NestedMap(u.Object, "spec")
	return strings.Join(sortedKeys(spec), ",")
}

// connectionEndpoints lists every "port" string found in a Connection's spec
// ("device/port"), in the order the spec gives them, without duplicates.
func connectionEndpoints(u *unstructured.Unstructured) string {
	spec, _, _ := unstructured.NestedMap(u.Object, "spec")
	var out []string
	seen := map[string]bool{}
	var walk func(v interface{})
	walk = func(v interface{}) {
		switch t := v.(type) {
		case map[string]interface{}:
			for _, k := range sortedKeys(t) {
				if p, ok := t[k].(string); ok && k == "port" {
					if !seen[p] {
						seen[p] = true
						out = append(out, p)
					}
					continue
				}
				walk(t[k])
			}
		case []interface{}:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(spec)
	return strings.Join(out, ",")
}

// vlanRanges renders a VLANNamespace's ranges as "from-to" items.
func vlanRanges(u *unstructured.Unstructured) string {
	rs, _, _ := unstructured.NestedSlice(u.Object, "spec", "ranges")
	var out []string
	for _, r := range rs {
		if m, ok := r.(map[string]interface{}); ok {
			out = append(out, fmt.Sprintf("%v-%v", m["from"], m["to"]))
		}
	}
	return strings.Join(out, ",")
}

var (
	vpcColumns = []Column{
		{Header: "SUBNETS", Value: subnetsField},
		{Header: "VLANS", Value: vpcVLANs},
		{Header: "IPV4NS", Wide: true, Value: str("spec", "ipv4Namespace")},
		{Header: "VLANNS", Wide: true, Value: str("spec", "vlanNamespace")},
		{Header: "CIDRS", Wide: true, Value: vpcCIDRs},
	}
	vpcAttachmentColumns = []Column{
		{Header: "SUBNET", Value: str("spec", "subnet")},
		{Header: "CONNECTION", Value: str("spec", "connection")},
		{Header: "NATIVEVLAN", Wide: true, Value: str("spec", "nativeVLAN")},
	}
	vpcPeeringColumns = []Column{
		{Header: "VPCS", Value: peeringVPCs},
		{Header: "REMOTE", Value: str("spec", "remote")},
	}
	ipv4NamespaceColumns = []Column{
		{Header: "SUBNETS", Value: str("spec", "subnets")},
	}
	externalColumns = []Column{
		{Header: "IPV4NS", Value: str("spec", "ipv4Namespace")},
		{Header: "INCOMM", Value: str("spec", "inboundCommunity")},
		{Header: "OUTCOMM", Value: str("spec", "outboundCommunity")},
	}
	externalAttachmentColumns = []Column{
		{Header: "EXTERNAL", Value: str("spec", "external")},
		{Header: "CONNECTION", Value: str("spec", "connection")},
		{Header: "SWVLAN", Wide: true, Value: str("spec", "switch", "vlan")},
		{Header: "SWIP", Wide: true, Value: str("spec", "switch", "ip")},
		{Header: "NEIGHASN", Wide: true, Value: str("spec", "neighbor", "asn")},
		{Header: "NEIGHIP", Wide: true, Value: str("spec", "neighbor", "ip")},
	}
	externalPeeringColumns = []Column{
		{Header: "VPC", Value: str("spec", "permit", "vpc", "name")},
		{Header: "EXTERNAL", Value: str("spec", "permit", "external", "name")},
		{Header: "VPCSUBNETS", Wide: true, Value: str("spec", "permit", "vpc", "subnets")},
	}
	connectionColumns = []Column{
		{Header: "TYPE", Value: connectionType},
		{Header: "ENDPOINTS", Value: connectionEndpoints},
	}
	switchColumns = []Column{
		{Header: "ROLE", Value: str("spec", "role")},
		{Header: "PROFILE", Value: str("spec", "profile")},
		{Header: "GROUPS", Wide: true, Value: str("spec", "groups")},
		{Header: "ASN", Wide: true, Value: str("spec", "asn")},
		{Header: "DESCRIPTION", Wide: true, Value: str("spec", "description")},
	}
	serverColumns = []Column{
		{Header: "DESCRIPTION", Value: str("spec", "description")},
		{Header: "PROFILE", Wide: true, Value: str("spec", "profile")},
	}
	switchGroupColumns = []Column{
		{Header: "LABELS", Wide: true, Value: func(u *unstructured.Unstructured) string {
			l := u.GetLabels()
			keys := make([]string, 0, len(l))
			for k := range l {
				keys = append(keys, k+"="+l[k])
			}
			sort.Strings(keys)
			return strings.Join(keys, ",")
		}},
	}
	vlanNamespaceColumns = []Column{
		{Header: "RANGES", Value: vlanRanges},
	}
)

// peeringVPCs names the two VPCs of a VPCPeering from its permit list (or the
// controller's labels when the permit is empty).
func peeringVPCs(u *unstructured.Unstructured) string {
	permit, _, _ := unstructured.NestedSlice(u.Object, "spec", "permit")
	seen := map[string]bool{}
	var out []string
	for _, p := range permit {
		if m, ok := p.(map[string]interface{}); ok {
			for _, k := range sortedKeys(m) {
				if !seen[k] {
					seen[k] = true
					out = append(out, k)
				}
			}
		}
	}
	if len(out) == 0 {
		for _, k := range []string{"fabric.githedgehog.com/vpc1", "fabric.githedgehog.com/vpc2"} {
			if v := label(k)(u); v != "" {
				out = append(out, v)
			}
		}
	}
	return strings.Join(out, ",")
}
