package root

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/fabriccheck"
)

// runFixedClock runs kubectl-hnp like harness.run with a clock that does
// not move, so that times in the output (JUnit) are stable.
func (h *harness) runFixedClock(args ...string) result {
	h.t.Helper()
	var out, errOut bytes.Buffer
	f := cmdutil.NewFactory(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	f.Getenv = func(k string) string { return h.env[k] }
	at := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	f.Now = func() time.Time { return at }
	code := Run(context.Background(), f, args)
	return result{out.String(), errOut.String(), code}
}

const invalidDir = "testdata/hedgehog/invalid"

// Every format of validate on a directory with schema errors, rule
// violations of each scope and a warning, with no config file at all.
func TestValidateDirectoryEveryFormat(t *testing.T) {
	h := newHarness(t)
	for _, format := range []string{"table", "json", "junit", "markdown", "github"} {
		r := h.runFixedClock("validate", "-f", invalidDir, "-o", format)
		if r.code != 1 {
			t.Fatalf("-o %s: exit %d, want 1 (violations): %s", format, r.code, r.stderr)
		}
		golden(t, "validate-invalid-"+format, r.stdout)
	}
	var rep fabriccheck.Report
	r := h.run("validate", "-f", invalidDir, "-o", "json")
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	want := fabriccheck.Summary{Objects: 10, Invalid: 4, Violations: 5, Warnings: 1}
	if rep.Summary != want {
		t.Fatalf("summary %+v, want %+v", rep.Summary, want)
	}
	rules := map[string]string{}
	for _, o := range rep.Fabrics[0].Objects {
		for _, p := range o.Problems {
			rules[p.Rule] = o.Name + "@" + o.File + ":" + itoa(o.Line) + " " + p.Field
		}
	}
	for rule, where := range map[string]string{
		"schema":                         "server-01@testdata/hedgehog/invalid/wiring.yaml:13 spec.color",
		"vpc.gateway-outside":            "vpc-1@testdata/hedgehog/invalid/vpcs.yaml:2 spec.subnets.default.gateway",
		"vpc.name-length":                "vpc-far-too-long@testdata/hedgehog/invalid/vpcs.yaml:13 metadata.name",
		"vpc.vlan-outside-vlannamespace": "vpc-far-too-long@testdata/hedgehog/invalid/vpcs.yaml:13 spec.subnets.default.vlan",
		"vpcattachment.vpc-missing":      "vpc-9--server-01@testdata/hedgehog/invalid/vpcs.yaml:23 spec.subnet",
	} {
		if rules[rule] != where {
			t.Errorf("rule %s at %q, want %q", rule, rules[rule], where)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// The short form of a valid fabric is valid: the rules run after the
// webhooks' defaulting, as the controller runs them (the gateway, DHCP
// range and options' MTU and lease the schema requires are filled in).
func TestValidateShortFormIsValid(t *testing.T) {
	h := newHarness(t)
	r := h.run("validate", "-f", "testdata/hedgehog/git")
	if r.code != 0 {
		t.Fatalf("exit %d, want 0: %s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "valid: 15 objects checked, 0 violations") {
		t.Fatalf("stdout:\n%s", r.stdout)
	}
}

// A configured fabric is validated from its Git with no cluster (its
// kubeconfig names an unreachable server); KINDS and NAME choose what is
// reported, the rules still see the whole fabric; a file that does not
// parse is an error (exit 2) naming it.
func TestValidateConfiguredFabricOffline(t *testing.T) {
	files := map[string]string{}
	for rel, body := range readFiles(t, filepath.Join("testdata", "hedgehog"), "invalid") {
		files["fabrics/pr/"+strings.TrimPrefix(rel, "invalid/")] = body
	}
	work := testbed.NewWorkTree(t, files)
	h := newHarness(t)
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte(unreachableKubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	h.writeConfig("fabrics:\n- name: pr\n  git: {url: " + work + ", dir: fabrics/pr}\n  cluster: {kubeconfig: " + kubeconfig + "}\n" +
		"  hedgehog: {config: {reservedSubnets: [10.0.2.0/24]}}\n")
	r := h.run("validate", "vpc", "vpc-far-too-long", "--fabric", "pr", "-o", "json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1: %s", r.code, r.stderr)
	}
	var rep fabriccheck.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	objs := rep.Fabrics[0].Objects
	if len(objs) != 1 || objs[0].Name != "vpc-far-too-long" || objs[0].File != "fabrics/pr/vpcs.yaml" {
		t.Fatalf("objects %+v, want vpc-far-too-long alone", objs)
	}
	var got []string
	for _, p := range objs[0].Problems {
		got = append(got, p.Rule)
	}
	// The reserved subnet of the fabric config makes a [config] rule fire;
	// the VLAN rule needs the VLANNamespace, which is not reported.
	want := "vpc.name-length vpc.subnet-reserved vpc.vlan-outside-vlannamespace"
	if strings.Join(got, " ") != want {
		t.Fatalf("rules %v, want %s", got, want)
	}
	for _, n := range rep.Fabrics[0].Notes {
		if strings.Contains(n, "reservedSubnets") {
			t.Errorf("reservedSubnets is set, yet a note says it is skipped: %s", n)
		}
	}

	if r := h.run("validate", "switch", "--fabric", "pr"); r.code != 0 {
		t.Fatalf("switches alone: exit %d, want 0: %s%s", r.code, r.stdout, r.stderr)
	}
	testbed.WriteFiles(t, work, map[string]string{"fabrics/pr/broken.yaml": "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: [\n"})
	r = h.run("validate", "--fabric", "pr")
	if r.code != 2 || !strings.Contains(r.stderr, "fabrics/pr/broken.yaml") {
		t.Fatalf("broken file: exit %d, want 2 naming the file: %s", r.code, r.stderr)
	}
}

const unreachableKubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: none
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: none
  user: {token: x}
contexts:
- name: none
  context: {cluster: none, user: none}
current-context: none
`
