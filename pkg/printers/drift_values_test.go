package printers

import (
	"strings"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
)

func TestCompactValue(t *testing.T) {
	tests := []struct {
		v    interface{}
		want string
	}{
		{"default", "default"},
		{"10.0.1.0/24", "10.0.1.0/24"},
		{"1002", `"1002"`},
		{"1.5", `"1.5"`},
		{"true", `"true"`},
		{"null", `"null"`},
		{"", `""`},
		{"two words", `"two words"`},
		{"(absent)", `"(absent)"`},
		{"a|b", `"a|b"`},
		{"<b>&", `"<b>&"`},
		{"tab\there\x1b[31m", `"tab\there\u001b[31m"`},
		{"ünïcode", `"ünïcode"`},
		{int64(1002), "1002"},
		{1.5, "1.5"},
		{false, "false"},
		{nil, "null"},
		{map[string]interface{}{"b": int64(1), "a": []interface{}{"x", true}}, `{"a":["x",true],"b":1}`},
	}
	for _, tt := range tests {
		if got := compactValue(tt.v); got != tt.want {
			t.Errorf("compactValue(%#v) = %s, want %s", tt.v, got, tt.want)
		}
	}
}

func TestDiffSides(t *testing.T) {
	tests := []struct {
		d            drift.FieldDiff
		git, cluster string
	}{
		{drift.FieldDiff{Desired: int64(1002), Actual: int64(1099), Type: drift.DiffChanged}, "1002", "1099"},
		{drift.FieldDiff{Desired: false, Type: drift.DiffOnlyInGit}, "false", absentValue},
		{drift.FieldDiff{Actual: false, Type: drift.DiffOnlyInCluster}, absentValue, "false"},
		{drift.FieldDiff{Desired: nil, Actual: "x", Type: drift.DiffChanged}, "null", "x"},
	}
	for _, tt := range tests {
		if git, cluster := diffSides(tt.d); git != tt.git || cluster != tt.cluster {
			t.Errorf("diffSides(%+v) = %s, %s; want %s, %s", tt.d, git, cluster, tt.git, tt.cluster)
		}
	}
}

func TestFieldsCell(t *testing.T) {
	long := strings.Repeat("x", 50)
	three := []drift.FieldDiff{
		{Path: "/a", Desired: int64(1), Actual: int64(2), Type: drift.DiffChanged},
		{Path: "/b", Desired: true, Type: drift.DiffOnlyInGit},
		{Path: "/c", Actual: "v", Type: drift.DiffOnlyInCluster},
	}
	tests := []struct {
		name  string
		diffs []drift.FieldDiff
		wide  bool
		want  string
	}{
		{"none", nil, false, "-"},
		{"two", three[:2], false, "/a: 1→2; /b: true→(absent)"},
		{"more", three, false, "/a: 1→2; /b: true→(absent) (+1 more)"},
		{"wide", three, true, "/a: 1→2; /b: true→(absent); /c: (absent)→v"},
		{"long", []drift.FieldDiff{{Path: "/d", Desired: long, Actual: "y", Type: drift.DiffChanged}}, false,
			"/d: " + strings.Repeat("x", 39) + "…→y"},
		{"long wide", []drift.FieldDiff{{Path: "/d", Desired: long, Actual: "y", Type: drift.DiffChanged}}, true,
			"/d: " + long + "→y"},
		{"control in path", []drift.FieldDiff{{Path: "/e\tf", Desired: "1", Actual: "2", Type: drift.DiffChanged}}, false,
			`/e\tf: "1"→"2"`},
	}
	for _, tt := range tests {
		if got := fieldsCell(tt.diffs, tt.wide); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate("äöü", 3); got != "äöü" {
		t.Errorf("fits: %q", got)
	}
	if got := truncate("äöüß", 3); got != "äö…" {
		t.Errorf("cut: %q", got)
	}
}

func TestSanitize(t *testing.T) {
	if got := sanitize("a\tb\nc\x1b[0m\u0085"); got != `a\tb\nc\x1b[0m\u0085` {
		t.Errorf("got %q", got)
	}
	if got := sanitize("plain → ✓"); got != "plain → ✓" {
		t.Errorf("got %q", got)
	}
}

func TestLocationAndNames(t *testing.T) {
	r := drift.ResourceResult{Kind: "Switch", Name: "leaf-01"}
	if resourceName(r) != "leaf-01" || fileLocation(r) != "" {
		t.Errorf("cluster-scoped, no file: %q %q", resourceName(r), fileLocation(r))
	}
	r.Namespace, r.File = "default", "a.yaml"
	if resourceName(r) != "default/leaf-01" || fileLocation(r) != "a.yaml" {
		t.Errorf("no line: %q %q", resourceName(r), fileLocation(r))
	}
	r.Line = 7
	if fileLocation(r) != "a.yaml:7" {
		t.Errorf("with line: %q", fileLocation(r))
	}
	if shortRevision("1a2b3c4d") != "1a2b3c4" || shortRevision("abc") != "abc" {
		t.Error("shortRevision")
	}
}
