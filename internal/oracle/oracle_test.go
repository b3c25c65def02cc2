package oracle

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/clusterstate"
	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
	"github.com/githedgehog/kubectl-hnp/pkg/validate"
	"github.com/githedgehog/kubectl-hnp/pkg/writepath"
)

// verdict is each object's judgement: in sync, drift, or refused.
type verdict map[string]string

const (
	verdictInSync = "inSync"
	verdictDrift  = "drift"
	verdictError  = "error"
)

// refusedRE finds the object kubectl diff names when the server refuses it.
var refusedRE = regexp.MustCompile(`"(m\d{3})" is invalid|default/(m\d{3});`)

func TestDriftAgreesWithKubectlDiff(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Fatal("kubectl is needed for the oracle test (CI installs it): ", err)
	}
	cp := testbed.StartT(t)
	ctx := context.Background()
	muts := corpus()
	classes := map[string]int{}
	for _, m := range muts {
		classes[m.class]++
	}
	t.Logf("%d mutations over %d kinds; classes: %v", len(muts), len(kindSpecs), classes)

	work := t.TempDir()
	gitDir := filepath.Join(work, "git")
	names := map[string]*mutation{} // object name → mutation
	byDeployer := map[string][]string{}
	applied := map[string][]string{}
	for i := range muts {
		m := &muts[i]
		name := fmt.Sprintf("m%03d", i)
		names[name] = m
		obj := baseObject(t, m.spec, name)
		if m.applied != nil {
			m.applied(obj)
		}
		if !m.absent {
			applied[m.deploy] = append(applied[m.deploy], yamlDoc(t, obj))
		}
		gitObj := deepCopy(obj)
		if m.git != nil {
			m.git(gitObj)
		}
		text := yamlDoc(t, gitObj)
		ext := ".yaml"
		if m.gitText != nil {
			text = m.gitText(gitObj)
			if strings.HasPrefix(text, "{\n") {
				ext = ".json"
			}
		}
		d := deployerDir(m.deploy)
		if m.refused {
			d = "refused"
		} else {
			byDeployer[m.deploy] = append(byDeployer[m.deploy], name)
		}
		writeFile(t, filepath.Join(gitDir, d, name+ext), text)
	}

	run := func(env []string, args ...string) (string, error) {
		cmd := exec.Command(kubectl, append([]string{"--kubeconfig", cp.KubeconfigPath}, args...)...)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	// Deploy: kubectl apply, client-side or server-side under the manager.
	for dep, docs := range applied {
		f := filepath.Join(work, "applied-"+deployerDir(dep)+".yaml")
		writeFile(t, f, strings.Join(docs, "---\n"))
		args := []string{"apply", "-f", f}
		if dep != "" {
			args = append(args, "--server-side", "--field-manager="+dep)
		}
		if out, err := run(nil, args...); err != nil {
			t.Fatalf("kubectl %v: %v\n%s", args, err, out)
		}
	}
	// Cluster-side changes, by another manager.
	cfg := rest.CopyConfig(cp.RestConfig)
	cfg.WarningHandler = rest.NoWarnings{} // "unknown field" warnings are expected
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range names {
		if m.cluster == nil || m.absent {
			continue
		}
		k, _ := kinds.Lookup(m.spec.kind)
		ri := dyn.Resource(k.GVR()).Namespace("default")
		live, err := ri.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		m.cluster(live.Object)
		if _, err := ri.Update(ctx, live, metav1.UpdateOptions{FieldManager: "ops-console"}); err != nil {
			t.Fatalf("%s (%s): cluster change: %v", m.name, name, err)
		}
	}

	// The oracle: kubectl diff, as each object's deployer would run it.
	want := verdict{}
	for dep := range byDeployer {
		// A copy: kubectl diff's refusals take documents out of it.
		in := filepath.Join(work, "diff-input", deployerDir(dep))
		if err := os.CopyFS(in, os.DirFS(filepath.Join(gitDir, deployerDir(dep)))); err != nil {
			t.Fatal(err)
		}
		args := []string{"diff", "-f", in}
		if dep != "" {
			args = append(args, "--server-side", "--force-conflicts", "--field-manager="+dep)
		}
		got := kubectlDiff(t, work, deployerDir(dep), run, args)
		for n, v := range got {
			want[n] = v
		}
	}

	counts := map[string]int{}
	for _, v := range want {
		counts[v]++
	}
	t.Logf("kubectl diff verdicts: %v", counts)
	if counts[verdictInSync] < 100 || counts[verdictDrift] < 100 {
		t.Errorf("the corpus should hold plenty of both verdicts: %v", counts)
	}

	// A document the server refuses fails kubectl diff (exit 2).
	for name, m := range names {
		if !m.refused {
			continue
		}
		args := []string{"diff", "--server-side", "--force-conflicts", "--field-manager=" + m.deploy, "-f", filepath.Join(gitDir, "refused", name+".yaml")}
		out, err := run(nil, args...)
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() < 2 {
			t.Errorf("%s: kubectl diff accepted a document the server should refuse: %v\n%s", m.name, err, out)
		}
	}

	// In-process.
	crds, err := validate.ReadCRDs(filepath.Join(mustRoot(t), "testdata", "crds"))
	if err != nil {
		t.Fatal(err)
	}
	model, err := writepath.FromCRDs(crds...)
	if err != nil {
		t.Fatal(err)
	}
	state, err := desired.Load(work, "git")
	if err != nil {
		t.Fatal(err)
	}
	notes := state.YAML11(true)
	noted := map[string]bool{}
	for _, n := range notes {
		noted[n.Key.Name] = true
	}
	for name, m := range names {
		if m.class == "yaml11" && !noted[name] {
			t.Errorf("%s (%s): no YAML 1.1 warning", m.name, name)
		}
	}
	refused := resource.Set{}
	for k, o := range state.Objects {
		if names[k.Name].refused {
			refused[k] = o
			delete(state.Objects, k)
		}
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cp.RestConfig)
	if err != nil {
		t.Fatal(err)
	}
	reader := &clusterstate.Reader{Dynamic: dyn, Discovery: disc, Namespace: "default", Host: cp.RestConfig.Host}
	served, err := reader.Resolve(ctx, kinds.All())
	if err != nil {
		t.Fatal(err)
	}
	actual, err := reader.Load(ctx, served, "")
	if err != nil {
		t.Fatal(err)
	}
	res := drift.Compare(state.Objects, actual, drift.Options{Model: model})
	inProcess := verdictOf(res)

	// --server-side: every object the cluster has is dry-run as its deployer would apply it.
	servedBy := map[string]*kinds.Kind{}
	for _, k := range served {
		servedBy[k.Kind] = k
	}
	var pairs []clusterstate.DryRunPair
	for k, d := range state.Objects {
		if a := actual[k]; a != nil {
			pairs = append(pairs, clusterstate.DryRunPair{Desired: d, Actual: a})
		}
	}
	for k, d := range refused {
		pairs = append(pairs, clusterstate.DryRunPair{Desired: d, Actual: actual[k]})
	}
	outcomes := reader.DeployerDryRun(ctx, servedBy, pairs, 0)
	for k := range refused {
		if o := outcomes[k]; o.Err == nil {
			t.Errorf("%s (%s): the server-side dry run did not report the refusal", names[k.Name].name, k.Name)
		} else {
			t.Logf("%s: refused as expected: %v", k.Name, o.Err)
		}
	}
	serverSide := verdict{}
	for k := range state.Objects {
		o, ok := outcomes[k]
		switch {
		case !ok:
			serverSide[k.Name] = verdictDrift // missing from the cluster
		case o.Err != nil:
			serverSide[k.Name] = verdictError
		default:
			r := drift.Compare(resource.Set{k: {Key: k, Obj: o.Obj}}, resource.Set{k: actual[k]}, drift.Options{Strict: true})
			serverSide[k.Name] = verdictOf(r)[k.Name]
		}
	}

	agree := func(label string, got verdict) {
		bad := 0
		checked := 0
		for _, name := range sortedKeys(names) {
			m := names[name]
			if m.refused {
				continue
			}
			checked++
			w, ok := want[name]
			if !ok {
				t.Errorf("%s (%s): kubectl diff said nothing", m.name, name)
				continue
			}
			if w == verdictError && label == "in-process" {
				continue // the in-process model does not predict refusals
			}
			if g := got[name]; g != w {
				bad++
				t.Errorf("%s: %s (%s, class %s): %s, kubectl diff says %s%s", label, m.name, name, m.class, g, w, diffsOf(res, name))
			}
		}
		t.Logf("%s agrees with kubectl diff on %d/%d mutations", label, checked-bad, checked)
	}
	agree("in-process", inProcess)
	agree("--server-side", serverSide)
}

func diffsOf(res *drift.Result, name string) string {
	for _, r := range res.Resources {
		if r.Name == name {
			b, _ := json.Marshal(r.Diffs)
			return " in-process diffs " + string(b)
		}
	}
	return ""
}

func verdictOf(res *drift.Result) verdict {
	v := verdict{}
	for _, r := range res.Resources {
		v[r.Name] = verdictInSync
		if r.Status != drift.StatusInSync {
			v[r.Name] = verdictDrift
		}
	}
	return v
}

// kubectlDiff runs kubectl diff with an external diff program that keeps
// the LIVE and MERGED trees, and judges each object: drift when the merged
// object differs from the live one in anything but the last-applied
// annotation, generation and resourceVersion.
func kubectlDiff(t *testing.T, work, label string, run func([]string, ...string) (string, error), args []string) verdict {
	t.Helper()
	keep := filepath.Join(work, "diff-"+label)
	script := filepath.Join(work, "keep-"+label+".sh")
	writeFile(t, script, fmt.Sprintf("#!/bin/sh\nmkdir -p %s && cp -r \"$1\" %s/live && cp -r \"$2\" %s/merged\n", keep, keep, keep))
	if err := os.Chmod(script, 0o755); err != nil {
		t.Fatal(err)
	}
	v := verdict{}
	for {
		out, err := run([]string{"KUBECTL_EXTERNAL_DIFF=" + script}, args...)
		if err == nil {
			break
		}
		// kubectl diff stops at the first object the server refuses: that
		// object's verdict is an error; take it out and ask again.
		m := refusedRE.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("kubectl %v: %v\n%s", args, err, out)
		}
		name := m[1] + m[2]
		v[name] = verdictError
		matches, _ := filepath.Glob(filepath.Join(args[2], name+".*"))
		if len(matches) != 1 {
			t.Fatalf("kubectl %v refused %s, which has no file: %s", args, name, out)
		}
		if err := os.Remove(matches[0]); err != nil {
			t.Fatal(err)
		}
		_ = os.RemoveAll(keep)
	}
	files, err := os.ReadDir(filepath.Join(keep, "merged"))
	if err != nil {
		t.Fatalf("kubectl %v left no merged objects: %v", args, err)
	}
	for _, f := range files {
		merged := readObj(t, filepath.Join(keep, "merged", f.Name()))
		live := readObj(t, filepath.Join(keep, "live", f.Name()))
		name := f.Name()[strings.LastIndex(f.Name(), ".")+1:]
		v[name] = verdictInSync
		if !equalJSON(clean(live), clean(merged)) {
			v[name] = verdictDrift
		}
	}
	return v
}

func readObj(t *testing.T, path string) map[string]interface{} {
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func clean(m map[string]interface{}) map[string]interface{} {
	if len(m) == 0 {
		return m
	}
	u := unstructured.Unstructured{Object: m}
	unstructured.RemoveNestedField(m, "metadata", "annotations", drift.LastAppliedAnnotation)
	if len(u.GetAnnotations()) == 0 {
		unstructured.RemoveNestedField(m, "metadata", "annotations")
	}
	for _, f := range []string{"generation", "resourceVersion", "managedFields"} {
		unstructured.RemoveNestedField(m, "metadata", f)
	}
	return m
}

func equalJSON(a, b interface{}) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func deployerDir(dep string) string {
	if dep == "" {
		return "client-side"
	}
	return dep
}

func baseObject(t *testing.T, k *kindSpec, name string) map[string]interface{} {
	spec := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(k.base), &spec); err != nil {
		t.Fatalf("%s base: %v", k.kind, err)
	}
	return map[string]interface{}{
		"apiVersion": k.apiVersion,
		"kind":       k.kind,
		"metadata":   map[string]interface{}{"name": name, "namespace": "default"},
		"spec":       normalizeNumbers(spec),
	}
}

// normalizeNumbers turns the float64 of JSON decoding into int64 where integral.
func normalizeNumbers(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		for k, c := range t {
			t[k] = normalizeNumbers(c)
		}
	case []interface{}:
		for i, c := range t {
			t[i] = normalizeNumbers(c)
		}
	case float64:
		if t == float64(int64(t)) {
			return int64(t)
		}
	}
	return v
}

func deepCopy(m map[string]interface{}) map[string]interface{} {
	return runtimeDeepCopy(m)
}

func yamlDoc(t *testing.T, m map[string]interface{}) string {
	b, err := yaml.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, text string) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustRoot(t *testing.T) string {
	r, err := testbed.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
