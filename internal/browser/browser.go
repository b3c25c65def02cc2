// Package browser opens pages in headless Chromium for tests, driven by
// chromedp, and collects what the page wrote to its console. A missing
// browser fails the test with how to install it: browser tests are part of
// `make test`, never skipped.
package browser

import (
	"context"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path finds the browser: $HNP_CHROMIUM, else chromium (or
// chromium-browser, google-chrome) on PATH.
func Path(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("HNP_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("this browser test needs Chromium: install it (Debian/Ubuntu: apt-get install -y chromium; " +
		".ci/run does so) or point HNP_CHROMIUM at a Chrome or Chromium binary")
	return ""
}

// Page is a page loaded in headless Chromium.
type Page struct {
	// Ctx runs chromedp actions on the page.
	Ctx      context.Context
	t        testing.TB
	messages func(yield func(chromedp.ConsoleMessage, error) bool)
	once     sync.Once
	seen     []chromedp.ConsoleMessage
}

// Open loads the file at path (file://) in a new headless Chromium with a
// window of width × height, for at most two minutes; the browser stops
// when the test ends.
func Open(t testing.TB, path string, width, height int) *Page {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(Path(t)), chromedp.WindowSize(width, height))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	parent, cancelTimeout := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancelTimeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// Subscribe before the page loads, so that no message is lost.
	p := &Page{Ctx: ctx, t: t, messages: chromedp.Console(ctx)}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitReady("body")); err != nil {
		t.Fatalf("loading %s in Chromium: %v", path, err)
	}
	return p
}

// Console returns the console messages (calls, exceptions, browser log)
// written so far. Call it once, after the actions: it writes a marker and
// reads up to it, so every earlier message is in.
func (p *Page) Console() []chromedp.ConsoleMessage {
	p.t.Helper()
	p.once.Do(func() {
		if err := chromedp.Do(p.Ctx, chromedp.Evaluate[chromedp.Void](`console.info("hnp-test-end")`)); err != nil {
			p.t.Fatal(err)
		}
		for m, err := range p.messages {
			if err != nil {
				p.t.Fatalf("reading the console: %v", err)
			}
			if m.Text == "hnp-test-end" {
				break
			}
			p.seen = append(p.seen, m)
		}
	})
	return p.seen
}

// Problems are the console's errors, warnings and uncaught exceptions.
func (p *Page) Problems() []chromedp.ConsoleMessage {
	var out []chromedp.ConsoleMessage
	for _, m := range p.Console() {
		if m.IsException() || m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning {
			out = append(out, m)
		}
	}
	return out
}

// Eval evaluates a JavaScript expression in the page, failing the test on
// an error.
func Eval[T any](p *Page, js string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.Ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// Do runs actions on the page, failing the test on an error.
func (p *Page) Do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.Ctx, actions...); err != nil {
		p.t.Fatal(err)
	}
}
