package writeback

import (
	"strings"
	"testing"
)

func TestAddResource(t *testing.T) {
	cases := []struct{ name, src, want, err string }{
		{"block list, comments kept", "# base\nresources:\n  - a.yaml # first\n  - b\nnamePrefix: x-\n",
			"# base\nresources:\n  - a.yaml # first\n  - b\n  - vpcs/v.yaml\nnamePrefix: x-\n", ""},
		{"no resources", "namePrefix: x-", "namePrefix: x-\nresources:\n- vpcs/v.yaml\n", ""},
		{"flow list", "resources: [a.yaml]\n", "", "kustomization.yaml:1: add \"vpcs/v.yaml\" to resources: by hand"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := addResource("kustomization.yaml", []byte(c.src), "vpcs/v.yaml")
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || string(got) != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

func TestNearestKustomization(t *testing.T) {
	kusts := []string{"overlays/lab/kustomization.yaml", "base/kustomization.yaml", "base/wiring/kustomization.yaml"}
	for file, want := range map[string]string{
		"base/vpcs/v.yaml":        "base/kustomization.yaml",
		"base/wiring/sw/s.yaml":   "base/wiring/kustomization.yaml",
		"overlays/lab/x/new.yaml": "overlays/lab/kustomization.yaml",
		"elsewhere/v.yaml":        "",
	} {
		if got := nearestKustomization(kusts, file); got != want {
			t.Errorf("%s: %q, want %q", file, got, want)
		}
	}
}

func TestRemoveLine(t *testing.T) {
	if got := string(removeLine([]byte("a\nb\nc\n"), 2)); got != "a\nc\n" {
		t.Errorf("got %q", got)
	}
	if got := string(removeLine([]byte("a\nb"), 2)); got != "a\n" {
		t.Errorf("got %q", got)
	}
}

func TestDiffPaths(t *testing.T) {
	a := map[string]interface{}{"spec": map[string]interface{}{"vlan": 1.0, "x/y": "a"}, "k": "v"}
	b := map[string]interface{}{"spec": map[string]interface{}{"vlan": 2.0, "x/y": "b"}, "k": "v"}
	got := strings.Join(diffPaths("", a, b), " ")
	if got != "/spec/vlan /spec/x~1y" {
		t.Errorf("got %q", got)
	}
}
