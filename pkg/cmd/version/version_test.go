package version

import (
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{
		Main: debug.Module{Path: "github.com/githedgehog/kubectl-hnp", Version: "v0.3.0"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"},
			{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"},
		},
	}
	tests := []struct {
		name string
		in   Info
		want Info
	}{
		{"go install: the module version and VCS stamp", Info{Version: "dev", Commit: "none", Date: "unknown"},
			Info{Version: "v0.3.0", Commit: "0123456789ab", Date: "2026-12-01T10:00:00Z"}},
		{"the linker's values win", Info{Version: "v1.0.0", Commit: "abc1234", Date: "2026-11-30T00:00:00Z"},
			Info{Version: "v1.0.0", Commit: "abc1234", Date: "2026-11-30T00:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in
			fromBuildInfo(&got, bi)
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	devel := Info{Version: "dev", Commit: "none", Date: "unknown"}
	fromBuildInfo(&devel, &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}})
	if devel.Version != "dev" || devel.Commit != "none" {
		t.Errorf("a build without version information: %+v, want the defaults", devel)
	}
}
