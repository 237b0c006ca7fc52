package tracespans

import (
	"bytes"
	"context"
	"fmt"
	rtrace "runtime/trace"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRecorder: each region becomes a span in its goroutine's lane, with
// its type as the label and its length, nested regions included.
func TestRecorder(t *testing.T) {
	rec, err := Start()
	require.NoError(t, err)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := 1; i <= 3; i++ {
		wg.Go(func() {
			rtrace.WithRegion(ctx, fmt.Sprint("task ", i), func() { time.Sleep(20 * time.Millisecond) })
		})
	}
	wg.Wait()
	outer := rtrace.StartRegion(ctx, "outer")
	rtrace.WithRegion(ctx, "inner", func() { time.Sleep(time.Millisecond) })
	outer.End()
	open := rtrace.StartRegion(ctx, "never ended")
	spans, dropped := rec.Stop()
	open.End()
	again, _ := rec.Stop()
	assert.Nil(t, again, "the first Stop has the spans")
	assert.Zero(t, dropped)

	require.Len(t, spans, 5, "%v", spans)
	lanes := map[string]bool{}
	for _, s := range spans[:3] {
		assert.Regexp(t, `^task [123]$`, s.Label)
		assert.Regexp(t, `^goroutine \d+$`, s.Lane)
		assert.GreaterOrEqual(t, s.End-s.Start, 20*time.Millisecond, "%v", s)
		lanes[s.Lane] = true
	}
	assert.Len(t, lanes, 3, "one lane per goroutine")
	assert.Equal(t, "outer", spans[3].Label)
	assert.Equal(t, "inner", spans[4].Label)
	assert.Equal(t, spans[3].Lane, spans[4].Lane)
	assert.True(t, spans[3].Start <= spans[4].Start && spans[4].End <= spans[3].End, "inner nests in outer: %v", spans[3:])
	for i := 1; i < len(spans); i++ {
		assert.LessOrEqual(t, spans[i-1].Start, spans[i].Start, "in order of start")
	}
}

func TestReadBadInput(t *testing.T) {
	_, _, err := Read(bytes.NewReader([]byte("not a trace")))
	assert.ErrorContains(t, err, "reading the execution trace")
	spans, _, err := ReadFile(t.TempDir() + "/missing")
	assert.NoError(t, err, "a program that never traced has no spans")
	assert.Empty(t, spans)
}

func TestWanted(t *testing.T) {
	assert.True(t, Wanted("import (\n\t\"fmt\"\n\t\"runtime/trace\"\n)"))
	assert.False(t, Wanted("import \"runtime\""))
	assert.False(t, Wanted("import \"runtime/trace\"\n\nfunc main() { trace.Start(f) }"), "a cell that takes its own trace")
}
