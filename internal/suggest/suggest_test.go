package suggest

import "testing"

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"vpc", "vpc", 0}, {"vcp", "vpc", 2}, {"vpcs", "vpc", 1}, {"VPC", "vpc", 0},
		{"swich", "switch", 1}, {"lab", "prod", 4}, {"", "abc", 3}, {"résumé", "resume", 2},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}

func TestHint(t *testing.T) {
	names := []string{"vpc", "vpcs", "vpcattach", "sw", "switch", "switches"}
	tests := []struct{ in, want string }{
		{"vcp", `did you mean one of "vpc", "vpcs"?`},
		{"swtich", `did you mean "switch"?`},
		{"switchs", `did you mean one of "switch", "switches"?`},
		{"connection", ""},
		{"vpc", `did you mean "vpcs"?`},
	}
	for _, tt := range tests {
		if got := Hint(tt.in, names); got != tt.want {
			t.Errorf("Hint(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
