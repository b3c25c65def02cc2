package render

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	sigsyaml "sigs.k8s.io/yaml"
)

// differential renders dir with krusty and with the fast path and
// requires the same outcome: both fail, or the same objects (byte-equal
// as YAML, in the same order), sources, patches (as sets: the fast path
// lists them in the order they were applied), files, resource entries and
// kustomizations. It returns the fast path's result.
func differential(t *testing.T, src fs.FS, dir string) *Result {
	t.Helper()
	top, err := FindKustomization(src, dir)
	if err != nil || top == "" {
		t.Fatalf("%s: no kustomization (%v)", dir, err)
	}
	kr, kerr := buildWith(src, dir, top, false)
	fr, ferr := buildWith(src, dir, top, true)
	if (kerr != nil) != (ferr != nil) {
		t.Fatalf("krusty error %v, fast path error %v", kerr, ferr)
	}
	if kerr != nil {
		return nil
	}
	if len(fr.Objects) != len(kr.Objects) {
		t.Fatalf("fast path rendered %d objects, krusty %d", len(fr.Objects), len(kr.Objects))
	}
	for i := range kr.Objects {
		k, f := kr.Objects[i], fr.Objects[i]
		ky, err := sigsyaml.Marshal(k.Obj.Object)
		if err != nil {
			t.Fatal(err)
		}
		fy, err := sigsyaml.Marshal(f.Obj.Object)
		if err != nil {
			t.Fatal(err)
		}
		if string(ky) != string(fy) {
			t.Errorf("object %d differs:\nkrusty:\n%s\nfast path:\n%s", i, ky, fy)
			continue
		}
		if (k.Source == nil) != (f.Source == nil) || k.Source != nil && *k.Source != *f.Source {
			t.Errorf("%s: source %v, krusty %v", f.Obj.GetName(), f.Source, k.Source)
		}
		if kp, fp := origins(k.Patches), origins(f.Patches); !slices.Equal(kp, fp) {
			t.Errorf("%s: patches %v, krusty %v", f.Obj.GetName(), fp, kp)
		}
	}
	if !slices.Equal(fr.Files, kr.Files) {
		t.Errorf("files read %v, krusty %v", fr.Files, kr.Files)
	}
	if !slices.Equal(fr.Kustomizations, kr.Kustomizations) || fmt.Sprint(fr.Listed) != fmt.Sprint(kr.Listed) {
		t.Errorf("kustomizations %v %v, krusty %v %v", fr.Kustomizations, fr.Listed, kr.Kustomizations, kr.Listed)
	}
	return fr
}

func origins[T fmt.Stringer](os []T) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.String()
	}
	slices.Sort(out)
	return out
}

func TestFastPathMatchesKrustyOnTheTestLayouts(t *testing.T) {
	src := os.DirFS(layout)
	for _, dir := range []string{"overlays/lab", "base", "base/wiring"} {
		t.Run(dir, func(t *testing.T) {
			res := differential(t, src, dir)
			if res.renderer != "fast" {
				t.Errorf("rendered by %s: %s", res.renderer, res.fallback)
			}
		})
	}
}

func TestFastPathMatchesKrustyOnRandomLayouts(t *testing.T) {
	fast, failed := 0, 0
	for seed := range uint64(150) {
		src := randomLayout(rand.New(rand.NewPCG(seed, 12)))
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			res := differential(t, src, "overlay")
			switch {
			case res == nil:
				failed++
			case res.renderer == "fast":
				fast++
			default:
				t.Errorf("rendered by %s: %s", res.renderer, res.fallback)
				for f, d := range src {
					t.Logf("%s:\n%s", f, d.Data)
				}
			}
		})
	}
	// Most layouts render; some fail alike (a patch without a target).
	if fast < 100 || failed == 0 {
		t.Errorf("%d layouts rendered on the fast path, %d failed in both", fast, failed)
	}
}

// randomLayout is a base of Hedgehog objects in a few files (comments,
// empty documents, namespaces, labels), maybe with a nested kustomization
// and its own transformers, a component, and an overlay with a random
// choice of the fast path's fields.
func randomLayout(r *rand.Rand) fstest.MapFS {
	src := fstest.MapFS{}
	type obj struct{ apiVersion, kind, name, ns string }
	var objs []obj
	kinds := []obj{{"vpc.githedgehog.com/v1beta1", "VPC", "", ""}, {"wiring.githedgehog.com/v1beta1", "Switch", "", ""},
		{"wiring.githedgehog.com/v1beta1", "Connection", "", ""}}
	file := func(dir string, n int) string {
		var sb strings.Builder
		if r.IntN(3) == 0 {
			sb.WriteString("# generated\n")
		}
		for i := range n {
			o := kinds[r.IntN(len(kinds))]
			o.name = fmt.Sprintf("%s-%d", strings.ToLower(o.kind), len(objs))
			if r.IntN(4) == 0 {
				o.ns = []string{"default", "fab"}[r.IntN(2)]
			}
			objs = append(objs, o)
			if i > 0 || r.IntN(3) == 0 {
				sb.WriteString("---\n")
			}
			if r.IntN(5) == 0 {
				sb.WriteString("# empty\n---\n")
			}
			fmt.Fprintf(&sb, "apiVersion: %s\nkind: %s\nmetadata:\n  name: %s\n", o.apiVersion, o.kind, o.name)
			if o.ns != "" {
				fmt.Fprintf(&sb, "  namespace: %s\n", o.ns)
			}
			if r.IntN(2) == 0 {
				fmt.Fprintf(&sb, "  labels:\n    tier: %s\n", []string{"a", "b"}[r.IntN(2)])
			}
			if r.IntN(3) == 0 {
				sb.WriteString("  annotations:\n    note: hand-written\n")
			}
			fmt.Fprintf(&sb, "spec:\n  vlan: %d\n  subnets:\n    default: {subnet: 10.0.%d.0/24, dhcp: %t}\n  ports: [e1, e2]\n",
				1000+r.IntN(100), r.IntN(255), r.IntN(2) == 0)
		}
		return sb.String()
	}
	var base []string
	for f := range 1 + r.IntN(3) {
		name := fmt.Sprintf("objs-%d.yaml", f)
		src["base/"+name] = &fstest.MapFile{Data: []byte(file("base", 1+r.IntN(4)))}
		base = append(base, name)
	}
	if r.IntN(2) == 0 {
		src["base/extra/more.yaml"] = &fstest.MapFile{Data: []byte(file("base/extra", 1+r.IntN(3)))}
		extra := "resources:\n- more.yaml\n"
		if r.IntN(2) == 0 {
			extra += "nameSuffix: -x\n"
		}
		src["base/extra/kustomization.yaml"] = &fstest.MapFile{Data: []byte(extra)}
		base = append(base, "extra")
	}
	pick := func() obj { return objs[r.IntN(len(objs))] }
	var sb strings.Builder
	sb.WriteString("resources:\n")
	for _, b := range base {
		fmt.Fprintf(&sb, "- %s\n", b)
	}
	if r.IntN(3) == 0 {
		sb.WriteString("commonLabels:\n  layer: base\n")
	}
	src["base/kustomization.yaml"] = &fstest.MapFile{Data: []byte(sb.String())}

	sb.Reset()
	sb.WriteString("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../base\n")
	if r.IntN(3) == 0 {
		comp := "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations:\n  owner: netops\n"
		if r.IntN(2) == 0 {
			o := pick()
			comp += fmt.Sprintf("patches:\n- target: {kind: %s, name: %s}\n  patch: '[{\"op\": \"add\", \"path\": \"/spec/owned\", \"value\": true}]'\n", o.kind, o.name)
		}
		src["comp/kustomization.yaml"] = &fstest.MapFile{Data: []byte(comp)}
		sb.WriteString("components:\n- ../comp\n")
	}
	if r.IntN(3) == 0 {
		sb.WriteString("namespace: lab\n")
	}
	if r.IntN(2) == 0 {
		sb.WriteString("namePrefix: lab-\n")
	}
	if r.IntN(4) == 0 {
		sb.WriteString("nameSuffix: -v2\n")
	}
	if r.IntN(3) == 0 {
		sb.WriteString("commonLabels:\n  fabric: lab\n")
	}
	if r.IntN(2) == 0 {
		fmt.Fprintf(&sb, "labels:\n- pairs:\n    env: lab\n  includeSelectors: %t\n  includeTemplates: %t\n", r.IntN(2) == 0, r.IntN(2) == 0)
		if r.IntN(2) == 0 {
			sb.WriteString("  fields:\n  - {path: spec/tags, create: true, kind: VPC}\n  - {path: spec/subnets/default/labels}\n")
		}
	}
	if r.IntN(3) == 0 {
		sb.WriteString("commonAnnotations:\n  managed-by: hnp\n")
	}
	var patches, smp, j6902 []string
	for i := range r.IntN(4) {
		o := pick()
		switch r.IntN(6) {
		case 0: // strategic merge, inline, by id
			patches = append(patches, fmt.Sprintf("- patch: |-\n    apiVersion: %s\n    kind: %s\n    metadata:\n      name: %s\n    spec:\n      vlan: %d\n", o.apiVersion, o.kind, o.name, 2000+i))
		case 1: // strategic merge from a file, by target
			f := fmt.Sprintf("smp-%d.yaml", i)
			src["overlay/"+f] = &fstest.MapFile{Data: []byte(fmt.Sprintf("apiVersion: %s\nkind: %s\nmetadata:\n  name: any\nspec:\n  patched: %d\n", o.apiVersion, o.kind, i))}
			patches = append(patches, fmt.Sprintf("- path: %s\n  target:\n    kind: %s\n    labelSelector: tier=%s\n", f, o.kind, []string{"a", "b"}[r.IntN(2)]))
		case 2: // JSON 6902, inline, by a name pattern
			patches = append(patches, fmt.Sprintf("- target:\n    kind: %s\n    name: %s.*\n  patch: |-\n    - op: add\n      path: /spec/p%d\n      value: x\n", o.kind, strings.ToLower(o.kind), i))
		case 3: // JSON 6902 from a file, by group, version and annotations
			f := fmt.Sprintf("json-%d.yaml", i)
			src["overlay/"+f] = &fstest.MapFile{Data: []byte(fmt.Sprintf("- op: replace\n  path: /spec/vlan\n  value: %d\n", 3000+i))}
			g, v := splitAPIVersion(o.apiVersion)
			patches = append(patches, fmt.Sprintf("- path: %s\n  target: {group: %s, version: %s, annotationSelector: note=hand-written}\n", f, g, v))
		case 4: // patchesStrategicMerge file
			f := fmt.Sprintf("psm-%d.yaml", i)
			src["overlay/"+f] = &fstest.MapFile{Data: []byte(fmt.Sprintf("apiVersion: %s\nkind: %s\nmetadata:\n  name: %s\nspec:\n  subnets:\n    default:\n      dhcp: true\n", o.apiVersion, o.kind, o.name))}
			smp = append(smp, "- "+f+"\n")
			if r.IntN(2) == 0 { // and one inline
				smp = append(smp, fmt.Sprintf("- |-\n  apiVersion: %s\n  kind: %s\n  metadata:\n    name: %s\n  spec:\n    inline: true\n", o.apiVersion, o.kind, o.name))
			}
		case 5: // patchesJson6902 by name
			g, v := splitAPIVersion(o.apiVersion)
			j6902 = append(j6902, fmt.Sprintf("- target: {group: %s, version: %s, kind: %s, name: %s}\n  patch: '[{\"op\": \"remove\", \"path\": \"/spec/ports/0\"}]'\n", g, v, o.kind, o.name))
		}
	}
	for field, list := range map[string][]string{"patches": patches, "patchesStrategicMerge": smp, "patchesJson6902": j6902} {
		if len(list) > 0 {
			sb.WriteString(field + ":\n" + strings.Join(list, ""))
		}
	}
	src["overlay/kustomization.yaml"] = &fstest.MapFile{Data: []byte(sb.String())}
	return src
}

func TestFastPathLeavesTheRestToKrusty(t *testing.T) {
	vpc := "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: v\n"
	cases := []struct {
		name, kust, objs, why string
	}{
		{"generator", "resources: [o.yaml]\nconfigMapGenerator:\n- name: c\n  literals: [a=b]\n", vpc, "configMapGenerator"},
		{"images", "resources: [o.yaml]\nimages:\n- name: x\n  newTag: v2\n", vpc, "images"},
		{"replicas", "resources: [o.yaml]\nreplicas:\n- name: v\n  count: 2\n", vpc, "replicas"},
		{"replacements", "resources: [o.yaml]\nreplacements: []\n", vpc, "replacements"},
		{"sort options", "resources: [o.yaml]\nsortOptions:\n  order: fifo\n", vpc, "sortOptions"},
		{"build metadata", "resources: [o.yaml]\nbuildMetadata: [originAnnotations]\n", vpc, "buildMetadata"},
		{"configurations", "resources: [o.yaml]\nconfigurations: [c.yaml]\n", vpc, "configurations"},
		{"a ConfigMap", "resources: [o.yaml]\nnamePrefix: p-\n", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n", "kind ConfigMap"},
		{"a Deployment", "resources: [o.yaml]\n", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n", "kind Deployment"},
		{"a list of two", "resources: [o.yaml]\n", "apiVersion: v1\nkind: List\nitems:\n" +
			"- {apiVersion: vpc.githedgehog.com/v1beta1, kind: VPC, metadata: {name: v}}\n" +
			"- {apiVersion: vpc.githedgehog.com/v1beta1, kind: VPC, metadata: {name: w}}\n", "1 documents, 2 objects"},
		{"local config", "resources: [o.yaml]\n", vpc + "  annotations:\n    config.kubernetes.io/local-config: \"true\"\n", "annotation config.kubernetes.io/local-config"},
		{"name change", "resources: [o.yaml]\npatches:\n- patch: |-\n    " + strings.ReplaceAll(vpc, "\n", "\n    ") + "\n  options: {allowNameChange: true}\n", vpc, "may change names"},
		{"a deleting patch", "resources: [o.yaml]\npatches:\n- patch: |-\n    $patch: delete\n    " + strings.ReplaceAll(vpc, "\n", "\n    ") + "\n", vpc, "$patch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := fstest.MapFS{
				"fab/kustomization.yaml": {Data: []byte(c.kust)},
				"fab/o.yaml":             {Data: []byte(c.objs)},
				"fab/c.yaml":             {Data: []byte("nameReference: []\n")},
			}
			if _, _, err := buildFast(src, "fab"); !isNotFast(err) || !strings.Contains(err.Error(), c.why) {
				t.Errorf("fast path: %v, want it left to krusty because of %q", err, c.why)
			}
			// Where krusty renders it (replicas of a VPC fail), Render takes krusty's result.
			if res := differential(t, src, "fab"); res != nil && res.renderer != "krusty" {
				t.Errorf("rendered by %s", res.renderer)
			}
		})
	}
}

func TestFastPathRefusesDuplicateIDsNamingBothDocuments(t *testing.T) {
	vpc := "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: v\n"
	src := fstest.MapFS{
		"fab/kustomization.yaml":     {Data: []byte("resources: [a.yaml, sub]\n")},
		"fab/a.yaml":                 {Data: []byte(vpc)},
		"fab/sub/kustomization.yaml": {Data: []byte("resources: [b.yaml]\n")},
		"fab/sub/b.yaml":             {Data: []byte("# same\n" + vpc)},
	}
	_, err := buildWith(src, "fab", "fab/kustomization.yaml", true)
	want := "may not add resource with an already registered id: VPC.v1beta1.vpc.githedgehog.com/v.[noNs] (fab/sub/b.yaml:2 and fab/a.yaml:1)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want it to contain %q", err, want)
	}
	if _, kerr := buildWith(src, "fab", "fab/kustomization.yaml", false); kerr == nil || !strings.Contains(kerr.Error(), "already registered id") {
		t.Errorf("krusty: %v", kerr)
	}
}

// TestFastPathRunsBesideKrusty renders on the fast path (no global lock)
// while krusty builds run, and requires every result to equal the serial
// one; under -race it checks that kustomize's filters share no unguarded
// state with each other or with krusty.
func TestFastPathRunsBesideKrusty(t *testing.T) {
	src := benchLayout(200)
	want := differential(t, src, "overlay")
	const n = 6
	errs := make(chan error, n)
	for i := range n {
		go func() {
			res, err := buildWith(src, "overlay", "overlay/kustomization.yaml", i%2 == 0)
			if err == nil && len(res.Objects) != len(want.Objects) {
				err = fmt.Errorf("%d objects, want %d", len(res.Objects), len(want.Objects))
			}
			for j := 0; err == nil && j < len(want.Objects); j++ {
				if !reflect.DeepEqual(res.Objects[j].Obj.Object, want.Objects[j].Obj.Object) {
					err = fmt.Errorf("object %d differs from the serial build", j)
				}
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
