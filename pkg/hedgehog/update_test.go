package hedgehog

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

func obj(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	var m map[string]interface{}
	if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: m}
}

func TestValidateUpdate(t *testing.T) {
	const conn = "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata: {name: c}\n"
	const sw = "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata: {name: s}\n"
	unbundled := conn + "spec: {unbundled: {link: {server: {port: srv/eth0}, switch: {port: leaf/E1/1}}}}\n"
	for _, c := range []struct {
		name, old, now, rule string
	}{
		{"same type, other port", unbundled, conn + "spec: {unbundled: {link: {server: {port: srv/eth0}, switch: {port: leaf/E1/2}}}}\n", ""},
		{"type changed", unbundled, conn + "spec: {bundled: {links: [{server: {port: srv/eth0}, switch: {port: leaf/E1/1}}]}}\n", "connection.type-immutable"},
		{"withinVPC kept", conn + "spec: {staticExternal: {withinVPC: v1, link: {switch: {port: b/E1/5}}}}\n", conn + "spec: {staticExternal: {withinVPC: v1, link: {switch: {port: b/E1/6}}}}\n", ""},
		{"withinVPC changed", conn + "spec: {staticExternal: {withinVPC: v1, link: {switch: {port: b/E1/5}}}}\n", conn + "spec: {staticExternal: {withinVPC: v2, link: {switch: {port: b/E1/5}}}}\n", "connection.within-vpc-immutable"},
		{"breakouts without roce", sw + "spec: {portBreakouts: {E1/55: 1x100G}}\n", sw + "spec: {portBreakouts: {E1/55: 4x25G}}\n", ""},
		{"roce turned on", sw + "spec: {portBreakouts: {E1/55: 1x100G}}\n", sw + "spec: {roce: true, portBreakouts: {E1/55: 1x100G}}\n", ""},
		{"breakouts with roce", sw + "spec: {roce: true, portBreakouts: {E1/55: 1x100G}}\n", sw + "spec: {roce: true, portBreakouts: {E1/55: 4x25G}}\n", "switch.roce-breakouts-immutable"},
		{"breakouts while roce turns off", sw + "spec: {roce: true}\n", sw + "spec: {portBreakouts: {E1/55: 4x25G}}\n", "switch.roce-breakouts-immutable"},
	} {
		vs := ValidateUpdate(obj(t, c.old), obj(t, c.now))
		var rules []string
		for _, v := range vs {
			rules = append(rules, v.Rule)
		}
		if strings.Join(rules, ",") != c.rule {
			t.Errorf("%s: rules %v, want %q", c.name, rules, c.rule)
		}
	}
}
