//go:build !unix

package hedgehog

import "time"

// vpcCPUTime is not measured on this platform.
func vpcCPUTime() time.Duration { return 0 }
