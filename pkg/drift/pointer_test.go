package drift

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPointerRoundTrip(t *testing.T) {
	tests := []struct {
		segs []string
		ptr  string
	}{
		{nil, ""},
		{[]string{""}, "/"},
		{[]string{"spec", "subnets", "s1"}, "/spec/subnets/s1"},
		{[]string{"metadata", "labels", "fabric.githedgehog.com/vpc"}, "/metadata/labels/fabric.githedgehog.com~1vpc"},
		{[]string{"a~b", "~1", "/~"}, "/a~0b/~01/~1~0"},
	}
	for _, tt := range tests {
		if got := FormatPointer(tt.segs); got != tt.ptr {
			t.Errorf("FormatPointer(%q) = %q, want %q", tt.segs, got, tt.ptr)
		}
		got, err := ParsePointer(tt.ptr)
		if err != nil {
			t.Fatalf("ParsePointer(%q): %v", tt.ptr, err)
		}
		if d := cmp.Diff(tt.segs, got); d != "" {
			t.Errorf("ParsePointer(%q) (-want +got):\n%s", tt.ptr, d)
		}
	}
	for _, bad := range []string{"spec", "/a~", "/a~2b", "/~x"} {
		if _, err := ParsePointer(bad); err == nil {
			t.Errorf("ParsePointer(%q) succeeded", bad)
		}
	}
}

func TestComparePaths(t *testing.T) {
	ordered := [][]string{
		{"a"},
		{"a", "2"},
		{"a", "10"},
		{"a", "b"},
		{"a-b"},
		{"b"},
	}
	for i := range ordered {
		for j := range ordered {
			got := comparePaths(ordered[i], ordered[j])
			if (i < j && got >= 0) || (i > j && got <= 0) || (i == j && got != 0) {
				t.Errorf("comparePaths(%q, %q) = %d", ordered[i], ordered[j], got)
			}
		}
	}
}
