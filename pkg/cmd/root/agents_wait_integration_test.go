package root

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// edit --wait --applied returns only once the affected switch's agent has
// applied the generation the controller moved its Agent to; an unaffected
// switch that is pending does not hold it up. No GitOps tool, controller or
// agent runs here: the test plays all three, in order.
func TestEditWaitApplied(t *testing.T) {
	const ns = "agents-wait"
	sw := func(name, desc string) string {
		return "---\napiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
			"\nspec:\n  role: server-leaf\n  description: " + desc + "\n"
	}
	git := strings.ReplaceAll(sw("sw-1", "rack-1")+sw("sw-2", "rack-1"), "  namespace: "+ns+"\n", "")
	h, remote := syncFabric(t, ns, map[string]string{"switches.yaml": git}, sw("sw-1", "rack-1")+sw("sw-2", "rack-1"))
	now := time.Now()
	for _, name := range []string{"sw-1", "sw-2"} {
		lab.CreateAgent(t, ns, name)
		lab.AgentApplied(t, ns, name, 1, now)
	}
	lab.BumpAgent(t, ns, "sw-2") // pending, but not affected by the edit

	// The wait's progress lines, to know what the edit has seen.
	progress := make(chan string, 64)
	h.waitProgress = func(line string) { progress <- line }
	appliedWritten := make(chan struct{})
	done := make(chan result, 1)
	early := make(chan bool, 1)
	go func() {
		r := h.run("edit", "sw", "sw-1", "--set", "spec.description=rack-2", "--wait", "--applied", "--timeout", "90s")
		select {
		case <-appliedWritten:
			early <- false
		default:
			early <- true
		}
		done <- r
	}()
	// The GitOps tool deploys once Git has the change.
	deadline := time.After(60 * time.Second)
	for !strings.Contains(remoteFile(t, remote, "main", "fabrics/t/switches.yaml"), "rack-2") {
		select {
		case r := <-done:
			t.Fatalf("edit ended before the deploy: exit %d: %s", r.code, r.stderr)
		case <-deadline:
			t.Fatal("the push never happened")
		default:
		}
	}
	// The controller moves the Agent on (before the deploy, so that the
	// agent's old generation can never look current), then the change is
	// deployed and converges; the agent attempts the new generation.
	gen := lab.BumpAgent(t, ns, "sw-1")
	switches := schema.GroupVersionResource{Group: "wiring.githedgehog.com", Version: "v1beta1", Resource: "switches"}
	if _, err := lab.Dynamic().Resource(switches).Namespace(ns).Patch(context.Background(), "sw-1", types.MergePatchType,
		[]byte(`{"spec":{"description":"rack-2"}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	lab.AgentAttempt(t, ns, "sw-1", gen, time.Now())
	lab.AgentHeartbeat(t, ns, "sw-1", time.Now())
	// The edit sees the agent attempting the new generation, and keeps
	// waiting: only sw-1 is followed.
	want := "sw-1: failing (gen 2)"
	for seen := []string{}; ; {
		select {
		case line := <-progress:
			seen = append(seen, line)
			if !strings.HasPrefix(line, "sw-1: ") {
				t.Errorf("an unaffected switch is waited for: %q", line)
			}
			if line != want {
				continue
			}
		case r := <-done:
			t.Fatalf("edit ended before the agent applied (saw %q): exit %d: %s", seen, r.code, r.stderr)
		case <-deadline:
			t.Fatalf("the edit never saw %q (saw %q)", want, seen)
		}
		break
	}
	close(appliedWritten)
	lab.AgentApplied(t, ns, "sw-1", gen, time.Now())

	r := <-done
	if <-early {
		t.Errorf("edit returned before the applied status was written: %s", r.stderr)
	}
	if line := <-progress; line != "sw-1: applied gen 2, settling" {
		t.Errorf("after the apply: %q", line)
	}
	if r.code != 0 || !strings.Contains(r.stderr, "converged") ||
		!strings.Contains(r.stderr, "Switch "+ns+"/sw-1 applied by the agents of sw-1 after") {
		t.Errorf("exit %d: %s", r.code, r.stderr)
	}

	if r := h.run("edit", "sw", "sw-1", "--set", "spec.description=x", "--applied"); r.code != 2 || !strings.Contains(r.stderr, "--applied goes with --wait") {
		t.Errorf("--applied without --wait: exit %d: %s", r.code, r.stderr)
	}
}

// awaitProgress reads the wait's progress lines until want, failing when the
// command ends or the deadline passes first.
func awaitProgress(t *testing.T, progress <-chan string, done <-chan result, deadline <-chan time.Time, want string) {
	t.Helper()
	var seen []string
	for {
		select {
		case line := <-progress:
			seen = append(seen, line)
			if line == want {
				return
			}
		case r := <-done:
			t.Fatalf("the command ended before %q (saw %q): exit %d: %s", want, seen, r.code, r.stderr)
		case <-deadline:
			t.Fatalf("never saw %q (saw %q)", want, seen)
		}
	}
}

// awaitPush waits until the remote's last commit on main says subject.
func awaitPush(t *testing.T, remote, subject string, done <-chan result, deadline <-chan time.Time) {
	t.Helper()
	for !strings.Contains(testbed.Git(t, remote, "log", "-1", "--format=%s", "main"), subject) {
		select {
		case r := <-done:
			t.Fatalf("the command ended before the push: exit %d: %s", r.code, r.stderr)
		case <-deadline:
			t.Fatal("the push never happened")
		default:
		}
	}
}

// create --wait --applied follows a new switch until its Agent exists and
// is applied; delete --wait --applied follows a connection until it is
// pruned and its switch's agent applied the change.
func TestCreateDeleteWaitApplied(t *testing.T) {
	const ns = "agents-create"
	conn := "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: srv-1--unbundled--sw-1\nspec:\n  unbundled:\n    link:\n      server: {port: srv-1/enp2s1}\n      switch: {port: sw-1/E1/1}\n"
	sw1 := "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: sw-1\nspec:\n  role: server-leaf\n"
	inNS := func(doc string) string {
		return strings.Replace(doc, "metadata:\n", "metadata:\n  namespace: "+ns+"\n", 1)
	}
	h, remote := syncFabric(t, ns, map[string]string{"switches.yaml": sw1, "connections.yaml": conn}, "---\n"+inNS(sw1)+"---\n"+inNS(conn))
	lab.CreateAgent(t, ns, "sw-1")
	lab.AgentApplied(t, ns, "sw-1", 1, time.Now())
	progress := make(chan string, 64)
	h.waitProgress = func(line string) { progress <- line }
	deadline := time.After(90 * time.Second)

	// create: the new switch has no Agent until the controller makes it.
	file := t.TempDir() + "/sw-2.yaml"
	sw2 := strings.Replace(sw1, "sw-1", "sw-2", 1)
	if err := os.WriteFile(file, []byte(sw2), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan result, 1)
	go func() { done <- h.run("create", "-f", file, "--wait", "--applied", "--timeout", "90s") }()
	awaitPush(t, remote, "create Switch "+ns+"/sw-2", done, deadline)
	lab.Apply(t, inNS(sw2))
	awaitProgress(t, progress, done, deadline, "sw-2: no agent")
	lab.CreateAgent(t, ns, "sw-2")
	awaitProgress(t, progress, done, deadline, "sw-2: pending (gen 0/1)")
	lab.AgentApplied(t, ns, "sw-2", 1, time.Now())
	if r := <-done; r.code != 0 || !strings.Contains(r.stderr, "Switch "+ns+"/sw-2 applied by the agents of sw-2 after") {
		t.Fatalf("create: exit %d: %s", r.code, r.stderr)
	}

	// delete: the connection's switch is followed, from Git's copy.
	go func() {
		done <- h.run("delete", "conn", "srv-1--unbundled--sw-1", "--yes", "--wait", "--applied", "--timeout", "90s")
	}()
	awaitPush(t, remote, "delete Connection "+ns+"/srv-1--unbundled--sw-1", done, deadline)
	gen := lab.BumpAgent(t, ns, "sw-1")
	conns := schema.GroupVersionResource{Group: "wiring.githedgehog.com", Version: "v1beta1", Resource: "connections"}
	if err := lab.Dynamic().Resource(conns).Namespace(ns).Delete(context.Background(), "srv-1--unbundled--sw-1", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	awaitProgress(t, progress, done, deadline, "sw-1: pending (gen 1/2)")
	lab.AgentApplied(t, ns, "sw-1", gen, time.Now())
	r := <-done
	if r.code != 0 || !strings.Contains(r.stderr, "is gone from the cluster") ||
		!strings.Contains(r.stderr, "Connection "+ns+"/srv-1--unbundled--sw-1 applied by the agents of sw-1 after") {
		t.Fatalf("delete: exit %d: %s", r.code, r.stderr)
	}
}
