package gitstate

import (
	"net/http"
	"strings"
	"testing"
)

func TestMaskedHeadersHideCredentials(t *testing.T) {
	h := http.Header{}
	h.Set("Authorization", "Basic Y2k6c2VjcmV0LXRva2Vu")
	h.Set("Proxy-Authorization", "opaque-proxy-secret")
	h.Set("Cookie", "session=cookie-secret")
	h.Set("User-Agent", "git/2.0")
	h.Set("Referer", "https://u:url-secret@example.com/x")
	got := maskedHeaders(h)
	for _, want := range []string{"Authorization: Basic <masked>", "Proxy-Authorization: <masked>", "Cookie: <masked>",
		"User-Agent: git/2.0", "Referer: https://u:***@example.com/x"} {
		if !strings.Contains(got, want) {
			t.Errorf("headers lack %q:%s", want, got)
		}
	}
	for _, secret := range []string{"Y2k6c2VjcmV0LXRva2Vu", "opaque-proxy-secret", "cookie-secret", "url-secret"} {
		if strings.Contains(got, secret) {
			t.Errorf("headers show %q:%s", secret, got)
		}
	}
}

func TestRedactHidesRegisteredSecrets(t *testing.T) {
	const secret = "env-token-f00b4r-registered"
	if got := Redact("auth failed for " + secret); !strings.Contains(got, secret) {
		t.Fatalf("an unregistered value was changed: %q", got)
	}
	registerSecret(secret)
	registerSecret("abc") // too short to scrub without mangling words
	for _, in := range []string{"auth failed for " + secret, "query=env-token-f00b4r-registered&x", "https://x:" + secret + "@host/r"} {
		if got := Redact(in); strings.Contains(got, secret) || !strings.Contains(got, "***") {
			t.Errorf("Redact(%q) = %q", in, got)
		}
	}
	if got := Redact("abcdef"); got != "abcdef" {
		t.Errorf("a short secret mangled %q", got)
	}
}

func TestPrintableQuotesBinaryTrace(t *testing.T) {
	if got := printable("packet: < 0039 abc refs/heads/main"); got != "packet: < 0039 abc refs/heads/main" {
		t.Errorf("text changed: %q", got)
	}
	bin := "packet: < 09af PACK\x00\x00\x00\x02" + strings.Repeat("\xff", 200)
	got := printable(bin)
	if strings.Contains(got, "\x00") || strings.Contains(got, "\xff") || !strings.HasSuffix(got, "... (223 bytes)") || !strings.HasPrefix(got, `"packet: < 09af PACK\x00`) {
		t.Errorf("binary trace line shown as %q", got)
	}
}
