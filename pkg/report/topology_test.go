package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func TestBuildGraphEdgeCases(t *testing.T) {
	set := resource.Set{}
	for _, o := range []*resource.Object{
		obj("Switch", "leaf-1", map[string]interface{}{"role": "server-leaf"}),
		obj("Switch", "leaf-2", map[string]interface{}{"role": "server-leaf"}),
		// mesh between two leaves, twice over two links: one edge
		obj("Connection", "leaf-1--mesh--leaf-2", map[string]interface{}{"mesh": map[string]interface{}{"links": links(
			link("leaf1", "leaf-1/E1/1", "leaf2", "leaf-2/E1/1"), link("leaf1", "leaf-1/E1/2", "leaf2", "leaf-2/E1/2"))}}),
		// an external connection no ExternalAttachment names: the connection stands for the External
		obj("Connection", "leaf-2--external", map[string]interface{}{"external": map[string]interface{}{
			"link": map[string]interface{}{"switch": map[string]interface{}{"port": "leaf-2/E1/9"}}}}),
		// a server no object describes
		obj("Connection", "ghost--unbundled--leaf-1", map[string]interface{}{"unbundled": map[string]interface{}{
			"link": link("server", "ghost/eth0", "switch", "leaf-1/E1/5")}}),
		// a loopback has no second device; a malformed port and a wrong type are no edge
		obj("Connection", "leaf-1--vpc-loopback", map[string]interface{}{"vpcLoopback": map[string]interface{}{"links": links(
			link("switch1", "leaf-1/E1/20", "switch2", "leaf-1/E1/21"))}}),
		obj("Connection", "broken", map[string]interface{}{"unbundled": map[string]interface{}{
			"link": map[string]interface{}{"server": "server-x", "switch": map[string]interface{}{"port": 7}}}}),
	} {
		set[o.Key] = o
	}
	statuses := map[resource.Key]string{{Kind: "Switch", Namespace: "default", Name: "leaf-2"}: string(drift.StatusDrifted)}
	g := BuildGraph(set, nil, statuses)
	var names []string
	for _, n := range g.Nodes {
		names = append(names, n.Name+"/"+string(n.Role)+"/"+n.Status)
	}
	if got, want := strings.Join(names, " "), "leaf-1/leaf/ leaf-2/leaf/drifted ghost/server/ leaf-2--external/external/"; got != want {
		t.Errorf("nodes %s, want %s", got, want)
	}
	var edges []string
	for _, e := range g.Edges {
		edges = append(edges, e.From+"-"+e.To+":"+e.Type)
	}
	if got, want := strings.Join(edges, " "), "leaf-1-ghost:unbundled leaf-1-leaf-2:mesh leaf-2-leaf-2--external:external"; got != want {
		t.Errorf("edges %s, want %s", got, want)
	}
	if ghost := g.Node("ghost"); ghost == nil || ghost.Own != nil || len(ghost.Objects) != 1 || ghost.Objects[0].Name != "ghost--unbundled--leaf-1" {
		t.Errorf("the ghost server: %+v", ghost)
	}
}

func TestReportEmpty(t *testing.T) {
	rep := drift.NewReport()
	rep.Add(drift.FabricReport{Name: "empty"})
	var b bytes.Buffer
	if err := Write(&b, Input{Report: rep}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`data-fabric="empty"`, `data-status="total" data-count="0"`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the page of an empty fabric lacks %s", want)
		}
	}
	if strings.Contains(b.String(), "<svg") || strings.Contains(b.String(), `class="objects"`) {
		t.Error("an empty fabric gets a topology or a table")
	}
	if err := Write(&b, Input{}); err == nil {
		t.Error("no error without a report")
	}
}
