//go:build !race

package timing

// RaceEnabled reports that the binary was built with the race detector.
const RaceEnabled = false
