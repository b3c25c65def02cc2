package report

import (
	"fmt"
	"sort"
)

// Layout sizes, in SVG user units.
const (
	nodeW     = 112
	nodeH     = 28
	gapX      = 12
	margin    = 16
	layerGap  = 56
	rowGap    = 14
	boxPad    = 6
	boxLabel  = 14
	sideGap   = 48
	perRow    = 12 // nodes in a row before it wraps
	perColumn = 10 // side nodes in a column before the next
	labelMax  = 15 // characters of a name shown in a node
	// denseEdges is the number of edges above which those in sync fade.
	denseEdges = 120
)

// Layout is a graph placed on a canvas: spines on top, leaves below (a
// redundancy group's members side by side in a box), servers at the
// bottom, externals and gateways in columns at the side. Rows wrap after
// perRow nodes and are centred. It is deterministic.
type Layout struct {
	Width, Height int
	// Dense says there are so many edges that those in sync are drawn
	// faintly.
	Dense  bool
	Nodes  []PlacedNode
	Groups []Box
	Edges  []PlacedEdge
}

// HasUnapplied says a node is marked as a switch whose agent has not
// applied its latest config (the legend then explains the mark).
func (l *Layout) HasUnapplied() bool {
	for _, n := range l.Nodes {
		if n.Unapplied != "" {
			return true
		}
	}
	return false
}

// PlacedNode is a node with its place and the label it shows.
type PlacedNode struct {
	*Node
	// ID is the node's element id, unique in the page.
	ID         string
	X, Y, W, H int
	Label      string
	// Unapplied says why the switch's agent has not applied its latest
	// config, "" when it has (or the run did not read the Agents).
	Unapplied string
}

// Box frames a redundancy group's leaves.
type Box struct {
	Name, Type string
	X, Y, W, H int
}

// PlacedEdge is an edge with its end points.
type PlacedEdge struct {
	Edge
	X1, Y1, X2, Y2 int
}

// item is one unit of a row: a node, or a group of leaves in a box.
type item struct {
	nodes []*Node
	group string
	typ   string
}

func (it item) width() int {
	w := len(it.nodes)*(nodeW+gapX) - gapX
	if it.group != "" {
		w += 2 * boxPad
	}
	return w
}

// rows packs items into rows of at most perRow nodes (a box is never
// split; one larger than a row gets a row of its own).
func rows(items []item) [][]item {
	var out [][]item
	var cur []item
	n := 0
	for _, it := range items {
		if n > 0 && n+len(it.nodes) > perRow {
			out = append(out, cur)
			cur, n = nil, 0
		}
		cur = append(cur, it)
		n += len(it.nodes)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

func rowWidth(r []item) int {
	w := 0
	for i, it := range r {
		if i > 0 {
			w += gapX
		}
		w += it.width()
	}
	return w
}

// Place lays the graph out; prefix makes the node ids unique in a page.
func Place(g *Graph, prefix string) *Layout {
	var spines, leaves, servers, side []*Node
	for _, n := range g.Nodes {
		switch n.Role {
		case RoleSpine:
			spines = append(spines, n)
		case RoleLeaf:
			leaves = append(leaves, n)
		case RoleServer:
			servers = append(servers, n)
		default:
			side = append(side, n)
		}
	}
	pos := map[string]*PlacedNode{}
	l := &Layout{}
	spineRows := rows(singles(spines))
	leafRows := rows(leafItems(leaves, sideLinked(g)))
	width := 0
	for _, rs := range [][][]item{spineRows, leafRows} {
		for _, r := range rs {
			width = max(width, rowWidth(r))
		}
	}
	y := margin
	placeRows := func(rs [][]item, rowH int) {
		for _, r := range rs {
			x := margin + (width-rowWidth(r))/2
			for _, it := range r {
				nx, ny := x, y+(rowH-nodeH)
				if it.group != "" {
					l.Groups = append(l.Groups, Box{Name: it.group, Type: it.typ, X: x, Y: y, W: it.width(), H: rowH})
					nx, ny = x+boxPad, y+boxLabel+boxPad
				}
				for _, n := range it.nodes {
					pos[n.Name] = &PlacedNode{Node: n, X: nx, Y: ny, W: nodeW, H: nodeH}
					nx += nodeW + gapX
				}
				x += it.width() + gapX
			}
			y += rowH + rowGap
		}
	}
	placeRows(spineRows, nodeH)
	if len(spineRows) > 0 && (len(leafRows) > 0 || len(servers) > 0) {
		y += layerGap - rowGap
	}
	leafTop := y
	placeRows(leafRows, nodeH+2*boxPad+boxLabel)
	serverRows := rows(singles(orderServers(servers, g.Edges, pos)))
	for _, r := range serverRows {
		width = max(width, rowWidth(r))
	}
	if len(serverRows) > 0 && len(leafRows)+len(spineRows) > 0 {
		y += layerGap - rowGap
	}
	placeRows(serverRows, nodeH)
	bottom := y - rowGap
	// Externals and gateways in columns at the side, from the leaves down.
	sideX := margin + width + sideGap
	if width == 0 {
		sideX = margin
	}
	for i, n := range side {
		col, row := i/perColumn, i%perColumn
		pos[n.Name] = &PlacedNode{Node: n, X: sideX + col*(nodeW+gapX), Y: leafTop + row*(nodeH+rowGap), W: nodeW, H: nodeH}
		bottom = max(bottom, leafTop+row*(nodeH+rowGap)+nodeH)
	}
	l.Width = margin + width + margin
	if len(side) > 0 {
		cols := (len(side) + perColumn - 1) / perColumn
		l.Width = sideX + cols*(nodeW+gapX) - gapX + margin
	}
	l.Height = max(bottom, margin) + margin
	for i, n := range g.Nodes {
		p := pos[n.Name]
		p.ID = fmt.Sprintf("%s-n%d", prefix, i)
		p.Label = shorten(n.Name, labelMax)
		l.Nodes = append(l.Nodes, *p)
	}
	// Edges in sync first, so that the others are drawn over them.
	edges := append([]Edge(nil), g.Edges...)
	sort.SliceStable(edges, func(i, j int) bool {
		return edges[i].Status == "inSync" && edges[j].Status != "inSync"
	})
	l.Dense = len(edges) > denseEdges
	for _, e := range edges {
		a, b := pos[e.From], pos[e.To]
		x1, y1, x2, y2 := ends(a, b)
		l.Edges = append(l.Edges, PlacedEdge{Edge: e, X1: x1, Y1: y1, X2: x2, Y2: y2})
	}
	return l
}

// ends are an edge's end points: bottom to top between rows, side to side
// within one.
func ends(a, b *PlacedNode) (int, int, int, int) {
	if b.Y < a.Y {
		x2, y2, x1, y1 := ends(b, a)
		return x1, y1, x2, y2
	}
	if atSide(a) != atSide(b) {
		if atSide(a) {
			a, b = b, a
		}
		return a.X + a.W, a.Y + a.H/2, b.X, b.Y + b.H/2
	}
	if b.Y-a.Y >= nodeH {
		return a.X + a.W/2, a.Y + a.H, b.X + b.W/2, b.Y
	}
	if b.X < a.X {
		return a.X, a.Y + a.H/2, b.X + b.W, b.Y + b.H/2
	}
	return a.X + a.W, a.Y + a.H/2, b.X, b.Y + b.H/2
}

// atSide says whether a node is drawn in the side columns.
func atSide(n *PlacedNode) bool { return n.Role == RoleExternal || n.Role == RoleGateway }

func singles(ns []*Node) []item {
	out := make([]item, len(ns))
	for i, n := range ns {
		out[i] = item{nodes: []*Node{n}}
	}
	return out
}

// sideLinked are the names of the nodes linked to an external or gateway.
func sideLinked(g *Graph) map[string]bool {
	role := map[string]Role{}
	for _, n := range g.Nodes {
		role[n.Name] = n.Role
	}
	out := map[string]bool{}
	for _, e := range g.Edges {
		if r := role[e.To]; r == RoleExternal || r == RoleGateway {
			out[e.From] = true
		}
		if r := role[e.From]; r == RoleExternal || r == RoleGateway {
			out[e.To] = true
		}
	}
	return out
}

// leafItems groups leaves by redundancy group, ordered by each item's
// first leaf; items linked to the side columns (border leaves) go last,
// nearest to them.
func leafItems(leaves []*Node, last map[string]bool) []item {
	var out []item
	groups := map[string]int{}
	for _, n := range leaves {
		if n.Group == "" {
			out = append(out, item{nodes: []*Node{n}})
			continue
		}
		if i, ok := groups[n.Group]; ok {
			out[i].nodes = append(out[i].nodes, n)
			continue
		}
		groups[n.Group] = len(out)
		out = append(out, item{nodes: []*Node{n}, group: n.Group, typ: n.GroupType})
	}
	linked := func(it item) bool {
		for _, n := range it.nodes {
			if last[n.Name] {
				return true
			}
		}
		return false
	}
	sort.SliceStable(out, func(i, j int) bool { return !linked(out[i]) && linked(out[j]) })
	return out
}

// orderServers orders servers as the switches they hang off are ordered
// (by the mean place of those switches in reading order: row, then x),
// then by name, so that links cross less and the server rows read in the
// order of the leaf rows.
func orderServers(servers []*Node, edges []Edge, pos map[string]*PlacedNode) []*Node {
	sum, cnt := map[string]int{}, map[string]int{}
	for _, e := range edges {
		for _, pair := range [][2]string{{e.From, e.To}, {e.To, e.From}} {
			if p := pos[pair[1]]; p != nil {
				sum[pair[0]] += p.Y*100000 + p.X
				cnt[pair[0]]++
			}
		}
	}
	bary := func(n *Node) int {
		if cnt[n.Name] == 0 {
			return 1 << 30
		}
		return sum[n.Name] / cnt[n.Name]
	}
	out := append([]*Node(nil), servers...)
	sort.SliceStable(out, func(i, j int) bool { return bary(out[i]) < bary(out[j]) })
	return out
}

// shorten cuts s to n runes, marking the cut with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
