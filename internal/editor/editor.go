// Package editor opens a file in the user's editor, chosen as kubectl edit
// chooses it.
//
// kubectl's own editor package (k8s.io/kubectl/pkg/cmd/util/editor) links
// kubectl's command utilities, and with them kubectl's scheme, the scale
// client and the help-text renderer: half a megabyte allocated by package
// initialisers before main, on every command. The choice of editor is a
// few lines; the part worth reusing, keeping the terminal sane when the
// editor is interrupted, is kubectl's util/term, which is light.
package editor

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"k8s.io/kubectl/pkg/util/term"
)

// Editor is a command line that takes the file to edit as its last word.
type Editor struct {
	// Args is the command and its arguments.
	Args []string
	// Shell is set when the last word of Args is a shell command line
	// (Args is then the shell, its -c flag and that line): the file is
	// appended to it quoted.
	Shell bool
}

// FromEnv picks the editor as kubectl does: the first of the variables that
// is set and not empty, else vi (notepad on Windows). A value without
// spaces is the command; one with spaces but no quotes or backslashes is
// split at the spaces ("code --wait"); anything else is handed to $SHELL
// -c (default /bin/bash).
func FromEnv(getenv func(string) string, vars ...string) Editor {
	var line string
	for _, v := range vars {
		if line = getenv(v); line != "" {
			break
		}
	}
	if line == "" {
		line = "vi"
		if runtime.GOOS == "windows" {
			line = "notepad"
		}
	}
	if !strings.Contains(line, " ") {
		return Editor{Args: []string{line}}
	}
	if !strings.ContainsAny(line, "\"'\\") {
		return Editor{Args: strings.Split(line, " ")}
	}
	shell, flag := getenv("SHELL"), "-c"
	if shell == "" {
		shell = "/bin/bash"
		if runtime.GOOS == "windows" {
			shell, flag = "cmd", "/C"
		}
	}
	return Editor{Args: []string{shell, flag, line}, Shell: true}
}

// command is the command line that edits path.
func (e Editor) command(path string) []string {
	args := append([]string(nil), e.Args...)
	if e.Shell {
		args[len(args)-1] += " " + shellQuote(path)
		return args
	}
	return append(args, path)
}

// shellQuote quotes s for a POSIX shell (or cmd, for the paths a temporary
// directory holds, which have no double quotes).
func shellQuote(s string) string {
	if runtime.GOOS == "windows" {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Launch runs the editor on path with the process's terminal, and waits for
// it. The terminal's state is restored afterwards, also when the command is
// interrupted (SIGINT, SIGTERM, SIGQUIT).
func (e Editor) Launch(path string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(e.Args) == 0 {
		return fmt.Errorf("no editor set, cannot open %s", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	args := e.command(abs)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	tty := term.TTY{In: stdin, TryDev: true}
	if err := tty.Safe(cmd.Run); err != nil {
		return fmt.Errorf("%q: %w", strings.Join(e.Args, " "), err)
	}
	return nil
}

// EditTemp writes content to a new temporary file named prefix*suffix,
// opens it in the editor and returns what was saved. path is the file's
// name once it exists, also on error, so that the caller can remove it (or
// point the user at it).
func (e Editor) EditTemp(prefix, suffix string, content []byte, stdin io.Reader, stdout, stderr io.Writer) (saved []byte, path string, err error) {
	f, err := os.CreateTemp("", prefix+"*"+suffix)
	if err != nil {
		return nil, "", err
	}
	path = f.Name()
	if _, err := f.Write(content); err != nil {
		f.Close()
		return nil, path, err
	}
	if err := f.Close(); err != nil {
		return nil, path, err
	}
	if err := e.Launch(path, stdin, stdout, stderr); err != nil {
		return nil, path, err
	}
	saved, err = os.ReadFile(path)
	return saved, path, err
}
