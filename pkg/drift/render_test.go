package drift

import (
	"fmt"
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

func TestUnifiedDiff(t *testing.T) {
	desired := obj(t, fmt.Sprintf(switchDesired, "5"))
	actual := obj(t, switchActual)
	r := compareOne(t, desired, actual, Options{})
	got, err := UnifiedDiff(r, desired, actual, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := `--- git/Switch/default/leaf-1
+++ cluster/Switch/default/leaf-1
@@ -5,5 +5,5 @@
   namespace: default
 spec:
   linkFlapErrDisable:
-    flapThreshold: 5
+    flapThreshold: 3
   role: server-leaf
`
	if got != want {
		t.Errorf("UnifiedDiff:\n%s\nwant:\n%s", got, want)
	}

	// Strict mode shows what it reports: defaults and controller labels.
	r = compareOne(t, desired, actual, Options{Strict: true})
	got, err = UnifiedDiff(r, desired, actual, Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"+    fabric.githedgehog.com/switch: leaf-1", "+  enableAllPorts: false", "+    recoveryInterval: 300", "+    samplingInterval: 30"} {
		if !strings.Contains(got, line+"\n") {
			t.Errorf("strict diff lacks %q:\n%s", line, got)
		}
	}
	if strings.Contains(got, "uid") || strings.Contains(got, "status") || strings.Contains(got, "resourceVersion") {
		t.Errorf("strict diff shows normalised-away fields:\n%s", got)
	}
}

func TestUnifiedDiffInSyncIsEmpty(t *testing.T) {
	desired := obj(t, fmt.Sprintf(switchDesired, "3"))
	actual := obj(t, switchActual)
	for _, opts := range []Options{{}, {BuiltinIgnores: true}, {Strict: true, Ignores: []Rule{{Pointer: "/spec"}, {Pointer: "/metadata/labels"}}}} {
		r := compareOne(t, desired, actual, opts)
		if r.Status != StatusInSync {
			t.Fatalf("%+v: status %s, diffs %+v", opts, r.Status, r.Diffs)
		}
		got, err := UnifiedDiff(r, desired, actual, opts)
		if err != nil || got != "" {
			t.Errorf("%+v: UnifiedDiff = %q, %v; want empty", opts, got, err)
		}
	}
}

func TestUnifiedDiffOneSided(t *testing.T) {
	o := obj(t, `{apiVersion: vpc.githedgehog.com/v1beta1, kind: VPC, metadata: {name: v, uid: u}, spec: {a: 1}, status: {s: 1}}`)
	want := `--- git/VPC/default/v
+++ cluster/VPC/default/v
@@ -1,7 +0,0 @@
-apiVersion: vpc.githedgehog.com/v1beta1
-kind: VPC
-metadata:
-  name: v
-  namespace: default
-spec:
-  a: 1
`
	r := compareOne(t, o, nil, Options{})
	got, err := UnifiedDiff(r, o, nil, Options{})
	if err != nil || got != want {
		t.Errorf("missing from cluster: %v\n%s\nwant:\n%s", err, got, want)
	}
	r = compareOne(t, nil, o, Options{})
	got, err = UnifiedDiff(r, nil, o, Options{})
	wantNotInGit := strings.NewReplacer("-1,7 +0,0", "-0,0 +1,7", "\n-", "\n+").Replace(want)
	if err != nil || got != wantNotInGit {
		t.Errorf("not in Git: %v\n%s\nwant:\n%s", err, got, wantNotInGit)
	}
}

func TestViews(t *testing.T) {
	desired := obj(t, `
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: v, labels: {team: a}}
spec: {subnets: {s1: {vlan: 1}, s2: {vlan: 2}, s3: {}}, permit: [[s1, s2]]}
`)
	actual := withLastApplied(t, `
apiVersion: vpc.githedgehog.com/v1beta2
kind: VPC
metadata: {name: v, namespace: default, labels: {team: a, fabric.githedgehog.com/vpc: v}, finalizers: [f]}
spec: {subnets: {s1: {vlan: 1, dhcp: {enable: false}}, s4: {vlan: 4}}, permit: [[s1]]}
`, `{kind: VPC, metadata: {name: v}, spec: {subnets: {s4: {vlan: 4}}}}`)
	git, cluster := Views(desired, actual, Options{})
	wantGit := intify(mustMap(t, `
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: v, namespace: default, labels: {team: a}}
spec: {subnets: {s1: {vlan: 1}, s2: {vlan: 2}, s3: {}}, permit: [[s1, s2]]}
`))
	wantCluster := intify(mustMap(t, `
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata: {name: v, namespace: default, labels: {team: a}}
spec: {subnets: {s1: {vlan: 1}, s4: {vlan: 4}}, permit: [[s1]]}
`))
	if d := diffMaps(wantGit, git); d != "" {
		t.Errorf("git view (-want +got):\n%s", d)
	}
	if d := diffMaps(wantCluster, cluster); d != "" {
		t.Errorf("cluster view (-want +got):\n%s", d)
	}
	y, err := NormalizedYAML(cluster)
	if err != nil || !strings.HasPrefix(string(y), "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n") {
		t.Errorf("NormalizedYAML = %q, %v", y, err)
	}
	if y, err := NormalizedYAML(nil); y != nil || err != nil {
		t.Errorf("NormalizedYAML(nil) = %q, %v", y, err)
	}
	if g, c := Views(nil, nil, Options{}); g != nil || c != nil {
		t.Errorf("Views(nil, nil) = %v, %v", g, c)
	}
	var none *resource.Object
	if g, _ := Views(none, actual, Options{}); g != nil {
		t.Errorf("git view of an object not in Git = %v", g)
	}
}
