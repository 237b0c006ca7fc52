package runner

import (
	"os"
	"strings"
	"testing"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// divergentChapter has two cells that the interpreter, run without the
// source rewrites, gets wrong: closures capture a per-loop variable, and a
// deferred call's argument is read at function exit.
const divergentChapter = "# Divergence\n\n" +
	"```go name=\"capture\"\n" +
	"import \"fmt\"\n\n" +
	"var fs []func()\n\n" +
	"for i := 0; i < 3; i++ {\n" +
	"\tfs = append(fs, func() { fmt.Print(i) })\n" +
	"}\n" +
	"for _, f := range fs {\n" +
	"\tf()\n" +
	"}\n" +
	"fmt.Println()\n" +
	"```\n\n" +
	"```output\n012\n```\n\n" +
	"```go name=\"defer\"\n" +
	"package main\n\n" +
	"import \"fmt\"\n\n" +
	"func main() {\n" +
	"\tx := 1\n" +
	"\tdefer fmt.Println(\"deferred\", x)\n" +
	"\tx = 2\n" +
	"}\n" +
	"```\n"

func TestEngineBothCatchesDivergence(t *testing.T) {
	path := writeChapter(t, "div.md", divergentChapter)
	rep := runGo(t, path, Options{Engine: "both", NoRewrite: true})
	require.Len(t, rep.Results, 2)

	capture := rep.Results[0]
	assert.Equal(t, chapter.Fail, capture.Status)
	assert.Equal(t, "yaegi", capture.Engine, "the result reported is the interpreter's")
	require.NotNil(t, capture.Other)
	assert.Equal(t, "go", capture.Other.Engine)
	assert.Equal(t, "012\n", capture.Other.Stdout)
	assert.Equal(t, chapter.Pass, capture.Other.Status, "go agrees with the golden output")
	div := problemWith(capture.Problems, "engines disagree")
	assert.Contains(t, div, "chapters/div.md:3: cell capture: engines disagree: stdout differs\n--- yaegi\n+++ go\n")
	assert.Contains(t, div, "\n+012\n")

	// No output block: the cell is not checked against a golden output,
	// but the engines still must agree.
	deferred := rep.Results[1]
	assert.Equal(t, chapter.Fail, deferred.Status)
	assert.Equal(t, "deferred 1\n", deferred.Other.Stdout)
	assert.Contains(t, problemWith(deferred.Problems, "engines disagree"), "-deferred 2\n+deferred 1\n")
}

func TestEngineBothPassesFaithfulCells(t *testing.T) {
	md := "```go name=\"workers\"\n" +
		"package main\n\n" +
		"import (\"fmt\"; \"sync\"; \"time\")\n\n" +
		"func main() {\n" +
		"\tstart := time.Now()\n" +
		"\tvar wg sync.WaitGroup\n" +
		"\tfor i := 0; i < 4; i++ {\n" +
		"\t\twg.Add(1)\n" +
		"\t\tgo func(i int) { defer wg.Done(); fmt.Println(\"worker\", i, \"done\") }(i)\n" +
		"\t}\n" +
		"\twg.Wait()\n" +
		"\tfmt.Println(\"took\", time.Since(start))\n" +
		"}\n" +
		"```\n\n" +
		"```output unordered\nworker 0 done\nworker 1 done\nworker 2 done\nworker 3 done\ntook 1ms\n```\n\n" +
		"```go\n" +
		"import \"fmt\"\n\n" +
		"total := 0\n" +
		"for _, n := range []int{1, 2, 3} {\n" +
		"\ttotal += n\n" +
		"}\n" +
		"fmt.Println(total)\n" +
		"```\n\n" +
		"```output\n6\n```\n"
	path := writeChapter(t, "ok.md", md)
	rep := runGo(t, path, Options{Engine: "both"})
	require.Len(t, rep.Results, 2)
	for _, r := range rep.Results {
		assert.Equal(t, chapter.Pass, r.Status, "cell %s: %s %v", r.Cell, r.Error, r.Problems)
		require.NotNil(t, r.Other, "cell %s ran under both engines", r.Cell)
		assert.Equal(t, "yaegi", r.Engine)
	}
}

func TestEngineBothUpdateSkipsDisagreement(t *testing.T) {
	md := divergentChapter + "\n```go name=\"fine\"\nfmt.Println(\"same everywhere\")\n```\n"
	path := writeChapter(t, "upd.md", md)
	rep := runGo(t, path, Options{Engine: "both", NoRewrite: true, Update: true})
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(got), "```go name=\"fine\"\nfmt.Println(\"same everywhere\")\n```\n\n```output\nsame everywhere\n```\n",
		"an output both engines agree on is recorded")
	assert.NotContains(t, string(got), "```output\ndeferred", "an output the engines disagree on is not recorded")
	assert.Contains(t, string(got), "```output\n012\n```", "the capture cell's golden output stays")
	assert.Equal(t, chapter.Fail, rep.Result("defer").Status)
	assert.Equal(t, chapter.Fail, rep.Result("capture").Status)
}

func TestDivergence(t *testing.T) {
	cell := func(md string) *chapter.Cell {
		ch, err := chapter.Parse("c.md", []byte(md))
		require.NoError(t, err)
		require.Len(t, ch.Cells, 1)
		return ch.Cells[0]
	}
	plain := cell("```go\nx := 1\n```\n")
	unordered := cell("```go\nx := 1\n```\n\n```output unordered\na\nb\n```\n")
	for _, tc := range []struct {
		name string
		c    *chapter.Cell
		y, g chapter.Result
		want string // a problem containing this, or "" for none
	}{
		{"same", plain, chapter.Result{Stdout: "a\n"}, chapter.Result{Stdout: "a\n"}, ""},
		{"volatile values", plain, chapter.Result{Stdout: "took 1.2s at 0xc000012345\n"}, chapter.Result{Stdout: "took 3ms at 0xc000099999\n"}, ""},
		{"order", plain, chapter.Result{Stdout: "a\nb\n"}, chapter.Result{Stdout: "b\na\n"}, "stdout differs"},
		{"unordered", unordered, chapter.Result{Stdout: "a\nb\n"}, chapter.Result{Stdout: "b\na\n"}, ""},
		{"unordered content", unordered, chapter.Result{Stdout: "a\nb\n"}, chapter.Result{Stdout: "b\nc\n"}, "stdout differs (unordered)"},
		{"stderr", plain, chapter.Result{Stderr: "x\n"}, chapter.Result{}, "stderr differs"},
		{"ending", plain, chapter.Result{}, chapter.Result{FailKind: chapter.FailPanic, Error: "panic: boom"}, "yaegi: ran to the end\n    go:    panic (panic: boom)"},
		{"messages differ", plain, chapter.Result{FailKind: chapter.FailCompile, Error: "1:1: undefined: x"}, chapter.Result{FailKind: chapter.FailCompile, Error: "1:1: undefined: x (gc)"}, ""},
		{"deadlock", plain, chapter.Result{FailKind: chapter.FailFatal, Error: "fatal error: all goroutines are asleep - deadlock!", Stdout: "a"}, chapter.Result{FailKind: chapter.FailFatal, Error: "fatal error: all goroutines are asleep - deadlock!", Stdout: "a"}, ""},
		{"timeout is no deadlock", plain, chapter.Result{FailKind: chapter.FailTimeout, Stdout: "a"}, chapter.Result{FailKind: chapter.FailFatal, Error: "fatal error: all goroutines are asleep - deadlock!", Stdout: "a"}, "yaegi: timeout"},
		{"both timed out", plain, chapter.Result{FailKind: chapter.FailTimeout, Stdout: "1\n"}, chapter.Result{FailKind: chapter.FailTimeout, Stdout: "1\n2\n3\n"}, ""},
	} {
		probs := divergence(tc.c, &tc.y, &tc.g)
		if tc.want == "" {
			assert.Empty(t, probs, tc.name)
			continue
		}
		assert.NotEmpty(t, problemWith(probs, tc.want), "%s: problems %q", tc.name, probs)
	}
}

func problemWith(probs []string, s string) string {
	for _, p := range probs {
		if strings.Contains(p, s) {
			return p
		}
	}
	return ""
}

// TestExpectedFailureUnderBoth: with -engine=both a cell's fails= is
// checked against the toolchain's run too: a cell that times out under
// the interpreter while go run reports a deadlock fails.
func TestExpectedFailureUnderBoth(t *testing.T) {
	ch, err := chapter.Parse("c.md", []byte("```go fails=\"timeout\"\npackage main\n\nfunc main() { select {} }\n```\n"))
	require.NoError(t, err)
	c := ch.Cells[0]
	res := &chapter.Result{FailKind: chapter.FailTimeout, Error: "timeout after 1s"}
	res.Other = &chapter.Result{FailKind: chapter.FailFatal, Error: "fatal error: all goroutines are asleep - deadlock!"}
	chapter.Verify(ch.Path, c, res)
	require.Equal(t, chapter.Pass, res.Status)
	compareEngines(ch.Path, c, res)
	assert.Equal(t, chapter.Fail, res.Status)
	assert.NotEmpty(t, problemWith(res.Problems, "under the go engine: c.md:1: cell L1: expected a timeout failure, got: fatal error: all goroutines are asleep"), "%q", res.Problems)
}
