package manifest

import (
	goldenfile "github.com/githedgehog/kubectl-hnp/internal/golden"

	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// golden compares got with testdata/golden/name, or writes it there with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", "golden", name), got)
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// editDoc changes document index of src as change says, with Rewrite and
// ReplaceDoc, and checks what must hold for any edit: the bytes of the
// other documents do not move, the file still has as many documents, and
// the edited one reads back as the changed object. It returns the file
// and the way Rewrite produced the document.
func editDoc(t *testing.T, src []byte, index int, change func(obj map[string]interface{})) ([]byte, string) {
	t.Helper()
	var tier string
	noteTier = func(s string) { tier = s }
	defer func() { noteTier = func(string) {} }()
	docs := Split(src)
	d := docs[index]
	obj, err := ParseDoc(src[d.Start:d.End])
	if err != nil {
		t.Fatal(err)
	}
	change(obj)
	newDoc, err := Rewrite(src[d.Start:d.End], obj)
	if err != nil {
		t.Fatal(err)
	}
	out := ReplaceDoc(src, d, newDoc)
	if !bytes.Equal(out[:d.Start], src[:d.Start]) || !bytes.HasSuffix(out, src[d.End:]) {
		t.Errorf("bytes outside document %d changed:\n%s", index, out)
	}
	after := Split(out)
	if len(after) != len(docs) {
		t.Fatalf("the file has %d documents after the edit, %d before:\n%s", len(after), len(docs), out)
	}
	text := out[after[index].Start:after[index].End]
	got, err := ParseDoc(text)
	if err != nil || !equalValues(got, obj) {
		t.Errorf("the edited document reads back as %v (%v), want %v", got, err, obj)
	}
	if k8s, err := k8sRead(text); err != nil || !equalValues(k8s, obj) {
		t.Errorf("Kubernetes reads the edited document as %v (%v), want %v", k8s, err, obj)
	}
	return out, tier
}

// at walks a path of mapping keys.
func at(obj map[string]interface{}, path ...string) map[string]interface{} {
	for _, p := range path {
		obj = obj[p].(map[string]interface{})
	}
	return obj
}

// fabricEdits change the second document of testdata/fabric.yaml.
var fabricEdits = []struct {
	name   string
	change func(obj map[string]interface{})
}{
	{"edit-scalar", func(o map[string]interface{}) {
		at(o, "spec", "subnets", "default")["vlan"] = int64(1202)
	}},
	{"edit-scalars", func(o map[string]interface{}) {
		at(o, "metadata")["name"] = "vpc-2b"
		at(o, "metadata", "labels")["env"] = "prod"
		at(o, "spec", "subnets", "storage")["subnet"] = "10.0.13.0/24"
		at(o, "spec", "subnets", "default", "dhcp")["enable"] = false
	}},
	{"add-key", func(o map[string]interface{}) {
		at(o, "spec", "subnets", "default", "dhcp", "range")["end"] = "10.0.2.99"
		at(o, "metadata", "labels")["tier"] = "gold"
		at(o, "spec", "subnets")["backup"] = map[string]interface{}{"subnet": "10.0.9.0/24", "vlan": int64(1009)}
	}},
	{"remove-key", func(o map[string]interface{}) {
		delete(at(o, "spec", "subnets"), "storage")
		delete(at(o, "spec", "subnets", "default"), "gateway")
		delete(at(o, "metadata"), "labels")
	}},
	{"change-list", func(o map[string]interface{}) {
		at(o, "spec")["permit"] = []interface{}{
			[]interface{}{"default", "storage", "backup"},
			[]interface{}{"default", "mgmt"},
		}
	}},
	{"change-kind-of-value", func(o map[string]interface{}) {
		at(o, "spec", "subnets", "default")["vlan"] = map[string]interface{}{"id": int64(1002), "native": true}
		at(o, "spec", "subnets", "default")["dhcp"] = "disabled"
	}},
	{"replace-object", func(o map[string]interface{}) {
		for k := range o {
			delete(o, k)
		}
		o["apiVersion"] = "vpc.githedgehog.com/v1beta1"
		o["kind"] = "VPC"
		o["metadata"] = map[string]interface{}{"name": "vpc-2", "namespace": "default"}
		o["spec"] = map[string]interface{}{
			"ipv4Namespace": "default",
			"subnets": map[string]interface{}{
				"web": map[string]interface{}{"subnet": "10.0.7.0/24", "vlan": int64(1007)},
			},
		}
	}},
}

func TestGoldenEdits(t *testing.T) {
	src := readTestdata(t, "fabric.yaml")
	for _, e := range fabricEdits {
		t.Run(e.name, func(t *testing.T) {
			out, tier := editDoc(t, src, 1, e.change)
			if tier != "patch" {
				t.Errorf("Rewrite fell back to %q; want an edit in place", tier)
			}
			golden(t, e.name+".yaml", out)
		})
	}
}

// TestGoldenEditsCRLF makes the same edits to the file with "\r\n" line
// breaks: the result is the "\n" result with "\r\n" line breaks.
func TestGoldenEditsCRLF(t *testing.T) {
	lf := readTestdata(t, "fabric.yaml")
	src := withEOL(lf, "\r\n")
	for _, e := range fabricEdits {
		t.Run(e.name, func(t *testing.T) {
			want, _ := editDoc(t, lf, 1, e.change)
			got, _ := editDoc(t, src, 1, e.change)
			if !bytes.Equal(got, withEOL(want, "\r\n")) {
				t.Errorf("with \\r\\n:\n%q\nwant\n%q", got, withEOL(want, "\r\n"))
			}
		})
	}
}

func TestGoldenFirstDocUnderHeader(t *testing.T) {
	out, tier := editDoc(t, readTestdata(t, "fabric.yaml"), 0, func(o map[string]interface{}) {
		at(o, "spec", "subnets", "default")["vlan"] = int64(1101)
		at(o, "metadata")["labels"] = map[string]interface{}{"env": "lab"}
	})
	if tier != "patch" {
		t.Errorf("Rewrite fell back to %q", tier)
	}
	golden(t, "edit-first-doc.yaml", out)
}

func TestGoldenTopSeparator(t *testing.T) {
	src := readTestdata(t, "top-separator.yaml")
	out, tier := editDoc(t, src, 0, func(o map[string]interface{}) {
		at(o, "spec")["asn"] = int64(65111)
		at(o, "spec", "portGroupSpeeds")["3"] = "100G"
	})
	if tier != "patch" {
		t.Errorf("Rewrite fell back to %q", tier)
	}
	golden(t, "top-separator-edit.yaml", out)
	// The file ends with "---": an empty document a new one fills.
	enc, err := Encode(map[string]interface{}{
		"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "Switch",
		"metadata": map[string]interface{}{"name": "spine-1"},
		"spec":     map[string]interface{}{"role": "spine", "asn": int64(65100)},
	})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "top-separator-append.yaml", AppendDoc(src, enc))
}

func TestGoldenFlow(t *testing.T) {
	src := readTestdata(t, "flow.yaml")
	scalar, tier := editDoc(t, src, 0, func(o map[string]interface{}) {
		at(o, "spec", "subnets", "default")["vlan"] = int64(1204)
		at(o, "metadata")["name"] = "vpc-3, the third"
	})
	if tier != "patch" {
		t.Errorf("scalar edit fell back to %q", tier)
	}
	golden(t, "flow-scalar.yaml", scalar)
	shape, tier := editDoc(t, src, 1, func(o map[string]interface{}) {
		at(o, "spec", "subnets", "default")["dhcp"] = map[string]interface{}{"enable": true}
		at(o, "metadata")["labels"] = map[string]interface{}{"env": "lab"}
	})
	if tier != "patch" {
		t.Errorf("shape edit fell back to %q", tier)
	}
	golden(t, "flow-shape.yaml", shape)
}

func TestGoldenFourSpaces(t *testing.T) {
	out, tier := editDoc(t, readTestdata(t, "four-space.yaml"), 0, func(o map[string]interface{}) {
		links := at(o, "spec", "mclag")["links"].([]interface{})
		at(o, "spec", "mclag")["links"] = append(links, map[string]interface{}{
			"server": map[string]interface{}{"port": "server-1/enp2s3"},
			"switch": map[string]interface{}{"port": "leaf-1/E1/6"},
		})
		at(o, "spec")["unbundled"] = map[string]interface{}{"ports": []interface{}{"a", "b"}}
	})
	if tier != "patch" {
		t.Errorf("Rewrite fell back to %q", tier)
	}
	golden(t, "four-space-add.yaml", out)
}

func TestGoldenDelete(t *testing.T) {
	src := readTestdata(t, "fabric.yaml")
	for i, name := range []string{"delete-first.yaml", "delete-middle.yaml", "delete-last.yaml"} {
		docs := Split(src)
		out := DeleteDoc(src, docs[i])
		if got := Split(out); len(got) != len(docs)-1 {
			t.Errorf("%s: %d documents left, want %d", name, len(got), len(docs)-1)
		}
		golden(t, name, out)
	}
}

func TestGoldenAppendWithoutFinalNewline(t *testing.T) {
	src := readTestdata(t, "no-final-newline.yaml")
	if endsWithEOL(src) {
		t.Fatal("testdata/no-final-newline.yaml must not end with a line break")
	}
	enc, err := Encode(map[string]interface{}{
		"kind": "VPCAttachment", "apiVersion": "vpc.githedgehog.com/v1beta1",
		"spec":     map[string]interface{}{"subnet": "vpc-2/default", "connection": "server-2--unbundled--leaf-1"},
		"metadata": map[string]interface{}{"name": "vpc-2--default--server-2", "namespace": "default"},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := AppendDoc(src, enc)
	if !bytes.HasPrefix(out, src) {
		t.Error("appending changed the existing text")
	}
	golden(t, "append-no-final-newline.yaml", out)
	// An edit of the last document keeps the missing final line break.
	edited, _ := editDoc(t, src, 0, func(o map[string]interface{}) { at(o, "spec")["subnet"] = "vpc-1/storage" })
	if endsWithEOL(edited) {
		t.Error("the edit added a final line break")
	}
}

// TestGoldenUnchanged rewrites every document of every test file with its
// own object, its integers turned into floats: the files stay identical.
func TestGoldenUnchanged(t *testing.T) {
	for _, name := range []string{"fabric.yaml", "top-separator.yaml", "flow.yaml", "four-space.yaml", "no-final-newline.yaml"} {
		src := readTestdata(t, name)
		for _, s := range [][]byte{src, withEOL(src, "\r\n")} {
			out := s
			for i, d := range Split(s) {
				if obj, err := ParseDoc(s[d.Start:d.End]); err == nil && obj != nil {
					out, _ = editDoc(t, out, i, func(o map[string]interface{}) { floatsForInts(o) })
				}
			}
			if !bytes.Equal(out, s) {
				t.Errorf("%s changed:\n%s", name, out)
			}
		}
	}
}

// floatsForInts turns every int64 in v into the equal float64.
func floatsForInts(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		for k, e := range x {
			x[k] = floatsForInts(e)
		}
	case []interface{}:
		for i, e := range x {
			x[i] = floatsForInts(e)
		}
	case int64:
		return float64(x)
	}
	return v
}
