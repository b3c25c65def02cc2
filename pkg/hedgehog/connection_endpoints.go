package hedgehog

import (
	"strconv"
	"strings"
)

// The endpoint analysis of a Connection (ConnectionSpec.Endpoints()):
// which switches and servers it joins and which ports it uses, with the
// [local] rules on their number and form.

// Kinds of device on a side of a link.
const (
	connSwitch byte = iota + 1
	connServer
	connGateway
)

// connSide is one side of a link: its key in the link ("leaf") and the
// kind of device there.
type connSide struct {
	name string
	kind byte
}

// connShape describes one connection type.
type connShape struct {
	key   string // the spec field: "vpcLoopback"
	label string // the connection-type label: "vpc-loopback"
	many  bool   // links[] (true) or a single link
	sides [2]connSide
	// minSw and maxSw bound the distinct switches (0: not checked);
	// servers is the required number of distinct servers (-1: none).
	minSw, maxSw, servers int
	// unique requires every port of every link to be distinct.
	unique bool
	// deprecated types (mclag) are not analysed: the controller skips them.
	deprecated bool
}

// connShapes in the precedence order of ConnectionSpec.Type().
var connShapes = [...]connShape{
	{key: "unbundled", label: "unbundled", sides: [2]connSide{{"server", connServer}, {"switch", connSwitch}}, minSw: 1, maxSw: 1, servers: 1, unique: true},
	{key: "bundled", label: "bundled", many: true, sides: [2]connSide{{"server", connServer}, {"switch", connSwitch}}, minSw: 1, maxSw: 1, servers: 1, unique: true},
	{key: "mclag", label: "mclag", many: true, sides: [2]connSide{{"server", connServer}, {"switch", connSwitch}}, deprecated: true},
	{key: "eslag", label: "eslag", many: true, sides: [2]connSide{{"server", connServer}, {"switch", connSwitch}}, minSw: 1, maxSw: 4, servers: 1, unique: true},
	{key: "fabric", label: "fabric", many: true, sides: [2]connSide{{"spine", connSwitch}, {"leaf", connSwitch}}, minSw: 2, maxSw: 2, servers: -1, unique: true},
	{key: "mesh", label: "mesh", many: true, sides: [2]connSide{{"leaf1", connSwitch}, {"leaf2", connSwitch}}, minSw: 2, maxSw: 2, servers: -1, unique: true},
	{key: "gateway", label: "gateway", many: true, sides: [2]connSide{{"switch", connSwitch}, {"gateway", connGateway}}, minSw: 1, maxSw: 1, servers: -1, unique: true},
	{key: "vpcLoopback", label: "vpc-loopback", many: true, sides: [2]connSide{{"switch1", connSwitch}, {"switch2", connSwitch}}, minSw: 1, maxSw: 1, servers: -1, unique: true},
	{key: "external", label: "external", sides: [2]connSide{{"switch", connSwitch}}, servers: -1},
	{key: "staticExternal", label: "static-external", sides: [2]connSide{{"switch", connSwitch}}, servers: -1},
}

// connPort is one port of a connection and where it is written.
type connPort struct {
	name string
	link int // index in links[], -1 for a single link
	side int // index in the shape's sides
	kind byte
}

// connProblem is a broken [local] endpoint rule.
type connProblem struct{ rule, field, msg, fix string }

// connEnds is the outcome of the endpoint analysis.
type connEnds struct {
	shape    *connShape // the connection's type, nil when none is set
	switches []string   // distinct, in order of appearance
	servers  []string
	ports    []connPort
	problems []connProblem
	// backing arrays for the common small cases (fewer allocations)
	swBuf   [2]string
	srvBuf  [1]string
	portBuf [4]connPort
}

// ok says whether the analysis succeeded (the webhook then sets the list
// labels and goes on with its checks).
func (e *connEnds) ok() bool { return e.shape != nil && len(e.problems) == 0 }

// label is the connection-type label value.
func (e *connEnds) label() string {
	if e.shape == nil {
		return wiringInvalid
	}
	return e.shape.label
}

// field is the dotted path of a port: spec.fabric.links[0].leaf.port.
func (e *connEnds) field(p connPort) string {
	var b strings.Builder
	b.WriteString("spec.")
	b.WriteString(e.shape.key)
	if p.link < 0 {
		b.WriteString(".link.")
	} else {
		b.WriteString(".links[")
		b.WriteString(strconv.Itoa(p.link))
		b.WriteString("].")
	}
	b.WriteString(e.shape.sides[p.side].name)
	b.WriteString(".port")
	return b.String()
}

// connDevice is the device part of a port name ("leaf-01" of "leaf-01/E1/1").
func connDevice(port string) string {
	if i := strings.IndexByte(port, '/'); i >= 0 {
		return port[:i]
	}
	return port
}

// connAliases calls fn with the names a port is also known by, itself
// first: "leaf-01/E1/4" is an alias of "leaf-01/E1/4/1" (lane 1 of a
// broken-out port) and the other way round. buf is scratch space; the
// names passed to fn are only valid during the call (map lookups through
// string(b) do not allocate).
func connAliases(buf []byte, port string, fn func(name []byte)) []byte {
	buf = append(buf[:0], port...)
	fn(buf)
	switch strings.Count(port, "/") {
	case 2:
		buf = append(buf, "/1"...)
		fn(buf)
	case 3:
		if strings.HasSuffix(port, "/1") {
			fn(buf[:len(buf)-2])
		}
	}
	return buf
}

func connAppendDistinct(names []string, s string) []string {
	for _, n := range names {
		if n == s {
			return names
		}
	}
	return append(names, s)
}

// connAnalyse runs the endpoint analysis on a (non-MCLAG) spec.
func connAnalyse(spec map[string]interface{}) *connEnds {
	e := &connEnds{}
	e.switches, e.servers, e.ports = e.swBuf[:0], e.srvBuf[:0], e.portBuf[:0]
	types := 0
	var names []string
	for i := range connShapes {
		sh := &connShapes[i]
		if sh.deprecated || mapAt(spec, sh.key) == nil {
			continue
		}
		types++
		names = append(names, sh.key)
		if e.shape == nil {
			e.shape = sh
		}
	}
	if types != 1 {
		msg := "no connection type is set"
		if types > 1 {
			msg = "several connection types are set: " + strings.Join(names, ", ")
		}
		e.problems = append(e.problems, connProblem{"type-count", "spec", msg,
			"set exactly one of unbundled, bundled, eslag, fabric, mesh, gateway, vpcLoopback, external, staticExternal"})
		return e
	}
	sh := e.shape
	t := mapAt(spec, sh.key)
	addLink := func(link map[string]interface{}, li int) {
		for si, side := range sh.sides {
			if side.name == "" {
				continue
			}
			port := str(mapAt(link, side.name), "port")
			e.ports = append(e.ports, connPort{name: port, link: li, side: si, kind: side.kind})
			switch side.kind {
			case connSwitch:
				e.switches = connAppendDistinct(e.switches, connDevice(port))
			case connServer:
				e.servers = connAppendDistinct(e.servers, connDevice(port))
			}
		}
	}
	links := 1
	if sh.many {
		items := list(t, "links")
		links = len(items)
		if 2*links > len(e.portBuf) {
			e.ports = make([]connPort, 0, 2*links)
		}
		for li, it := range items {
			link, _ := it.(map[string]interface{})
			addLink(link, li)
		}
	} else {
		addLink(mapAt(t, "link"), -1)
	}
	e.checkCounts(links)
	for _, p := range e.ports {
		if i := strings.IndexByte(p.name, '/'); i <= 0 || i == len(p.name)-1 {
			e.problems = append(e.problems, connProblem{"port-name", e.field(p),
				"port name " + quote(p.name) + " is not in the form <device>/<port>",
				"write the port as <device>/<port>, e.g. leaf-01/E1/1"})
		}
	}
	return e
}

// checkCounts checks the number of switches, servers and distinct ports.
func (e *connEnds) checkCounts(links int) {
	sh := e.shape
	field := "spec." + sh.key
	if sh.minSw > 0 && (len(e.switches) < sh.minSw || len(e.switches) > sh.maxSw) {
		want := strconv.Itoa(sh.minSw)
		if sh.maxSw != sh.minSw {
			want += " to " + strconv.Itoa(sh.maxSw)
		}
		e.problems = append(e.problems, connProblem{"switch-count", field,
			"a " + sh.label + " connection must use " + want + " switch(es), found " + strconv.Itoa(len(e.switches)) + " (" + strings.Join(e.switches, ", ") + ")",
			"fix the switch side of the links"})
	}
	if sh.servers >= 0 && len(e.servers) != sh.servers {
		e.problems = append(e.problems, connProblem{"server-count", field,
			"a " + sh.label + " connection must use exactly " + strconv.Itoa(sh.servers) + " server, found " + strconv.Itoa(len(e.servers)) + " (" + strings.Join(e.servers, ", ") + ")",
			"fix the server side of the links"})
	}
	if sh.unique && connDistinct(e.ports) != 2*links {
		e.problems = append(e.problems, connProblem{"ports-distinct", field,
			"the ports of a " + sh.label + " connection must all be distinct",
			"use each port once"})
	}
}

// connDistinct counts the distinct port names.
func connDistinct(ports []connPort) int {
	if len(ports) <= 16 {
		n := 0
		for i, p := range ports {
			dup := false
			for _, q := range ports[:i] {
				if q.name == p.name {
					dup = true
					break
				}
			}
			if !dup {
				n++
			}
		}
		return n
	}
	seen := make(map[string]struct{}, len(ports))
	for _, p := range ports {
		seen[p.name] = struct{}{}
	}
	return len(seen)
}
