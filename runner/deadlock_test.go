package runner

import (
	"context"
	"testing"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDeadlock runs testdata/deadlock/deadlock.md: the interpreter ends a
// deadlocked cell with Go's fatal error, at once, and only when Go would
// (a sleeping goroutine or a live timer keeps it waiting to its timeout).
// Without -short, each cell runs under both engines, which must agree.
func TestDeadlock(t *testing.T) {
	engine := "both"
	if testing.Short() {
		engine = "yaegi"
	}
	rep, err := RunChapter(context.Background(), "testdata/deadlock/deadlock.md", &Options{Engine: engine})
	require.NoError(t, err)
	require.Empty(t, rep.Errors)
	for _, r := range rep.Results {
		assert.Equal(t, chapter.Pass, r.Status, "cell %s: %s %v", r.Cell, r.Error, r.Problems)
	}
	for _, name := range []string{"recv", "sync", "fragment"} {
		r := rep.Result(name)
		assert.Less(t, r.Time, time.Second, "cell %s: a deadlock is reported at once, not at the timeout", name)
	}
	assert.GreaterOrEqual(t, rep.Result("after-then-block").Time, 200*time.Millisecond, "not before the timer fired")
}
