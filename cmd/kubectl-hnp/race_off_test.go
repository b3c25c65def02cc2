//go:build !race

package main

// maxInitBytesRace is not used without -race.
const maxInitBytesRace = 0
