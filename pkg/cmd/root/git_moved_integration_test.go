package root

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

// movingRemote serves a bare repository over smart HTTP, counts the ref
// listings of fetches (git ls-remote's request), and, once armed, moves
// the branch main to a commit right after it has served a fetch's pack: a
// push that lands between a command's Git fetch and the end of its
// cluster read.
type movingRemote struct {
	*testbed.HTTPRemote
	listings atomic.Int32
	// refusePacks makes the remote answer every fetch's pack request after
	// the move with an error.
	refusePacks atomic.Bool
	moved       atomic.Bool
	mu          sync.Mutex
	moveTo      string
}

func newMovingRemote(t *testing.T, bare string) *movingRemote {
	m := &movingRemote{}
	m.HTTPRemote = testbed.NewHTTPRemoteWith(t, bare, "", "", func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/info/refs") && r.URL.Query().Get("service") == "git-upload-pack" {
				m.listings.Add(1)
			}
			pack := r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/git-upload-pack")
			if pack && m.moved.Load() && m.refusePacks.Load() {
				http.Error(w, "the Git host is down", http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r)
			if !pack {
				return
			}
			m.mu.Lock()
			to := m.moveTo
			m.moveTo = ""
			m.mu.Unlock()
			if to == "" {
				return
			}
			// The client gets the end of the pack only when this handler
			// returns: the branch has moved before its fetch ends.
			if out, err := exec.Command("git", "-C", bare, "update-ref", "refs/heads/main", to).CombinedOutput(); err != nil {
				t.Errorf("moving main to %s: %v\n%s", to, err, out)
			}
			m.moved.Store(true)
		})
	})
	return m
}

// moveAfterNextFetch arms the remote: main moves to sha after the next
// fetch's pack.
func (m *movingRemote) moveAfterNextFetch(sha string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.moveTo = sha
	m.moved.Store(false)
}

// A commit pushed after kubectl-hnp's Git fetch and deployed before its
// cluster read would show the deployment as drift against the older Git,
// and sync --apply would undo it. Asked after the cluster read, the remote
// says its branch moved: Git is read again, and the deployment is in sync.
// A run in sync never asks; a run that finds drift asks once.
func TestGitMovedDuringTheRead(t *testing.T) {
	ns := "git-moved"
	vpcAt := func(vlan int, withNS bool) string {
		meta := "{name: vpc-a, labels: {team: web}}"
		if withNS {
			meta = "{name: vpc-a, namespace: " + ns + ", labels: {team: web}}"
		}
		return fmt.Sprintf("apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: %s\nspec:\n  subnets:\n    default: {subnet: 10.0.1.0/24, vlan: %d}\n", meta, vlan)
	}
	// Git holds VLAN 1001; the cluster already runs the next commit's 1002,
	// as a deployer applied it.
	_, bare := syncFabric(t, ns, map[string]string{"vpc-a.yaml": vpcAt(1001, false)}, vpcAt(1002, true))
	first := testbed.Git(t, bare, "rev-parse", "main")
	deployed := testbed.CommitBranch(t, bare, "next", map[string]string{"fabrics/t/vpc-a.yaml": vpcAt(1002, false)}, "vpc-a: VLAN 1002")
	remote := newMovingRemote(t, bare)
	config := fmt.Sprintf(`fabrics:
- name: t
  git: {url: %q, dir: fabrics/t, branch: main}
  cluster: {kubeconfig: %q, context: %s, namespace: %s}
`, remote.URL, lab.KubeconfigPath, lab.Context, ns)
	h := newHarness(t)
	h.writeConfig(config)
	setVLAN := func(vlan int) {
		t.Helper()
		patch := fmt.Appendf(nil, `{"spec":{"subnets":{"default":{"vlan":%d}}}}`, vlan)
		if _, err := lab.Dynamic().Resource(vpcGVR).Namespace(ns).Patch(context.Background(), "vpc-a", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	driftOf := func(r result) (*drift.FabricReport, *drift.ResourceResult) {
		t.Helper()
		rep := driftReport(t, r)
		if len(rep.Fabrics) != 1 {
			t.Fatalf("report of %d fabrics: %s", len(rep.Fabrics), r.stdout)
		}
		return &rep.Fabrics[0], findResource(rep, "t", "VPC", "vpc-a")
	}

	t.Run("a deployment pushed during the read is not drift", func(t *testing.T) {
		remote.moveAfterNextFetch(deployed)
		remote.listings.Store(0)
		r := h.run("drift", "-o", "json")
		fr, vpc := driftOf(r)
		if r.code != 0 || vpc == nil || vpc.Status != drift.StatusInSync || fr.GitRevision != deployed {
			t.Fatalf("exit %d, vpc-a %+v at %s, want in sync at %s\n%s", r.code, vpc, fr.GitRevision, deployed, r.stderr)
		}
		if n := remote.listings.Load(); n != 3 {
			t.Errorf("%d ref listings, want 3: the fetch's, the check after the cluster read, the second fetch's", n)
		}
	})

	t.Run("in sync: the remote is not asked again", func(t *testing.T) {
		remote.listings.Store(0)
		if r := h.run("drift", "-o", "json"); r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if n := remote.listings.Load(); n != 1 {
			t.Errorf("%d ref listings, want the fetch's only", n)
		}
	})

	t.Run("a hand change is still drift", func(t *testing.T) {
		setVLAN(1099)
		remote.listings.Store(0)
		r := h.run("drift", "-o", "json")
		fr, vpc := driftOf(r)
		if r.code != 1 || vpc == nil || vpc.Status != drift.StatusDrifted || fr.GitRevision != deployed {
			t.Fatalf("exit %d, vpc-a %+v at %s\n%s", r.code, vpc, fr.GitRevision, r.stderr)
		}
		if n := remote.listings.Load(); n != 2 {
			t.Errorf("%d ref listings, want 2: drift found, the remote asked once more", n)
		}
		setVLAN(1002)
	})

	// Git back at the first commit, the deployment about to be pushed; a
	// new cache, so that the fetch sends a pack.
	again := func() *harness {
		testbed.Git(t, bare, "update-ref", "refs/heads/main", first)
		h := newHarness(t)
		h.writeConfig(config)
		remote.moveAfterNextFetch(deployed)
		return h
	}

	t.Run("with a label selector", func(t *testing.T) {
		r := again().run("drift", "-l", "team=web", "-o", "json")
		fr, vpc := driftOf(r)
		if r.code != 0 || vpc == nil || vpc.Status != drift.StatusInSync || fr.GitRevision != deployed {
			t.Fatalf("exit %d, vpc-a %+v at %s, want in sync at %s\n%s", r.code, vpc, fr.GitRevision, deployed, r.stderr)
		}
	})

	t.Run("sync's summary", func(t *testing.T) {
		r := again().run("sync", "-o", "json")
		if r.code != 0 || !strings.Contains(r.stdout, deployed) {
			t.Fatalf("exit %d, want in sync at %s: %s %s", r.code, deployed, r.stdout, r.stderr)
		}
	})

	t.Run("the second read fails: an error, not a verdict", func(t *testing.T) {
		remote.refusePacks.Store(true)
		defer remote.refusePacks.Store(false)
		r := again().run("drift", "-o", "json")
		if r.code != 2 || !strings.Contains(r.stderr, "Git's branch moved during the read (from "+first[:7]+"), and reading it again failed") {
			t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
		if vpc := findResource(driftReport(t, r), "t", "VPC", "vpc-a"); vpc != nil {
			t.Errorf("vpc-a judged against the first read: %+v", vpc)
		}
	})

	t.Run("sync --apply does not undo a deployment pushed during the read", func(t *testing.T) {
		r := again().run("sync", "--apply", "--yes")
		if r.code != 0 {
			t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
		if got := vlanOf(t, liveVPC(t, ns, "vpc-a")); got != 1002 {
			t.Errorf("vpc-a's VLAN is %d after sync --apply: the deployment of 1002 was undone", got)
		}
	})
}
