package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/golden"
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

func TestReportDeployer(t *testing.T) {
	// A deployer in the result (as `drift -o json` prints it) is shown;
	// the drift.Report type need not know it: the report reads the JSON.
	in := sampleInput()
	var b bytes.Buffer
	if err := Write(&b, in); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), `class="kv deployer"`) {
		t.Error("a deployer section without a deployer")
	}
	kvs := []kv{}
	flatten("", map[string]interface{}{"kind": "Kustomization", "ready": true, "revision": map[string]interface{}{"applied": "abc"}}, &kvs)
	want := []kv{{"kind", "Kustomization"}, {"ready", "true"}, {"revision.applied", "abc"}}
	if len(kvs) != len(want) {
		t.Fatalf("flatten = %v, want %v", kvs, want)
	}
	for i := range want {
		if kvs[i] != want[i] {
			t.Errorf("flatten[%d] = %v, want %v", i, kvs[i], want[i])
		}
	}
}
