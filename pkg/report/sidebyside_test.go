package report

import (
	"reflect"
	"testing"
)

func TestSideBySide(t *testing.T) {
	diff := "--- git/VPC/default/vpc-1\n+++ cluster/VPC/default/vpc-1\n" +
		"@@ -5,5 +5,6 @@\n spec:\n-  ipv4Namespace: default\n+  ipv4Namespace: ipns-2\n+  restricted: true\n   subnets:\n-      vlan: 1002\n\\ No newline at end of file\n"
	want := []SideRow{
		{Hunk: "@@ -5,5 +5,6 @@"},
		{LeftNo: 5, RightNo: 5, Left: "spec:", Right: "spec:", LeftKind: "same", RightKind: "same"},
		{LeftNo: 6, Left: "  ipv4Namespace: default", LeftKind: "del", RightNo: 6, Right: "  ipv4Namespace: ipns-2", RightKind: "add"},
		{RightNo: 7, Right: "  restricted: true", RightKind: "add"},
		{LeftNo: 7, RightNo: 8, Left: "  subnets:", Right: "  subnets:", LeftKind: "same", RightKind: "same"},
		{LeftNo: 8, Left: "      vlan: 1002", LeftKind: "del"},
	}
	if got := SideBySide(diff); !reflect.DeepEqual(got, want) {
		t.Errorf("SideBySide:\n got %+v\nwant %+v", got, want)
	}
}

func TestSourceURL(t *testing.T) {
	tmpl := "https://github.com/org/repo/blob/{rev}/{file}#L{line}"
	cases := []struct {
		tmpl, rev, file string
		line            int
		want            string
	}{
		{tmpl, "abc123", "fabrics/lab/vpcs.yaml", 24, "https://github.com/org/repo/blob/abc123/fabrics/lab/vpcs.yaml#L24"},
		{tmpl, "", "a b/c#d.yaml", 1, "https://github.com/org/repo/blob/HEAD/a%20b/c%23d.yaml#L1"},
		{"", "abc", "x.yaml", 1, ""},
		{tmpl, "abc", "", 0, ""},
	}
	for _, c := range cases {
		if got := SourceURL(c.tmpl, c.rev, c.file, c.line); got != c.want {
			t.Errorf("SourceURL(%q, %q, %q, %d) = %q, want %q", c.tmpl, c.rev, c.file, c.line, got, c.want)
		}
	}
}
