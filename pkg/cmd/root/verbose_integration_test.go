package root

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// binary builds kubectl-hnp once per test run: -v is about what the real
// process writes to its stderr, klog included.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		builtBin = filepath.Join(scratch, "kubectl-hnp")
		out, err := exec.Command("go", "build", "-o", builtBin, "../../../cmd/kubectl-hnp").CombinedOutput()
		if err != nil {
			buildErr = errors.New(err.Error() + "\n" + string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("building kubectl-hnp: %v", buildErr)
	}
	return builtBin
}

// runBinary runs the built kubectl-hnp with h's environment.
func (h *harness) runBinary(args ...string) result {
	h.t.Helper()
	cmd := exec.Command(binary(h.t), args...)
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HNP_") && !strings.HasPrefix(kv, "KUBECONFIG=") && !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	for k, v := range h.env {
		env = append(env, k+"="+v)
	}
	cmd.Env = env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		h.t.Fatal(err)
	}
	return result{out.String(), errOut.String(), code}
}

// klogLine matches the header of a klog line ("I1202 04:34:27.721895 ...").
var klogLine = regexp.MustCompile(`(?m)^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+ `)

// assertNoSecrets fails when stderr or stdout shows any secret, plain or
// in a basic-auth header's base64 form.
func assertNoSecrets(t *testing.T, what string, r result, user string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, form := range []string{s, base64.StdEncoding.EncodeToString([]byte(user + ":" + s))} {
			if strings.Contains(r.stderr, form) || strings.Contains(r.stdout, form) {
				t.Errorf("%s: the output shows a secret (%.12s...)", what, form)
			}
		}
	}
}

func assertContains(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s: stderr lacks %q", what, w)
		}
	}
}

// -v N works as kubectl's: client-go's request log and Git's HTTP log
// appear, and neither the cluster's bearer token nor the Git token does, at
// any level, on reads, on an edit that pushes, or on failures.
func TestVerboseLogsRedactTokens(t *testing.T) {
	const gitUser, gitToken = "ci", "git-tok3n-0123456789abcdef"
	remote := testbed.NewBareRemote(t, sampleFiles(t))
	url := testbed.ServeHTTP(t, remote, gitUser, gitToken)
	kubeconfig, kubeToken := lab.TokenUser(t, "hnp-verbose")

	h := newHarness(t)
	h.env["HNP_GIT_TOKEN"] = gitToken
	for k, v := range map[string]string{"GIT_AUTHOR_NAME": "Ops", "GIT_AUTHOR_EMAIL": "ops@example.com",
		"GIT_COMMITTER_NAME": "Ops", "GIT_COMMITTER_EMAIL": "ops@example.com"} {
		h.env[k] = v
	}
	h.writeConfig(`fabrics:
- name: lab
  git: {url: "` + url + `", dir: fabrics/lab, auth: {tokenEnv: HNP_GIT_TOKEN, username: ` + gitUser + `}}
  cluster: {kubeconfig: "` + kubeconfig + `", context: hnp-verbose}
`)

	r := h.runBinary("list", "vpcs", "--fabric", "lab", "--no-headers")
	if r.code != 0 || !strings.Contains(r.stdout, "vpc-2\tdrifted") || klogLine.MatchString(r.stderr) {
		t.Fatalf("without -v: exit %d, stderr %q (no log lines expected)\n%s", r.code, r.stderr, r.stdout)
	}

	for _, level := range []string{"6", "7", "8", "9", "10"} {
		h.env["XDG_CACHE_HOME"] = t.TempDir() // a clone each time: info/refs and upload-pack
		r := h.runBinary("list", "vpcs", "--fabric", "lab", "--no-headers", "-v", level)
		what := "list -v " + level
		if r.code != 0 || !strings.Contains(r.stdout, "vpc-2\tdrifted") || !klogLine.MatchString(r.stderr) {
			t.Fatalf("%s: exit %d\n%s\n%s", what, r.code, r.stdout, r.stderr)
		}
		assertContains(t, what, r.stderr, "/apis/vpc.githedgehog.com/v1beta1/namespaces/default/vpcs", // client-go
			"Git GET "+url+"/info/refs?service=git-upload-pack 200 OK", "Git POST "+url+"/git-upload-pack 200 OK")
		switch level {
		case "8":
			assertContains(t, what, r.stderr, "Authorization: Bearer <masked>", "Authorization: Basic <masked>")
		case "9":
			assertContains(t, what, r.stderr, "curl -v -XGET", "Authorization: Bearer <masked>", "Authorization: Basic <masked>")
		case "10":
			assertContains(t, what, r.stderr, "git: packet:")
		}
		assertNoSecrets(t, what, r, gitUser, gitToken, kubeToken)
	}

	// An edit fetches, validates against the cluster, commits and pushes.
	r = h.runBinary("edit", "vpc", "vpc-1", "--fabric", "lab", "--set", "spec.subnets.default.vlan=1202", "-v", "9")
	if r.code != 0 {
		t.Fatalf("edit -v 9: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	assertContains(t, "edit -v 9", r.stderr, "dryRun=All", "Git POST "+url+"/git-receive-pack 200 OK")
	assertNoSecrets(t, "edit -v 9", r, gitUser, gitToken, kubeToken)

	// A wrong Git token and basic auth the API server refuses fail with
	// exit 2, still showing no credential.
	h.env["HNP_GIT_TOKEN"] = "wrong-" + gitToken
	h.env["XDG_CACHE_HOME"] = t.TempDir()
	r = h.runBinary("list", "vpcs", "--fabric", "lab", "--source", "git", "-v", "9")
	if r.code != 2 || !strings.Contains(r.stderr, "401 Unauthorized") {
		t.Errorf("wrong Git token: exit %d\n%s", r.code, r.stderr)
	}
	assertNoSecrets(t, "wrong Git token", r, gitUser, "wrong-"+gitToken, gitToken, kubeToken)

	const kubeUser, kubePassword = "admin", "basic-passw0rd-never-shown"
	basic := filepath.Join(t.TempDir(), "basic.kubeconfig")
	raw, err := os.ReadFile(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Replace(string(raw), "token: "+kubeToken, "username: "+kubeUser+"\n    password: "+kubePassword, 1)
	if body == string(raw) {
		t.Fatal("could not replace the token in the kubeconfig")
	}
	if err := os.WriteFile(basic, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r = h.runBinary("list", "vpcs", "--repo", remote, "--dir", "fabrics/lab", "--kubeconfig", basic, "-v", "9")
	if r.code != 2 {
		t.Errorf("basic auth: exit %d, want 2\n%s", r.code, r.stderr)
	}
	// The API server takes unknown basic credentials for anonymous (403).
	assertContains(t, "basic auth", r.stderr, "Authorization: Basic <masked>", "curl -v -XGET")
	assertNoSecrets(t, "basic auth", r, kubeUser, kubePassword)

	// A token in an ad-hoc repository URL.
	h.env["HNP_GIT_TOKEN"] = ""
	inURL := strings.Replace(url, "http://", "http://"+gitUser+":"+gitToken+"@", 1)
	r = h.runBinary("list", "vpcs", "--repo", inURL, "--dir", "fabrics/lab", "--source", "git", "--no-headers", "-v", "10")
	if r.code != 0 || !strings.Contains(r.stdout, "vpc-1") {
		t.Errorf("token in the URL: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	assertNoSecrets(t, "token in the URL", r, gitUser, gitToken)
}
