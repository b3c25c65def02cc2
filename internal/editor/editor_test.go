package editor

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestFromEnv(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		want Editor
	}{
		{"default", nil, Editor{Args: []string{"vi"}}},
		{"KUBE_EDITOR first", map[string]string{"KUBE_EDITOR": "nano", "EDITOR": "emacs"}, Editor{Args: []string{"nano"}}},
		{"empty KUBE_EDITOR falls through", map[string]string{"KUBE_EDITOR": "", "EDITOR": "emacs"}, Editor{Args: []string{"emacs"}}},
		{"words are split", map[string]string{"EDITOR": "code --wait"}, Editor{Args: []string{"code", "--wait"}}},
		{"quotes go to the shell", map[string]string{"EDITOR": `vim -c "set ft=yaml"`, "SHELL": "/bin/zsh"},
			Editor{Args: []string{"/bin/zsh", "-c", `vim -c "set ft=yaml"`}, Shell: true}},
		{"backslash goes to bash without SHELL", map[string]string{"EDITOR": `my\ editor -w`},
			Editor{Args: []string{"/bin/bash", "-c", `my\ editor -w`}, Shell: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := FromEnv(env(c.env), "KUBE_EDITOR", "EDITOR"); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestCommandQuotesThePathForTheShell(t *testing.T) {
	e := Editor{Args: []string{"/bin/sh", "-c", "ed -s"}, Shell: true}
	got := e.command("/tmp/it's here.yaml")
	want := []string{"/bin/sh", "-c", `ed -s '/tmp/it'\''s here.yaml'`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if !reflect.DeepEqual(e.Args, []string{"/bin/sh", "-c", "ed -s"}) {
		t.Errorf("command changed the editor: %q", e.Args)
	}
	plain := Editor{Args: []string{"code", "--wait"}}
	if got := plain.command("/tmp/a b"); !reflect.DeepEqual(got, []string{"code", "--wait", "/tmp/a b"}) {
		t.Errorf("got %q", got)
	}
}

// script writes an executable shell script and returns its path.
func script(t *testing.T, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "editor.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEditTemp(t *testing.T) {
	dir := t.TempDir()
	ed := script(t, dir, `grep -q "^name: a$" "$1" || exit 9
echo "editing $1"
sed -i 's/name: a/name: b/' "$1"
`)
	t.Run("plain", func(t *testing.T) {
		var out, errOut bytes.Buffer
		saved, path, err := FromEnv(env(map[string]string{"EDITOR": ed}), "EDITOR").EditTemp("hnp-test-", ".yaml", []byte("name: a\n"), strings.NewReader(""), &out, &errOut)
		if err != nil {
			t.Fatalf("%v (%s)", err, errOut.String())
		}
		defer os.Remove(path)
		if string(saved) != "name: b\n" {
			t.Errorf("saved %q", saved)
		}
		if !strings.HasPrefix(filepath.Base(path), "hnp-test-") || !strings.HasSuffix(path, ".yaml") {
			t.Errorf("path %s", path)
		}
		if out.String() != "editing "+path+"\n" {
			t.Errorf("the editor's output went elsewhere: %q", out.String())
		}
	})
	t.Run("through the shell", func(t *testing.T) {
		e := FromEnv(env(map[string]string{"EDITOR": `sh "` + ed + `"`, "SHELL": "/bin/sh"}), "EDITOR")
		if !e.Shell {
			t.Fatalf("not a shell line: %+v", e)
		}
		saved, path, err := e.EditTemp("hnp it's-", ".yaml", []byte("name: a\n"), strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		defer os.Remove(path)
		if string(saved) != "name: b\n" {
			t.Errorf("saved %q", saved)
		}
	})
	t.Run("failure keeps the file and says which editor", func(t *testing.T) {
		e := FromEnv(env(map[string]string{"EDITOR": ed}), "EDITOR")
		_, path, err := e.EditTemp("hnp-test-", ".yaml", []byte("name: c\n"), strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
		if path == "" {
			t.Fatal("no path")
		}
		defer os.Remove(path)
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 9 || !strings.Contains(err.Error(), ed) {
			t.Errorf("error %v", err)
		}
		if b, _ := os.ReadFile(path); string(b) != "name: c\n" {
			t.Errorf("file %q", b)
		}
	})
	t.Run("missing editor", func(t *testing.T) {
		e := FromEnv(env(map[string]string{"EDITOR": filepath.Join(dir, "no-such-editor")}), "EDITOR")
		_, path, err := e.EditTemp("hnp-test-", ".yaml", nil, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
		os.Remove(path)
		if !errors.Is(err, os.ErrNotExist) && !errors.Is(err, exec.ErrNotFound) {
			t.Errorf("error %v", err)
		}
	})
	t.Run("no command", func(t *testing.T) {
		if err := (Editor{}).Launch("x", nil, nil, nil); err == nil {
			t.Error("no error")
		}
	})
}
