package runner

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHostile runs testdata/hostile/hostile.md: cells that loop, deadlock,
// exit, panic, start a million goroutines, allocate without end, flood
// their output, read stdin and change the process. Each says how it must
// fail; every one must be judged, later cells must run, and nothing must be
// left behind.
func TestHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: a million goroutines in the interpreter")
	}
	var out bytes.Buffer
	// The worker's default limit: a million interpreted goroutines peak
	// near 1 GiB when the machine is busy and main outruns them (1054 MiB
	// seen under go test ./...), and the runaway cell is caught at any
	// limit.
	opts := &Options{Progress: printProgress(&report.Printer{W: &out, Verbose: true}), MemLimit: 2 << 30}
	rep, err := RunChapter(context.Background(), "testdata/hostile/hostile.md", opts)
	require.NoError(t, err)
	assert.False(t, rep.Failed(), "%s%s", out.String(), strings.Join(rep.Errors, "\n"))
	require.Len(t, rep.Results, 16)
	for _, r := range rep.Results {
		assert.Equal(t, "pass", string(r.Status), "cell %s: %s %v", r.Cell, r.Error, r.Problems)
	}
	flood := rep.Result("flood")
	assert.True(t, flood.Truncated, "5 MB of output must be capped at %d bytes", opts.outputCap())
	assert.LessOrEqual(t, len(flood.Stdout), opts.outputCap()+200)
	assert.Contains(t, flood.Stdout, "[output truncated")
	assert.Contains(t, rep.Result("oom").Error, "memory limit exceeded")
	assert.Equal(t, "fatal error: all goroutines are asleep - deadlock!", rep.Result("deadlock").Error)
	assert.Less(t, rep.Result("deadlock").Time, time.Second, "a deadlock is reported at once")
	assert.Contains(t, rep.Result("stuck").Error, "timeout after 500ms; goroutines:")

	_, err = os.Stat(filepath.Join("testdata", "hostile", "scratch.txt"))
	assert.True(t, os.IsNotExist(err), "a cell's file was written outside its scratch directory")
	assert.NoError(t, noWorkers())
}

// TestProgramsSpareTheSession: complete programs run in a worker of their
// own, so one that crashes or leaves goroutines does not make the session
// (a fragment's state) be rebuilt.
func TestProgramsSpareTheSession(t *testing.T) {
	src := "```go\nimport \"fmt\"\nn := 1\n```\n\n" +
		"```{.go fails=\"panic: gone\"}\npackage main\n\nfunc main() {\n\tdone := make(chan bool)\n\tgo func() { panic(\"gone\") }()\n\t<-done\n}\n```\n\n" +
		"```go\npackage main\n\nimport \"time\"\n\nfunc main() { go time.Sleep(time.Hour) }\n```\n\n" +
		"```go\nn++\nfmt.Println(n)\n```\n\n```output\n2\n```\n"
	ch, err := chapter.Parse("spare.md", []byte(src))
	require.NoError(t, err)
	e, err := newInterpEngine(ch, &Options{})
	require.NoError(t, err)
	defer e.Close()
	for _, c := range ch.Cells {
		res, err := e.Run(context.Background(), c)
		require.NoError(t, err)
		chapter.Verify(ch.Path, c, res)
		assert.Equal(t, chapter.Pass, res.Status, "cell %s: %s %v", c.Name, res.Error, res.Problems)
	}
	// One session worker, and a program worker for each program (the
	// first crashed, the second left a goroutine).
	assert.Equal(t, 3, e.starts)
	assert.Zero(t, e.replays, "the session was rebuilt")
}
