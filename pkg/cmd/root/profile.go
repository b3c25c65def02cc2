package root

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfiles writes a CPU profile of the whole command to the file
// named by HNP_CPUPROFILE and, when the command ends, a heap profile
// (allocations since start and memory in use) to the file named by
// HNP_MEMPROFILE, for `go tool pprof`; neither is set in normal use. It
// returns the function that finishes them. A profile that cannot be
// written is reported on stderr and does not change the command's result.
func startProfiles(getenv func(string) string, stderr func(error)) (stop func()) {
	var cpu *os.File
	if p := getenv("HNP_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			stderr(fmt.Errorf("HNP_CPUPROFILE: %w", err))
		} else {
			cpu = f
		}
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil {
				stderr(fmt.Errorf("HNP_CPUPROFILE: %w", err))
			}
		}
		if p := getenv("HNP_MEMPROFILE"); p != "" {
			// The allocation counts are as of the last collection, and a
			// run that reads a cluster may not have collected at all.
			runtime.GC()
			f, err := os.Create(p)
			if err == nil {
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				stderr(fmt.Errorf("HNP_MEMPROFILE: %w", err))
			}
		}
	}
}
