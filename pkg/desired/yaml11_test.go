package desired

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestYAML11ReadsAsKubectlAndWarns(t *testing.T) {
	root := t.TempDir()
	doc := `apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-01
spec:
  role: server-leaf
  enableAllPorts: yes
  roce: "on"
  asn: 0755
  groups: [off, "no"]
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Server
metadata: {name: s1}
spec: {description: plain}
`
	if err := os.WriteFile(filepath.Join(root, "f.yaml"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Load(root, ".")
	if err != nil {
		t.Fatal(err)
	}
	notes := d.YAML11(true)
	var got []string
	for _, n := range notes {
		got = append(got, n.Path)
	}
	if strings.Join(got, " ") != "/spec/enableAllPorts /spec/groups/0" {
		t.Fatalf("notes at %v, want /spec/enableAllPorts and /spec/groups/0", got)
	}
	if s := notes[0].String(); !strings.Contains(s, "f.yaml:1") || !strings.Contains(s, "the boolean true for kubectl") || !strings.Contains(s, `"yes" for Flux`) {
		t.Errorf("warning: %s", s)
	}
	for k, o := range d.Objects {
		spec := o.Obj.Object["spec"].(map[string]interface{})
		if k.Kind != "Switch" {
			continue
		}
		if spec["enableAllPorts"] != true || spec["roce"] != "on" || spec["asn"] != int64(493) {
			t.Errorf("not read as kubectl reads it: %v", spec)
		}
		if g := spec["groups"].([]interface{}); g[0] != false || g[1] != "no" {
			t.Errorf("groups: %v", g)
		}
	}
}

func TestYAML11SkipsFilesWithoutCandidates(t *testing.T) {
	for _, s := range []string{"a: b\n", "a: 'yes'\n", "a: 10\n", "# yes\n", "k: no-way\n", "a: b # on\nc: d\n", "a: x#yes\n", "a: yes\r\n", "a:\tyes\n", "a: 0\n", "a: 0x1F\n", ""} {
		if hasYAML11Candidate([]byte(s)) {
			t.Errorf("%q: candidate", s)
		}
	}
	for _, s := range []string{"a: yes\n", "- off\n", "a: [on]\n", "a: 0755\n", "a: 1_000\n", "a: yes", "a: b # c\nd: NO\n", "{a: Y}", "a: 0b101\n", "a: 0o17 # x\n", "a,on,b"} {
		if !hasYAML11Candidate([]byte(s)) {
			t.Errorf("%q: no candidate", s)
		}
	}
}
