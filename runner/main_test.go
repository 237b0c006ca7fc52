package runner

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// TestMain lets the test binary serve as the runner's worker process, as
// cmd/run does, and as a run of a chapter that a test kills
// (TestNothingLeftBehind).
func TestMain(m *testing.M) {
	MaybeWorker()
	if path := os.Getenv(runChapterEnv); path != "" {
		_, err := RunChapter(context.Background(), path, &Options{})
		fmt.Println(err)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runChapterEnv makes the test binary run the chapter it names and exit.
const runChapterEnv = "BOOK_TEST_RUN_CHAPTER"
