package root

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
)

// agentsNow is the clock of the Agent tests: heartbeat ages are relative to it.
var agentsNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// agentSwitches are five switches, in Git and in the cluster's namespace ns.
func agentSwitches(ns string) string {
	var b strings.Builder
	for _, name := range []string{"sw-failing", "sw-none", "sw-pending", "sw-stale", "sw-yes"} {
		fmt.Fprintf(&b, "---\napiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: %s\n", name)
		if ns != "" {
			fmt.Fprintf(&b, "  namespace: %s\n", ns)
		}
		fmt.Fprintf(&b, "spec:\n  role: server-leaf\n  description: %s\n", name)
	}
	return b.String()
}

// agentsFabric is a fabric in its own namespace of the lab cluster whose
// switches' Agents are in every state, written as the agent writes them:
//   - sw-yes applied its generation 12 s ago;
//   - sw-pending applied generation 1, then the controller moved the Agent to 3;
//   - sw-failing attempted generation 2 and did not apply it;
//   - sw-stale applied its generation, but its last heartbeat is 7 minutes old;
//   - sw-none has no Agent.
func agentsFabric(t *testing.T, ns string) *harness {
	t.Helper()
	h, _ := syncFabric(t, ns, map[string]string{"switches.yaml": agentSwitches("")}, agentSwitches(ns))
	h.now = func() time.Time { return agentsNow }
	for _, sw := range []string{"sw-yes", "sw-pending", "sw-failing", "sw-stale"} {
		lab.CreateAgent(t, ns, sw)
	}
	lab.AgentAttempt(t, ns, "sw-yes", 1, agentsNow.Add(-14*time.Second))
	lab.AgentApplied(t, ns, "sw-yes", 1, agentsNow.Add(-12*time.Second))

	lab.AgentApplied(t, ns, "sw-pending", 1, agentsNow.Add(-20*time.Second))
	lab.BumpAgent(t, ns, "sw-pending")
	if gen := lab.BumpAgent(t, ns, "sw-pending"); gen != 3 {
		t.Fatalf("sw-pending's Agent is at generation %d, want 3", gen)
	}

	lab.AgentApplied(t, ns, "sw-failing", 1, agentsNow.Add(-40*time.Second))
	gen := lab.BumpAgent(t, ns, "sw-failing")
	lab.AgentAttempt(t, ns, "sw-failing", gen, agentsNow.Add(-30*time.Second))
	lab.AgentHeartbeat(t, ns, "sw-failing", agentsNow.Add(-5*time.Second))

	lab.AgentApplied(t, ns, "sw-stale", 1, agentsNow.Add(-7*time.Minute))
	return h
}

func TestAgentsListAndGet(t *testing.T) {
	h := agentsFabric(t, "agents-list")

	r := h.run("list", "sw")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("list: exit %d: %s", r.code, r.stderr)
	}
	golden(t, "list-sw-agents", r.stdout)
	r = h.run("list", "sw", "-o", "wide")
	if r.code != 0 {
		t.Fatalf("list -o wide: exit %d: %s", r.code, r.stderr)
	}
	golden(t, "list-sw-agents-wide", r.stdout)

	// Git alone says nothing about the switches' agents.
	r = h.run("list", "sw", "--source", "git")
	if r.code != 0 || strings.Contains(r.stdout, "APPLIED") || strings.Contains(r.stdout, "HEARTBEAT") {
		t.Errorf("list --source git: exit %d:\n%s", r.code, r.stdout)
	}

	r = h.run("get", "sw", "sw-yes", "sw-stale", "sw-none", "--source", "cluster")
	if r.code != 0 {
		t.Fatalf("get: exit %d: %s", r.code, r.stderr)
	}
	golden(t, "get-sw-agents", r.stdout)

	// JSON and YAML gain status.agent.
	r = h.run("get", "sw", "sw-pending", "--source", "cluster", "-o", "json")
	var sw struct {
		Status struct {
			Agent map[string]interface{} `json:"agent"`
		} `json:"status"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &sw); err != nil || r.code != 0 {
		t.Fatalf("get -o json: exit %d, %v: %s %s", r.code, err, r.stdout, r.stderr)
	}
	want := map[string]interface{}{"applied": "pending (gen 1/3)", "generation": 3.0, "lastAppliedGen": 1.0, "lastAttemptGen": 0.0,
		"lastHeartbeat": "2026-01-02T03:03:45Z", "heartbeat": "20s"}
	if fmt.Sprint(sw.Status.Agent) != fmt.Sprint(want) {
		t.Errorf("status.agent = %v, want %v", sw.Status.Agent, want)
	}
	r = h.run("list", "sw", "-o", "yaml")
	if r.code != 0 || !strings.Contains(r.stdout, "    agent:\n      applied: failing (gen 2)\n") {
		t.Errorf("list -o yaml: exit %d:\n%s", r.code, r.stdout)
	}
}

func TestAgentsDriftAndSync(t *testing.T) {
	h := agentsFabric(t, "agents-drift")

	// Everything is in sync: exit 0, and the unapplied switches after the table.
	r := h.run("drift")
	if r.code != 0 {
		t.Fatalf("drift: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	block := "fabric t: switch sw-failing has not applied its latest config: failing (gen 2)\n" +
		"fabric t: switch sw-pending has not applied its latest config: pending (gen 1/3)\n" +
		"fabric t: switch sw-stale has not applied its latest config: heartbeat stale (7m ago)\n"
	if !strings.HasSuffix(r.stdout, "\n\n"+block) {
		t.Errorf("drift table:\n%s", r.stdout)
	}

	r = h.run("drift", "-o", "json")
	var rep struct {
		Fabrics []struct {
			Unapplied []map[string]interface{} `json:"unapplied"`
		} `json:"fabrics"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != 0 || len(rep.Fabrics) != 1 {
		t.Fatalf("drift -o json: exit %d, %v: %s", r.code, err, r.stdout)
	}
	var got []string
	for _, u := range rep.Fabrics[0].Unapplied {
		got = append(got, fmt.Sprintf("%v %v %v/%v %v", u["switch"], u["reason"], u["lastAppliedGen"], u["generation"], u["heartbeat"]))
	}
	wantJSON := []string{
		"sw-failing failing (gen 2) 1/2 2026-01-02T03:04:00Z",
		"sw-pending pending (gen 1/3) 1/3 2026-01-02T03:03:45Z",
		"sw-stale heartbeat stale (7m ago) 1/1 2026-01-02T02:57:05Z",
	}
	if strings.Join(got, "\n") != strings.Join(wantJSON, "\n") {
		t.Errorf("unapplied:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantJSON, "\n"))
	}

	// --fail-on unapplied makes them fail the run; one applied switch alone does not.
	if r := h.run("drift", "--fail-on", "unapplied"); r.code != 1 {
		t.Errorf("--fail-on unapplied: exit %d: %s", r.code, r.stderr)
	}
	if r := h.run("drift", "sw", "sw-yes", "--fail-on", "unapplied"); r.code != 0 || strings.Contains(r.stdout, "has not applied") {
		t.Errorf("sw-yes --fail-on unapplied: exit %d: %s", r.code, r.stdout)
	}
	if r := h.run("drift", "--fail-on", "unapplied", "--exit-code=false"); r.code != 0 {
		t.Errorf("--exit-code=false: exit %d", r.code)
	}
	if r := h.run("drift", "--fail-on", "unaplied"); r.code != 2 || !strings.Contains(r.stderr, `--fail-on "unaplied": want one or more of drifted, pending, unapplied`) {
		t.Errorf("a bad --fail-on: exit %d: %s", r.code, r.stderr)
	}
	// CI formats carry them as warnings.
	r = h.run("drift", "-o", "github")
	if r.code != 0 || !strings.Contains(r.stdout, "::warning file=fabrics/t/switches.yaml,line=") ||
		!strings.Contains(r.stdout, "title=switch sw-pending not applied::fabric t: switch sw-pending has not applied its latest config: pending (gen 1/3)") {
		t.Errorf("drift -o github: exit %d:\n%s", r.code, r.stdout)
	}

	r = h.run("sync")
	if r.code != 0 || !strings.Contains(r.stdout, "\nswitches: 2 of 5 applied, 1 pending, 1 failing, 1 no agent; heartbeat stale on 1\n") {
		t.Errorf("sync: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = h.run("sync", "-o", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"agents": {`) || !strings.Contains(r.stdout, `"noAgent": 1`) {
		t.Errorf("sync -o json: exit %d:\n%s", r.code, r.stdout)
	}

	// A snapshot keeps the Agents, judged as of its time: an hour later,
	// offline, drift lists the same switches, and list shows the same
	// APPLIED and HEARTBEAT cells, as live did then.
	snap := filepath.Join(t.TempDir(), "snap.json")
	if r = h.run("sync", "--save-snapshot", snap); r.code != 0 {
		t.Fatalf("sync --save-snapshot: exit %d: %s", r.code, r.stderr)
	}
	liveList := h.run("list", "sw")
	h.now = func() time.Time { return agentsNow.Add(time.Hour) }
	r = h.run("drift", "-o", "json", "--snapshot", snap)
	var offline struct {
		Fabrics []struct {
			Unapplied []map[string]interface{} `json:"unapplied"`
		} `json:"fabrics"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &offline); err != nil || r.code != 0 || len(offline.Fabrics) != 1 {
		t.Fatalf("drift --snapshot: exit %d, %v: %s %s", r.code, err, r.stdout, r.stderr)
	}
	if fmt.Sprint(offline.Fabrics[0].Unapplied) != fmt.Sprint(rep.Fabrics[0].Unapplied) {
		t.Errorf("drift --snapshot an hour later lists\n%v\nwant, as live drift then,\n%v", offline.Fabrics[0].Unapplied, rep.Fabrics[0].Unapplied)
	}
	if r = h.run("list", "sw", "--snapshot", snap); r.code != 0 || r.stdout != liveList.stdout {
		t.Errorf("list --snapshot an hour later: exit %d:\n%s\nwant, as live list then,\n%s", r.code, r.stdout, liveList.stdout)
	}
	h.now = func() time.Time { return agentsNow }

	// The HTML reports of drift and sync list them too.
	// Each row links to its switch's node in the topology.
	wantHTML := []string{`data-status="unapplied" data-count="3"`,
		`<tr data-switch="sw-failing"><td><a href="#f0-n`, `">sw-failing</a></td><td>agents-drift</td><td>failing (gen 2)</td><td class="num">1 of 2</td><td>2026-01-02T03:04:00Z</td></tr>`,
		`<tr data-switch="sw-pending"><td><a href="#f0-n`, `">sw-pending</a></td><td>agents-drift</td><td>pending (gen 1/3)</td><td class="num">1 of 3</td>`,
		`<tr data-switch="sw-stale"><td><a href="#f0-n`, `">sw-stale</a></td><td>agents-drift</td><td>heartbeat stale (7m ago)</td>`,
		`<g class="node st-inSync unapplied" id="f0-n`}
	r = h.run("drift", "-o", "html")
	for _, want := range wantHTML {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("drift -o html: exit %d, lacks %s", r.code, want)
		}
	}
	if strings.Contains(r.stdout, `data-switch="sw-yes"`) || strings.Contains(r.stdout, `data-switch="sw-none"`) {
		t.Error("drift -o html lists a switch whose agent applied its config, or one without an Agent")
	}
	page := filepath.Join(t.TempDir(), "sync.html")
	if r = h.run("sync", "--report", page); r.code != 0 {
		t.Fatalf("sync --report: exit %d: %s", r.code, r.stderr)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range wantHTML {
		if !strings.Contains(string(html), want) {
			t.Errorf("sync --report lacks %s", want)
		}
	}
}

// A user who may read the managed kinds but not the Agents sees "unknown"
// and a one-line note, never an error.
func TestAgentsForbiddenDegrades(t *testing.T) {
	const ns = "agents-forbidden"
	h := agentsFabric(t, ns)
	kubeconfig, _ := lab.RestrictedTokenUser(t, "no-agents", []rbacv1.PolicyRule{
		{APIGroups: []string{"wiring.githedgehog.com", "vpc.githedgehog.com"}, Resources: []string{"*"}, Verbs: []string{"get", "list", "watch"}},
		{APIGroups: []string{"apiextensions.k8s.io"}, Resources: []string{"customresourcedefinitions"}, Verbs: []string{"get", "list", "watch"}},
	})
	h.writeConfig(fmt.Sprintf("fabrics:\n- name: t\n  git: {url: %q, dir: fabrics/t}\n  cluster: {kubeconfig: %q, namespace: %s}\n",
		testbed.NewBareRemote(t, map[string]string{"fabrics/t/switches.yaml": agentSwitches("")}), kubeconfig, ns))
	note := "fabric t: switch agents unknown: not allowed to list agents.agent.githedgehog.com in namespace " + ns + "\n"
	r := h.run("list", "sw")
	if r.code != 0 || r.stderr != note {
		t.Fatalf("list: exit %d: %q", r.code, r.stderr)
	}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n")[1:] {
		if !strings.HasSuffix(line, "\tunknown\tunknown") {
			t.Errorf("row %q", line)
		}
	}
	r = h.run("drift", "--fail-on", "unapplied")
	if r.code != 0 || !strings.Contains(r.stderr, note) || strings.Contains(r.stdout, "has not applied") {
		t.Errorf("drift: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
}
