//go:build !unix

package hedgehog

import "time"

// wiringCPU is not measured off unix.
func wiringCPU() time.Duration { return 0 }
