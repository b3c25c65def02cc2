package report

import (
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Role is a node's place in the topology picture.
type Role string

// The roles, top to bottom and then at the side.
const (
	RoleSpine    Role = "spine"
	RoleLeaf     Role = "leaf"
	RoleServer   Role = "server"
	RoleExternal Role = "external"
	RoleGateway  Role = "gateway"
)

// Node is a device of the fabric: a Switch, a Server, an External, or an
// endpoint a Connection names (a gateway, a static external, a device no
// object describes).
type Node struct {
	Name string
	Role Role
	// Group and GroupType are the switch's redundancy group (Switch
	// spec.redundancy: mclag or eslag), "" when none.
	Group, GroupType string
	// Own is the node's own object (the Switch, Server, External, or a
	// static external's Connection); nil when there is none.
	Own *resource.Key
	// Status is Own's drift status, "" without one.
	Status string
	// Objects are the node's objects: its own, then the Connections (and
	// ExternalAttachments) touching it, sorted.
	Objects []resource.Key
}

// Edge is a link between two devices from one Connection.
type Edge struct {
	From, To string
	// Type is the Connection's type (fabric, mesh, unbundled, ...).
	Type   string
	Conn   resource.Key
	Status string
}

// Graph is a fabric's topology: nodes sorted by role and name, edges
// sorted by connection and endpoints.
type Graph struct {
	Nodes []*Node
	Edges []Edge
}

// Node returns the node named name, nil when absent.
func (g *Graph) Node(name string) *Node {
	for _, n := range g.Nodes {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// BuildGraph draws the topology from a fabric's objects: the Git copy of
// each object where there is one, else the cluster's. statuses gives each
// object's drift status.
func BuildGraph(desired, actual resource.Set, statuses map[resource.Key]string) *Graph {
	objs := map[resource.Key]*unstructured.Unstructured{}
	for _, set := range []resource.Set{actual, desired} {
		for k, o := range set {
			if o != nil && o.Obj != nil {
				objs[k] = o.Obj
			}
		}
	}
	keys := make([]resource.Key, 0, len(objs))
	for k := range objs {
		keys = append(keys, k)
	}
	resource.SortKeys(keys)
	b := &graphBuilder{nodes: map[string]*Node{}, statuses: statuses, objects: map[string]map[resource.Key]bool{}}
	for _, k := range keys {
		spec, _ := objs[k].Object["spec"].(map[string]interface{})
		switch k.Kind {
		case "Switch":
			role := RoleLeaf
			if str(spec, "role") == "spine" {
				role = RoleSpine
			}
			n := b.own(k, role)
			red := mapAt(spec, "redundancy")
			n.Group, n.GroupType = str(red, "group"), str(red, "type")
		case "Server":
			b.own(k, RoleServer)
		case "External":
			b.own(k, RoleExternal)
		}
	}
	attached := map[string][]resource.Key{} // connection name → ExternalAttachments
	for _, k := range keys {
		if k.Kind == "ExternalAttachment" {
			spec, _ := objs[k].Object["spec"].(map[string]interface{})
			attached[str(spec, "connection")] = append(attached[str(spec, "connection")], k)
		}
	}
	for _, k := range keys {
		if k.Kind == "Connection" {
			spec, _ := objs[k].Object["spec"].(map[string]interface{})
			b.connection(k, spec, attached[k.Name], objs)
		}
	}
	return b.graph()
}

type graphBuilder struct {
	nodes    map[string]*Node
	edges    []Edge
	statuses map[resource.Key]string
	objects  map[string]map[resource.Key]bool
}

// own adds the node an object describes.
func (b *graphBuilder) own(k resource.Key, role Role) *Node {
	key := k
	n := b.node(k.Name, role)
	n.Role, n.Own, n.Status = role, &key, b.statuses[k]
	b.touch(k.Name, k)
	return n
}

// node returns the node named name, adding it with role when absent.
func (b *graphBuilder) node(name string, role Role) *Node {
	n := b.nodes[name]
	if n == nil {
		n = &Node{Name: name, Role: role}
		b.nodes[name] = n
	}
	return n
}

func (b *graphBuilder) touch(name string, k resource.Key) {
	if b.objects[name] == nil {
		b.objects[name] = map[resource.Key]bool{}
	}
	b.objects[name][k] = true
}

// link adds an edge of connection k between two ports' devices.
func (b *graphBuilder) link(k resource.Key, typ, portA string, roleA Role, portB string, roleB Role) {
	a, bb := device(portA), device(portB)
	if a == "" || bb == "" || a == bb {
		return
	}
	b.node(a, roleA)
	b.node(bb, roleB)
	b.touch(a, k)
	b.touch(bb, k)
	b.edges = append(b.edges, Edge{From: a, To: bb, Type: typ, Conn: k, Status: b.statuses[k]})
}

// connection adds the edges of one Connection, by its type.
func (b *graphBuilder) connection(k resource.Key, spec map[string]interface{}, attachments []resource.Key, objs map[resource.Key]*unstructured.Unstructured) {
	pairs := func(typ string, links []interface{}, a string, roleA Role, bField string, roleB Role) {
		for _, l := range links {
			lm, _ := l.(map[string]interface{})
			b.link(k, typ, str(mapAt(lm, a), "port"), roleA, str(mapAt(lm, bField), "port"), roleB)
		}
	}
	if u := mapAt(spec, "unbundled"); u != nil {
		pairs("unbundled", []interface{}{u["link"]}, "switch", RoleLeaf, "server", RoleServer)
	}
	for _, typ := range []string{"bundled", "mclag", "eslag"} {
		if c := mapAt(spec, typ); c != nil {
			pairs(typ, list(c, "links"), "switch", RoleLeaf, "server", RoleServer)
		}
	}
	if c := mapAt(spec, "fabric"); c != nil {
		pairs("fabric", list(c, "links"), "spine", RoleSpine, "leaf", RoleLeaf)
	}
	if c := mapAt(spec, "mesh"); c != nil {
		pairs("mesh", list(c, "links"), "leaf1", RoleLeaf, "leaf2", RoleLeaf)
	}
	if c := mapAt(spec, "mclagDomain"); c != nil {
		pairs("mclagDomain", append(list(c, "peerLinks"), list(c, "sessionLinks")...), "switch1", RoleLeaf, "switch2", RoleLeaf)
	}
	if c := mapAt(spec, "gateway"); c != nil {
		pairs("gateway", list(c, "links"), "switch", RoleLeaf, "gateway", RoleGateway)
	}
	if c := mapAt(spec, "external"); c != nil {
		sw := str(mapAt(c, "link", "switch"), "port")
		ext := map[string]bool{}
		for _, a := range attachments {
			aspec, _ := objs[a].Object["spec"].(map[string]interface{})
			if e := str(aspec, "external"); e != "" {
				ext[e] = true
				b.touch(e, a)
				b.touch(device(sw), a)
			}
		}
		if len(ext) == 0 {
			ext[k.Name] = true // no attachment names the External: the connection stands for it
		}
		for _, e := range sortedKeys(ext) {
			b.link(k, "external", sw, RoleLeaf, e+"/-", RoleExternal)
		}
	}
	if c := mapAt(spec, "staticExternal"); c != nil {
		b.link(k, "staticExternal", str(mapAt(c, "link", "switch"), "port"), RoleLeaf, k.Name+"/-", RoleExternal)
		n := b.nodes[k.Name]
		if n != nil && n.Own == nil {
			key := k
			n.Own, n.Status = &key, b.statuses[k]
		}
	}
}

// graph sorts the nodes and edges and fills each node's objects.
func (b *graphBuilder) graph() *Graph {
	g := &Graph{}
	for name, n := range b.nodes {
		own := n.Own
		var rest []resource.Key
		for k := range b.objects[name] {
			if own == nil || k != *own {
				rest = append(rest, k)
			}
		}
		resource.SortKeys(rest)
		if own != nil {
			n.Objects = append([]resource.Key{*own}, rest...)
		} else {
			n.Objects = rest
		}
		g.Nodes = append(g.Nodes, n)
	}
	sort.Slice(g.Nodes, func(i, j int) bool {
		a, c := g.Nodes[i], g.Nodes[j]
		if roleOrder(a.Role) != roleOrder(c.Role) {
			return roleOrder(a.Role) < roleOrder(c.Role)
		}
		if naturalLess(a.Name, c.Name) != naturalLess(c.Name, a.Name) {
			return naturalLess(a.Name, c.Name)
		}
		return a.Name < c.Name
	})
	g.Edges = b.edges
	sort.SliceStable(g.Edges, func(i, j int) bool {
		a, c := g.Edges[i], g.Edges[j]
		if a.Conn != c.Conn {
			return a.Conn.Less(c.Conn)
		}
		if a.From != c.From {
			return a.From < c.From
		}
		return a.To < c.To
	})
	// One edge per connection and pair of devices.
	out := g.Edges[:0]
	for i, e := range g.Edges {
		if i > 0 && e == g.Edges[i-1] {
			continue
		}
		out = append(out, e)
	}
	g.Edges = out
	return g
}

func roleOrder(r Role) int {
	return map[Role]int{RoleSpine: 0, RoleLeaf: 1, RoleServer: 2, RoleExternal: 3, RoleGateway: 4}[r]
}

// device is the device part of a port name "device/port".
func device(port string) string {
	d, _, _ := strings.Cut(port, "/")
	return d
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func mapAt(m map[string]interface{}, path ...string) map[string]interface{} {
	for _, p := range path {
		m, _ = m[p].(map[string]interface{})
		if m == nil {
			return nil
		}
	}
	return m
}

func str(m map[string]interface{}, key string) string {
	s, _ := m[key].(string)
	return s
}

func list(m map[string]interface{}, key string) []interface{} {
	l, _ := m[key].([]interface{})
	return l
}

// naturalLess orders names with their digit runs by value: leaf-2 before
// leaf-10.
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digits(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
