package root

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/cmdutil"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/validate"
)

// ipns renders an IPv4Namespace; ns "" leaves the namespace to the fabric.
func ipns(name, ns, subnet string) string {
	meta := "  name: " + name + "\n"
	if ns != "" {
		meta += "  namespace: " + ns + "\n"
	}
	return "apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n" + meta + "spec:\n  subnets:\n  - " + subnet + "\n"
}

// fleetOnProd puts three fabrics on the prod control plane, each in its
// own namespaces: fa (hnp-fa) and fb (hnp-fb) hold an IPv4Namespace of the
// same name; span spans hnp-span-a and hnp-span-b, with a stray object in
// the cluster that Git lacks. It returns the Git remote.
func fleetOnProd(t *testing.T) string {
	t.Helper()
	setup := sync.OnceValue(func() error {
		var docs []string
		for _, ns := range []string{"hnp-fa", "hnp-fb", "hnp-span-a", "hnp-span-b"} {
			docs = append(docs, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "+ns+"\n")
		}
		docs = append(docs, ipns("pool", "hnp-fa", "10.1.0.0/16"), ipns("pool", "hnp-fb", "10.2.0.0/16"),
			ipns("pool-a", "hnp-span-a", "10.3.0.0/16"), ipns("pool-b", "hnp-span-b", "10.4.0.0/16"),
			ipns("stray", "hnp-span-b", "10.5.0.0/16"))
		_, err := prod.CreateYAML(context.Background(), strings.Join(docs, "---\n"))
		return err
	})
	fleetSetupOnce.Do(func() { fleetSetupErr = setup() })
	if fleetSetupErr != nil {
		t.Fatal(fleetSetupErr)
	}
	return testbed.NewBareRemote(t, map[string]string{
		"fa/pool.yaml":     ipns("pool", "", "10.1.0.0/16"),
		"fb/pool.yaml":     ipns("pool", "", "10.2.0.0/16"),
		"span/pool-a.yaml": ipns("pool-a", "", "10.3.0.0/16"),
		"span/pool-b.yaml": ipns("pool-b", "hnp-span-b", "10.4.0.0/16"),
	})
}

var (
	fleetSetupOnce sync.Once
	fleetSetupErr  error
)

// fleetFabric renders a config entry of a fabric on the prod control plane
// with the given cluster namespace settings.
func fleetFabric(name, remote, dir, kubeconfig, kctx, nsYAML string) string {
	return fmt.Sprintf("- name: %s\n  git: {url: %q, dir: %s}\n  cluster: {kubeconfig: %q, context: %s, %s}\n", name, remote, dir, kubeconfig, kctx, nsYAML)
}

func wantStatuses(t *testing.T, rep *drift.Report, want map[string]drift.Status) {
	t.Helper()
	got := map[string]drift.Status{}
	for _, f := range rep.Fabrics {
		for _, r := range f.Resources {
			got[f.Name+" "+r.Namespace+"/"+r.Name] = r.Status
		}
	}
	for k, s := range want {
		if got[k] != s {
			t.Errorf("%s: status %q, want %q", k, got[k], s)
		}
	}
	if len(got) != len(want) {
		t.Errorf("results %v, want %v", got, want)
	}
}

func TestFleetFabricsShareAClusterAndOneSpansTwoNamespaces(t *testing.T) {
	remote := fleetOnProd(t)
	h := newHarness(t)
	h.writeConfig(threeFabricsOnProd(remote))
	r := h.run("drift", "ipns", "-o", "json", "--concurrency", "2")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (the stray object): %s", r.code, r.stderr)
	}
	rep := driftReport(t, r)
	// No false missingFromCluster: pool-b is in the fabric's second
	// namespace; the same name in two fabrics' namespaces is two objects.
	wantStatuses(t, rep, map[string]drift.Status{
		"fa hnp-fa/pool":         drift.StatusInSync,
		"fb hnp-fb/pool":         drift.StatusInSync,
		"span hnp-span-a/pool-a": drift.StatusInSync,
		"span hnp-span-b/pool-b": drift.StatusInSync,
		"span hnp-span-b/stray":  drift.StatusNotInGit,
	})
	r = h.run("list", "ipns", "--fabric", "span", "--no-headers", "-o", "wide")
	if r.code != 0 {
		t.Fatalf("list: exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"pool-a\thnp-span-a\tinSync", "pool-b\thnp-span-b\tinSync", "stray\thnp-span-b\tnotInGit"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("list: missing %q in\n%s", want, r.stdout)
		}
	}
	// -n narrows a fabric to one namespace: pool-b is then missing.
	r = h.run("drift", "ipns", "--fabric", "span", "-n", "hnp-span-a", "-o", "json")
	wantStatuses(t, driftReport(t, r), map[string]drift.Status{
		"span hnp-span-a/pool-a": drift.StatusInSync,
		"span hnp-span-b/pool-b": drift.StatusMissingFromCluster,
	})
}

// deadKubeconfig writes a kubeconfig whose server is addr.
func deadKubeconfig(t *testing.T, addr string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "kubeconfig")
	body := "apiVersion: v1\nkind: Config\nclusters:\n- name: dead\n  cluster: {server: \"https://" + addr + "\", insecure-skip-tls-verify: true}\n" +
		"users:\n- name: u\n  user: {token: not-a-secret}\ncontexts:\n- name: dead\n  context: {cluster: dead, user: u}\ncurrent-context: dead\n"
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// hungServer accepts connections and never answers.
func hungServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestFleetDeadFabricsDoNotHoldTheOthers(t *testing.T) {
	remote := fleetOnProd(t)
	hung, closed := hungServer(t), closedPort(t)
	h := newHarness(t)
	// The hung fabric comes first: the others finish before it, and the
	// output keeps the config's order all the same.
	h.writeConfig("fabrics:\n" +
		fleetFabric("hung", remote, "fa", deadKubeconfig(t, hung), "dead", "namespace: hnp-fa") +
		fleetFabric("fa", remote, "fa", prod.KubeconfigPath, prod.Context, "namespace: hnp-fa") +
		fleetFabric("closed", remote, "fb", deadKubeconfig(t, closed), "dead", "namespace: hnp-fb") +
		fleetFabric("fb", remote, "fb", prod.KubeconfigPath, prod.Context, "namespace: hnp-fb"))
	r := h.run("drift", "ipns", "-o", "json", "--fabric-timeout", "3s", "--concurrency", "2")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2: %s", r.code, r.stderr)
	}
	rep := driftReport(t, r)
	var names []string
	for _, f := range rep.Fabrics {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "hung,fa,closed,fb" {
		t.Errorf("fabrics in order %v, want the config's", names)
	}
	wantStatuses(t, rep, map[string]drift.Status{"fa hnp-fa/pool": drift.StatusInSync, "fb hnp-fb/pool": drift.StatusInSync})
	if !strings.Contains(rep.Fabrics[0].Error, "--fabric-timeout 3s") {
		t.Errorf("hung fabric: error %q should name the timeout", rep.Fabrics[0].Error)
	}
	if !strings.Contains(rep.Fabrics[2].Error, closed) {
		t.Errorf("closed fabric: error %q should name the server", rep.Fabrics[2].Error)
	}

	r = h.run("list", "ipns", "--no-headers", "--fabric-timeout", "3s", "--concurrency", "1")
	if r.code != 2 {
		t.Fatalf("list: exit %d, want 2: %s", r.code, r.stderr)
	}
	for _, want := range []string{"fa\tpool\tinSync", "fb\tpool\tinSync"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("list: missing %q in\n%s", want, r.stdout)
		}
	}
	i, j := strings.Index(r.stderr, "fabric hung:"), strings.Index(r.stderr, "fabric closed:")
	if i < 0 || j < 0 || i > j {
		t.Errorf("list: errors not in the config's order:\n%s", r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "not-a-secret") {
		t.Errorf("credentials printed")
	}
}

// TestFleetFabricsOnOneClusterReadItsCRDsOnce: the write-path model's CRDs
// and the served versions of the kinds are read once per cluster for the
// command run — as many requests for three fabrics as for one — and the
// CRDs still cached for each fabric (for --offline).
func TestFleetFabricsOnOneClusterReadItsCRDsOnce(t *testing.T) {
	remote := fleetOnProd(t)
	h := newHarness(t)
	h.writeConfig(threeFabricsOnProd(remote))
	// count runs drift and counts its CRD and Hedgehog discovery requests.
	count := func(args ...string) (crdGets, discovery int64) {
		var out, errOut bytes.Buffer
		f := cmdutil.NewFactory(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
		f.Getenv = func(k string) string { return h.env[k] }
		var crds, disc atomic.Int64
		f.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(r *http.Request) (*http.Response, error) {
				if strings.HasPrefix(r.URL.Path, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/") {
					crds.Add(1)
				}
				if r.URL.Path == "/apis/vpc.githedgehog.com/v1beta1" {
					disc.Add(1)
				}
				return rt.RoundTrip(r)
			})
		}
		if code := Run(context.Background(), f, append([]string{"drift", "ipns", "-o", "json", "--exit-code=false"}, args...)); code != 0 {
			t.Fatalf("drift %v: exit %d: %s", args, code, errOut.String())
		}
		return crds.Load(), disc.Load()
	}
	oneCRDs, oneDiscovery := count("--fabric", "fa")
	crds, discovery := count()
	if want := int64(len(validate.HedgehogCRDNames())); oneCRDs != want || crds != want {
		t.Errorf("CRD requests: %d for one fabric, %d for three on the same cluster; want %d (one read) for both", oneCRDs, crds, want)
	}
	if oneDiscovery == 0 || discovery != oneDiscovery {
		t.Errorf("discovery requests of vpc.githedgehog.com/v1beta1: %d for one fabric, %d for three on the same cluster; want the same", oneDiscovery, discovery)
	}
	for _, fab := range []string{"fa", "fb", "span"} {
		crds, err := validate.ReadCRDs(filepath.Join(h.env["XDG_CACHE_HOME"], "kubectl-hnp", "crds", fab))
		if err != nil || len(crds) != len(validate.HedgehogCRDNames()) {
			t.Errorf("fabric %s: %d CRDs cached (%v), want %d", fab, len(crds), err, len(validate.HedgehogCRDNames()))
		}
	}
}

// threeFabricsOnProd configures fabrics fa and fb (a namespace each) and
// span (two namespaces), all on the prod control plane.
func threeFabricsOnProd(remote string) string {
	return "fabrics:\n" +
		fleetFabric("fa", remote, "fa", prod.KubeconfigPath, prod.Context, "namespace: hnp-fa") +
		fleetFabric("fb", remote, "fb", prod.KubeconfigPath, prod.Context, "namespace: hnp-fb") +
		fleetFabric("span", remote, "span", prod.KubeconfigPath, prod.Context, "namespaces: [hnp-span-a, hnp-span-b]")
}

// TestFleetFabricsOnOneClusterShareTheirLISTs: a command reading every
// fabric of a kubeconfig context LISTs each kind once across all
// namespaces; one reading some of them LISTs their namespaces; a user who
// may list only in the fabrics' namespaces gets the same report through
// per-namespace LISTs after one refused request.
func TestFleetFabricsOnOneClusterShareTheirLISTs(t *testing.T) {
	remote := fleetOnProd(t)
	kubeconfig, _ := prod.NamespacedTokenUser(t, "fleet-ns-only", []rbacv1.PolicyRule{
		{APIGroups: []string{kinds.GroupVPC}, Resources: []string{"ipv4namespaces"}, Verbs: []string{"list"}},
	}, "hnp-fa", "hnp-fb", "hnp-span-a", "hnp-span-b")
	admin, nsOnly := newHarness(t), newHarness(t)
	admin.writeConfig(threeFabricsOnProd(remote))
	nsOnly.writeConfig(strings.ReplaceAll(threeFabricsOnProd(remote), fmt.Sprintf("%q, context: %s", prod.KubeconfigPath, prod.Context), fmt.Sprintf("%q, context: fleet-ns-only", kubeconfig)))
	// lists runs drift on ipns and returns its report and LIST requests
	// (path, and the answer's status).
	lists := func(h *harness, args ...string) (*drift.Report, []string) {
		t.Helper()
		var out, errOut bytes.Buffer
		f := cmdutil.NewFactory(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
		f.Getenv = func(k string) string { return h.env[k] }
		var mu sync.Mutex
		var got []string
		f.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(r *http.Request) (*http.Response, error) {
				resp, err := rt.RoundTrip(r)
				if strings.HasSuffix(r.URL.Path, "/ipv4namespaces") && err == nil {
					mu.Lock()
					got = append(got, fmt.Sprintf("%s %d", r.URL.Path, resp.StatusCode))
					mu.Unlock()
				}
				return resp, err
			})
		}
		code := Run(context.Background(), f, append([]string{"drift", "ipns", "-o", "json"}, args...))
		if code != 1 && code != 0 {
			t.Fatalf("drift %v: exit %d: %s", args, code, errOut.String())
		}
		slices.Sort(got)
		return driftReport(t, result{stdout: out.String(), stderr: errOut.String(), code: code}), got
	}
	const all, ns = "/apis/vpc.githedgehog.com/v1beta1/ipv4namespaces", "/apis/vpc.githedgehog.com/v1beta1/namespaces/"
	wantAll := map[string]drift.Status{
		"fa hnp-fa/pool":         drift.StatusInSync,
		"fb hnp-fb/pool":         drift.StatusInSync,
		"span hnp-span-a/pool-a": drift.StatusInSync,
		"span hnp-span-b/pool-b": drift.StatusInSync,
		"span hnp-span-b/stray":  drift.StatusNotInGit,
	}

	rep, got := lists(admin)
	wantStatuses(t, rep, wantAll)
	if want := []string{all + " 200"}; !slices.Equal(got, want) {
		t.Errorf("every fabric: LISTs %v, want %v", got, want)
	}

	rep, got = lists(admin, "--fabric", "fa,fb")
	wantStatuses(t, rep, map[string]drift.Status{"fa hnp-fa/pool": drift.StatusInSync, "fb hnp-fb/pool": drift.StatusInSync})
	if want := []string{ns + "hnp-fa/ipv4namespaces 200", ns + "hnp-fb/ipv4namespaces 200"}; !slices.Equal(got, want) {
		t.Errorf("two of three fabrics: LISTs %v, want %v", got, want)
	}

	rep, got = lists(nsOnly)
	wantStatuses(t, rep, wantAll)
	want := []string{all + " 403"}
	for _, n := range []string{"hnp-fa", "hnp-fb", "hnp-span-a", "hnp-span-b"} {
		want = append(want, ns+n+"/ipv4namespaces 200")
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("a user of the namespaces only: LISTs %v, want %v", got, want)
	}
}

// TestFleetCredentialsAreNotShared: two fabrics on one API server, one
// read as an administrator and one with a token of its own (allowed to list
// IPv4Namespaces and read the CRDs). Each reads the cluster-wide things
// (discovery, the CRDs) with its own credentials, whichever fabric comes
// first: a read that succeeds for one user is kept for the command run, and
// was shared with the other when only the server's address and a user name
// (none here) told them apart.
// The token's fabric gets the report it gets alone.
func TestFleetCredentialsAreNotShared(t *testing.T) {
	remote := fleetOnProd(t)
	kubeconfig, token := prod.RestrictedTokenUser(t, "fleet-fb-only", []rbacv1.PolicyRule{
		{APIGroups: []string{kinds.GroupVPC}, Resources: []string{"ipv4namespaces"}, Verbs: []string{"list"}},
		{APIGroups: []string{"apiextensions.k8s.io"}, Resources: []string{"customresourcedefinitions"}, Verbs: []string{"get", "list"}},
	})
	h := newHarness(t)
	h.writeConfig("fabrics:\n" +
		fleetFabric("fa", remote, "fa", prod.KubeconfigPath, prod.Context, "namespace: hnp-fa") +
		fleetFabric("fb", remote, "fb", kubeconfig, "fleet-fb-only", "namespace: hnp-fb"))
	// run runs drift on ipns and counts the CRD and discovery requests
	// made with the token, and those made without it.
	type counts struct{ crdsToken, crdsOther, discToken, discOther int64 }
	run := func(args ...string) (*drift.Report, counts) {
		t.Helper()
		var out, errOut bytes.Buffer
		f := cmdutil.NewFactory(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
		f.Getenv = func(k string) string { return h.env[k] }
		var crdsToken, crdsOther, discToken, discOther atomic.Int64
		f.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(r *http.Request) (*http.Response, error) {
				withToken := r.Header.Get("Authorization") == "Bearer "+token
				switch {
				case strings.HasPrefix(r.URL.Path, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"):
					if withToken {
						crdsToken.Add(1)
					} else {
						crdsOther.Add(1)
					}
				case r.URL.Path == "/apis/vpc.githedgehog.com/v1beta1":
					if withToken {
						discToken.Add(1)
					} else {
						discOther.Add(1)
					}
				}
				return rt.RoundTrip(r)
			})
		}
		code := Run(context.Background(), f, append([]string{"drift", "ipns", "-o", "json", "--exit-code=false"}, args...))
		if code != 0 {
			t.Fatalf("drift %v: exit %d: %s", args, code, errOut.String())
		}
		return driftReport(t, result{stdout: out.String(), stderr: errOut.String(), code: code}),
			counts{crdsToken.Load(), crdsOther.Load(), discToken.Load(), discOther.Load()}
	}

	alone, c := run("--fabric", "fb")
	wantStatuses(t, alone, map[string]drift.Status{"fb hnp-fb/pool": drift.StatusInSync})
	if c.crdsToken == 0 || c.crdsOther != 0 || c.discToken == 0 || c.discOther != 0 {
		t.Fatalf("fb alone: requests %+v, want CRDs and discovery with its token only", c)
	}
	both, c := run()
	wantStatuses(t, both, map[string]drift.Status{"fa hnp-fa/pool": drift.StatusInSync, "fb hnp-fb/pool": drift.StatusInSync})
	if c.crdsToken == 0 || c.crdsOther == 0 || c.discToken == 0 || c.discOther == 0 {
		t.Errorf("fa and fb: requests %+v, want CRDs and discovery read with each fabric's credentials", c)
	}
	for _, f := range both.Fabrics {
		if f.Name != "fb" {
			continue
		}
		if got, want := f.Resources, alone.Fabrics[0].Resources; !reflect.DeepEqual(got, want) {
			t.Errorf("fb beside fa: %+v, want what it gets alone: %+v", got, want)
		}
	}
}

// list --source cluster whose every fabric fails says so, and not also
// "No resources found."; one that reads nothing says that.
func TestListNothingReadIsNotNoResources(t *testing.T) {
	remote := fleetOnProd(t)
	h := newHarness(t)
	h.writeConfig("fabrics:\n" +
		fleetFabric("closed", remote, "fa", deadKubeconfig(t, closedPort(t)), "dead", "namespace: hnp-fa") +
		fleetFabric("empty", remote, "fa", prod.KubeconfigPath, prod.Context, "namespace: hnp-nothing-here"))
	r := h.run("list", "ipns", "--source", "cluster", "--fabric", "closed")
	if r.code != 2 || !strings.Contains(r.stderr, "Error: fabric closed") || strings.Contains(r.stderr, "No resources found") {
		t.Errorf("every fabric failed: exit %d, stderr %q; want 2, the error and no \"No resources found.\"", r.code, r.stderr)
	}
	r = h.run("list", "ipns", "--source", "cluster", "--fabric", "empty")
	if r.code != 0 || r.stderr != "No resources found.\n" || r.stdout != "" {
		t.Errorf("nothing there: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = h.run("list", "ipns", "--source", "cluster")
	if r.code != 2 || !strings.Contains(r.stderr, "Error: fabric closed") || !strings.Contains(r.stderr, "No resources found") {
		t.Errorf("one fabric failed, one empty: exit %d, stderr %q; want 2, the error and \"No resources found.\"", r.code, r.stderr)
	}
}
