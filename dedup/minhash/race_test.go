//go:build race

package minhash

// raceEnabled relaxes timing checks under the race detector.
const raceEnabled = true
