package report

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/githedgehog/kubectl-hnp/internal/browser"
	"github.com/githedgehog/kubectl-hnp/internal/golden"
)

// screenshot is the picture of the report in the docs, rewritten by the
// browser test with -update.
const screenshot = "../../docs/images/report.png"

// TestReportInBrowser loads the report of sampleInput in headless Chromium
// and checks what a reader sees and does: the counts, the rows' colours,
// filtering, sorting, a click on a topology node, and a page that loads
// nothing from outside and logs no error.
func TestReportInBrowser(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, sampleInput()); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "drift.html")
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	p := browser.Open(t, page, 1400, 1100)
	ctx := p.Ctx

	// Counts, as the chips show them.
	counts := browser.Eval[map[string]string](p, `Object.fromEntries([...document.querySelectorAll("#f0 .counts .chip")].map(c => [c.dataset.status, c.dataset.count]))`)
	want := map[string]string{"inSync": "25", "drifted": "3", "missingFromCluster": "2", "notInGit": "2", "error": "1", "total": "33"}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("count %s = %q, want %q (all: %v)", k, counts[k], v, counts)
		}
	}
	if n := browser.Eval[int](p, `document.querySelectorAll("#f0 table.objects tbody tr").length`); n != 33 {
		t.Errorf("%d rows, want 33", n)
	}
	// Switches whose agents have not applied their config: a chip, a table
	// (linked to the topology's node where there is one), a badge on the node.
	if counts["unapplied"] != "2" {
		t.Errorf("the config-not-applied chip counts %q, want 2", counts["unapplied"])
	}
	unapplied := browser.Eval[[]string](p, `[...document.querySelectorAll("#f0 table.unapplied tbody tr")].map(tr =>
		[...tr.cells].map(c => c.textContent).join("|") + "|" + (tr.querySelector("a") ? tr.querySelector("a").getAttribute("href") : "-"))`)
	wantUnapplied := []string{
		"leaf-02|default|pending (gen 4/6)|4 of 6|2026-12-02T06:59:30Z|#f0-n4",
		"leaf-09|default|failing (gen 3); heartbeat stale (12m ago)|2 of 3|2026-12-02T06:48:00Z|-",
	}
	if strings.Join(unapplied, "\n") != strings.Join(wantUnapplied, "\n") {
		t.Errorf("the switch agents table reads\n%s\nwant\n%s", strings.Join(unapplied, "\n"), strings.Join(wantUnapplied, "\n"))
	}
	if fill := browser.Eval[string](p, `getComputedStyle(document.querySelector('#f0 g.node[data-name="leaf-02"] circle.badge')).fill`); fill != "rgb(216, 27, 96)" {
		t.Errorf("leaf-02's badge is filled %q", fill)
	}
	if n := browser.Eval[int](p, `document.querySelectorAll("#f0 svg circle.badge").length`); n != 1 {
		t.Errorf("%d badges, want 1 (leaf-09 has no node)", n)
	}
	if e := browser.Eval[string](p, `document.querySelector("#f1 .error").textContent`); !strings.Contains(e, "<permission denied>") {
		t.Errorf("the broken fabric's error reads %q", e)
	}

	// Row colours by status.
	colours := browser.Eval[map[string]string](p, `Object.fromEntries(["inSync","drifted","missingFromCluster","notInGit","error"].map(s => {
		const r = document.querySelector("#f0 table.objects tr[data-status=" + s + "]");
		const cs = getComputedStyle(r);
		return [s, cs.backgroundColor + " " + cs.borderLeftColor];
	}))`)
	for s, c := range map[string]string{
		"inSync":             "rgba(0, 0, 0, 0) rgb(46, 125, 50)",
		"drifted":            "rgb(255, 246, 224) rgb(224, 155, 0)",
		"missingFromCluster": "rgb(253, 236, 236) rgb(198, 40, 40)",
		"notInGit":           "rgb(241, 241, 241) rgb(138, 138, 138)",
		"error":              "rgb(245, 235, 248) rgb(106, 27, 154)",
	} {
		if colours[s] != c {
			t.Errorf("a %s row is coloured %q, want %q", s, colours[s], c)
		}
	}
	// Topology nodes and edges are coloured by status too.
	stroke := browser.Eval[string](p, `getComputedStyle(document.querySelector('#f0 g.node[data-name="leaf-04"] rect')).stroke`)
	if stroke != "rgb(198, 40, 40)" {
		t.Errorf("leaf-04 (missing from cluster) has the stroke %q", stroke)
	}
	if n := browser.Eval[int](p, `document.querySelectorAll("#f0 svg line.edge.st-missingFromCluster").length`); n != 2 {
		t.Errorf("%d edges of the missing ESLAG connection, want 2", n)
	}

	// A click on a node shows its objects in the side panel.
	if err := chromedp.Do(ctx, chromedp.Click(`#f0 g.node[data-name="leaf-01"]`)); err != nil {
		t.Fatal(err)
	}
	panel := browser.Eval[[]string](p, `[...document.querySelectorAll("#f0 .panel li")].map(li => li.textContent.replace(/\s+/g, " ").trim())`)
	wantPanel := []string{
		"Switch leaf-01 (in sync)",
		"Connection leaf-01--mclag-domain--leaf-02 (in sync)",
		"Connection server-01--mclag--leaf-01--leaf-02 (in sync)",
		"Connection server-10--bundled--leaf-01 (not in Git)",
		"Connection spine-01--fabric--leaf-01 (in sync)",
		"Connection spine-02--fabric--leaf-01 (in sync)",
	}
	if strings.Join(panel, "\n") != strings.Join(wantPanel, "\n") {
		t.Errorf("the panel of leaf-01 lists\n%s\nwant\n%s", strings.Join(panel, "\n"), strings.Join(wantPanel, "\n"))
	}
	if !browser.Eval[bool](p, `document.querySelector('#f0 g.node[data-name="leaf-01"]').classList.contains("selected")`) {
		t.Error("the clicked node is not marked selected")
	}
	if golden.Updating() {
		shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(screenshot, shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Sorting: by fields, ascending then descending; by name.
	th := func(label string) string {
		return fmt.Sprintf(`#f0 table.objects th:nth-child(%d)`, map[string]int{"kind": 1, "name": 2, "status": 4, "fields": 5}[label])
	}
	firstRow := `document.querySelector("#f0 table.objects tbody tr").cells[1].textContent`
	if err := chromedp.Do(ctx, chromedp.Click(th("fields"))); err != nil {
		t.Fatal(err)
	}
	if got := browser.Eval[string](p, firstRow); got != "border-01--external" {
		t.Errorf("sorted by fields ascending, the first row is %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(th("fields"))); err != nil {
		t.Fatal(err)
	}
	if got := browser.Eval[string](p, firstRow); got != "vpc-1" {
		t.Errorf("sorted by fields descending, the first row is %q, want vpc-1 (3 fields)", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(th("name"))); err != nil {
		t.Fatal(err)
	}
	if !browser.Eval[bool](p, `(() => { const n = [...document.querySelectorAll("#f0 table.objects tbody tr")].map(r => r.cells[1].textContent);
		return n.length === 33 && n.every((v, i) => i === 0 || n[i-1].localeCompare(v) <= 0); })()`) {
		t.Error("sorted by name, the rows are not in order")
	}

	// Filtering: free text (typed), then status and kind.
	visible := func() int {
		return browser.Eval[int](p, `[...document.querySelectorAll("#f0 table.objects tbody tr")].filter(r => !r.hidden).length`)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys("#f0 .f-text", "leaf-04")); err != nil {
		t.Fatal(err)
	}
	if n := visible(); n != 4 { // the switch, its links to both spines, and the ESLAG connection
		t.Errorf("%d rows match leaf-04, want 4", n)
	}
	browser.Eval[bool](p, `(() => { const f = document.querySelector("#f0 .f-text"); f.value = ""; f.dispatchEvent(new Event("input")); return true; })()`)
	if n := visible(); n != 33 {
		t.Errorf("%d rows with no filter, want 33", n)
	}
	browser.Eval[bool](p, `(() => { const s = document.querySelector("#f0 .f-status"); s.value = "drifted"; s.dispatchEvent(new Event("change")); return true; })()`)
	if n, shown := visible(), browser.Eval[string](p, `document.querySelector("#f0 .shown").textContent`); n != 3 || shown != "3" {
		t.Errorf("status drifted: %d rows visible, %q shown, want 3", n, shown)
	}
	browser.Eval[bool](p, `(() => { const s = document.querySelector("#f0 .f-kind"); s.value = "VPC"; s.dispatchEvent(new Event("change")); return true; })()`)
	if n := visible(); n != 1 {
		t.Errorf("drifted VPCs: %d rows visible, want 1", n)
	}

	// Self-contained: nothing was fetched; no error or exception logged.
	if n := browser.Eval[int](p, `performance.getEntriesByType("resource").length`); n != 0 {
		t.Errorf("the page fetched %d resources", n)
	}
	for _, m := range p.Problems() {
		t.Errorf("console %s: %s", m.Type, m.Text)
	}
}

// TestScreenshotCurrent checks that the docs' screenshot of the report is
// there and is a PNG (the browser test rewrites it with -update).
func TestScreenshotCurrent(t *testing.T) {
	f, err := os.Open(screenshot)
	if err != nil {
		t.Fatalf("%v (go test ./pkg/report -run TestReportInBrowser -update writes it)", err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width < 800 || cfg.Height < 400 {
		t.Errorf("%s is not a screenshot of the report: %v, %dx%d", screenshot, err, cfg.Width, cfg.Height)
	}
}
