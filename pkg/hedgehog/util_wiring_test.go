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
