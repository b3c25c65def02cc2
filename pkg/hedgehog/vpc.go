package hedgehog

func init() {
	register("VPC", KindRules{
		Webhook:        true,
		Default:        vpcDefault,
		Validate:       vpcValidate,
		ValidateFabric: vpcValidateFabric,
		ValidateDelete: vpcValidateDelete,
	})
}

// vpcDefault is VPC.Default(): namespaces, labels, then per subnet the
// gateway, the DHCP range and options, and the static MAC keys.
func vpcDefault(obj map[string]interface{}) {
	spec := ensureMap(obj, "spec")
	if str(spec, "ipv4Namespace") == "" {
		spec["ipv4Namespace"] = "default"
	}
	if str(spec, "vlanNamespace") == "" {
		spec["vlanNamespace"] = "default"
	}
	labels, keep := vpcBeginLabels(obj)
	labels[vpcLabelIPv4NS] = str(spec, "ipv4Namespace")
	labels[vpcLabelVLANNS] = str(spec, "vlanNamespace")
	vpcEndLabels(obj, keep)

	for _, v := range mapAt(spec, "subnets") {
		if sub, ok := v.(map[string]interface{}); ok {
			vpcDefaultSubnet(sub)
		}
	}
}

// vpcDefaultSubnet defaults one subnet, in the webhook's order.
func vpcDefaultSubnet(sub map[string]interface{}) {
	// Marshalling side effect: dhcp is a struct without a pointer, stored
	// as {} when absent.
	dhcp, _ := sub["dhcp"].(map[string]interface{})
	if dhcp == nil {
		dhcp = map[string]interface{}{}
		sub["dhcp"] = dhcp
	}
	p, ok := parsePrefix(str(sub, "subnet"))
	if !ok {
		return
	}
	if str(sub, "gateway") == "" && !boolean(sub, "hostBGP") {
		sub["gateway"] = vpcNthAddr(p, 1).String()
	}
	if p.Bits() > 30 {
		return
	}
	if !boolean(dhcp, "enable") {
		delete(dhcp, "range")
		delete(dhcp, "options")
		return
	}
	rng, _ := dhcp["range"].(map[string]interface{})
	if rng == nil {
		rng = map[string]interface{}{}
		dhcp["range"] = rng
	}
	if str(rng, "start") == "" {
		rng["start"] = vpcNthAddr(p, 2).String()
	}
	if str(rng, "end") == "" {
		rng["end"] = vpcLastAddr(p).String()
	}
	if opts, ok := dhcp["options"].(map[string]interface{}); ok {
		if vpcOptionsEmpty(opts) {
			delete(dhcp, "options")
			return
		}
		vpcDefaultOptions(opts)
	}
	vpcDefaultStatic(dhcp)
}

// vpcOptionsEmpty says whether DHCP options are all empty: absent lists
// (an empty list counts as present), zero numbers, false and "".
func vpcOptionsEmpty(o map[string]interface{}) bool {
	mtu, _ := integer(o, "interfaceMTU")
	lease, _ := integer(o, "leaseTimeSeconds")
	return str(o, "pxeURL") == "" && o["dnsServers"] == nil && o["timeServers"] == nil &&
		mtu == 0 && lease == 0 && !boolean(o, "disableDefaultRoute") && o["advertisedRoutes"] == nil
}

// vpcDefaultOptions fills MTU and lease time, stores absent server lists as
// [] and sorts them and the advertised routes as strings.
func vpcDefaultOptions(o map[string]interface{}) {
	if n, _ := integer(o, "interfaceMTU"); n == 0 {
		o["interfaceMTU"] = int64(9036)
	}
	for _, k := range []string{"dnsServers", "timeServers"} {
		l, ok := o[k].([]interface{})
		if !ok && o[k] == nil {
			l = []interface{}{}
			o[k] = l
		}
		vpcSortStrings(l)
	}
	if n, _ := integer(o, "leaseTimeSeconds"); n == 0 {
		o["leaseTimeSeconds"] = int64(3600)
	}
	routes := list(o, "advertisedRoutes")
	if len(routes) > 1 {
		vpcSortRoutes(routes)
	}
}

// vpcSortRoutes stable-sorts advertised routes by destination, then
// gateway, as strings.
func vpcSortRoutes(routes []interface{}) {
	key := func(v interface{}) (string, string) {
		m, _ := v.(map[string]interface{})
		return str(m, "destination"), str(m, "gateway")
	}
	vpcSortStable(routes, func(a, b interface{}) bool {
		ad, ag := key(a)
		bd, bg := key(b)
		if ad != bd {
			return ad < bd
		}
		return ag < bg
	})
}

// vpcDefaultStatic re-keys the static leases' MAC keys in canonical form
// and stores `ip: ""` for an entry without ip (the field has no omitempty).
func vpcDefaultStatic(dhcp map[string]interface{}) {
	static, _ := dhcp["static"].(map[string]interface{})
	if static == nil {
		return
	}
	for _, mac := range vpcSortedKeys(static) {
		v := static[mac]
		if canon, ok := vpcCanonicalMAC(mac); ok && canon != mac {
			delete(static, mac)
			static[canon] = v
		}
	}
	for k, v := range static {
		m, _ := v.(map[string]interface{})
		if m == nil && v == nil {
			m = map[string]interface{}{}
			static[k] = m
		}
		if m != nil {
			if _, ok := m["ip"]; !ok {
				m["ip"] = ""
			}
		}
	}
}
