package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// divergentChapter has two cells that the interpreter, run without the
// source rewrites, gets wrong: closures capture a per-loop variable, and a
// deferred call's argument is read at function exit.
const divergentChapter = "# Divergence\n\n" +
	"```{.go name=\"capture\"}\n" +
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
	"```{.go name=\"defer\"}\n" +
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
	md := "```{.go name=\"workers\"}\n" +
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
		"```{.output .unordered}\nworker 0 done\nworker 1 done\nworker 2 done\nworker 3 done\ntook 1ms\n```\n\n" +
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

// TestUpdateNoMarkSkipsDisagreement: -update -nomark records only the
// outputs the engines agree on, and reports the others.
func TestUpdateNoMarkSkipsDisagreement(t *testing.T) {
	md := divergentChapter + "\n```{.go name=\"fine\"}\nfmt.Println(\"same everywhere\")\n```\n"
	path := writeChapter(t, "upd.md", md)
	rep := runGo(t, path, Options{NoRewrite: true, Update: true, NoMark: true})
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(got), "```{.go name=\"fine\"}\nfmt.Println(\"same everywhere\")\n```\n\n```output\nsame everywhere\n```\n",
		"an output both engines agree on is recorded")
	assert.NotContains(t, string(got), "```output\ndeferred", "an output the engines disagree on is not recorded")
	assert.Contains(t, string(got), "```output\n012\n```", "the capture cell's golden output stays")
	assert.NotContains(t, string(got), "engine=", "-nomark marks nothing")
	assert.Equal(t, chapter.Fail, rep.Result("defer").Status)
	assert.Equal(t, chapter.Fail, rep.Result("capture").Status)
	assert.Contains(t, problemWith(rep.Result("defer").Problems, "engines disagree"), "-deferred 2\n+deferred 1\n")
}

// TestUpdateMarksDisagreement: -update writes what the toolchain printed
// and marks engine="go" the cells the interpreter disagrees on, showing
// the diff at the cell's line; from then on they run under the toolchain.
func TestUpdateMarksDisagreement(t *testing.T) {
	md := divergentChapter + "\n```{.go name=\"fine\"}\nfmt.Println(\"same everywhere\")\n```\n"
	path := writeChapter(t, "upd.md", md)
	rep := runGo(t, path, Options{NoRewrite: true, Update: true, Engine: "auto"})
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	want := strings.Replace(strings.Replace(divergentChapter, `name="capture"`, `name="capture" engine="go"`, 1), `name="defer"`, `name="defer" engine="go"`, 1) +
		"\n```output\ndeferred 1\n```\n" +
		"\n```{.go name=\"fine\"}\nfmt.Println(\"same everywhere\")\n```\n\n```output\nsame everywhere\n```\n"
	assert.Equal(t, want, string(got), "marks and the toolchain's outputs, nothing else")
	for _, name := range []string{"capture", "defer"} {
		r := rep.Result(name)
		assert.Equal(t, chapter.Pass, r.Status, "%s: %v", name, r.Problems)
		assert.Equal(t, "go", r.Engine, name)
		assert.Equal(t, `marked engine="go"`, r.Routed, name)
	}
	note := problemWith(rep.Result("defer").Problems, `marked engine="go"`)
	assert.Contains(t, note, "chapters/upd.md:21: cell defer: marked engine=\"go\": the interpreter disagrees")
	assert.Contains(t, note, "--- yaegi\n+++ go\n")
	assert.Contains(t, note, "-deferred 2\n+deferred 1\n")

	rep = runGo(t, path, Options{NoRewrite: true, Engine: "auto"})
	assert.False(t, rep.Failed())
	assert.Equal(t, `engine="go"`, rep.Result("defer").Routed)
	assert.Equal(t, "after the fragment at line 3, which ran under go", rep.Result("fine").Routed,
		"the session holds a fragment the toolchain ran: the later ones run there too")
}

func TestDivergence(t *testing.T) {
	cell := func(md string) *chapter.Cell {
		ch, err := chapter.Parse("c.md", []byte(md))
		require.NoError(t, err)
		require.Len(t, ch.Cells, 1)
		return ch.Cells[0]
	}
	plain := cell("```go\nx := 1\n```\n")
	unordered := cell("```go\nx := 1\n```\n\n```{.output .unordered}\na\nb\n```\n")
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

// routedChapter has a cell the rewrite refuses and a fragment importing a
// package the interpreter lacks, between fragments of one session.
const routedChapter = "```{.go name=\"setup\"}\nimport \"fmt\"\nn := 1\n```\n\n" +
	"```{.go name=\"iterate\"}\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n" +
	"\tfor i := range func(yield func(int) bool) { _ = yield(1) && yield(2) } {\n\t\tfmt.Println(i)\n\t}\n}\n```\n\n" +
	"```output\n1\n2\n```\n\n" +
	"```{.go name=\"shell\"}\nimport \"os/exec\"\nn++\nfmt.Println(n, exec.Command(\"true\").Run())\n```\n\n" +
	"```output\n2 <nil>\n```\n\n" +
	"```{.go name=\"after\"}\nn++\nfmt.Println(n)\n```\n\n" +
	"```output\n3\n```\n"

// TestEngineBothRoutes: under both, a cell the interpreter cannot run is
// routed as under auto, not a disagreement, and the others are compared.
func TestEngineBothRoutes(t *testing.T) {
	path := writeChapter(t, "r.md", routedChapter)
	rep := runGo(t, path, Options{Engine: "both"})
	require.False(t, rep.Failed(), "%+v", rep.Results)
	assert.NotNil(t, rep.Result("setup").Other, "setup ran under both engines")
	for name, why := range map[string]string{
		"iterate": "range over func: iterators need Go 1.23",
		"shell":   `import "os/exec": not in the interpreter`,
		"after":   "after the fragment at line 23, which ran under go",
	} {
		r := rep.Result(name)
		assert.Equal(t, "go", r.Engine, name)
		assert.Equal(t, why, r.Routed, name)
		assert.Nil(t, r.Other, name)
	}
}

// TestAutoJSON: -json tells which engine ran each cell, and why a routed
// one ran under the toolchain.
func TestAutoJSON(t *testing.T) {
	path := writeChapter(t, "r.md", routedChapter)
	var out, errb bytes.Buffer
	require.Equal(t, 0, Command(context.Background(), []string{"-json", path}, &out, &errb), out.String()+errb.String())
	got := map[string][2]string{}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var e report.Event
		require.NoError(t, json.Unmarshal([]byte(l), &e))
		if e.Test != "" && e.Engine != "" { // a cell's result event
			got[e.Test] = [2]string{e.Engine, e.Routed}
		}
	}
	assert.Equal(t, map[string][2]string{
		"setup":   {"yaegi", ""},
		"iterate": {"go", "range over func: iterators need Go 1.23"},
		"shell":   {"go", `import "os/exec": not in the interpreter`},
		"after":   {"go", "after the fragment at line 23, which ran under go"},
	}, got)
	assert.Contains(t, out.String(), `"Routed":"import \"os/exec\": not in the interpreter"`)
}

// TestExpectedFailureUnderBoth: with -engine=both a cell's fails= is
// checked against the toolchain's run too: a cell that times out under
// the interpreter while go run reports a deadlock fails.
func TestExpectedFailureUnderBoth(t *testing.T) {
	ch, err := chapter.Parse("c.md", []byte("```{.go fails=\"timeout\"}\npackage main\n\nfunc main() { select {} }\n```\n"))
	require.NoError(t, err)
	c := ch.Cells[0]
	res := &chapter.Result{FailKind: chapter.FailTimeout, Error: "timeout after 1s"}
	res.Other = &chapter.Result{FailKind: chapter.FailFatal, Error: "fatal error: all goroutines are asleep - deadlock!"}
	chapter.Verify(ch.Path, c, res)
	require.Equal(t, chapter.Pass, res.Status)
	(&chapterRun{ch: ch, opts: &Options{}}).compareEngines(c, res)
	assert.Equal(t, chapter.Fail, res.Status)
	assert.NotEmpty(t, problemWith(res.Problems, "under the go engine: c.md:1: cell L1: expected a timeout failure, got: fatal error: all goroutines are asleep"), "%q", res.Problems)
}
