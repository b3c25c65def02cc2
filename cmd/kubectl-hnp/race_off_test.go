//go:build !race

package main

// maxInitBytes bounds what all initialisers allocate together: 3.5 MB when
// last tightened, down from 5.6 MB. On a machine where page faults are slow
// every megabyte is about 2.5 ms of `version`'s CPU. (-race: race_on_test.go.)
const maxInitBytes = 4 << 20
