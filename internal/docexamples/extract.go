// Package docexamples finds the `kubectl hnp` command examples in the
// project's Markdown documentation, so that a test can run each as written
// against the demo's environment (see docs/development.md, "Examples in the
// docs").
//
// An example is a line of a fenced code block of language sh, bash, shell or
// console, or of no language, that runs `kubectl hnp` or `kubectl-hnp` as a
// command: at the start of the line (after an optional `$ ` prompt, which a
// block of no language or of console requires), or after `<(`, `|`, `;` or
// `&&`. A line ending in a backslash continues on the next one. A trailing
// comment that begins with `exit N` gives the exit code the example must
// end with (0 otherwise). An HTML comment `<!-- example: skip — REASON -->`
// on the lines before a fenced block excludes the whole block's examples,
// with the reason.
package docexamples

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Example is one command found in a document.
type Example struct {
	// File is the document's path as given to Extract; Line is 1-based.
	File string
	Line int
	// Command is the shell command line, without prompt and trailing comment.
	Command string
	// Exit is the exit code the example must end with.
	Exit int
	// Skip is the reason the example is excluded, or empty.
	Skip string
	// LongRunning is set for --watch examples: they run until interrupted.
	LongRunning bool
}

// Name is the example's subtest name, file:line.
func (e Example) Name() string { return fmt.Sprintf("%s:%d", e.File, e.Line) }

var (
	fenceRE  = regexp.MustCompile("^\\s*(```+|~~~+)\\s*([A-Za-z0-9_+-]*)")
	markerRE = regexp.MustCompile(`^\s*<!--\s*example:\s*(.*?)\s*-->\s*$`)
	skipRE   = regexp.MustCompile(`^skip\s*(?:—|–|-|:)\s*(\S.*)$`)
	exitRE   = regexp.MustCompile(`^exit (\d+)\b`)
	cmdRE    = regexp.MustCompile(`(^|<\(|\||;|&&)\s*(kubectl hnp|kubectl-hnp)(\s|$)`)
	watchRE  = regexp.MustCompile(`(^|\s)--watch(\s|=|$)`)
)

// runnable are the block languages whose lines are shell commands.
var runnable = map[string]bool{"sh": true, "bash": true, "shell": true, "console": true, "": true}

// Extract returns the examples of one Markdown document, in document order.
// A marker it does not understand is an error naming file:line, so that a
// misspelt skip never passes unnoticed.
func Extract(file string, src []byte) ([]Example, error) {
	var (
		out      []Example
		fence    string // the open fence, "" outside a block
		lang     string
		skip     string // the pending skip marker's reason
		inSkip   string // the skip reason of the open block
		pending  string // a line continued with a backslash
		pendLine int
	)
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if fence == "" {
			if m := markerRE.FindStringSubmatch(line); m != nil {
				sm := skipRE.FindStringSubmatch(m[1])
				if sm == nil {
					return nil, fmt.Errorf("%s:%d: unknown example marker %q (want `<!-- example: skip — REASON -->`)", file, n, m[1])
				}
				skip = sm[1]
				continue
			}
			if m := fenceRE.FindStringSubmatch(line); m != nil {
				fence, lang, inSkip, skip = m[1], strings.ToLower(m[2]), skip, ""
				continue
			}
			if strings.TrimSpace(line) != "" && !strings.HasPrefix(strings.TrimSpace(line), "<!--") {
				skip = "" // a marker applies to the block right after it
			}
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), fence[:3]) && strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), fence[:1])) == "" {
			fence, pending = "", ""
			continue
		}
		if !runnable[lang] {
			continue
		}
		text := strings.TrimSpace(line)
		if pending != "" {
			text = pending + " " + text
		} else {
			pendLine = n
		}
		if strings.HasSuffix(text, `\`) {
			pending = strings.TrimSuffix(text, `\`)
			continue
		}
		pending = ""
		cmd, ok := strings.CutPrefix(text, "$ ")
		if !ok && (lang == "" || lang == "console") {
			continue
		}
		code, comment := splitComment(cmd)
		code = strings.TrimSpace(code)
		if !cmdRE.MatchString(code) {
			continue
		}
		ex := Example{File: file, Line: pendLine, Command: code, Skip: inSkip,
			LongRunning: watchRE.MatchString(code)}
		if m := exitRE.FindStringSubmatch(strings.TrimSpace(comment)); m != nil {
			ex.Exit, _ = strconv.Atoi(m[1])
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if fence != "" {
		return nil, fmt.Errorf("%s: a code block is not closed", file)
	}
	return out, nil
}

// splitComment splits a shell line at its comment: a # that starts a word
// outside quotes.
func splitComment(s string) (code, comment string) {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' {
				i++
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '\\':
			i++
		case c == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t'):
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}
