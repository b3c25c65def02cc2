package root

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// editors is how many operators edit the same fabric at once.
const editors = 10

// tenVPCs is a fabric whose VPCs vpc-0..vpc-9 share one file, so that
// every editor's change has to be replayed on the others'.
func tenVPCs() map[string]string {
	var sb strings.Builder
	for i := range editors {
		fmt.Fprintf(&sb, "---\n# VPC %d\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-%d\nspec:\n  subnets:\n    default:\n      subnet: 10.9.%d.0/24\n      vlan: %d # access\n", i, i, i, 1000+i)
	}
	return map[string]string{"fabrics/lab/vpcs.yaml": sb.String()}
}

// Ten operators, each with their own cache, edit ten objects of one
// fabric at the same time, as ten processes: with the default
// --retry-timeout every edit lands, as one commit changing only its object.
func TestConcurrentEditorsAllLand(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "kubectl-hnp")
	if out, err := exec.Command("go", "build", "-o", bin, "../../../cmd/kubectl-hnp").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Run("bare", func(t *testing.T) {
		remote := testbed.NewBareRemote(t, tenVPCs())
		concurrentEdits(t, bin, remote, remote, "")
	})
	t.Run("http", func(t *testing.T) {
		remote := testbed.NewBareRemote(t, tenVPCs())
		const token = "tok-crowd-1234"
		concurrentEdits(t, bin, remote, testbed.ServeHTTP(t, remote, "ci", token), token)
	})
}

func concurrentEdits(t *testing.T, bin, remote, url, token string) {
	before := testbed.Git(t, remote, "rev-parse", "main")
	auth := ""
	if token != "" {
		auth = ", auth: {tokenEnv: T, username: ci}"
	}
	outs := make([]string, editors)
	errs := make([]error, editors)
	var wg sync.WaitGroup
	for i := range editors {
		home := t.TempDir()
		cfg := filepath.Join(home, "config.yaml")
		body := fmt.Sprintf("fabrics:\n- name: lab\n  git: {url: %q, dir: fabrics/lab%s}\n  cluster: {kubeconfig: %q, context: %s}\n", url, auth, lab.KubeconfigPath, lab.Context)
		if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "edit", "vpc", fmt.Sprintf("vpc-%d", i), "--set", fmt.Sprintf("spec.subnets.default.vlan=%d", 2000+i),
			// All must land, however loaded the machine: the default 60 s of
			// replaying is a user's patience, not this test's subject.
			"--validate", "none", "--retry-timeout", "10m")
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, "cache"), "HNP_CONFIG="+cfg, "HNP_FABRIC=", "T="+token,
			"GIT_AUTHOR_NAME=Op "+fmt.Sprint(i), "GIT_AUTHOR_EMAIL=op@example.com", "GIT_COMMITTER_NAME=Op", "GIT_COMMITTER_EMAIL=op@example.com")
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := cmd.CombinedOutput()
			outs[i], errs[i] = string(out), err
		}()
	}
	wg.Wait()
	for i := range editors {
		if errs[i] != nil || !strings.Contains(outs[i], "pushed to branch main") {
			t.Errorf("editor %d: %v\n%s", i, errs[i], outs[i])
		}
		if token != "" && strings.Contains(outs[i], token) {
			t.Errorf("editor %d printed the token", i)
		}
	}
	revs := strings.Fields(testbed.Git(t, remote, "rev-list", "--reverse", before+"..main"))
	if len(revs) != editors {
		t.Fatalf("%d new commits on the remote, want %d", len(revs), editors)
	}
	subject := regexp.MustCompile(`^kubectl-hnp: edit VPC default/vpc-(\d) \(fabric lab\)$`)
	seen := map[string]bool{}
	for _, rev := range revs {
		m := subject.FindStringSubmatch(testbed.Git(t, remote, "log", "-1", "--format=%s", rev))
		if m == nil || seen[m[1]] {
			t.Errorf("commit %s: unexpected or repeated subject", rev)
			continue
		}
		seen[m[1]] = true
		// Only the object's own vlan line changed.
		var changes []string
		for _, l := range strings.Split(testbed.Git(t, remote, "show", "-U0", "--format=", rev), "\n") {
			if (strings.HasPrefix(l, "+") || strings.HasPrefix(l, "-")) && !strings.HasPrefix(l, "+++") && !strings.HasPrefix(l, "---") {
				changes = append(changes, l)
			}
		}
		want := []string{"-      vlan: 100" + m[1] + " # access", "+      vlan: 200" + m[1] + " # access"}
		if strings.Join(changes, "\n") != strings.Join(want, "\n") {
			t.Errorf("commit %s for vpc-%s changes\n%s\nwant\n%s", rev, m[1], strings.Join(changes, "\n"), strings.Join(want, "\n"))
		}
	}
	final := testbed.Git(t, remote, "show", "main:fabrics/lab/vpcs.yaml")
	for i := range editors {
		if !strings.Contains(final, fmt.Sprintf("vlan: %d # access", 2000+i)) {
			t.Errorf("vpc-%d's edit is not on the remote", i)
		}
	}
}
