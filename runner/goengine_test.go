package runner

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeChapter writes md as chapters/<name> under a fresh working
// directory and returns the relative path, as the command is given it.
func writeChapter(t *testing.T, name, md string) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	require.NoError(t, os.Mkdir("chapters", 0o755))
	path := filepath.Join("chapters", name)
	require.NoError(t, os.WriteFile(path, []byte(md), 0o644))
	return path
}

// runGo runs the chapter under the go engine and fails the test on an
// error of the runner itself.
func runGo(t *testing.T, path string, opts Options) *report.Report {
	t.Helper()
	if opts.Engine == "" {
		opts.Engine = "go"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rep, err := RunChapter(ctx, path, &opts)
	require.NoError(t, err)
	require.Empty(t, rep.Errors)
	return rep
}

// lineOf returns the chapter line (1-based) of the first line containing s.
func lineOf(t *testing.T, md, s string) int {
	t.Helper()
	for i, l := range strings.Split(md, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%q not in the chapter", s)
	return 0
}

const programChapter = "# Programs\n\n" +
	"```{.go name=\"hello\"}\n" +
	"package main\n\n" +
	"import (\n\t\"context\"\n\t\"fmt\"\n\t\"os\"\n\t\"runtime/trace\"\n\n\t\"golang.org/x/sync/errgroup\"\n)\n\n" +
	"func main() {\n" +
	"\tvar g errgroup.Group\n" +
	"\tfor i := range 3 {\n" +
	"\t\tg.Go(func() error { trace.WithRegion(context.Background(), fmt.Sprint(\"job \", i), func() {}); return nil })\n" +
	"\t}\n" +
	"\tfmt.Println(\"err:\", g.Wait(), min(3, 1))\n" +
	"\tfmt.Fprintln(os.Stderr, \"to stderr\")\n" +
	"}\n" +
	"```\n\n" +
	"```output\nerr: <nil> 1\n```\n\n" +
	"```{.output .stderr}\nto stderr\n```\n"

func TestGoEngineProgram(t *testing.T) {
	path := writeChapter(t, "prog.md", programChapter)
	rep := runGo(t, path, Options{})
	require.Len(t, rep.Results, 1)
	r := rep.Results[0]
	assert.Equal(t, chapter.Pass, r.Status, "problems: %v", r.Problems)
	assert.Equal(t, "go", r.Engine)
	assert.Equal(t, "err: <nil> 1\n", r.Stdout)
	assert.Equal(t, "to stderr\n", r.Stderr)
	assert.Positive(t, r.Time)
	assert.Less(t, r.Time, 2*time.Second, "the time is the run's, not the build's")
	require.Len(t, r.Spans, 3, "the regions come back from the execution trace")
	lanes := map[string]bool{}
	for _, s := range r.Spans {
		lanes[s.Lane] = true
		assert.Regexp(t, `^job \d$`, s.Label)
	}
	assert.Len(t, lanes, 3, "a lane per goroutine: %v", r.Spans)
}

const fragmentChapter = "# Fragments\n\n" +
	"```go\n" +
	"import \"fmt\"\n" +
	"import \"strings\"\n\n" +
	"func shout(s string) string { return strings.ToUpper(s) + \"!\" }\n\n" +
	"fmt.Println(\"first\")\n" +
	"x := 1\n" +
	"```\n\n" +
	"```output\nfirst\n```\n\n" +
	"Nothing of the first cell's output may show below.\n\n" +
	"```go\n" +
	"import \"os\"\n\n" +
	"x = x + 41\n" +
	"word, n := \"go\", 2\n" +
	"fmt.Println(shout(word), x)\n" +
	"fmt.Fprintln(os.Stderr, \"note\")\n" +
	"```\n\n" +
	"```output\nGO! 42\n```\n\n" +
	"```{.output .stderr}\nnote\n```\n\n" +
	"```go\n" +
	"import \"sort\"\n" +
	"```\n\n" +
	"```go\n" +
	"type pair struct{ k string; v int }\n\n" +
	"ps := []pair{{\"b\", x}, {\"a\", n}}\n" +
	"sort.Slice(ps, func(i, j int) bool { return ps[i].k < ps[j].k })\n" +
	"fmt.Println(ps)\n" +
	"```\n\n" +
	"```output\n[{a 2} {b 42}]\n```\n"

func TestGoEngineFragments(t *testing.T) {
	path := writeChapter(t, "frag.md", fragmentChapter)
	rep := runGo(t, path, Options{})
	require.Len(t, rep.Results, 4)
	for _, r := range rep.Results {
		assert.Equal(t, chapter.Pass, r.Status, "cell %s: %s %v", r.Cell, r.Error, r.Problems)
		assert.Equal(t, "fragment", r.Kind)
	}
	assert.Equal(t, "GO! 42\n", rep.Results[1].Stdout, "earlier fragments' output is discarded")
	assert.Equal(t, "note\n", rep.Results[1].Stderr)
	assert.Equal(t, "[{a 2} {b 42}]\n", rep.Results[3].Stdout)
}

func TestGoEngineCompileErrorAtChapterLine(t *testing.T) {
	md := "# Errors\n\n" +
		"```go\n" +
		"import \"fmt\"\n\n" +
		"func f() int { return 1 }\n" +
		"```\n\n" +
		"```{.go fails=\"compile\"}\n" +
		"fmt.Println(f())\n" +
		"\ty := undefinedThing + 1\n" +
		"```\n\n" +
		"```{.go name=\"prog\" fails=\"compile\"}\n" +
		"package main\n\n" +
		"func main() {\n" +
		"\treturn 1\n" +
		"}\n" +
		"```\n\n" +
		"The session goes on after the failed fragment:\n\n" +
		"```go\n" +
		"fmt.Println(f() + 1)\n" +
		"```\n\n" +
		"```output\n2\n```\n"
	path := writeChapter(t, "cpu.md", md)
	rep := runGo(t, path, Options{})
	require.Len(t, rep.Results, 4)
	for _, r := range rep.Results {
		assert.Equal(t, chapter.Pass, r.Status, "cell %s: %s %v", r.Cell, r.Error, r.Problems)
	}
	frag := rep.Results[1]
	assert.Equal(t, chapter.FailCompile, frag.FailKind)
	assert.Equal(t, "chapters/cpu.md:"+strconv.Itoa(lineOf(t, md, "undefinedThing"))+":7: undefined: undefinedThing", frag.Error)
	prog := rep.Results[2]
	assert.Equal(t, chapter.FailCompile, prog.FailKind)
	assert.Contains(t, prog.Error, "chapters/cpu.md:"+strconv.Itoa(lineOf(t, md, "\treturn 1"))+":9: too many return values")
}

func TestGoEngineStatementVarInDeclIsExplained(t *testing.T) {
	md := "```{.go fails=\"compile\"}\n" +
		"limit := 3\n\n" +
		"func under(n int) bool { return n < limit }\n" +
		"```\n"
	path := writeChapter(t, "hoist.md", md)
	rep := runGo(t, path, Options{})
	r := rep.Results[0]
	assert.Equal(t, chapter.FailCompile, r.FailKind)
	assert.Contains(t, r.Error, "chapters/hoist.md:4:37: undefined: limit")
	assert.Contains(t, r.Error, "note: limit is declared with := by a statement")
}

func TestGoEnginePanicExit(t *testing.T) {
	md := "```{.go name=\"boom\" fails=\"panic: boom\"}\n" +
		"package main\n\n" +
		"import (\"fmt\"; \"os\")\n\n" +
		"func main() {\n" +
		"\tfmt.Fprintln(os.Stderr, \"before\")\n" +
		"\tfmt.Println(\"out\")\n" +
		"\tpanic(\"boom\")\n" +
		"}\n" +
		"```\n\n" +
		"```output\nout\n```\n\n" +
		"```{.output .stderr}\nbefore\n```\n\n" +
		"```{.go name=\"exit\" fails=\"exit: exit status 3\"}\n" +
		"package main\n\n" +
		"import \"os\"\n\n" +
		"func main() { os.Exit(3) }\n" +
		"```\n\n" +
		"```{.go name=\"frag-panic\" fails=\"panic: runtime error: index out of range [5] with length 1\"}\n" +
		"s := []int{1}\n" +
		"i := 5\n" +
		"_ = s[i]\n" +
		"```\n"
	path := writeChapter(t, "fail.md", md)
	rep := runGo(t, path, Options{})
	require.Len(t, rep.Results, 3)
	for _, r := range rep.Results {
		assert.Equal(t, chapter.Pass, r.Status, "cell %s: %s %v", r.Cell, r.Error, r.Problems)
	}
	boom := rep.Results[0]
	assert.Equal(t, chapter.FailPanic, boom.FailKind)
	assert.Equal(t, "panic: boom", boom.Error)
	assert.Equal(t, "before\n", boom.Stderr, "the goroutine dump is not the cell's output")
	assert.Equal(t, chapter.FailExit, rep.Results[1].FailKind)
	assert.Equal(t, "exit status 3", rep.Results[1].Error)
	assert.Equal(t, chapter.FailPanic, rep.Results[2].FailKind)
}

func TestGoEngineTimeoutHint(t *testing.T) {
	md := "```{.go name=\"stuck\" timeout=\"1s\" fails=\"timeout\"}\n" +
		"package main\n\n" +
		"import (\"fmt\"; \"sync\"; \"time\")\n\n" +
		"func main() {\n" +
		"\tvar mu sync.Mutex\n" +
		"\tmu.Lock()\n" +
		"\tgo func() { time.Sleep(time.Hour) }()\n" +
		"\tgo func() { mu.Lock() }()\n" +
		"\tfmt.Println(\"waiting\")\n" +
		"\tch := make(chan int)\n" +
		"\t<-ch\n" +
		"}\n" +
		"```\n\n" +
		"```output\nwaiting\n```\n"
	path := writeChapter(t, "stuck.md", md)
	t0 := time.Now()
	rep := runGo(t, path, Options{})
	r := rep.Results[0]
	assert.Equal(t, chapter.Pass, r.Status, "%s %v", r.Error, r.Problems)
	assert.Equal(t, chapter.FailTimeout, r.FailKind)
	assert.Less(t, time.Since(t0), 20*time.Second)
	want := "timeout after 1s; goroutines: " +
		"1 in chan receive at chapters/stuck.md:" + strconv.Itoa(lineOf(t, md, "<-ch")) + ", " +
		"1 in sleep at chapters/stuck.md:" + strconv.Itoa(lineOf(t, md, "time.Sleep")) + ", " +
		"1 in sync.Mutex.Lock at chapters/stuck.md:" + strconv.Itoa(lineOf(t, md, "go func() { mu.Lock")) + ""
	assert.Equal(t, want, r.Error)
	assert.Empty(t, r.Stderr, "the SIGQUIT dump is summarized, not kept")
}

func TestGoEngineRace(t *testing.T) {
	if testing.Short() {
		t.Skip("the first -race build compiles the standard library")
	}
	md := "```{.go name=\"racy\" .race fails=\"race\"}\n" +
		"package main\n\n" +
		"import (\"fmt\"; \"sync\")\n\n" +
		"func main() {\n" +
		"\tn := 0\n" +
		"\tvar wg sync.WaitGroup\n" +
		"\tfor range 2 {\n" +
		"\t\twg.Go(func() { n++ })\n" +
		"\t}\n" +
		"\twg.Wait()\n" +
		"\tfmt.Println(n > 0)\n" +
		"}\n" +
		"```\n\n" +
		"```output\ntrue\n```\n"
	path := writeChapter(t, "race.md", md)
	rep := runGo(t, path, Options{Engine: "both"})
	r := rep.Results[0]
	assert.Equal(t, chapter.Pass, r.Status, "%s %v", r.Error, r.Problems)
	assert.Equal(t, "go", r.Engine, "a race cell runs only under go")
	assert.Nil(t, r.Other)
	assert.Equal(t, chapter.FailRace, r.FailKind)
	line := strconv.Itoa(lineOf(t, md, "n++"))
	assert.Contains(t, r.Error, "race: data race: ")
	assert.Contains(t, r.Error, "at chapters/race.md:"+line)
	assert.Contains(t, r.Stderr, "WARNING: DATA RACE")
	assert.Contains(t, r.Stderr, "chapters/race.md:"+line+"\n", "frame offsets are dropped")
}

// TestGoEngineUnusedImportKept: an import no statement uses yet stays in
// the session for later fragments (a notebook's import cell).
func TestGoEngineUnusedImportKept(t *testing.T) {
	md := "```go\nimport \"strings\"\n```\n\n" +
		"```go\nimport \"fmt\"\n\nfmt.Println(strings.Repeat(\"ab\", 2))\n```\n\n" +
		"```output\nabab\n```\n"
	path := writeChapter(t, "imp.md", md)
	rep := runGo(t, path, Options{})
	for _, r := range rep.Results {
		assert.Equal(t, chapter.Pass, r.Status, "cell %s: %s %v", r.Cell, r.Error, r.Problems)
	}
}

func TestDefineOnce(t *testing.T) {
	for _, tc := range []struct {
		code, want string
		known      []string
		defined    []string
	}{
		{"x := 1\ny := 2", "x := 1\ny := 2", nil, []string{"x", "y"}},
		{"x := 1", "x =  1", []string{"x"}, nil}, // same width: columns stay put
		{"x, err := f()", "x, err := f()", []string{"err"}, []string{"x"}},
		{"x := 1\nx := 2", "x := 1\nx =  2", nil, []string{"x"}},
		{"_ = 1\nif v := 1; v > 0 {}", "_ = 1\nif v := 1; v > 0 {}", nil, nil},
		{"for i := 0; i < 3; i++ {}", "for i := 0; i < 3; i++ {}", nil, nil},
		{"x := (", "x := (", nil, nil},
	} {
		known := map[string]bool{}
		for _, k := range tc.known {
			known[k] = true
		}
		got, defined := defineOnce(tc.code, known)
		assert.Equal(t, tc.want, got, "code %q", tc.code)
		assert.Equal(t, tc.defined, defined, "code %q", tc.code)
	}
}

func TestCaptureFence(t *testing.T) {
	fence := fence("NONCE", 0, "fragment")
	s := newStream(10, "NONCE")
	for _, p := range []string{"earlier out", "put" + fence[:3], fence[3:] + "mi", "ne and more"} {
		s.Write([]byte(p))
	}
	s.closeWrite()
	got, truncated := s.after(fence)
	assert.Equal(t, "mine and m", string(got))
	assert.True(t, truncated)

	s = newStream(100, "NONCE")
	s.Write([]byte("no fence came"))
	s.closeWrite()
	got, truncated = s.after(fence)
	assert.Equal(t, "no fence came", string(got), "without the fence, the head is kept")
	assert.False(t, truncated)
}

// TestGoEngineFragmentTimeExcludesReplay: a fragment's time and spans are
// its own, not those of the earlier fragments run again before it.
func TestGoEngineFragmentTimeExcludesReplay(t *testing.T) {
	md := "```go\n" +
		"import (\"context\"; \"time\"; \"runtime/trace\")\n\n" +
		"trace.WithRegion(context.Background(), \"setup\", func() { time.Sleep(600 * time.Millisecond) })\n" +
		"```\n\n" +
		"```go\n" +
		"trace.WithRegion(context.Background(), \"quick\", func() {})\n" +
		"```\n"
	path := writeChapter(t, "time.md", md)
	rep := runGo(t, path, Options{})
	require.Len(t, rep.Results, 2)
	assert.GreaterOrEqual(t, rep.Results[0].Time, 600*time.Millisecond)
	second := rep.Results[1]
	assert.Equal(t, chapter.Pass, second.Status, "%s %v", second.Error, second.Problems)
	assert.Less(t, second.Time, 300*time.Millisecond)
	require.Len(t, second.Spans, 1, "the replayed fragment's span is not this cell's")
	assert.Equal(t, "goroutine 1", second.Spans[0].Lane, "main's goroutine")
	assert.Equal(t, "quick", second.Spans[0].Label)
	assert.Less(t, second.Spans[0].Start, 100*time.Millisecond, "the clock restarts at the fence")
}

// BenchmarkChapterEngines compares how long the fixture chapter takes under
// each engine, everything included (worker start, builds, runs). The go
// engine's builds hit the build cache after the first iteration for the
// compile step, not for the link.
func BenchmarkChapterEngines(b *testing.B) {
	path, err := filepath.Abs(filepath.Join("testdata", "engines", "chapter.md"))
	require.NoError(b, err)
	for _, engine := range []string{"yaegi", "go"} {
		b.Run(engine, func(b *testing.B) {
			for b.Loop() {
				rep, err := RunChapter(context.Background(), path, &Options{Engine: engine, Short: true})
				require.NoError(b, err)
				for _, r := range rep.Results {
					require.Equal(b, chapter.Pass, r.Status, "cell %s under %s: %v", r.Cell, engine, r.Problems)
				}
			}
		})
	}
}

func TestGoEngineMemoryLimit(t *testing.T) {
	md := "```{.go name=\"hog\"}\n" +
		"package main\n\n" +
		"import \"fmt\"\n\n" +
		"func main() {\n" +
		"\tfmt.Println(\"start\")\n" +
		"\tvar keep [][]byte\n" +
		"\tfor {\n" +
		"\t\tb := make([]byte, 16<<20)\n" +
		"\t\tb[0] = 1\n" +
		"\t\tkeep = append(keep, b)\n" +
		"\t}\n" +
		"}\n" +
		"```\n"
	path := writeChapter(t, "hog.md", md)
	rep := runGo(t, path, Options{MemLimit: 256 << 20})
	r := rep.Results[0]
	assert.Equal(t, chapter.FailMemory, r.FailKind, "%s", r.Error)
	assert.Equal(t, "memory limit exceeded: the limit is 256 MiB", r.Error)
	assert.Equal(t, "start\n", r.Stdout)
	assert.Empty(t, r.Stderr)
}

// TestToolchainProblem: the check of the go command creates a build cache
// that does not exist yet, and names one it cannot write.
func TestToolchainProblem(t *testing.T) {
	t.Setenv("GOCACHE", filepath.Join(t.TempDir(), "new", "cache"))
	assert.NoError(t, toolchainProblem(), "a build cache the go command will create")
	t.Setenv("GOCACHE", "/proc/self")
	err := toolchainProblem()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the build cache /proc/self cannot be written: ")
}

// TestInterpSpans: the interpreter's worker traces a program that imports
// runtime/trace, and regions in interpreted goroutines come out in their
// own lanes, as under the go engine.
func TestInterpSpans(t *testing.T) {
	md := "```{.go name=\"regions\"}\n" +
		"package main\n\n" +
		"import (\n\t\"context\"\n\t\"fmt\"\n\t\"runtime/trace\"\n\t\"sync\"\n\t\"time\"\n)\n\n" +
		"func main() {\n" +
		"\tvar wg sync.WaitGroup\n" +
		"\tfor i := 1; i <= 3; i++ {\n" +
		"\t\tlabel := fmt.Sprint(\"task \", i)\n" +
		"\t\twg.Add(1)\n" +
		"\t\tgo func() {\n" +
		"\t\t\tdefer wg.Done()\n" +
		"\t\t\ttrace.WithRegion(context.Background(), label, func() { time.Sleep(30 * time.Millisecond) })\n" +
		"\t\t}()\n" +
		"\t}\n" +
		"\twg.Wait()\n" +
		"\tregion := trace.StartRegion(context.Background(), \"main\")\n" +
		"\ttime.Sleep(10 * time.Millisecond)\n" +
		"\tregion.End()\n" +
		"}\n" +
		"```\n\n" +
		"```{.go name=\"untraced\"}\n" +
		"package main\n\nfunc main() {}\n" +
		"```\n"
	path := writeChapter(t, "interp.md", md)
	rep := runGo(t, path, Options{Engine: "interp"})
	require.Len(t, rep.Results, 2)
	r := rep.Results[0]
	require.Equal(t, chapter.Pass, r.Status, "%s %v", r.Error, r.Problems)
	require.Len(t, r.Spans, 4, "%v", r.Spans)
	lanes := map[string]bool{}
	for _, s := range r.Spans[:3] {
		lanes[s.Lane] = true
		assert.Regexp(t, `^task [123]$`, s.Label)
		assert.GreaterOrEqual(t, s.End-s.Start, 30*time.Millisecond, "%v", s)
	}
	assert.Len(t, lanes, 3, "a lane per interpreted goroutine: %v", r.Spans)
	assert.Equal(t, "main", r.Spans[3].Label)
	assert.False(t, lanes[r.Spans[3].Lane], "main's goroutine is not a task's")
	assert.Empty(t, rep.Results[1].Spans, "a cell that does not import runtime/trace is not traced")
}

// TestTraceSessionAndOwnTrace: under both engines, a fragment that uses
// runtime/trace imported by an earlier fragment is traced, and a cell
// that starts the tracer itself is not (its trace.Start succeeds).
func TestTraceSessionAndOwnTrace(t *testing.T) {
	md := "```go\n" +
		"import (\"bytes\"; \"context\"; \"fmt\"; \"runtime/trace\")\n\n" +
		"trace.WithRegion(context.Background(), \"first\", func() {})\n" +
		"```\n\n" +
		"```go\n" +
		"trace.WithRegion(context.Background(), \"second\", func() {})\n" +
		"```\n\n" +
		"```go\n" +
		"var buf bytes.Buffer\n" +
		"fmt.Println(\"own trace:\", trace.Start(&buf))\n" +
		"trace.Stop()\n" +
		"```\n\n" +
		"```output\nown trace: <nil>\n```\n"
	path := writeChapter(t, "session.md", md)
	for _, engine := range []string{"interp", "go"} {
		rep := runGo(t, path, Options{Engine: engine})
		require.Len(t, rep.Results, 3)
		for _, r := range rep.Results {
			require.Equal(t, chapter.Pass, r.Status, "%s: %s %v", engine, r.Error, r.Problems)
		}
		second := rep.Results[1]
		require.Len(t, second.Spans, 1, "%s: the session's import makes the fragment traced", engine)
		assert.Equal(t, "second", second.Spans[0].Label, engine)
		assert.Empty(t, rep.Results[2].Spans, engine)
	}
}
