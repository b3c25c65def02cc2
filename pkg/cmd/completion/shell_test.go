package completion_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// kubectl is the kubectl the plugin test runs (1.26 or newer: it delegates
// plugin completion to kubectl_complete-<plugin>).
const kubectl = "/usr/bin/kubectl"

// TestShells builds kubectl-hnp and completes through the real programs
// that call it: kubectl (via the committed kubectl_complete-hnp script) and
// bash (via the committed bash script).
func TestShells(t *testing.T) {
	repo, err := testbed.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "kubectl-hnp"), "./cmd/kubectl-hnp")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	script := filepath.Join(repo, "completions", "kubectl_complete-hnp")
	fi, err := os.Stat(script)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o111 != 0o111 {
		t.Errorf("%s has mode %v; it must be executable for kubectl to run it", script, fi.Mode().Perm())
	}
	b, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "kubectl_complete-hnp"), b, 0o755); err != nil {
		t.Fatal(err)
	}

	e := newEnv(t)
	tree := testbed.NewWorkTree(t, fixture)
	e.writeConfig(t, fabric.Fabric{Name: "lab", Git: fabric.GitSpec{URL: tree, Dir: "fabrics/lab"}})
	environ := []string{"PATH=" + bin + string(os.PathListSeparator) + "/usr/bin:/bin"}
	for k, v := range e.vars {
		environ = append(environ, k+"="+v)
	}
	run := func(t *testing.T, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = environ
		cmd.Dir = t.TempDir()
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %q: %v\nstderr:\n%s", name, args, err, stderr.String())
		}
		return stdout.String()
	}

	all, object := commands(t)
	t.Run("kubectl plugin", func(t *testing.T) {
		type pluginCase struct{ args, want []string }
		tests := []pluginCase{
			{[]string{""}, all},
			{[]string{"dr"}, []string{"drift"}},
			{[]string{"list", ""}, []string{"all", "vpc", "vpcattach", "ipns", "ext", "conn", "sw", "srv", "sg", "vlanns"}},
			{[]string{"drift", "-o", ""}, []string{"junit", "markdown", "diff"}},
			{[]string{"--fabric", ""}, []string{"lab"}},
			{[]string{"get", "vpc", ""}, []string{"vpc-1", "vpc-2", "web"}},
		}
		for _, verb := range object {
			tests = append(tests, pluginCase{[]string{verb, "sw/"}, []string{"sw/leaf-01", "sw/spine-01"}})
		}
		for _, tt := range tests {
			got, _ := parseCompletions(t, run(t, kubectl, append([]string{"__complete", "hnp"}, tt.args...)...))
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("kubectl __complete hnp %q: %q lacks %q", tt.args, got, w)
				}
			}
		}
	})

	t.Run("bash script", func(t *testing.T) {
		// The script relies on bash-completion's _get_comp_words_by_ref;
		// this stand-in splits the words as it does for a plain line.
		const stub = `_get_comp_words_by_ref() { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }`
		tests := []struct {
			words []string
			want  []string
		}{
			{[]string{"kubectl-hnp", "dr"}, []string{"drift"}},
			{[]string{"kubectl-hnp", "list", "sw"}, []string{"switch", "sw", "switches", "switchgroup", "switchgroups"}},
			{[]string{"kubectl-hnp", "drift", "--output", "j"}, []string{"json", "junit"}},
			{[]string{"kubectl-hnp", "get", "vpc", "vpc-"}, []string{"vpc-1", "vpc-2"}},
		}
		for _, tt := range tests {
			quoted := make([]string, len(tt.words))
			for i, w := range tt.words {
				quoted[i] = "'" + w + "'"
			}
			prog := strings.Join([]string{
				stub,
				"source " + filepath.Join(repo, "completions", "kubectl-hnp.bash"),
				"COMP_WORDS=(" + strings.Join(quoted, " ") + ")",
				"COMP_CWORD=$((${#COMP_WORDS[@]}-1))",
				`COMP_LINE="${COMP_WORDS[*]}"`,
				"COMP_POINT=${#COMP_LINE}",
				"__start_kubectl-hnp 2>/dev/null",
				`printf '%s\n' "${COMPREPLY[@]}"`,
			}, "\n")
			out := run(t, "/bin/bash", "-c", prog)
			got := strings.Fields(out)
			if !slices.Equal(got, tt.want) {
				t.Errorf("bash completion of %q: got %q, want %q", tt.words, got, tt.want)
			}
		}
	})
}
