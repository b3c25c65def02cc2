package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/golden"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func TestReportGolden(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, sampleInput()); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/report.html.golden", b.Bytes())
	// The same input gives the same bytes.
	var again bytes.Buffer
	if err := Write(&again, sampleInput()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Error("two renderings of the same input differ")
	}
}

func TestTopologyGolden(t *testing.T) {
	in := sampleInput()
	data := in.Fabrics["lab"]
	var b bytes.Buffer
	g := BuildGraph(data.Desired, data.Actual, statusMap(in))
	if err := WriteSVG(&b, Place(g, "f0")); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/topology.svg.golden", b.Bytes())
}

// statusMap is the lab fabric's statuses by object.
func statusMap(in Input) map[resource.Key]string {
	out := map[resource.Key]string{}
	for _, r := range in.Report.Fabrics[0].Resources {
		out[r.Key()] = string(r.Status)
	}
	return out
}

func TestReportSelfContained(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, sampleInput()); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{"<script src", "<link ", "@import", "url(", "<img", "<iframe"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page refers to something outside itself: %q", bad)
		}
	}
	// Values from the result are escaped, never markup.
	if strings.Contains(page, "<ipns-2>") || strings.Contains(page, "<permission denied>") {
		t.Error("a value from the result is not escaped")
	}
	if !strings.Contains(page, "&lt;permission denied&gt;") {
		t.Error("the broken fabric's error is missing")
	}
}

func TestReportWithoutWebURL(t *testing.T) {
	in := sampleInput()
	in.Fabrics["lab"].WebURL = ""
	var b bytes.Buffer
	if err := Write(&b, in); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "https://github.com/") {
		t.Error("sources are links although no URL template is set")
	}
	if !strings.Contains(b.String(), `<td class="src">fabrics/lab/vpcs.yaml:1</td>`) {
		t.Error("the source is not shown as plain text")
	}
}

func TestReportDeployerAndPendingDeploy(t *testing.T) {
	// Without them in the result, neither section shows.
	var b bytes.Buffer
	in := sampleInput()
	in.Report.Fabrics[0].Unapplied = nil
	if err := Write(&b, in); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), `data-status="unapplied"`) || strings.Contains(b.String(), `<table class="unapplied">`) || strings.Contains(b.String(), `class="badge"`) {
		t.Error("a switch agents section without unapplied switches in the result")
	}
	if strings.Contains(b.String(), `class="kv deployer"`) || strings.Contains(b.String(), `data-status="pendingDeploy"`) {
		t.Error("a deployer or pending-deploy section without either in the result")
	}
	// The report's JSON may carry a deployer and pendingDeploy (the
	// drift.Report type need not know them): both are shown, the
	// deployer's fields in their JSON order.
	js := `{"fabrics": [{"name": "lab",
		"deployer": {"tool": "flux", "name": "flux-system/lab", "revision": "abc", "ready": "True", "suspended": false, "sync": {"behind": 2}},
		"summary": {"pendingDeploy": 1},
		"resources": [{"kind": "VPC", "name": "a"}, {"kind": "VPC", "name": "b", "pendingDeploy": true}]}]}`
	ext, err := extrasFrom([]byte(js), 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []kv{{"tool", "flux"}, {"name", "flux-system/lab"}, {"revision", "abc"}, {"ready", "True"}, {"suspended", "false"}, {"sync.behind", "2"}}
	if fmt.Sprint(ext[0].deployer) != fmt.Sprint(want) {
		t.Errorf("deployer %v, want %v", ext[0].deployer, want)
	}
	rs := []drift.ResourceResult{
		{Kind: "VPC", Namespace: "default", Name: "a", Status: drift.StatusInSync},
		{Kind: "VPC", Namespace: "default", Name: "b", Status: drift.StatusDrifted},
	}
	v := fabricOf("f0", drift.FabricReport{Name: "lab", Resources: rs, Summary: drift.SummaryOf(rs)}, &FabricData{}, ext[0])
	b.Reset()
	if err := tmpl().ExecuteTemplate(&b, "fabric", v); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`<dt>tool</dt><dd>flux</dd>`, `<dt>sync.behind</dt><dd>2</dd>`,
		`data-status="pendingDeploy" data-count="1"`, `data-pending="true"`, `drifted (pending deploy)`} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("the fabric's section lacks %s", s)
		}
	}
}
