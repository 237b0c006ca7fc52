package runner

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency101/book/runner/chapter"
)

func TestRenameMain(t *testing.T) {
	tests := []struct {
		code    string
		race    bool
		want    string
		renamed bool
	}{
		{"package main\n\nfunc main() { println(1) }\n", false, "package main\n\nfunc bookrt_main() { println(1) }\n", true},
		{"package main\n\nfunc main() { println(1) }\n", true, "", false},                   // race reports name main's frames
		{"package main\n\nfunc main() { go main() }\n", false, "", false},                   // main is used
		{"package main\n\nfunc main() { bookrt_x := 1; _ = bookrt_x }\n", false, "", false}, // could clash
		{"package main\n\nfunc main( {\n", false, "", false},                                // the compiler reports it
		{"package main\n\nfunc helper() {}\n", false, "", false},                            // no main: the compiler says
	}
	for _, tt := range tests {
		got, ok := renameMain(tt.code, tt.race)
		assert.Equal(t, tt.renamed, ok, "%q", tt.code)
		if tt.renamed {
			assert.Equal(t, tt.want, got)
		} else {
			assert.Equal(t, tt.code, got, "unchanged")
		}
	}
}

// TestGoWorkInterval: under the go engine a program's time is main's, not
// its process's: an init that sleeps 400ms is not counted, and the run
// reports its threads' run-queue wait and the steal time. A program that
// exits in main is timed from main's start to the process's end.
func TestGoWorkInterval(t *testing.T) {
	md := "```{.go name=\"slow-init\"}\npackage main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\n" +
		"func init() { time.Sleep(400 * time.Millisecond) }\n\n" +
		"func main() {\n\ttime.Sleep(50 * time.Millisecond)\n\tfmt.Println(\"done\")\n}\n```\n\n" +
		"```output\ndone\n```\n\n" +
		"```{.go name=\"exits\"}\npackage main\n\nimport (\n\t\"os\"\n\t\"time\"\n)\n\n" +
		"func init() { time.Sleep(400 * time.Millisecond) }\n\n" +
		"func main() {\n\ttime.Sleep(50 * time.Millisecond)\n\tos.Exit(0)\n}\n```\n"
	path := writeChapter(t, "work.md", md)
	rep := runGo(t, path, Options{})
	require.Len(t, rep.Results, 2)
	for _, r := range rep.Results {
		require.Equal(t, chapter.Pass, r.Status, "%s: %s %v", r.Cell, r.Error, r.Problems)
		assert.GreaterOrEqual(t, r.Time, 50*time.Millisecond, r.Cell)
		assert.Less(t, r.Time, 300*time.Millisecond, "%s: the init's sleep is not the work", r.Cell)
	}
	assert.GreaterOrEqual(t, rep.Results[0].Wait, time.Duration(0), "main returned: its threads' wait is known")
	assert.GreaterOrEqual(t, rep.Results[0].Steal, time.Duration(0))
	assert.Equal(t, time.Duration(-1), rep.Results[1].Wait, "os.Exit: no end recorded")
	assert.Equal(t, time.Duration(-1), rep.Results[1].BusyCPU)
}

// TestGoWorkBusiestThread: a compiled program reports the CPU time of the
// thread that ran longest during main: a share of a sequential program's
// (its goroutine may move between threads when preempted), at most the
// process's.
func TestGoWorkBusiestThread(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("no procfs")
	}
	md := "```{.go name=\"spin\"}\npackage main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\n" +
		"func main() {\n\tn := 0\n\tfor t0 := time.Now(); time.Since(t0) < 100*time.Millisecond; n++ {\n\t}\n\tfmt.Println(n > 0)\n}\n```\n\n" +
		"```output\ntrue\n```\n"
	rep := runGo(t, writeChapter(t, "busy.md", md), Options{})
	require.Len(t, rep.Results, 1)
	r := rep.Results[0]
	require.Equal(t, chapter.Pass, r.Status, "%s %v", r.Error, r.Problems)
	assert.Greater(t, r.BusyCPU, r.CPU/4, "main's thread spun")
	assert.LessOrEqual(t, r.BusyCPU, r.CPU+10*time.Millisecond, "getrusage may miss up to a tick of a running thread")
	assert.GreaterOrEqual(t, r.BusyWait, time.Duration(0))
	assert.LessOrEqual(t, r.BusyWait, r.Wait)
}
