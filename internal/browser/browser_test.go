package browser

import (
	"fmt"
	"strings"
	"testing"
)

// recorder is a testing.TB whose Fatal records the message and returns.
type recorder struct {
	testing.TB
	fatal string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatal(args ...interface{}) { r.fatal = fmt.Sprint(args...) }

func TestPathMissingBrowserFailsWithInstallHint(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("HNP_CHROMIUM", "")
	r := &recorder{TB: t}
	if p := Path(r); p != "" {
		t.Errorf("Path = %q with no browser on PATH", p)
	}
	if !strings.Contains(r.fatal, "apt-get install -y chromium") || !strings.Contains(r.fatal, "HNP_CHROMIUM") {
		t.Errorf("the failure does not say how to install Chromium: %q", r.fatal)
	}
}

func TestPathFromEnvironment(t *testing.T) {
	t.Setenv("HNP_CHROMIUM", "/opt/chrome/chrome")
	if p := Path(t); p != "/opt/chrome/chrome" {
		t.Errorf("Path = %q, want $HNP_CHROMIUM", p)
	}
}
