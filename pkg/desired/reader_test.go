package desired

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// writeTree writes files (relative path → content) below root.
func writeTree(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func key(kind, ns, name string) resource.Key {
	return resource.Key{Kind: kind, Namespace: ns, Name: name}
}

func origin(file string, doc, line int) resource.Origin {
	return resource.Origin{File: file, Doc: doc, Line: line}
}

const mixedYAML = `# VPCs of the lab
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
  namespace: default
spec:
  subnets:
    default:
      subnet: 10.0.1.0/24 # the first one
      vlan: 1001
---
# not ours
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
---
---
# comment only
---

apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-1
spec:
  asn: 65101
  enabled: true
  ratio: 0.5
  hex: 0x1F
  big: 18446744073709551616
  nothing: null
  when: 2024-01-02
  quoted: "42"
---
apiVersion: agent.githedgehog.com/v1beta1
kind: Agent
metadata:
  name: leaf-1
---
just a scalar
`

const listJSON = `{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "Connection", "metadata": {"name": "conn-1"}},
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}},
    {
      "apiVersion": "wiring.githedgehog.com/v1beta1",
      "kind": "Server",
      "metadata": {"name": "srv-1", "namespace": "lab"}
    }
  ]
}
`

const vpcJSON = "{\n\t\"apiVersion\": \"vpc.githedgehog.com/v1beta1\",\n\t\"kind\": \"VPC\",\n" +
	"\t\"metadata\": {\"name\": \"vpc-j\", \"namespace\": \"ns1\"},\n" +
	"\t\"spec\": {\"path\": \"a\\/b\", \"smile\": \"\\ud83d\\ude00\", \"n\": 3, \"f\": 1.5, \"e\": 1e3, \"ok\": false, \"z\": null}\n}\n"

func vpc(name string) string {
	return "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: " + name + "\n"
}

func TestLoad(t *testing.T) {
	type want struct {
		objects map[resource.Key]resource.Origin
		skipped []resource.Skipped
		files   int
		errs    []string
	}
	tests := []struct {
		name  string
		files map[string]string
		dir   string
		want  want
	}{{
		name: "multi-document YAML with comments, empty documents and other kinds",
		files: map[string]string{
			"fabrics/lab/mixed.yaml": mixedYAML,
			"fabrics/lab/README.md":  "# not a manifest\n",
			"fabrics/other/x.yaml":   vpc("elsewhere"),
		},
		dir: "fabrics/lab",
		want: want{
			objects: map[resource.Key]resource.Origin{
				key("VPC", "default", "vpc-1"):     origin("fabrics/lab/mixed.yaml", 0, 2),
				key("Switch", "default", "leaf-1"): origin("fabrics/lab/mixed.yaml", 4, 23),
			},
			skipped: []resource.Skipped{
				{File: "fabrics/lab/mixed.yaml", Line: 14, APIVersion: "v1", Kind: "ConfigMap", Name: "cm"},
				{File: "fabrics/lab/mixed.yaml", Line: 37, APIVersion: "agent.githedgehog.com/v1beta1", Kind: "Agent", Name: "leaf-1"},
				{File: "fabrics/lab/mixed.yaml", Line: 42},
			},
			files: 1,
		},
	}, {
		name:  "JSON object and v1 List, recursive, .git skipped",
		files: map[string]string{"f/a.json": vpcJSON, "f/sub/list.json": listJSON, "f/.git/x.yaml": vpc("hidden")},
		dir:   "f",
		want: want{
			objects: map[resource.Key]resource.Origin{
				key("VPC", "ns1", "vpc-j"):             origin("f/a.json", 0, 1),
				key("Connection", "default", "conn-1"): origin("f/sub/list.json", 0, 5),
				key("Server", "lab", "srv-1"):          origin("f/sub/list.json", 0, 7),
			},
			skipped: []resource.Skipped{{File: "f/sub/list.json", Line: 6, APIVersion: "v1", Kind: "ConfigMap", Name: "cm"}},
			files:   2,
		},
	}, {
		name: "YAML v1 List and .yml extension",
		files: map[string]string{"l.yml": "apiVersion: v1\nkind: List\nitems:\n- " +
			strings.ReplaceAll(vpc("a"), "\n", "\n  ") + "\n- " + strings.ReplaceAll(vpc("b"), "\n", "\n  ") + "\n"},
		want: want{
			objects: map[resource.Key]resource.Origin{
				key("VPC", "default", "a"): origin("l.yml", 0, 4),
				key("VPC", "default", "b"): origin("l.yml", 0, 9),
			},
			files: 1,
		},
	}, {
		name:  "missing and explicit default namespace are the same object",
		files: map[string]string{"fab/a.yaml": "\n\n" + vpc("vpc-1"), "fab/b.yaml": "# x\n\n\n\n\n\n\n\n" + vpc("vpc-1") + "  namespace: default\n"},
		dir:   "fab",
		want: want{
			objects: map[resource.Key]resource.Origin{key("VPC", "default", "vpc-1"): origin("fab/a.yaml", 0, 3)},
			files:   2,
			errs:    []string{"VPC default/vpc-1 is defined twice: fab/a.yaml:3 and fab/b.yaml:9"},
		},
	}, {
		name: "invalid YAML names file and line, other files still load",
		files: map[string]string{
			"fabrics/lab/vpcs.yaml":     vpc("ok-1") + "---\n" + vpc("bad") + "spec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n     vlan: 1001\n",
			"fabrics/lab/tab.yaml":      "a: 1\n\tb: 2\n",
			"fabrics/lab/first.yaml":    "a: b: c\n",
			"fabrics/lab/flow.yaml":     "a: 1\nb: [1,\n  2\nc: 3\n",
			"fabrics/lab/dupkey.yaml":   vpc("d") + "spec: {}\nspec: {}\n",
			"fabrics/lab/good.yaml":     vpc("good"),
			"fabrics/lab/unclosed.yaml": vpc("u") + "spec: [unclosed\n",
			"fabrics/lab/bad.json":      "{\n  \"a\": 1,\n  \"b\": 2\n  \"c\": 3\n}\n",
		},
		dir: "fabrics/lab",
		want: want{
			objects: map[resource.Key]resource.Origin{
				key("VPC", "default", "ok-1"): origin("fabrics/lab/vpcs.yaml", 0, 1),
				key("VPC", "default", "good"): origin("fabrics/lab/good.yaml", 0, 1),
			},
			files: 8,
			errs: []string{
				"fabrics/lab/unclosed.yaml:5: did not find expected ',' or ']'",
				"fabrics/lab/vpcs.yaml:14: did not find expected key",
				"fabrics/lab/tab.yaml:2: found a tab character",
				"fabrics/lab/first.yaml:1: mapping values are not allowed",
				"fabrics/lab/flow.yaml:2: did not find expected ',' or ']'",
				`fabrics/lab/dupkey.yaml:6: mapping key "spec" already defined at line 5`,
				"fabrics/lab/bad.json:4: invalid JSON",
			},
		},
	}, {
		name:  "managed document without a name",
		files: map[string]string{"x.yaml": vpc("a") + "---\n# no name\napiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  labels: {a: b}\n"},
		want: want{
			objects: map[resource.Key]resource.Origin{key("VPC", "default", "a"): origin("x.yaml", 0, 1)},
			files:   1,
			errs:    []string{"x.yaml:7: Switch without metadata.name"},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeTree(t, root, tt.files)
			d, err := Load(root, tt.dir)
			if d == nil {
				t.Fatalf("Load returned no result: %v", err)
			}
			got := map[resource.Key]resource.Origin{}
			for k, o := range d.Objects {
				got[k] = *o.Origin
				if o.Key != k {
					t.Errorf("object %v stored under key %v", o.Key, k)
				}
			}
			if !reflect.DeepEqual(got, tt.want.objects) {
				t.Errorf("objects:\n got %v\nwant %v", got, tt.want.objects)
			}
			if !reflect.DeepEqual(d.Skipped, tt.want.skipped) {
				t.Errorf("skipped:\n got %+v\nwant %+v", d.Skipped, tt.want.skipped)
			}
			if d.Files != tt.want.files {
				t.Errorf("files %d, want %d", d.Files, tt.want.files)
			}
			checkErrors(t, err, tt.want.errs)
		})
	}
}

func checkErrors(t *testing.T, err error, want []string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Errorf("got %d errors, want %d:\n%v", len(lines), len(want), err)
	}
	for _, w := range want {
		found := false
		for _, l := range lines {
			found = found || strings.HasPrefix(l, w)
		}
		if !found {
			t.Errorf("no error starting with %q in:\n%v", w, err)
		}
	}
}

func TestLoadValues(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"m.yaml": mixedYAML,
		"v.json": vpcJSON,
		"anchors.yaml": "base: &base {vlan: 10, mtu: 1500}\n---\n" + vpc("anch") +
			"spec:\n  a: &a {x: 1, y: [1, 2]}\n  b: *a\n  c:\n    <<: [{vlan: 20, extra: true}, {vlan: 30, more: 1}]\n    vlan: 40\n",
	})
	d, err := Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Dir != "." {
		t.Errorf("Dir = %q, want .", d.Dir)
	}
	tests := []struct {
		key  resource.Key
		path []string
		want interface{}
	}{
		{key("Switch", "default", "leaf-1"), []string{"spec", "asn"}, int64(65101)},
		{key("Switch", "default", "leaf-1"), []string{"spec", "enabled"}, true},
		{key("Switch", "default", "leaf-1"), []string{"spec", "ratio"}, 0.5},
		{key("Switch", "default", "leaf-1"), []string{"spec", "hex"}, int64(31)},
		{key("Switch", "default", "leaf-1"), []string{"spec", "big"}, float64(18446744073709551616)},
		{key("Switch", "default", "leaf-1"), []string{"spec", "nothing"}, nil},
		{key("Switch", "default", "leaf-1"), []string{"spec", "when"}, "2024-01-02"},
		{key("Switch", "default", "leaf-1"), []string{"spec", "quoted"}, "42"},
		{key("VPC", "default", "vpc-1"), []string{"spec", "subnets", "default", "vlan"}, int64(1001)},
		{key("VPC", "ns1", "vpc-j"), []string{"spec", "path"}, "a/b"},
		{key("VPC", "ns1", "vpc-j"), []string{"spec", "smile"}, "\U0001F600"},
		{key("VPC", "ns1", "vpc-j"), []string{"spec", "n"}, int64(3)},
		{key("VPC", "ns1", "vpc-j"), []string{"spec", "f"}, 1.5},
		{key("VPC", "ns1", "vpc-j"), []string{"spec", "e"}, 1000.0},
		{key("VPC", "ns1", "vpc-j"), []string{"spec", "ok"}, false},
		{key("VPC", "default", "anch"), []string{"spec", "b"}, map[string]interface{}{"x": int64(1), "y": []interface{}{int64(1), int64(2)}}},
		{key("VPC", "default", "anch"), []string{"spec", "c"}, map[string]interface{}{"vlan": int64(40), "extra": true, "more": int64(1)}},
	}
	for _, tt := range tests {
		o := d.Objects[tt.key]
		if o == nil {
			t.Errorf("%v not loaded", tt.key)
			continue
		}
		var v interface{} = o.Obj.Object
		for _, p := range tt.path {
			v = v.(map[string]interface{})[p]
		}
		if !reflect.DeepEqual(v, tt.want) {
			t.Errorf("%v %v = %#v, want %#v", tt.key, tt.path, v, tt.want)
		}
	}
	// A missing namespace defaults in the key only; the object stays as written.
	u := d.Objects[key("Switch", "default", "leaf-1")].Obj
	if _, present := u.Object["metadata"].(map[string]interface{})["namespace"]; present {
		t.Errorf("namespace was added to the object: %v", u.Object["metadata"])
	}
	// Objects survive apimachinery's deep copy, which panics on foreign types.
	for _, k := range d.Objects.Keys() {
		_ = d.Objects[k].Obj.DeepCopy()
	}
}

func TestLoadRecursiveAnchorIsAnError(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"r.yaml": vpc("r") + "spec: &s\n  self: [*s]\n"})
	_, err := Load(root, "")
	checkErrors(t, err, []string{`r.yaml:6: anchor "s" value contains itself`})
}

func TestSafeDir(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "repo")
	outside := filepath.Join(base, "outside")
	writeTree(t, root, map[string]string{"fabrics/lab/a.yaml": vpc("a"), "fabrics/file.yaml": vpc("f")})
	writeTree(t, outside, map[string]string{"sub/x.yaml": vpc("x")})
	for link, target := range map[string]string{
		"fabrics/out":   outside,                        // a link leaving the repository
		"via":           filepath.Join(outside),         // a link early in the path
		"fabrics/alias": filepath.Join(root, "fabrics"), // a link staying inside
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	realRoot, _ := filepath.EvalSymlinks(root)
	tests := []struct {
		dir     string
		want    string // relative to the root, when no error
		escape  bool
		missing bool
		other   string
	}{
		{dir: "", want: "."},
		{dir: "fabrics/lab", want: "fabrics/lab"},
		{dir: "./fabrics//lab/", want: "fabrics/lab"},
		{dir: "fabrics/../fabrics/lab", want: "fabrics/lab"},
		{dir: filepath.Join(root, "fabrics"), want: "fabrics"},
		{dir: "fabrics/alias/lab", want: "fabrics/lab"},
		{dir: "../outside", escape: true},
		{dir: "fabrics/../../outside/sub", escape: true},
		{dir: "..", escape: true},
		{dir: outside, escape: true},
		{dir: "/", escape: true},
		{dir: "fabrics/out", escape: true},
		{dir: "via/sub", escape: true},
		{dir: "fabrics/nope", missing: true},
		{dir: "fabrics/file.yaml", other: "is not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			got, err := SafeDir(root, tt.dir)
			var esc *EscapeError
			switch {
			case tt.escape:
				if !errors.As(err, &esc) {
					t.Fatalf("SafeDir(%q) = %q, %v; want an EscapeError", tt.dir, got, err)
				}
			case tt.missing:
				if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "does not exist") {
					t.Fatalf("SafeDir(%q) = %q, %v; want a not-exist error", tt.dir, got, err)
				}
			case tt.other != "":
				if err == nil || !strings.Contains(err.Error(), tt.other) {
					t.Fatalf("SafeDir(%q) = %q, %v; want %q", tt.dir, got, err, tt.other)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if want := filepath.Join(realRoot, tt.want); got != want {
					t.Fatalf("SafeDir(%q) = %q, want %q", tt.dir, got, want)
				}
			}
		})
	}
}

func TestLoadRefusesEscapes(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "repo")
	writeTree(t, root, map[string]string{"fab/ok.yaml": vpc("ok"), "shared/common.yaml": vpc("common")})
	writeTree(t, base, map[string]string{"secret.yaml": vpc("secret"), "outdir/s.yaml": vpc("s2")})
	links := map[string]string{
		"fab/leak.yaml":  filepath.Join(base, "secret.yaml"), // file outside: refused
		"fab/leakdir":    filepath.Join(base, "outdir"),      // directory outside: refused
		"fab/notes.txt":  filepath.Join(base, "secret.yaml"), // not a manifest: ignored
		"fab/inside.yml": filepath.Join(root, "shared", "common.yaml"),
	}
	for link, target := range links {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	d, err := Load(root, "fab")
	checkErrors(t, err, []string{`refusing "fab/leak.yaml"`, `refusing "fab/leakdir"`})
	var esc *EscapeError
	if !errors.As(err, &esc) {
		t.Errorf("error is not an EscapeError: %v", err)
	}
	want := map[resource.Key]resource.Origin{
		key("VPC", "default", "ok"):     origin("fab/ok.yaml", 0, 1),
		key("VPC", "default", "common"): origin("fab/inside.yml", 0, 1),
	}
	got := map[resource.Key]resource.Origin{}
	for k, o := range d.Objects {
		got[k] = *o.Origin
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("objects %v, want %v", got, want)
	}
	for _, dir := range []string{"../", "/etc", "missing"} {
		if d, err := Load(root, dir); err == nil || d != nil {
			t.Errorf("Load(%q) = %v, %v; want an error and no result", dir, d, err)
		}
	}
}

func TestLoadIsDeterministic(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{}
	for _, n := range []string{"b", "a", "c/z", "c/a", "d"} {
		files["f/"+n+".yaml"] = vpc("same") + vpc("")[0:0]
	}
	writeTree(t, root, files)
	for range 5 {
		_, err := Load(root, "f")
		var dup *DuplicateError
		if !errors.As(err, &dup) || dup.First.File != "f/a.yaml" {
			t.Fatalf("first definition should be f/a.yaml: %v", err)
		}
		if n := strings.Count(err.Error(), "\n") + 1; n != 4 {
			t.Fatalf("want 4 duplicate errors, got %d: %v", n, err)
		}
		if !strings.HasPrefix(err.Error(), "VPC default/same is defined twice: f/a.yaml:1 and f/b.yaml:1\n") {
			t.Fatalf("errors out of order: %v", err)
		}
	}
}
