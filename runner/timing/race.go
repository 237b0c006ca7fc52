//go:build race

package timing

// RaceEnabled reports that the binary was built with the race detector,
// which slows goroutines unevenly: timings mean nothing then, and Check
// skips them.
const RaceEnabled = true
