package printers

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// githubCommand is the workflow command of each level.
var githubCommand = map[Level]string{LevelError: "error", LevelWarning: "warning", LevelNote: "notice"}

// WriteDriftGitHub writes r as GitHub Actions workflow commands (see
// DriftFindings and WriteGitHub).
func WriteDriftGitHub(w io.Writer, r *drift.Report) error {
	if r == nil {
		return errors.New("no drift report to print")
	}
	return WriteGitHub(w, DriftFindings(r))
}

// WriteGitHub writes fs as GitHub Actions workflow commands, one line per
// finding (::error, ::warning or ::notice with file, line and title), which
// the runner turns into annotations on the files, then the summary line.
// Values are escaped as the runner expects: "%", CR and LF in the message,
// and also ":" and "," in properties.
func WriteGitHub(w io.Writer, fs Findings) error {
	var b strings.Builder
	for _, f := range fs.Findings {
		cmd := githubCommand[f.Level]
		if cmd == "" {
			cmd = "error"
		}
		var props []string
		if f.File != "" {
			props = append(props, "file="+githubProperty(f.File))
			if f.Line > 0 {
				props = append(props, "line="+strconv.Itoa(f.Line))
			}
		}
		if f.Title != "" {
			props = append(props, "title="+githubProperty(f.Title))
		}
		b.WriteString("::" + cmd)
		if len(props) > 0 {
			b.WriteString(" " + strings.Join(props, ","))
		}
		b.WriteString("::" + githubData(f.Message) + "\n")
	}
	if fs.Summary != "" {
		// A line that starts with "::" would be read as a command.
		fmt.Fprintln(&b, strings.TrimLeft(OneLine(fs.Summary), ":"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// githubData escapes a workflow command's message.
func githubData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// githubProperty escapes a workflow command's property value.
func githubProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
