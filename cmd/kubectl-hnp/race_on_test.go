//go:build race

package main

// maxInitBytes bounds what all initialisers allocate together in a -race
// build (`make test`), where the race detector makes every allocation
// larger: 8.7 MB measured when the bound was set (3.5 MB without -race).
const maxInitBytes = 10 << 20
