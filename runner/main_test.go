package runner

import (
	"os"
	"testing"
)

// TestMain lets the test binary serve as the runner's worker process, as
// cmd/run does.
func TestMain(m *testing.M) {
	MaybeWorker()
	os.Exit(m.Run())
}
