package testbed

// Git plumbing for tests: working trees, bare remotes on disk and smart HTTP
// remotes served by `git http-backend`, all made with the real git CLI in a
// deterministic environment (no user or system config, fixed identity and
// dates, branch main).

import (
	"crypto/subtle"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Delete, as the content of a file given to CommitFiles or CommitBranch,
// removes the file instead of writing it.
const Delete = "\x00testbed:delete\x00"

// gitConfig is the only git configuration the helpers' git commands see.
var gitConfig = [][2]string{
	{"init.defaultBranch", "main"},
	{"user.name", "Testbed"},
	{"user.email", "testbed@example.com"},
	{"commit.gpgSign", "false"},
	{"safe.directory", "*"},
	{"protocol.file.allow", "always"},
	{"http.receivepack", "true"},
}

// GitEnv returns the environment of the helpers' git commands: the current
// one without GIT_* variables, plus a fixed identity, fixed dates and
// gitConfig instead of any user or system configuration.
func GitEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_NAME=Testbed", "GIT_AUTHOR_EMAIL=testbed@example.com",
		"GIT_COMMITTER_NAME=Testbed", "GIT_COMMITTER_EMAIL=testbed@example.com",
		"GIT_AUTHOR_DATE=2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2024-01-01T00:00:00Z",
		"GIT_CONFIG_COUNT="+strconv.Itoa(len(gitConfig)),
	)
	for i, kv := range gitConfig {
		env = append(env, "GIT_CONFIG_KEY_"+strconv.Itoa(i)+"="+kv[0], "GIT_CONFIG_VALUE_"+strconv.Itoa(i)+"="+kv[1])
	}
	return env
}

// Git runs git with args in dir and returns its output, trimmed; it fails
// the test if git fails.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = GitEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s (in %s): %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return strings.TrimSpace(string(out))
}

// WriteFiles writes files (path relative to dir, with forward slashes →
// content) below dir; content Delete removes the file.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if content == Delete {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// NewWorkTree returns a new git working tree on branch main holding files
// in one commit.
func NewWorkTree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	Git(t, dir, "init", "-q", "-b", "main")
	WriteFiles(t, dir, files)
	Git(t, dir, "add", "-A")
	Git(t, dir, "commit", "-q", "--allow-empty", "-m", "initial")
	return dir
}

// NewBareRemote returns the path of a new bare repository, named
// remote.git, whose branch main holds files in one commit.
func NewBareRemote(t testing.TB, files map[string]string) string {
	t.Helper()
	bare := filepath.Join(t.TempDir(), "remote.git")
	Git(t, filepath.Dir(bare), "init", "-q", "--bare", "-b", "main", bare)
	work := NewWorkTree(t, files)
	Git(t, work, "push", "-q", bare, "main")
	return bare
}

// CommitFiles commits files to the default branch of remote and returns
// the new commit's sha. Remote is a bare repository, which gets the commit
// by a push from a temporary clone, or a working tree, which commits in
// place on its current branch.
func CommitFiles(t testing.TB, remote string, files map[string]string, msg string) string {
	t.Helper()
	return CommitBranch(t, remote, "", files, msg)
}

// CommitBranch is CommitFiles on a named branch, which is created from the
// default branch if it does not exist yet. An empty branch means the
// default branch.
func CommitBranch(t testing.TB, remote, branch string, files map[string]string, msg string) string {
	t.Helper()
	work := remote
	inPlace := isWorkTree(remote)
	if !inPlace {
		work = filepath.Join(t.TempDir(), "clone")
		Git(t, filepath.Dir(work), "clone", "-q", remote, work)
	}
	if branch != "" {
		Git(t, work, "checkout", "-q", "-B", branch, checkoutBase(t, work, branch, inPlace))
	}
	WriteFiles(t, work, files)
	Git(t, work, "add", "-A")
	Git(t, work, "commit", "-q", "--allow-empty", "-m", msg)
	if !inPlace {
		Git(t, work, "push", "-q", "origin", "HEAD")
	}
	return Git(t, work, "rev-parse", "HEAD")
}

func isWorkTree(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, ".git"))
	return err == nil
}

// checkoutBase returns where branch starts: its own tip if it exists
// (locally, or on origin for a clone), else the current HEAD.
func checkoutBase(t testing.TB, work, branch string, inPlace bool) string {
	t.Helper()
	ref := "refs/heads/" + branch
	if !inPlace {
		ref = "refs/remotes/origin/" + branch
	}
	cmd := exec.Command("git", "rev-parse", "-q", "--verify", ref)
	cmd.Dir, cmd.Env = work, GitEnv()
	if err := cmd.Run(); err == nil {
		return ref
	}
	return "HEAD"
}

// ServeHTTP serves the bare repository over smart HTTP (fetch and push) on
// 127.0.0.1, through `git http-backend`, until the test ends. Requests must
// carry basic auth with user and token, else they get 401; with both empty
// the server is open. It returns the repository's URL.
func ServeHTTP(t testing.TB, bareRepoDir, user, token string) string {
	t.Helper()
	return NewHTTPRemote(t, bareRepoDir, user, token).URL
}

// gitHandler serves the repositories next to bareRepoDir through `git
// http-backend`, behind basic auth with user and token (none when both are
// empty).
func gitHandler(t testing.TB, bareRepoDir, user, token string) (http.Handler, string) {
	t.Helper()
	h, name, err := newGitHandler(bareRepoDir, user, token)
	if err != nil {
		t.Fatal(err)
	}
	return h, name
}

// newGitHandler is gitHandler without a test: it returns the handler and
// the repository's name in its URLs.
func newGitHandler(bareRepoDir, user, token string) (http.Handler, string, error) {
	abs, err := filepath.Abs(bareRepoDir)
	if err != nil {
		return nil, "", err
	}
	gitPath, err := exec.LookPath("git")
	if err != nil {
		return nil, "", err
	}
	backend := &cgi.Handler{
		Path: gitPath,
		Args: []string{"http-backend"},
		Env:  append(GitEnv(), "GIT_PROJECT_ROOT="+filepath.Dir(abs), "GIT_HTTP_EXPORT_ALL=1"),
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user != "" || token != "" {
			u, p, ok := r.BasicAuth()
			if !ok || subtle.ConstantTimeCompare([]byte(u), []byte(user)) != 1 ||
				subtle.ConstantTimeCompare([]byte(p), []byte(token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Basic realm="testbed"`)
				http.Error(w, "bad credentials", http.StatusUnauthorized)
				return
			}
		}
		backend.ServeHTTP(w, r)
	}), filepath.Base(abs), nil
}
