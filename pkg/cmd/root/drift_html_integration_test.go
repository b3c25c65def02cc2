package root

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/githedgehog/kubectl-hnp/internal/browser"
)

// TestDriftHTMLFromRealCluster renders the HTML report of the lab fabric
// from the real control plane and Git remote, with JSON from the same read,
// and opens it in headless Chromium: the counts are the JSON's, the source
// links follow the URL template, the topology is drawn from the fabric's
// Switches and Connections, and a click on a leaf lists its objects.
func TestDriftHTMLFromRealCluster(t *testing.T) {
	h, _ := labProd(t)
	dir := t.TempDir()
	htmlPath := filepath.Join(dir, "drift.html")
	r := h.run("drift", "--fabric", "lab", "-o", "json", "--output-file", "html="+htmlPath,
		"--repo-url-template", "https://git.example.com/net/fabrics/blob/{rev}/{file}#L{line}")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (drift): %s", r.code, r.stderr)
	}
	rep := driftReport(t, r)
	lab := rep.Fabrics[0]
	page := readFile(t, htmlPath)
	vpc2 := `<a href="https://git.example.com/net/fabrics/blob/` + lab.GitRevision + `/fabrics/lab/vpcs/vpcs.yaml#L19">fabrics/lab/vpcs/vpcs.yaml:19</a>`
	for _, want := range []string{
		vpc2,
		`<td class="mono">/spec/subnets/default/vlan</td><td class="mono">1002</td><td class="mono">1099</td>`,
		`<td class="del">      vlan: 1002</td>`, `<td class="add">      vlan: 1099</td>`,
		`<td>ConfigMap</td><td>v1</td><td>lab-notes</td>`,
		`mclag-1 · mclag`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %s", want)
		}
	}

	p := browser.Open(t, htmlPath, 1400, 1000)
	counts := browser.Eval[map[string]string](p, `Object.fromEntries([...document.querySelectorAll("#f0 .counts .chip")].map(c => [c.dataset.status, c.dataset.count]))`)
	s := lab.Summary
	for k, v := range map[string]int{"total": s.Total, "inSync": s.InSync, "drifted": s.Drifted, "missingFromCluster": s.MissingFromCluster, "notInGit": s.NotInGit} {
		if counts[k] != strconv.Itoa(v) {
			t.Errorf("the page counts %s %q, the JSON %d", k, counts[k], v)
		}
	}
	if n := browser.Eval[int](p, `document.querySelectorAll("#f0 table.objects tbody tr").length`); n != len(lab.Resources) {
		t.Errorf("%d rows, the JSON has %d resources", n, len(lab.Resources))
	}
	nodes := browser.Eval[[]string](p, `[...document.querySelectorAll("#f0 g.node")].map(g => g.dataset.name + ":" + g.dataset.role + ":" + g.getAttribute("class"))`)
	want := "leaf-01:leaf:node st-inSync leaf-02:leaf:node st-inSync server-01:server:node st-inSync server-02:server:node st-inSync"
	if strings.Join(nodes, " ") != want {
		t.Errorf("topology nodes %v, want %s", nodes, want)
	}
	p.Do(chromedp.Click(`#f0 g.node[data-name="leaf-02"]`))
	panel := browser.Eval[[]string](p, `[...document.querySelectorAll("#f0 .panel li")].map(li => li.dataset.kind + " " + li.querySelector("a").textContent)`)
	if strings.Join(panel, ", ") != "Switch Switch leaf-02, Connection Connection server-01--mclag--leaf-01--leaf-02" {
		t.Errorf("leaf-02's panel lists %v", panel)
	}
	for _, m := range p.Problems() {
		t.Errorf("console %s: %s", m.Type, m.Text)
	}
}

// TestDriftHTMLStdoutAndSyncReport: -o html writes the page to stdout (and
// exits 1 on drift as every format); sync --report writes it to a file
// beside the summary, with the fabric's git.webURL for links.
func TestDriftHTMLStdoutAndSyncReport(t *testing.T) {
	h, _ := labProd(t)
	r := h.run("drift", "--fabric", "lab", "-o", "html")
	if r.code != 1 || !strings.HasPrefix(r.stdout, "<!DOCTYPE html>") || !strings.Contains(r.stdout, `data-fabric="lab"`) {
		t.Fatalf("exit %d, stdout starts %.60q: %s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "<a href=\"https://") {
		t.Error("links to sources without a URL template")
	}

	cfg := strings.Replace(readFile(t, h.config), "dir: fabrics/lab}", "dir: fabrics/lab, webURL: 'https://git.example.com/lab/{file}?at={rev}#L{line}'}", 1)
	h.writeConfig(cfg)
	path := filepath.Join(t.TempDir(), "sync.html")
	r = h.run("sync", "--fabric", "lab", "--report", path)
	if r.code != 0 || !strings.Contains(r.stderr, "HTML report written to "+path) {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	page := readFile(t, path)
	for _, want := range []string{"<title>kubectl hnp sync</title>", `href="https://git.example.com/lab/fabrics/lab/vpcs/vpcs.yaml?at=`, `data-status="drifted" data-count="1"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the sync report lacks %s", want)
		}
	}
}

// TestSyncApplyDryRunReport: --report with --apply --dry-run shows the
// drift as found (nothing was done), and the cluster is left alone.
func TestSyncApplyDryRunReport(t *testing.T) {
	h, _ := labProd(t)
	path := filepath.Join(t.TempDir(), "plan.html")
	r := h.run("sync", "--apply", "--dry-run", "--fabric", "lab", "--report", path)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (something to do): %s", r.code, r.stderr)
	}
	page := readFile(t, path)
	for _, want := range []string{`data-status="drifted" data-count="1"`, `data-status="missingFromCluster" data-count="1"`, `<a href="#f0-d`} {
		if !strings.Contains(page, want) {
			t.Errorf("the dry run's report lacks %s", want)
		}
	}
	if d := h.run("drift", "vpc", "vpc-3", "--fabric", "lab"); d.code != 1 {
		t.Errorf("after a dry run, drift of vpc-3 exits %d, want 1 (still missing)", d.code)
	}
}

func TestDriftHTMLFlagErrors(t *testing.T) {
	h, _ := labProd(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"drift", "-o", "html", "--repo-url-template", "git.example.com/{file}"}, "--repo-url-template: \"git.example.com/{file}\" is not an http(s) URL template"},
		{[]string{"drift", "-o", "html", "--repo-url-template", "https://x/{owner}/{file}"}, "unknown placeholder"},
		{[]string{"sync", "--watch", "--report", "x.html"}, "--report cannot go with --watch"},
		{[]string{"sync", "--repo-url-template", "https://x/{file}"}, "--repo-url-template goes with --report"},
	} {
		r := h.run(append(c.args, "--fabric", "lab")...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, r.code, r.stderr, c.want)
		}
	}
}
