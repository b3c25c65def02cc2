package fabric

import (
	"strings"
	"testing"
)

func TestValidateWebURL(t *testing.T) {
	for _, ok := range []string{"", "https://github.com/org/repo/blob/{rev}/{file}#L{line}", "http://git.local/r/{file}"} {
		if err := ValidateWebURL(ok); err != nil {
			t.Errorf("ValidateWebURL(%q) = %v", ok, err)
		}
	}
	for in, want := range map[string]string{
		"github.com/org/repo/{file}":             "not an http(s) URL template",
		"https://github.com/org/repo/blob/{rev}": "does not name {file}",
		"https://github.com/{owner}/blob/{file}": "unknown placeholder",
		"javascript:alert(1)//{file}":            "not an http(s) URL template",
	} {
		err := ValidateWebURL(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateWebURL(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestConfigWebURLValidated(t *testing.T) {
	f := Fabric{Name: "lab", Git: GitSpec{URL: "https://git.example.com/x.git", WebURL: "ftp://x/{file}"}}
	err := f.Validate()
	if err == nil || !strings.Contains(err.Error(), `fabric "lab": git.webURL:`) {
		t.Errorf("Validate = %v, want a git.webURL error", err)
	}
}
