package render

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

const layout = "../../testdata/kustomize"

func renderLab(t *testing.T) *Result {
	t.Helper()
	root, err := os.OpenRoot(layout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	res, err := Render(root.FS(), "overlays/lab")
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// kubectlKustomize renders dir with the kustomize embedded in kubectl.
func kubectlKustomize(t *testing.T, dir string) map[string]map[string]interface{} {
	t.Helper()
	out, err := exec.Command("kubectl", "kustomize", dir).Output()
	if err != nil {
		t.Fatalf("kubectl kustomize %s: %v", dir, err)
	}
	objs := map[string]map[string]interface{}{}
	for _, d := range manifest.Split(out) {
		obj, err := manifest.ParseDoc(out[d.Start:d.End])
		if err != nil {
			t.Fatal(err)
		}
		meta := obj["metadata"].(map[string]interface{})
		objs[obj["kind"].(string)+"/"+meta["name"].(string)] = obj
	}
	return objs
}

func TestRenderMatchesKubectlKustomize(t *testing.T) {
	want := kubectlKustomize(t, layout+"/overlays/lab")
	res := renderLab(t)
	if len(res.Objects) != len(want) {
		t.Fatalf("rendered %d objects, kubectl kustomize %d", len(res.Objects), len(want))
	}
	for _, o := range res.Objects {
		id := o.Obj.GetKind() + "/" + o.Obj.GetName()
		w, ok := want[id]
		if !ok {
			t.Errorf("%s rendered, not by kubectl kustomize", id)
			continue
		}
		if !reflect.DeepEqual(o.Obj.Object, w) {
			t.Errorf("%s differs:\n got  %v\n want %v", id, o.Obj.Object, w)
		}
	}
}

func TestRenderProvenance(t *testing.T) {
	res := renderLab(t)
	type prov struct {
		source  string
		doc     int
		patches []string
	}
	want := map[string]prov{
		"VPC/lab-vpc-1":           {"base/vpcs.yaml:3", 0, []string{"overlays/lab/vpc-1-vlan.yaml:1"}},
		"VPC/lab-vpc-2":           {"base/vpcs.yaml:16", 1, []string{"overlays/lab/kustomization.yaml:14"}},
		"VPC/lab-vpc-3":           {"base/vpcs.yaml:30", 2, nil},
		"SwitchGroup/lab-mclag-1": {"base/wiring/switches.yaml:1", 0, nil},
		"Switch/lab-leaf-01":      {"base/wiring/switches.yaml:8", 1, nil},
	}
	for _, o := range res.Objects {
		id := o.Obj.GetKind() + "/" + o.Obj.GetName()
		w, ok := want[id]
		if !ok {
			t.Errorf("unexpected %s", id)
			continue
		}
		if o.Source == nil || o.Source.String() != w.source || o.Source.Doc != w.doc {
			t.Errorf("%s: source %v, want %s (document %d)", id, o.Source, w.source, w.doc)
		}
		var got []string
		for _, p := range o.Patches {
			got = append(got, p.String())
		}
		if !slices.Equal(got, w.patches) {
			t.Errorf("%s: patches %v, want %v", id, got, w.patches)
		}
		if _, has := o.Obj.GetAnnotations()[originKey]; has {
			t.Errorf("%s keeps kustomize's origin annotation, which the deployer does not apply", id)
		}
	}
}

func TestRenderReadsOnlyWhatTheBuildReaches(t *testing.T) {
	res := renderLab(t)
	want := []string{
		"base/kustomization.yaml", "base/vpcs.yaml", "base/wiring/kustomization.yaml", "base/wiring/switches.yaml",
		"components/owner/kustomization.yaml", "overlays/lab/kustomization.yaml", "overlays/lab/vpc-1-vlan.yaml",
	}
	if !slices.Equal(res.Files, want) {
		t.Errorf("files read %v, want %v", res.Files, want)
	}
	for _, o := range res.Objects {
		if strings.Contains(o.Obj.GetName(), "unlisted") {
			t.Errorf("%s is in no resources: list but was rendered", o.Obj.GetName())
		}
	}
}

func TestRenderRefuses(t *testing.T) {
	vpc := []byte("apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: v\n")
	cases := []struct {
		name, kust string
		extra      map[string]string
		want       string
	}{
		{"remote resource", "resources:\n- vpc.yaml\n- https://github.com/example/fabric//base?ref=main\n",
			nil, `kustomization.yaml:3: remote resource "https://github.com/example/fabric//base?ref=main" is refused`},
		{"remote base", "resources:\n- github.com/example/fabric/base\n",
			nil, `kustomization.yaml:2: remote resource "github.com/example/fabric/base" is refused`},
		{"missing resource", "resources:\n- nothere.yaml\n",
			nil, `kustomization.yaml:2: resource "nothere.yaml" does not exist in the repository`},
		{"remote patch", "resources:\n- vpc.yaml\npatches:\n- path: https://example.com/p.yaml\n",
			nil, `kustomization.yaml:4: remote patch "https://example.com/p.yaml" is refused`},
		{"helm chart", "resources:\n- vpc.yaml\nhelmCharts:\n- name: x\n",
			nil, "kustomization.yaml:3: helmCharts is refused"},
		{"exec plugin", "resources:\n- vpc.yaml\ntransformers:\n- fn.yaml\n",
			map[string]string{"fn.yaml": "apiVersion: example.com/v1\nkind: Sed\nmetadata:\n  name: s\n  annotations:\n    config.kubernetes.io/function: |\n      exec: {path: ./sed}\n"},
			"kustomization.yaml:4: transformers: example.com/v1 Sed is an external plugin"},
		{"outside the repository", "resources:\n- ../../etc/passwd\n",
			nil, `kustomization.yaml:2: resource "../../etc/passwd" is outside the repository`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := fstest.MapFS{
				"fab/kustomization.yaml": {Data: []byte(c.kust)},
				"fab/vpc.yaml":           {Data: vpc},
			}
			for f, s := range c.extra {
				src["fab/"+f] = &fstest.MapFile{Data: []byte(s)}
			}
			_, err := Render(src, "fab")
			var re *RefusedError
			if !errors.As(err, &re) {
				t.Fatalf("error %v, want a RefusedError", err)
			}
			if !strings.Contains(err.Error(), "fab/"+c.want) {
				t.Errorf("error %q, want it to contain %q", err, "fab/"+c.want)
			}
		})
	}
}

func TestRenderFromAnotherSource(t *testing.T) {
	// Any fs.FS feeds the renderer: here an in-memory tree.
	src := fstest.MapFS{
		"fab/kustomization.yaml": {Data: []byte("namespace: fab\nresources:\n- vpc.yaml\n")},
		"fab/vpc.yaml":           {Data: []byte("# c\n\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: v\n")},
		"fab/ignored.yaml":       {Data: []byte("not: [yaml")},
	}
	res, err := Render(src, "fab")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Objects) != 1 || res.Objects[0].Obj.GetNamespace() != "fab" {
		t.Fatalf("objects %v", res.Objects)
	}
	if got := *res.Objects[0].Source; got != (resource.Origin{File: "fab/vpc.yaml", Doc: 0, Line: 3}) {
		t.Errorf("source %v", got)
	}
	if !bytes.Contains([]byte(strings.Join(res.Files, ",")), []byte("fab/vpc.yaml")) {
		t.Errorf("files %v", res.Files)
	}
}

func TestDesiredSkipsOtherKindsAndRefusesNearMisses(t *testing.T) {
	src := fstest.MapFS{
		"fab/kustomization.yaml": {Data: []byte("resources:\n- objs.yaml\n")},
		"fab/objs.yaml": {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n---\n" +
			"apiVersion: vpc.githedgehog.io/v1beta1\nkind: VPC\nmetadata:\n  name: typo\n")},
	}
	res, err := Render(src, "fab")
	if err != nil {
		t.Fatal(err)
	}
	d, err := res.Desired("fab")
	if err == nil || !strings.Contains(err.Error(), "fab/objs.yaml:6: ") {
		t.Errorf("a VPC of another group: error %v, want one naming fab/objs.yaml:6", err)
	}
	if len(d.Skipped) != 1 || d.Skipped[0].Kind != "ConfigMap" || d.Skipped[0].File != "fab/objs.yaml" || d.Skipped[0].Line != 1 {
		t.Errorf("skipped %+v", d.Skipped)
	}
}
