package docexamples

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/githedgehog/kubectl-hnp/internal/demo"
	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// exampleTimeout bounds one example; a long-running one is interrupted after
// its first output, or fails when none comes within it.
const exampleTimeout = 2 * time.Minute

var (
	cp     *testbed.ControlPlane
	binDir string
	root   string
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	var err error
	if root, err = testbed.RepoRoot(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	tmp, err := os.MkdirTemp("", "hnp-docexamples-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(tmp)
	binDir = filepath.Join(tmp, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(binDir, "kubectl-hnp"), "./cmd/kubectl-hnp")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building kubectl-hnp: %v\n%s", err, out)
		return 2
	}
	if cp, err = testbed.Start(demo.ControlPlaneOptions(tmp)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer cp.Stop()
	return m.Run()
}

// docs are the documents whose examples run: README.md and docs/*.md (not
// the generated docs/reference).
func docs(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	out := []string{"README.md"}
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		out = append(out, filepath.ToSlash(rel))
	}
	return out
}

// TestDocExamples runs every example of README.md and docs/*.md as written,
// through `kubectl hnp` (kubectl-hnp on PATH), in a fresh demo environment
// per document and in document order within it, and checks its exit code.
func TestDocExamples(t *testing.T) {
	var skipped []string
	total := 0
	for _, file := range docs(t) {
		src, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		examples, err := Extract(file, src)
		if err != nil {
			t.Fatal(err)
		}
		var env *demo.Env
		var environ []string
		for _, ex := range examples {
			total++
			if ex.Skip != "" {
				skipped = append(skipped, fmt.Sprintf("%s: %s (%s)", ex.Name(), ex.Command, ex.Skip))
				continue
			}
			if env == nil {
				env, environ = setup(t)
			}
			t.Run(ex.Name(), func(t *testing.T) { runExample(t, env, environ, ex) })
		}
	}
	if total == 0 {
		t.Fatal("no examples found")
	}
	t.Logf("%d examples, %d ran, %d excluded by a marker in the docs:", total, total-len(skipped), len(skipped))
	for _, s := range skipped {
		t.Logf("  excluded %s", s)
	}
}

// setup prepares a fresh demo environment with its fabrics registered.
func setup(t *testing.T) (*demo.Env, []string) {
	t.Helper()
	env, err := demo.Setup(t.Context(), cp, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	environ := env.Environ(os.Environ(), binDir)
	for _, add := range env.SetupCommands() {
		cmd := exec.Command(add[0], add[1:]...)
		cmd.Env, cmd.Dir = environ, env.Checkout
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(add, " "), err, out)
		}
	}
	return env, environ
}

// runExample runs one example with bash in the demo's checkout and checks its
// exit code. A long-running example gets Ctrl-C (SIGINT to its process group)
// once it has printed something, and must then end with its exit code, or
// 130 when the signal ended it (a pipe's reader such as jq).
func runExample(t *testing.T, env *demo.Env, environ []string, ex Example) {
	ctx, cancel := context.WithTimeout(t.Context(), exampleTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-o", "pipefail", "-c", ex.Command)
	cmd.Env, cmd.Dir = environ, env.Checkout
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	out := &firstOutput{seen: make(chan struct{})}
	var readDone chan struct{}
	var terminal *os.File
	if ex.LongRunning {
		controller, term, err := openPTY()
		if err != nil {
			t.Fatal(err)
		}
		defer controller.Close()
		terminal = term
		cmd.Stdin, cmd.Stdout, cmd.Stderr = terminal, terminal, terminal
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
		readDone = make(chan struct{})
		go func() {
			defer close(readDone)
			_, _ = io.Copy(out, controller) // ends with EIO once the terminal's last user is gone
		}()
	} else {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Stdout, cmd.Stderr = out, out
	}
	start := time.Now()
	err := cmd.Start()
	if terminal != nil {
		terminal.Close() // the child has its own copy
	}
	if err != nil {
		t.Fatal(err)
	}
	if ex.LongRunning {
		select {
		case <-out.seen:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		case <-ctx.Done():
		}
	}
	err = cmd.Wait()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal()) // as a shell reports it
		}
	case err != nil:
		t.Fatalf("%s: %v\n%s", ex.Command, err, out.String())
	}
	if readDone != nil {
		select { // the rest of the output, once the terminal is closed on our side too
		case <-readDone:
		case <-time.After(10 * time.Second):
		}
	}
	if ctx.Err() != nil {
		t.Fatalf("%s: no end within %v (long-running examples must print something first)\n%s", ex.Command, exampleTimeout, out.String())
	}
	ok := code == ex.Exit || (ex.LongRunning && code == 130)
	if !ok {
		t.Errorf("$ %s\nexit code %d, the docs say %d (mark other codes with a trailing `# exit N` comment)\n%s",
			ex.Command, code, ex.Exit, out.String())
		return
	}
	t.Logf("$ %s  (exit %d, %v)\n%s", ex.Command, code, time.Since(start).Round(time.Millisecond), out.String())
}

// firstOutput collects a command's output and signals its first byte.
type firstOutput struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	seen chan struct{}
	once sync.Once
}

var _ io.Writer = (*firstOutput)(nil)

func (f *firstOutput) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(p) > 0 {
		f.once.Do(func() { close(f.seen) })
	}
	return f.buf.Write(p)
}

func (f *firstOutput) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.buf.String()
}
