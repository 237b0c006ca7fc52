//go:build !race

package runner

// raceEnabled reports that the binary was built with the race detector.
const raceEnabled = false
