package hedgehog

import (
	"math/rand"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

// TestWiringLabelFastPath: the fast label checks never accept what the
// API server's rules refuse.
func TestWiringLabelFastPath(t *testing.T) {
	samples := []string{
		"", "a", "A", "-a", "a-", "a_b", "a.b", "a..b", "a/b", "/b", "a/", "a//b", "a/b/c",
		"fabric.githedgehog.com/connection-type", "switch.fabric.githedgehog.com/leaf-01",
		"switchgroup.fabric.githedgehog.com/", "Fabric.githedgehog.com/x", "a-.b/c", "a.-b/c", "a-b.c/d",
		"<invalid>", "true", strings.Repeat("a", 63), strings.Repeat("a", 64),
		"x/" + strings.Repeat("a", 63), "x/" + strings.Repeat("a", 64), strings.Repeat("a", 254) + "/b",
	}
	rng := rand.New(rand.NewSource(1))
	const alphabet = "aZ09-_./<"
	for i := 0; i < 20000; i++ {
		b := make([]byte, 1+rng.Intn(12))
		for j := range b {
			b[j] = alphabet[rng.Intn(len(alphabet))]
		}
		samples = append(samples, string(b))
	}
	for _, s := range samples {
		if wiringLabelKeyOK(s) && len(validation.IsQualifiedName(s)) > 0 {
			t.Errorf("key %q: fast check accepts, %v", s, validation.IsQualifiedName(s))
		}
		if wiringLabelValueOK(s) && len(validation.IsValidLabelValue(s)) > 0 {
			t.Errorf("value %q: fast check accepts, %v", s, validation.IsValidLabelValue(s))
		}
	}
	// and it accepts the labels the webhooks set on a valid fabric
	for _, k := range []string{"fabric.githedgehog.com/connection-type", "switch.fabric.githedgehog.com/leaf-01", "vlanns.fabric.githedgehog.com/default"} {
		if !wiringLabelKeyOK(k) {
			t.Errorf("key %q refused", k)
		}
	}
}

// TestWiringGarbage: fields of the wrong type (the schema check's
// business) never make Default or the rules panic.
func TestWiringGarbage(t *testing.T) {
	docs := wiringDocs(t, []byte(`
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: c1, labels: {a: 1, fabric.githedgehog.com/x: [1]}}
spec: {unbundled: {link: "x"}, fabric: {links: "y"}}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: c2}
spec: {fabric: {links: [1, {spine: "s", leaf: {port: 7, ip: 3}}]}, staticExternal: {link: {switch: {subnets: "z"}}}}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: {name: c3}
spec: "nothing"
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: s1, labels: "x"}
spec: {groups: [1, "a"], vlanNamespaces: "x", portSpeeds: [1], linkFlapErrDisable: 3, redundancy: "r", asn: "x"}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: "x"
spec: []
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata: {name: v1}
spec: {ranges: [1, {from: "a"}, {from: 70000}]}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata: {name: v2}
spec: {ranges: {from: 1}}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Server
metadata: {name: sv, labels: null}
spec: null
`))
	rep := ValidateObjects(docs, wiringConfig(t))
	if len(rep.Violations) == 0 {
		t.Fatal("no violations on garbage")
	}
	idx := NewIndex(docs)
	for _, o := range docs {
		Default(o.DeepCopy())
		ValidateDelete(o, idx)
	}
}
