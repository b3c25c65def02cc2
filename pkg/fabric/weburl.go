package fabric

import (
	"fmt"
	"net/url"
	"strings"
)

// ValidateWebURL checks a repository web URL template (git.webURL,
// --repo-url-template): empty, or an http(s) URL naming {file}; {rev} and
// {line} are optional.
func ValidateWebURL(s string) error {
	if s == "" {
		return nil
	}
	probe := strings.NewReplacer("{rev}", "r", "{file}", "f", "{line}", "1").Replace(s)
	u, err := url.Parse(probe)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL template (e.g. https://github.com/org/repo/blob/{rev}/{file}#L{line})", s)
	}
	if !strings.Contains(s, "{file}") {
		return fmt.Errorf("%q does not name {file} (e.g. https://github.com/org/repo/blob/{rev}/{file}#L{line})", s)
	}
	if i := strings.IndexByte(probe, '{'); i >= 0 {
		return fmt.Errorf("%q: unknown placeholder at %q (use {rev}, {file}, {line})", s, probe[i:])
	}
	return nil
}
