package report

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// bigFabric has 8 spines, 42 leaves in 21 MCLAG pairs, 200 servers (each
// on one pair) and 4 externals: the size the picture must stay readable at.
func bigFabric() resource.Set {
	set := resource.Set{}
	add := func(o *resource.Object) { set[o.Key] = o }
	for s := 1; s <= 8; s++ {
		add(obj("Switch", fmt.Sprintf("spine-%02d", s), map[string]interface{}{"role": "spine"}))
	}
	for l := 1; l <= 42; l++ {
		grp := fmt.Sprintf("mclag-%02d", (l+1)/2)
		add(obj("Switch", fmt.Sprintf("leaf-%02d", l), map[string]interface{}{"role": "server-leaf",
			"redundancy": map[string]interface{}{"group": grp, "type": "mclag"}}))
		for s := 1; s <= 8; s++ {
			add(obj("Connection", fmt.Sprintf("spine-%02d--fabric--leaf-%02d", s, l), map[string]interface{}{"fabric": map[string]interface{}{
				"links": links(link("spine", fmt.Sprintf("spine-%02d/E1/%d", s, l), "leaf", fmt.Sprintf("leaf-%02d/E1/%d", l, 48+s)))}}))
		}
	}
	for v := 1; v <= 200; v++ {
		a := 2*((v-1)%21) + 1
		name := fmt.Sprintf("server-%03d", v)
		add(obj("Server", name, map[string]interface{}{}))
		add(obj("Connection", name+"--mclag", map[string]interface{}{"mclag": map[string]interface{}{"links": links(
			link("server", name+"/enp2s1", "switch", fmt.Sprintf("leaf-%02d/E1/%d", a, v)),
			link("server", name+"/enp2s2", "switch", fmt.Sprintf("leaf-%02d/E1/%d", a+1, v)))}}))
	}
	for e := 1; e <= 4; e++ {
		add(obj("Connection", fmt.Sprintf("leaf-42--static-external-%d", e), map[string]interface{}{"staticExternal": map[string]interface{}{
			"link": map[string]interface{}{"switch": map[string]interface{}{"port": fmt.Sprintf("leaf-42/E1/%d", 60+e)}}}}))
	}
	return set
}

func TestLayoutLarge(t *testing.T) {
	set := bigFabric()
	g := BuildGraph(set, nil, nil)
	if len(g.Nodes) != 8+42+200+4 {
		t.Fatalf("%d nodes", len(g.Nodes))
	}
	l := Place(g, "f0")
	// No two nodes overlap, and all lie on the canvas.
	for i, a := range l.Nodes {
		if a.X < 0 || a.Y < 0 || a.X+a.W > l.Width || a.Y+a.H > l.Height {
			t.Errorf("%s lies off the canvas (%d,%d) of %dx%d", a.Name, a.X, a.Y, l.Width, l.Height)
		}
		for _, b := range l.Nodes[i+1:] {
			if a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H {
				t.Errorf("%s and %s overlap", a.Name, b.Name)
			}
		}
	}
	// Rows wrap: the canvas is a few rows wide, not one row of 200 servers.
	if maxW := margin + perRow*(nodeW+gapX+boxPad) + sideGap + nodeW + margin; l.Width > maxW {
		t.Errorf("canvas %d wide, want at most %d", l.Width, maxW)
	}
	// Pairs stay together: both leaves of a group in one box, on one row.
	if len(l.Groups) != 21 {
		t.Errorf("%d group boxes, want 21", len(l.Groups))
	}
	y := map[string]int{}
	for _, n := range l.Nodes {
		y[n.Name] = n.Y
	}
	for p := 1; p <= 41; p += 2 {
		a, b := fmt.Sprintf("leaf-%02d", p), fmt.Sprintf("leaf-%02d", p+1)
		if y[a] != y[b] {
			t.Errorf("%s and %s (one MCLAG pair) are on different rows", a, b)
		}
	}
	// Layers: every spine above every leaf, every leaf above every server.
	top := map[Role][2]int{}
	for _, n := range l.Nodes {
		r := top[n.Role]
		if r == [2]int{} {
			r = [2]int{n.Y, n.Y}
		}
		top[n.Role] = [2]int{min(r[0], n.Y), max(r[1], n.Y)}
	}
	if top[RoleSpine][1] >= top[RoleLeaf][0] || top[RoleLeaf][1] >= top[RoleServer][0] {
		t.Errorf("layers out of order: %v", top)
	}
	// Deterministic: the same input gives the same SVG.
	var a, b bytes.Buffer
	if err := WriteSVG(&a, l); err != nil {
		t.Fatal(err)
	}
	if err := WriteSVG(&b, Place(BuildGraph(bigFabric(), nil, nil), "f0")); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two layouts of the same fabric differ")
	}
}

func TestNaturalLess(t *testing.T) {
	for _, c := range [][2]string{{"leaf-2", "leaf-10"}, {"leaf-02", "leaf-10"}, {"a", "b"}, {"leaf", "leaf-1"}, {"s9x", "s10"}} {
		if !naturalLess(c[0], c[1]) || naturalLess(c[1], c[0]) {
			t.Errorf("naturalLess(%q, %q) wrong", c[0], c[1])
		}
	}
}

func BenchmarkLayoutLarge(b *testing.B) {
	set := bigFabric()
	for b.Loop() {
		Place(BuildGraph(set, nil, nil), "f0")
	}
}
