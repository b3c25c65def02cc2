package report

import (
	"net/url"
	"strconv"
	"strings"
)

// SourceURL expands a repository web URL template for a file and line at
// a revision: {rev}, {file} and {line} are replaced, the file's path
// segments escaped (slashes kept). An empty template gives "" (the source
// is then shown as plain text); so does an empty file. An empty revision
// reads as HEAD.
func SourceURL(template, rev, file string, line int) string {
	if template == "" || file == "" {
		return ""
	}
	if rev == "" {
		rev = "HEAD"
	}
	segs := strings.Split(file, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	l := ""
	if line > 0 {
		l = strconv.Itoa(line)
	}
	return strings.NewReplacer("{rev}", url.PathEscape(rev), "{file}", strings.Join(segs, "/"), "{line}", l).Replace(template)
}
