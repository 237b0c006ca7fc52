package runner

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency101/book/runner/chapter"
)

// TestTimedRunMainCPU: a timed run (timedRun's context) of a program under
// the interpreter reports the CPU time of its main goroutine, locked to a
// thread: nearly all of a sequential program's, little of a pool's whose
// main waits; a run that is not timed does not lock main and reports it
// unknown. The programs' output is the same either way.
func TestTimedRunMainCPU(t *testing.T) {
	if _, err := os.Stat("/proc/thread-self/schedstat"); err != nil {
		t.Skip("no /proc/thread-self/schedstat")
	}
	work := "func work(n int) int {\n\tt := 0\n\tfor i := 0; i < n; i++ {\n\t\tt += i * i % 7\n\t}\n\treturn t\n}\n\n"
	src := "```{.go name=\"seq\"}\npackage main\n\nimport \"fmt\"\n\n" + work +
		"func main() {\n\ts := 0\n\tfor i := 0; i < 8; i++ {\n\t\ts += work(100_000)\n\t}\n\tfmt.Println(s)\n}\n```\n\n```output\n1599992\n```\n\n" +
		"```{.go name=\"pool\"}\npackage main\n\nimport (\n\t\"fmt\"\n\t\"sync\"\n)\n\n" + work +
		"func main() {\n\tvar mu sync.Mutex\n\tvar wg sync.WaitGroup\n\ts := 0\n\tfor i := 0; i < 8; i++ {\n\t\twg.Add(1)\n\t\tgo func() {\n\t\t\tdefer wg.Done()\n\t\t\tv := work(100_000)\n\t\t\tmu.Lock()\n\t\t\ts += v\n\t\t\tmu.Unlock()\n\t\t}()\n\t}\n\twg.Wait()\n\tfmt.Println(s)\n}\n```\n\n```output\n1599992\n```\n"
	ch, err := chapter.Parse("main.md", []byte(src))
	require.NoError(t, err)
	e, err := newInterpEngine(ch, &Options{})
	require.NoError(t, err)
	defer e.Close()
	run := func(ctx context.Context, c *chapter.Cell) *chapter.Result {
		res, err := e.Run(ctx, c)
		require.NoError(t, err)
		chapter.Verify(ch.Path, c, res)
		require.Equal(t, chapter.Pass, res.Status, "cell %s: %s %v", c.Name, res.Error, res.Problems)
		return res
	}
	seq, pool := ch.Cells[0], ch.Cells[1]
	res := run(timedRun(context.Background()), seq)
	assert.Greater(t, res.MainCPU, res.CPU/2, "a sequential main does the work")
	assert.LessOrEqual(t, res.MainCPU, res.CPU)
	assert.GreaterOrEqual(t, res.MainWait, time.Duration(0), "main's wait is known")
	assert.LessOrEqual(t, res.MainWait, res.Wait)
	res = run(timedRun(context.Background()), pool)
	assert.Less(t, res.MainCPU, res.CPU/4, "a pool's main waits")
	assert.GreaterOrEqual(t, res.MainCPU, time.Duration(0))
	res = run(context.Background(), seq)
	assert.Negative(t, res.MainCPU, "main is locked only in timed runs")
}
