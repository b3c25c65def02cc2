package writeback

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/desired"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/gitstate"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/manifest"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

type m = map[string]interface{}
type l = []interface{}

func TestGetSetRemovePointer(t *testing.T) {
	obj := m{"spec": m{
		"subnets":       m{"default": m{"vlan": int64(1002)}},
		"permit":        l{m{"vpc-1": m{}}, m{"vpc-2": m{"x": "y"}}},
		"portBreakouts": m{"E1/55": "4x25G"},
	}}
	if v, ok, err := GetPointer(obj, "/spec/subnets/default/vlan"); err != nil || !ok || v != int64(1002) {
		t.Errorf("get vlan = %v %v %v", v, ok, err)
	}
	if v, ok, _ := GetPointer(obj, "/spec/portBreakouts/E1~155"); !ok || v != "4x25G" {
		t.Errorf("get escaped key = %v %v", v, ok)
	}
	for _, p := range []string{"/spec/nope", "/spec/permit/2", "/spec/permit/01", "/spec/permit/x", "/spec/subnets/default/vlan/x"} {
		if _, ok, err := GetPointer(obj, p); ok || err != nil {
			t.Errorf("get %s: ok %v err %v, want absent", p, ok, err)
		}
	}
	if _, _, err := GetPointer(obj, "spec"); err == nil {
		t.Errorf("a pointer without a leading / is an error")
	}

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(SetPointer(obj, "/spec/subnets/default/vlan", int64(1099)))
	must(SetPointer(obj, "/spec/subnets/default/dhcp/range/start", "10.0.2.10")) // maps made on the way
	must(SetPointer(obj, "/spec/permit/1/vpc-2/x", "z"))
	must(SetPointer(obj, "/metadata/labels/fabric.githedgehog.com~1vpc", "v"))
	if err := SetPointer(obj, "/spec/permit/2/a", 1); err == nil || !strings.Contains(err.Error(), "/spec/permit") {
		t.Errorf("index past the end: %v", err)
	}
	if err := SetPointer(obj, "/spec/subnets/default/vlan/x", 1); err == nil || !strings.Contains(err.Error(), "number") {
		t.Errorf("into a scalar: %v", err)
	}
	if err := SetPointer(obj, "", 1); err == nil {
		t.Errorf("the whole object cannot be set")
	}
	must(RemovePointer(obj, "/spec/permit/0"))
	must(RemovePointer(obj, "/spec/portBreakouts/E1~155"))
	must(RemovePointer(obj, "/spec/not/there"))
	must(RemovePointer(obj, "/spec/permit/7"))
	want := m{
		"metadata": m{"labels": m{"fabric.githedgehog.com/vpc": "v"}},
		"spec": m{
			"subnets":       m{"default": m{"vlan": int64(1099), "dhcp": m{"range": m{"start": "10.0.2.10"}}}},
			"permit":        l{m{"vpc-2": m{"x": "z"}}},
			"portBreakouts": m{},
		}}
	if !reflect.DeepEqual(obj, want) {
		t.Errorf("got  %v\nwant %v", obj, want)
	}
}

func TestRemovePointerListElementInsideList(t *testing.T) {
	obj := m{"a": l{l{"x", "y", "z"}}}
	if err := RemovePointer(obj, "/a/0/1"); err != nil {
		t.Fatal(err)
	}
	if want := (m{"a": l{l{"x", "z"}}}); !reflect.DeepEqual(obj, want) {
		t.Errorf("got %v", obj)
	}
}

const vpc2Doc = `# vpc-2: the database tier.
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-2
  labels:
    team: db # owner
spec:
  ipv4Namespace: default
  vlanNamespace: default
  defaultIsolated: true   # keep apart
  subnets:
    default:
      subnet: 10.0.2.0/24
      vlan: 1002 # access VLAN
`

func object(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	obj, err := manifest.ParseDoc([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: obj}
}

// The drifted fields of a Git document take the cluster's values; the rest
// of the text, comments included, stays.
func TestAdoptFieldsKeepsTheDocument(t *testing.T) {
	desired := object(t, vpc2Doc)
	live := object(t, `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-2
  namespace: default
  uid: 1234
  labels: {team: db, fabric.githedgehog.com/vpc: vpc-2}
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"spec":{"subnets":{"default":{"subnet":"10.0.2.0/24","vlan":1002,"dhcp":{"enable":true}}}}}'
spec:
  ipv4Namespace: default
  vlanNamespace: default
  subnets:
    default: {subnet: 10.0.2.0/24, vlan: 1099, dhcp: {enable: true}}
status: {state: ok}
`)
	key := resource.Key{Kind: "VPC", Namespace: "default", Name: "vpc-2"}
	res := drift.Compare(resource.Set{key: {Key: key, Obj: desired}}, resource.Set{key: {Key: key, Obj: live}}, drift.Options{BuiltinIgnores: true})
	diffs := res.Resources[0].Diffs
	if len(diffs) != 3 {
		t.Fatalf("want 3 diffs (defaultIsolated only in Git, dhcp once applied, vlan changed), got %+v", diffs)
	}
	doc := deepCopy(desired.Object).(map[string]interface{})
	if err := AdoptFields(doc, diffs, live.Object); err != nil {
		t.Fatal(err)
	}
	text, err := manifest.Rewrite([]byte(vpc2Doc), doc)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(vpc2Doc, "vlan: 1002 # access VLAN", "vlan: 1099 # access VLAN", 1)
	want = strings.Replace(want, "  defaultIsolated: true   # keep apart\n", "", 1)
	want += "      dhcp:\n        enable: true\n"
	if string(text) != want {
		t.Errorf("--- want\n%s--- got\n%s", want, text)
	}
	after := &unstructured.Unstructured{Object: doc}
	res = drift.Compare(resource.Set{key: {Key: key, Obj: after}}, resource.Set{key: {Key: key, Obj: live}}, drift.Options{BuiltinIgnores: true})
	if res.HasDrift() {
		t.Errorf("after adoption, still drift: %+v", res.Resources)
	}
}

func TestForGit(t *testing.T) {
	live := object(t, `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-legacy
  namespace: fab
  uid: 0a1b
  resourceVersion: "42"
  generation: 3
  creationTimestamp: "2026-01-01T00:00:00Z"
  managedFields: [{manager: kubectl, operation: Update}]
  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: x, uid: 9}]
  finalizers: [example.com/x]
  labels:
    fabric.githedgehog.com/vpc: vpc-legacy
    team: legacy
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{}'
    fabric.githedgehog.com/note: x
spec:
  subnets:
    default: {subnet: 10.0.9.0/24, vlan: 1009}
status: {applied: {gen: 3}}
`)
	rules := drift.BuiltinRules()
	got, err := manifest.Encode(ForGit(live.Object, "fab", rules))
	if err != nil {
		t.Fatal(err)
	}
	want := `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-legacy
  labels:
    team: legacy
spec:
  subnets:
    default:
      subnet: 10.0.9.0/24
      vlan: 1009
`
	if string(got) != want {
		t.Errorf("--- want\n%s--- got\n%s", want, got)
	}
	if _, ok := live.Object["status"]; !ok {
		t.Errorf("ForGit modified its input")
	}
	// Another namespace is kept; a user rule removes a label too; no empty maps.
	user, err := drift.ParseIgnore("vpc/vpc-*:/metadata/labels/team")
	if err != nil {
		t.Fatal(err)
	}
	out := ForGit(live.Object, "default", append(rules, user))
	md := out["metadata"].(map[string]interface{})
	if want := (m{"name": "vpc-legacy", "namespace": "fab"}); !reflect.DeepEqual(md, want) {
		t.Errorf("metadata = %v, want %v", md, want)
	}
	other, _ := drift.ParseIgnore("switch:/metadata/labels/team")
	if md := ForGit(live.Object, "fab", append(rules, other))["metadata"].(map[string]interface{}); md["labels"] == nil {
		t.Errorf("a rule for another kind removed a label: %v", md)
	}
	// A rule of one namespace (a deployer's) applies in that namespace only.
	for ns, removed := range map[string]bool{"fab": true, "elsewhere": false} {
		r := user
		r.Namespace = ns
		md := ForGit(live.Object, "fab", append(rules, r))["metadata"].(map[string]interface{})
		if (md["labels"] == nil) != removed {
			t.Errorf("a rule of namespace %s: labels %v", ns, md["labels"])
		}
	}
}

func TestGlobMatch(t *testing.T) {
	for _, tt := range []struct {
		pat, s string
		want   bool
	}{
		{"fabric.githedgehog.com/*", "fabric.githedgehog.com/vpc1", true},
		{"fabric.githedgehog.com/*", "example.com/vpc1", false},
		{"*", "", true},
		{"a*b*c", "abc", true},
		{"a*b*c", "axbyc", true},
		{"a*a", "a", false},
		{"x", "x", true},
		{"*.mclag-1", "fabric.githedgehog.com/switchgroup.mclag-1", true},
	} {
		if got := globMatch(tt.pat, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v", tt.pat, tt.s, got)
		}
	}
}

func origins(objs ...[3]interface{}) resource.Set {
	set := resource.Set{}
	for _, o := range objs {
		k := resource.Key{Kind: o[0].(string), Namespace: "default", Name: o[1].(string)}
		org := o[2].(resource.Origin)
		set[k] = &resource.Object{Key: k, Origin: &org}
	}
	return set
}

func TestLayoutPlace(t *testing.T) {
	vpc, _ := kinds.Lookup("vpc")
	sw, _ := kinds.Lookup("sw")
	srv, _ := kinds.Lookup("srv")
	ipns, _ := kinds.Lookup("ipns")
	vlanns, _ := kinds.Lookup("vlanns")
	att, _ := kinds.Lookup("vpcattach")
	conn, _ := kinds.Lookup("conn")
	o := func(kind, name, file string, doc int) [3]interface{} {
		return [3]interface{}{kind, name, resource.Origin{File: file, Doc: doc, Line: 1}}
	}
	set := origins(
		// Shared file, several objects of the kind.
		o("VPC", "vpc-1", "f/vpcs/vpcs.yaml", 0), o("VPC", "vpc-2", "f/vpcs/vpcs.yaml", 1),
		// One per file, in one directory.
		o("Switch", "leaf-01", "f/wiring/switches/leaf-01.yaml", 0), o("Switch", "leaf-02", "f/wiring/switches/leaf-02.yaml", 0),
		// A shared JSON file: not appended to.
		o("Server", "s1", "f/wiring/servers.json", 0), o("Server", "s2", "f/wiring/servers.json", 1),
		// One object of its kind in a file with other documents: shared.
		o("IPv4Namespace", "default", "f/namespaces.yaml", 0), o("VLANNamespace", "default", "f/namespaces.yaml", 1),
		// One object alone in its file: one per file.
		o("VPCAttachment", "a1", "f/attach/a1.yaml", 0),
		// Mixed: two directories.
		o("Connection", "c1", "f/a/c1.yaml", 0), o("Connection", "c2", "f/b/c2.yaml", 0),
	)
	lay := NewLayout("f", set, map[string]int{"f/namespaces.yaml": 3})
	for _, tt := range []struct {
		k    *kinds.Kind
		want string
	}{
		{vpc, "f/vpcs/vpcs.yaml"},
		{sw, "f/wiring/switches/new.yaml"},
		{srv, "f/servers/new.yaml"},
		{ipns, "f/namespaces.yaml"},
		{vlanns, "f/namespaces.yaml"},
		{att, "f/attach/new.yaml"},
		{conn, "f/connections/new.yaml"},
	} {
		if got := lay.Place(tt.k, "new"); got != tt.want {
			t.Errorf("Place(%s) = %s, want %s", tt.k.Kind, got, tt.want)
		}
	}
	// A file holding one object of a kind among other, unmanaged, documents
	// is shared: the document count says so.
	one := origins(o("VPC", "vpc-1", "f/all.yaml", 0))
	if got := NewLayout("f", one, map[string]int{"f/all.yaml": 2}).Place(vpc, "n"); got != "f/all.yaml" {
		t.Errorf("shared by documents: %s", got)
	}
	if got := NewLayout("f", one, nil).Place(vpc, "n"); got != "f/n.yaml" {
		t.Errorf("one per file: %s", got)
	}
	if got := NewLayout("f", resource.Set{}, nil).Place(vpc, "n"); got != "f/vpcs/n.yaml" {
		t.Errorf("no layout: %s", got)
	}
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, body := range files {
		abs := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const twoVPCs = `# VPCs.
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1 # first
spec:
  subnets:
    default: {subnet: 10.0.1.0/24, vlan: 1001}
---
# second
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-2
spec:
  subnets:
    default:
      subnet: 10.0.2.0/24
      vlan: 1002 # access
`

func TestLoadLayoutAndAdoptChange(t *testing.T) {
	root := writeTree(t, map[string]string{
		"f/vpcs.yaml":            twoVPCs,
		"f/ns.yaml":              "apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: default\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n",
		"f/switches/leaf-1.yaml": "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: leaf-1\n",
	})
	lay, err := LoadLayout(root, "f")
	if err != nil {
		t.Fatal(err)
	}
	vpc, _ := kinds.Lookup("vpc")
	vlanns, _ := kinds.Lookup("vlanns")
	sw, _ := kinds.Lookup("sw")
	if got := lay.Place(vpc, "vpc-3"); got != "f/vpcs.yaml" {
		t.Errorf("vpc: %s", got)
	}
	if got := lay.Place(vlanns, "other"); got != "f/ns.yaml" {
		t.Errorf("vlanns (the ConfigMap makes the file shared): %s", got)
	}
	if got := lay.Place(sw, "leaf-2"); got != "f/switches/leaf-2.yaml" {
		t.Errorf("switch: %s", got)
	}

	d, err := desired.Load(root, "f")
	if err != nil {
		t.Fatal(err)
	}
	key := func(n string) resource.Key { return resource.Key{Kind: "VPC", Namespace: "default", Name: n} }
	edit := func(name, from, to string) DocEdit {
		loc, err := LocateOrigin(root, key(name), d.Objects[key(name)].Origin)
		if err != nil {
			t.Fatal(err)
		}
		return DocEdit{Loc: loc, Text: []byte(strings.Replace(string(loc.DocBytes), from, to, 1))}
	}
	edits := []DocEdit{edit("vpc-1", "vlan: 1001", "vlan: 1101"), edit("vpc-2", "vlan: 1002", "vlan: 1102")}
	adds := []NewDoc{
		{Key: key("vpc-3"), File: "f/vpcs.yaml", Text: []byte("apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-3\n")},
		{Key: resource.Key{Kind: "Switch", Namespace: "default", Name: "leaf-2"}, File: "f/switches/leaf-2.yaml", Text: []byte("apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: leaf-2\n")},
	}
	files, err := Adopt("f", "default", edits, adds)(root)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(strings.Replace(twoVPCs, "vlan: 1001", "vlan: 1101", 1), "vlan: 1002", "vlan: 1102", 1) +
		"---\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-3\n"
	if len(files) != 2 || string(files["f/vpcs.yaml"]) != want || string(files["f/switches/leaf-2.yaml"]) != string(adds[1].Text) {
		t.Errorf("files: %v\n--- vpcs.yaml want\n%s--- got\n%s", len(files), want, files["f/vpcs.yaml"])
	}

	// The remote changed vpc-2: a conflict.
	moved := writeTree(t, map[string]string{"f/vpcs.yaml": strings.Replace(twoVPCs, "# access", "# changed", 1)})
	var ce *gitstate.ConflictError
	if _, err := Adopt("f", "default", edits, nil)(moved); !errors.As(err, &ce) || !strings.Contains(err.Error(), "vpc-2 was changed") {
		t.Errorf("changed document: %v", err)
	}
	// vpc-3 appeared in Git meanwhile: a conflict.
	added := writeTree(t, map[string]string{"f/vpcs.yaml": twoVPCs + "---\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-3\n"})
	if _, err := Adopt("f", "default", nil, adds[:1])(added); !errors.As(err, &ce) || !strings.Contains(err.Error(), "added to Git meanwhile") {
		t.Errorf("added object: %v", err)
	}
	// vpc-1 gone: a conflict.
	gone := writeTree(t, map[string]string{"f/other.yaml": "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-2\n"})
	if _, err := Adopt("f", "default", edits[:1], nil)(gone); !errors.As(err, &ce) || !strings.Contains(err.Error(), "deleted or moved") {
		t.Errorf("deleted object: %v", err)
	}
}

func TestLocateOriginRefusesJSON(t *testing.T) {
	_, err := LocateOrigin(t.TempDir(), resource.Key{Kind: "Server", Namespace: "default", Name: "s"}, &resource.Origin{File: "f/servers.json", Line: 3})
	if err == nil || !strings.Contains(err.Error(), "JSON files is not supported") || !strings.Contains(err.Error(), "f/servers.json:3") {
		t.Errorf("err = %v", err)
	}
}
