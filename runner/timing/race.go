//go:build race

package runner

// raceEnabled reports that the binary was built with the race detector,
// which slows goroutines unevenly: timings mean nothing then.
const raceEnabled = true
