package hedgehog

import (
	"net"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// Helpers of the VPC-side kinds (VPC, VPCAttachment, VPCPeering,
// IPv4Namespace, External, ExternalAttachment, ExternalPeering). Names
// start with vpc so that they never collide with the wiring kinds' helpers.

// Labels the VPC-side webhooks set.
const (
	vpcLabelIPv4NS     = "fabric.githedgehog.com/ipv4ns"
	vpcLabelVLANNS     = "fabric.githedgehog.com/vlanns"
	vpcLabelVPC        = "fabric.githedgehog.com/vpc"
	vpcLabelSubnet     = "fabric.githedgehog.com/subnet"
	vpcLabelConnection = "fabric.githedgehog.com/connection"
	vpcLabelNativeVLAN = "fabric.githedgehog.com/nativevlan"
	vpcLabelExternal   = "fabric.githedgehog.com/external"
	vpcLabelVPC1       = "fabric.githedgehog.com/vpc1"
	vpcLabelVPC2       = "fabric.githedgehog.com/vpc2"
	vpcListLabelVPC    = "vpc.fabric.githedgehog.com/"
	vpcAnnotationP2P   = "fabric.githedgehog.com/p2p-link"
)

// vpcParseAddr parses s as a bare IP address.
func vpcParseAddr(s string) (netip.Addr, bool) {
	if s == "" {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	return a, err == nil
}

// vpcIsCIDR says whether s parses as net.ParseCIDR parses it (an address
// with a prefix length, host bits allowed).
func vpcIsCIDR(s string) bool {
	_, _, err := net.ParseCIDR(s)
	return err == nil
}

// vpcNthAddr returns the masked network address of p plus n.
func vpcNthAddr(p netip.Prefix, n int) netip.Addr {
	a := p.Masked().Addr()
	for range n {
		a = a.Next()
	}
	return a
}

// vpcLastAddr returns the last address (broadcast for IPv4) of p.
func vpcLastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	bits := p.Bits()
	for i := range b {
		for j := 0; j < 8; j++ {
			if i*8+j >= bits {
				b[i] |= 0x80 >> j
			}
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// vpcContainsPrefix says whether outer contains inner entirely.
func vpcContainsPrefix(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// vpcSortStrings sorts a list of strings in place as strings (Go's string
// order, so "10.1.1.10" comes before "10.1.1.2"). A list holding anything
// but strings is left alone: the schema check reports it.
func vpcSortStrings(l []interface{}) {
	for _, v := range l {
		if _, ok := v.(string); !ok {
			return
		}
	}
	sort.SliceStable(l, func(i, j int) bool { return l[i].(string) < l[j].(string) })
}

// vpcCanonicalMAC returns the canonical (lower-case, colon-separated) form
// of a MAC address, as Go's net.HardwareAddr prints it.
func vpcCanonicalMAC(s string) (string, bool) {
	hw, err := net.ParseMAC(s)
	if err != nil {
		return "", false
	}
	return hw.String(), true
}

// vpcBeginLabels cleans the fabric labels up (cleanupFabricLabels) and says
// whether an empty labels map must be kept at the end: the webhook's
// marshalling drops an empty map (omitempty) unless the user wrote
// `labels: {}`, whose removal the webhook does not send.
func vpcBeginLabels(obj map[string]interface{}) (map[string]interface{}, bool) {
	keepEmpty := false
	if md := mapAt(obj, "metadata"); md != nil {
		if l, ok := md["labels"].(map[string]interface{}); ok && len(l) == 0 {
			keepEmpty = true
		}
	}
	return cleanupFabricLabels(obj), keepEmpty
}

// vpcEndLabels drops an empty labels map unless keepEmpty.
func vpcEndLabels(obj map[string]interface{}, keepEmpty bool) {
	md := mapAt(obj, "metadata")
	if md == nil || keepEmpty {
		return
	}
	if l, ok := md["labels"].(map[string]interface{}); ok && len(l) == 0 {
		delete(md, "labels")
	}
}

// vpcSortedKeys returns the keys of m, sorted.
func vpcSortedKeys(m map[string]interface{}) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// vpcValidLabelValue says whether s is a valid Kubernetes label value (at
// most 63 characters, alphanumerics, '-', '_' and '.', starting and ending
// with an alphanumeric), without a regular expression.
func vpcValidLabelValue(s string) bool {
	if len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if alnum {
			continue
		}
		if i == 0 || i == len(s)-1 || c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// vpcCheckLabelValue reports a value the webhook copies into a label that
// is not a valid label value: the API server would reject the object.
func vpcCheckLabelValue(r *Reporter, field, value, what string) {
	if vpcValidLabelValue(value) {
		return
	}
	r.Add(ScopeLocal, "label-value", field, what+" "+quote(value)+" is copied into a label by the webhook but is not a valid label value (at most 63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit)",
		"use a shorter name made of letters, digits, '-', '_' and '.'")
}

// vpcNames joins up to 3 names, then says how many more there are.
func vpcNames(names []string) string {
	if len(names) <= 3 {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:3], ", ") + " and " + strconv.Itoa(len(names)-3) + " more"
}

// vpcItoa formats an int64.
func vpcItoa(n int64) string { return strconv.FormatInt(n, 10) }

// vpcIdx formats a list index path segment: "[3]".
func vpcIdx(i int) string { return "[" + strconv.Itoa(i) + "]" }

// vpcMemo returns the value cached on idx under key, built by build on
// first use: fabric-wide lookups (subnets by IPv4Namespace, VLANs by
// VLANNamespace) are built once per Index, so that validating n objects
// stays linear.
func vpcMemo(idx *Index, key string, build func() interface{}) interface{} {
	if idx.memo == nil {
		idx.memo = map[string]interface{}{}
	}
	v, ok := idx.memo[key]
	if !ok {
		v = build()
		idx.memo[key] = v
	}
	return v
}

// vpcConnSwitches returns the switch names of an unbundled, bundled or
// eslag Connection's switch endpoints (the part of each switch port
// before the first '/'), whether the connection is of one of those types,
// and the first invalid port ("" when all are valid).
func vpcConnSwitches(conn map[string]interface{}) (switches []string, typeOK bool, badPort string) {
	spec := mapAt(conn, "spec")
	var links []interface{}
	switch {
	case mapAt(spec, "unbundled") != nil:
		if l := mapAt(spec, "unbundled", "link"); l != nil {
			links = []interface{}{l}
		}
	case mapAt(spec, "bundled") != nil:
		links = list(mapAt(spec, "bundled"), "links")
	case mapAt(spec, "eslag") != nil:
		links = list(mapAt(spec, "eslag"), "links")
	default:
		return nil, false, ""
	}
	seen := map[string]bool{}
	for _, l := range links {
		lm, _ := l.(map[string]interface{})
		for _, side := range []string{"switch", "server"} {
			port := str(mapAt(lm, side), "port")
			dev, rest, ok := strings.Cut(port, "/")
			if !ok || dev == "" || rest == "" {
				if badPort == "" {
					badPort = side + " port " + quote(port)
				}
				continue
			}
			if side == "switch" && !seen[dev] {
				seen[dev] = true
				switches = append(switches, dev)
			}
		}
	}
	return switches, true, badPort
}

// vpcSortStable stable-sorts l by less.
func vpcSortStable(l []interface{}, less func(a, b interface{}) bool) {
	sort.SliceStable(l, func(i, j int) bool { return less(l[i], l[j]) })
}

// vpcSkippedRules are the upstream [fabric] rules of the VPC-side kinds
// that need a SwitchProfile: SwitchProfiles are not among the 12 kinds and
// not in Git, so these rules are not checked offline (the controller checks
// them when the object is applied).
var vpcSkippedRules = []string{
	"vpcattachment: every endpoint switch's SwitchProfile must exist",
	"vpcattachment: the switch profile must have the features the VPC mode needs (L2VNI: L2VNI and L3VNI; l3vni and l3flat: L3VNI)",
}

// VPCSkippedRules returns the VPC-side kinds' upstream rules that are not
// checked offline because they need a SwitchProfile.
func VPCSkippedRules() []string { return append([]string(nil), vpcSkippedRules...) }
