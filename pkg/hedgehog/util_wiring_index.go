package hedgehog

import (
	"net/netip"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// wiringIndex holds the wiring kinds' fabric-wide lookups, built once per
// Index on first use, so that checking every object against all others
// stays linear.
type wiringIndex struct {
	connBuilt bool
	// ends: the endpoint analysis of the index's connections (non-MCLAG).
	ends map[*unstructured.Unstructured]*connEnds
	// ports: port name as written → the connections using it (non-MCLAG,
	// endpoint analysis successful, as the webhook lists them); lookups
	// also try the port's alias (connAliases).
	ports map[string][]string
	// linkIPs: address → connections with that fabric, mesh or gateway
	// link IP.
	linkIPs map[netip.Addr][]string

	swBuilt bool
	// Switch addresses and ASNs → switch names.
	mgmt     map[netip.Addr][]string
	protocol map[string][]string
	vtep     map[string][]string
	leafASN  map[int64][]string
}

func (x *Index) wiringData() *wiringIndex {
	if x.wiring == nil {
		x.wiring = &wiringIndex{}
	}
	return x.wiring
}

// wiringConns returns the connection lookups, building them on first use.
func (x *Index) wiringConns() *wiringIndex {
	w := x.wiringData()
	if w.connBuilt {
		return w
	}
	w.connBuilt = true
	conns := x.List("Connection")
	w.ends = make(map[*unstructured.Unstructured]*connEnds, len(conns))
	w.ports = make(map[string][]string, 2*len(conns))
	w.linkIPs = map[netip.Addr][]string{}
	for _, c := range conns {
		spec := mapAt(c.Object, "spec")
		if connIsMCLAG(spec) {
			continue
		}
		e := connAnalyse(spec)
		w.ends[c] = e
		if !e.ok() {
			continue
		}
		name := c.GetName()
		for _, p := range e.ports {
			w.ports[p.name] = append(w.ports[p.name], name)
		}
		connEachLinkIP(spec, e, func(_, _ int, ip string) {
			if p, ok := parsePrefix(ip); ok {
				w.linkIPs[p.Addr()] = append(w.linkIPs[p.Addr()], name)
			}
		})
	}
	return w
}

// wiringSwitches returns the switch lookups, building them on first use.
func (x *Index) wiringSwitches() *wiringIndex {
	w := x.wiringData()
	if w.swBuilt {
		return w
	}
	w.swBuilt = true
	sws := x.List("Switch")
	w.mgmt = make(map[netip.Addr][]string, len(sws))
	w.protocol = make(map[string][]string, len(sws))
	w.vtep = make(map[string][]string, len(sws))
	w.leafASN = make(map[int64][]string, len(sws))
	for _, sw := range sws {
		spec := mapAt(sw.Object, "spec")
		name := sw.GetName()
		if asn, _ := integer(spec, "asn"); asn != 0 && swIsLeaf(str(spec, "role")) {
			w.leafASN[asn] = append(w.leafASN[asn], name)
		}
		if v := str(spec, "vtepIP"); v != "" {
			w.vtep[v] = append(w.vtep[v], name)
		}
		if v := str(spec, "protocolIP"); v != "" {
			w.protocol[v] = append(w.protocol[v], name)
		}
		if p, ok := parsePrefix(str(spec, "ip")); ok {
			w.mgmt[p.Addr()] = append(w.mgmt[p.Addr()], name)
		}
	}
	return w
}
