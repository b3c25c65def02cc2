package report

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/githedgehog/kubectl-hnp/internal/golden"
)

// screenshot is the picture of the report in the docs, rewritten by the
// browser test with -update.
const screenshot = "../../docs/images/report.png"

// chromium finds the browser: $HNP_CHROMIUM, else chromium on PATH. A
// missing browser fails the test with how to install it: the browser test
// is part of `make test`.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("HNP_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("the HTML report's browser test needs Chromium: install it (Debian/Ubuntu: apt-get install -y chromium; " +
		".ci/run does so) or point HNP_CHROMIUM at a Chrome or Chromium binary")
	return ""
}

// browser opens the page in headless Chromium and returns its context and
// the console messages seen so far (read them after sync).
func browser(t *testing.T, page string) (context.Context, func() []chromedp.ConsoleMessage) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)), chromedp.WindowSize(1400, 1100))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	// The deadline bounds the whole browser session.
	parent, cancelTimeout := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancelTimeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// Subscribe before the page loads, so that no message is lost.
	messages := chromedp.Console(ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+page), chromedp.WaitReady("body")); err != nil {
		t.Fatalf("loading %s in Chromium: %v", page, err)
	}
	var once sync.Once
	var seen []chromedp.ConsoleMessage
	drain := func() []chromedp.ConsoleMessage {
		once.Do(func() {
			// A marker written last: every message before it has arrived
			// when it does.
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`console.info("hnp-test-end")`)); err != nil {
				t.Fatal(err)
			}
			for m, err := range messages {
				if err != nil {
					t.Fatalf("reading the console: %v", err)
				}
				if m.Text == "hnp-test-end" {
					break
				}
				seen = append(seen, m)
			}
		})
		return seen
	}
	return ctx, drain
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

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
	ctx, console := browser(t, page)

	// Counts, as the chips show them.
	counts := eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll("#f0 .counts .chip")].map(c => [c.dataset.status, c.dataset.count]))`)
	want := map[string]string{"inSync": "25", "drifted": "3", "missingFromCluster": "2", "notInGit": "2", "error": "1", "total": "33"}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("count %s = %q, want %q (all: %v)", k, counts[k], v, counts)
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#f0 table.objects tbody tr").length`); n != 33 {
		t.Errorf("%d rows, want 33", n)
	}
	if e := eval[string](t, ctx, `document.querySelector("#f1 .error").textContent`); !strings.Contains(e, "<permission denied>") {
		t.Errorf("the broken fabric's error reads %q", e)
	}

	// Row colours by status.
	colours := eval[map[string]string](t, ctx, `Object.fromEntries(["inSync","drifted","missingFromCluster","notInGit","error"].map(s => {
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
	stroke := eval[string](t, ctx, `getComputedStyle(document.querySelector('#f0 g.node[data-name="leaf-04"] rect')).stroke`)
	if stroke != "rgb(198, 40, 40)" {
		t.Errorf("leaf-04 (missing from cluster) has the stroke %q", stroke)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#f0 svg line.edge.st-missingFromCluster").length`); n != 2 {
		t.Errorf("%d edges of the missing ESLAG connection, want 2", n)
	}

	// A click on a node shows its objects in the side panel.
	if err := chromedp.Do(ctx, chromedp.Click(`#f0 g.node[data-name="leaf-01"]`)); err != nil {
		t.Fatal(err)
	}
	panel := eval[[]string](t, ctx, `[...document.querySelectorAll("#f0 .panel li")].map(li => li.textContent.replace(/\s+/g, " ").trim())`)
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
	if !eval[bool](t, ctx, `document.querySelector('#f0 g.node[data-name="leaf-01"]').classList.contains("selected")`) {
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
	if got := eval[string](t, ctx, firstRow); got != "border-01--external" {
		t.Errorf("sorted by fields ascending, the first row is %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(th("fields"))); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, firstRow); got != "vpc-1" {
		t.Errorf("sorted by fields descending, the first row is %q, want vpc-1 (3 fields)", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(th("name"))); err != nil {
		t.Fatal(err)
	}
	if !eval[bool](t, ctx, `(() => { const n = [...document.querySelectorAll("#f0 table.objects tbody tr")].map(r => r.cells[1].textContent);
		return n.length === 33 && n.every((v, i) => i === 0 || n[i-1].localeCompare(v) <= 0); })()`) {
		t.Error("sorted by name, the rows are not in order")
	}

	// Filtering: free text (typed), then status and kind.
	visible := func() int {
		return eval[int](t, ctx, `[...document.querySelectorAll("#f0 table.objects tbody tr")].filter(r => !r.hidden).length`)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys("#f0 .f-text", "leaf-04")); err != nil {
		t.Fatal(err)
	}
	if n := visible(); n != 4 { // the switch, its links to both spines, and the ESLAG connection
		t.Errorf("%d rows match leaf-04, want 4", n)
	}
	eval[bool](t, ctx, `(() => { const f = document.querySelector("#f0 .f-text"); f.value = ""; f.dispatchEvent(new Event("input")); return true; })()`)
	if n := visible(); n != 33 {
		t.Errorf("%d rows with no filter, want 33", n)
	}
	eval[bool](t, ctx, `(() => { const s = document.querySelector("#f0 .f-status"); s.value = "drifted"; s.dispatchEvent(new Event("change")); return true; })()`)
	if n, shown := visible(), eval[string](t, ctx, `document.querySelector("#f0 .shown").textContent`); n != 3 || shown != "3" {
		t.Errorf("status drifted: %d rows visible, %q shown, want 3", n, shown)
	}
	eval[bool](t, ctx, `(() => { const s = document.querySelector("#f0 .f-kind"); s.value = "VPC"; s.dispatchEvent(new Event("change")); return true; })()`)
	if n := visible(); n != 1 {
		t.Errorf("drifted VPCs: %d rows visible, want 1", n)
	}

	// Self-contained: nothing was fetched; no error or exception logged.
	if n := eval[int](t, ctx, `performance.getEntriesByType("resource").length`); n != 0 {
		t.Errorf("the page fetched %d resources", n)
	}
	for _, m := range console() {
		if m.IsException() || m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning {
			t.Errorf("console %s: %s", m.Type, m.Text)
		}
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
