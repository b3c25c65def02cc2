package gitstate

import (
	"net/url"
	"regexp"
	"strings"
)

var (
	// urlAuthorityRe finds "scheme://authority" anywhere in a string.
	urlAuthorityRe = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*)://([^\s/?#"'<>]+)`)
	// secretQueryRe finds query parameters that commonly carry secrets.
	secretQueryRe = regexp.MustCompile(`(?i)([?&](?:access_token|private_token|token|password|passwd|secret|sig|signature)=)[^&#\s"'<>]+`)
)

// RedactURL hides the credentials of every URL inside s: the password of
// userinfo (https://user:tok@host → https://user:***@host), a userinfo
// without password in non-SSH URLs, where it usually is a bare token
// (https://tok@host → https://***@host), and secret query parameters such
// as access_token. SSH user names such as ssh://git@host are kept.
func RedactURL(s string) string {
	s = urlAuthorityRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := urlAuthorityRe.FindStringSubmatch(m)
		scheme, authority := sub[1], sub[2]
		at := strings.LastIndex(authority, "@")
		if at < 0 {
			return m
		}
		userinfo, host := authority[:at], authority[at+1:]
		if user, _, hasPassword := strings.Cut(userinfo, ":"); hasPassword {
			return scheme + "://" + user + ":***@" + host
		}
		if isSSHScheme(scheme) {
			return m
		}
		return scheme + "://***@" + host
	})
	return secretQueryRe.ReplaceAllString(s, "${1}***")
}

func isSSHScheme(scheme string) bool {
	switch strings.ToLower(scheme) {
	case "ssh", "git+ssh", "ssh+git", "sftp":
		return true
	}
	return false
}

// scrub replaces a known secret in s, as a last line of defence behind
// RedactURL. Secrets too short to be real tokens are left alone, so as not
// to mangle ordinary words.
func scrub(s, secret string) string {
	if len(secret) < 4 {
		return s
	}
	for _, form := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
		s = strings.ReplaceAll(s, form, "***")
	}
	return s
}
