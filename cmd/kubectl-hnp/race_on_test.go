//go:build race

package main

// maxInitBytesRace bounds the initialisers' allocations in a -race build
// (`make test`), where the race detector makes every allocation larger:
// 8.7 MB measured when the bound was set.
const maxInitBytesRace = 10 << 20
