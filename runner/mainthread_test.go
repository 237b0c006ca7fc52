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

// TestBusiestThread: a run of a program under the interpreter reports
// the CPU time of its busiest thread, the one that ran longest: in a timed
// run that locks main (lockMain's context, a speedup's baseline), main's
// thread, nearly all of a sequential program's CPU time; at most the
// process's in any run. The programs' output is the same either way.
func TestBusiestThread(t *testing.T) {
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
	const tick = 10 * time.Millisecond
	res := run(lockMain(context.Background()), seq)
	assert.Greater(t, res.BusyCPU, res.CPU/2, "a sequential main locked to its thread keeps it the busiest")
	assert.LessOrEqual(t, res.BusyCPU, res.CPU+tick, "getrusage may miss up to a tick of a running thread")
	assert.GreaterOrEqual(t, res.BusyWait, time.Duration(0), "its wait is known")
	assert.LessOrEqual(t, res.BusyWait, res.Wait)
	for _, c := range []*chapter.Cell{seq, pool} {
		res = run(context.Background(), c)
		assert.Positive(t, res.BusyCPU, "cell %s: known in any run", c.Name)
		assert.LessOrEqual(t, res.BusyCPU, res.CPU+tick)
	}
}

// TestBaselines: the timed runs that lock main are those of the cells
// speedups are measured over, not their parallel side, not a cell whose
// parallelism is claimed, not a cell that reports its own values.
func TestBaselines(t *testing.T) {
	src := "```{.go name=\"seq\"}\npackage main\n\nfunc main() {}\n```\n\n" +
		"```{.go name=\"par\"}\npackage main\n\nfunc main() {}\n```\n\n" +
		"```{.go name=\"one\"}\npackage main\n\nfunc main() {}\n```\n\n" +
		"```{.go name=\"cl\"}\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"a 1\\nb 2\") }\n```\n\n" +
		"```expect\nspeedup par over seq >= 1.5\nspeedup one over seq <= 1.2\nparallelism par >= 1.4\nparallelism one <= 1.2\nspeedup a over b in cl >= 1.5\n```\n"
	ch, err := chapter.Parse("b.md", []byte(src))
	require.NoError(t, err)
	exps, errs := chapter.ParseExpects(ch)
	require.Empty(t, errs)
	require.Len(t, exps, 5)
	assert.Equal(t, map[string]bool{"seq": true}, baselines(exps))
}
