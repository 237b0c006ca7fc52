package cellcache_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/concurrency101/book/runner"
	"github.com/concurrency101/book/runner/cellcache"
	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/concurrency101/book/runner/timing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	runner.MaybeWorker()
	os.Exit(m.Run())
}

const book = "# T\n\n%PROSE%\n\n" +
	"```{.go name=\"prog\"}\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"prog\") }\n```\n\n%GOLDEN%" +
	"```{.go name=\"f1\"}\nimport \"fmt\"\n\nx := 1\nfmt.Println(\"f1\", x)\n```\n\n" +
	"```{.go name=\"f2\"}\nx = x + %ADD%\nfmt.Println(\"f2\", x)\n```\n\n" +
	"```{.go name=\"f3\"}\nfmt.Println(\"f3\", x)\n```\n"

type bookText struct{ prose, golden, add string }

func (b bookText) String() string {
	return strings.NewReplacer("%PROSE%", b.prose, "%GOLDEN%", b.golden, "%ADD%", b.add).Replace(book)
}

// delta is what the cache was asked during one run.
func delta(before, after cellcache.Stats) cellcache.Stats {
	return cellcache.Stats{Hits: after.Hits - before.Hits, Misses: after.Misses - before.Misses,
		Stale: after.Stale - before.Stale, Stores: after.Stores - before.Stores}
}

// TestCellCache: a second run takes every cell from the cache; prose
// moves cells without running them; editing fragment f2 runs f2 and f3
// only, in the session the cached f1 made; a cached result is verified
// against the golden output as it stands; a corrupt or misplaced entry is
// detected, removed and recomputed.
func TestCellCache(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ch.md")
	cache := &cellcache.Cache{Dir: filepath.Join(dir, "cache"), Engine: "auto"}
	run := func(b bookText) (*report.Report, cellcache.Stats) {
		t.Helper()
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
		before := cache.Stats()
		rep, err := runner.RunChapter(context.Background(), path, &runner.Options{Cache: cache, Short: true})
		require.NoError(t, err)
		return rep, delta(before, cache.Stats())
	}
	stdout := func(rep *report.Report, cell string) string { return rep.Result(cell).Stdout }

	base := bookText{prose: "Prose.", add: "10"}
	rep, st := run(base)
	assert.Equal(t, cellcache.Stats{Misses: 4, Stores: 4}, st, "a first run runs and stores every cell")
	assert.Equal(t, "f3 11\n", stdout(rep, "f3"))
	assert.False(t, rep.Failed())

	rep, st = run(base)
	assert.Equal(t, cellcache.Stats{Hits: 4}, st, "nothing changed: nothing runs")
	assert.Equal(t, "f3 11\n", stdout(rep, "f3"))
	assert.Equal(t, chapter.Pass, rep.Result("f3").Status)

	moved := base
	moved.prose = "Prose,\n\nand a new paragraph\nof three lines."
	rep, st = run(moved)
	assert.Equal(t, cellcache.Stats{Hits: 4}, st, "a prose edit runs nothing")
	ch, err := chapter.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, ch.Cell("f3").Line, rep.Result("f3").Line, "the restored result is at the cell's new line")

	edited := base
	edited.add = "20"
	rep, st = run(edited)
	assert.Equal(t, int64(2), st.Hits, "prog and f1 come from the cache")
	assert.Equal(t, int64(2), st.Misses, "f2 and the fragment after it run")
	assert.Equal(t, "f1 1\n", stdout(rep, "f1"))
	assert.Equal(t, "f2 21\n", stdout(rep, "f2"), "f2 ran in the session of the cached f1")
	assert.Equal(t, "f3 21\n", stdout(rep, "f3"))
	assert.Equal(t, "yaegi", rep.Result("f2").Engine, "under the interpreter, not routed: %s", rep.Result("f2").Routed)
	assert.False(t, rep.Failed())

	wrong := edited
	wrong.golden = "```output\nnot what it prints\n```\n\n"
	rep, st = run(wrong)
	assert.Equal(t, int64(4), st.Hits)
	assert.Equal(t, chapter.Fail, rep.Result("prog").Status, "a cached result is verified against the golden output of today")

	// Corrupt entries: a truncated file, and another cell's entry under f1's key.
	ch, err = chapter.ReadFile(path)
	require.NoError(t, err)
	entry := func(cell string) string {
		return filepath.Join(cache.Dir, "cells", cache.CellKey(ch, ch.Cell(cell))+".json")
	}
	data, err := os.ReadFile(entry("f1"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(entry("f1"), data[:len(data)/2], 0o644))
	rep, st = run(edited)
	assert.Equal(t, cellcache.Stats{Hits: 3, Misses: 1, Stale: 1, Stores: 1}, st, "a truncated entry is stale: f1 runs again")
	assert.Equal(t, "f1 1\n", stdout(rep, "f1"))
	assert.Equal(t, "f3 21\n", stdout(rep, "f3"))
	data, err = os.ReadFile(entry("f1"))
	require.NoError(t, err)
	assert.Contains(t, string(data), `"stdout":"f1 1\n"`, "rewritten whole")

	prog, err := os.ReadFile(entry("prog"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(entry("f1"), prog, 0o644))
	rep, st = run(edited)
	assert.Equal(t, cellcache.Stats{Hits: 3, Misses: 1, Stale: 1, Stores: 1}, st, "an entry of another key is stale")
	assert.Equal(t, "f1 1\n", stdout(rep, "f1"), "never shown")

	other := &cellcache.Cache{Dir: cache.Dir, Engine: "yaegi"}
	assert.NotEqual(t, cache.CellKey(ch, ch.Cell("prog")), other.CellKey(ch, ch.Cell("prog")), "the engine is in the key")
}

// TestPositionsMove: a cached result that quotes a position in the
// chapter is not restored at another line: it runs again.
func TestPositionsMove(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ch.md")
	cache := &cellcache.Cache{Dir: filepath.Join(dir, "cache"), Engine: "yaegi"}
	src := "```{.go name=\"broken\" fails=\"compile\"}\npackage main\n\nfunc main() { y++ }\n```\n"
	run := func(prefix string) *report.Report {
		require.NoError(t, os.WriteFile(path, []byte(prefix+src), 0o644))
		rep, err := runner.RunChapter(context.Background(), path, &runner.Options{Cache: cache, Engine: "yaegi", Short: true})
		require.NoError(t, err)
		return rep
	}
	rep := run("")
	require.Contains(t, rep.Result("broken").Error, "ch.md:4:")
	st := cache.Stats()
	rep = run("")
	assert.Equal(t, st.Hits+1, cache.Stats().Hits, "restored at the same line")
	assert.Contains(t, rep.Result("broken").Error, "ch.md:4:", "with its position")
	rep = run("Prose.\n\n")
	assert.Equal(t, st.Hits+1, cache.Stats().Hits, "not restored at another line")
	assert.Equal(t, chapter.Pass, rep.Result("broken").Status)
	assert.Contains(t, rep.Result("broken").Error, "ch.md:6:", "the error at the new line")
}

// TestFileCellInKey: a program built with a file cell runs again when the
// file cell changes, and only it.
func TestFileCellInKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ch.md")
	cache := &cellcache.Cache{Dir: filepath.Join(dir, "cache"), Engine: "auto"}
	src := func(word string) string {
		return "```{.go title=\"word.go\" name=\"word\" .file}\npackage main\n\nconst word = \"" + word + "\"\n```\n\n" +
			"```{.go name=\"uses\" with=\"word\"}\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(word) }\n```\n\n" +
			"```{.go name=\"alone\"}\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"alone\") }\n```\n"
	}
	run := func(word string) (*report.Report, cellcache.Stats) {
		t.Helper()
		require.NoError(t, os.WriteFile(path, []byte(src(word)), 0o644))
		before := cache.Stats()
		rep, err := runner.RunChapter(context.Background(), path, &runner.Options{Cache: cache, Short: true})
		require.NoError(t, err)
		return rep, delta(before, cache.Stats())
	}
	rep, _ := run("old")
	require.Equal(t, "old\n", rep.Result("uses").Stdout)
	rep, st := run("new")
	assert.Equal(t, "new\n", rep.Result("uses").Stdout, "the program saw the edited file")
	assert.Equal(t, int64(1), st.Hits, "alone comes from the cache")
	assert.Equal(t, int64(1), st.Misses, "uses runs again")
}

// TestExpectationCache: a verdict is found under the key of its text, its
// cells and the timing record, and expires; failed ones are not stored.
func TestExpectationCache(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ch.md")
	src := "```{.go name=\"a\"}\npackage main\n\nfunc main() {}\n```\n\n```{.go name=\"b\"}\npackage main\n\nfunc main() {}\n```\n\n```expect\nspeedup a over b >= 0.5\n```\n"
	parse := func(s string) (*chapter.Chapter, *chapter.Expectation) {
		require.NoError(t, os.WriteFile(path, []byte(s), 0o644))
		ch, err := chapter.ReadFile(path)
		require.NoError(t, err)
		exps, errs := chapter.ParseExpects(ch)
		require.Empty(t, errs)
		require.Len(t, exps, 1)
		return ch, exps[0]
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cache := &cellcache.Cache{Dir: filepath.Join(dir, "cache"), Engine: "auto", Now: func() time.Time { return now }}
	ch, x := parse(src)
	m := &timing.Machine{CPUs: 2, Engine: "yaegi"}
	verdict := &timing.ExpectResult{Line: x.Line, Text: x.Text, Cell: "a", Over: "b", Op: ">=", Status: timing.ExpectPass, Ratio: 1.01, Samples: []float64{1, 1.01, 1.02}}
	cache.PutExpectation(ch, x, verdict, m)
	got, gm, ok := cache.Expectation(ch, x)
	require.True(t, ok)
	assert.Equal(t, verdict.Samples, got.Samples)
	assert.Equal(t, m, gm)

	// It is what a run shows, without timing anything.
	rep, err := runner.RunChapter(context.Background(), path, &runner.Options{Cache: cache})
	require.NoError(t, err)
	require.Len(t, rep.Expectations, 1)
	assert.Equal(t, timing.ExpectPass, rep.Expectations[0].Status)
	assert.Equal(t, verdict.Samples, rep.Expectations[0].Samples, "the cached verdict, not a new measurement")
	assert.Equal(t, m, rep.Machine)

	now = now.Add(cellcache.PassTTL + time.Minute)
	_, _, ok = cache.Expectation(ch, x)
	assert.False(t, ok, "an ok verdict expires after a day")

	now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ch2, x2 := parse(strings.Replace(src, "func main() {}", "func main() { println() }", 1))
	_, _, ok = cache.Expectation(ch2, x2)
	assert.False(t, ok, "a timed cell's code is in the key")
	ch2, x2 = parse(strings.Replace(src, ">= 0.5", ">= 0.6", 1))
	_, _, ok = cache.Expectation(ch2, x2)
	assert.False(t, ok, "the expectation's text is in the key")
	ch2, x2 = parse("Prose first.\n\n" + src)
	got, _, ok = cache.Expectation(ch2, x2)
	require.True(t, ok, "prose does not change the key")
	assert.Equal(t, x2.Line, got.Line)

	ch, x = parse(src)
	require.NoError(t, os.WriteFile(timing.TimingsPath(path), []byte(`{"records":[]}`), 0o644))
	_, _, ok = cache.Expectation(ch, x)
	assert.False(t, ok, "the timing record is in the key")
	require.NoError(t, os.Remove(timing.TimingsPath(path)))

	inc := *verdict
	inc.Status = timing.ExpectInconclusive
	cache.PutExpectation(ch, x, &inc, m)
	now = now.Add(30 * time.Minute)
	_, _, ok = cache.Expectation(ch, x)
	assert.True(t, ok)
	now = now.Add(cellcache.InconclusiveTTL)
	_, _, ok = cache.Expectation(ch, x)
	assert.False(t, ok, "an inconclusive verdict expires after an hour")

	fail := *verdict
	fail.Status = timing.ExpectFail
	cache.PutExpectation(ch, x, &fail, m)
	_, _, ok = cache.Expectation(ch, x)
	assert.False(t, ok, "a failed verdict is not stored")

	cache.PutExpectation(ch, x, verdict, m)
	file := filepath.Join(cache.Dir, "expect", cache.ExpectKey(ch, x)+".json")
	require.NoError(t, os.WriteFile(file, []byte(`{"format":1,"key":"`), 0o644))
	before := cache.Stats()
	_, _, ok = cache.Expectation(ch, x)
	assert.False(t, ok)
	assert.Equal(t, before.Stale+1, cache.Stats().Stale, "a truncated verdict is stale")
	assert.NoFileExists(t, file, "and removed")
}

// TestCellCacheGoEngine: under the toolchain too, an edited fragment runs
// in the session the cached fragments before it made.
func TestCellCacheGoEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every cell with the Go toolchain")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "ch.md")
	cache := &cellcache.Cache{Dir: filepath.Join(dir, "cache"), Engine: "go"}
	run := func(b bookText) (*report.Report, cellcache.Stats) {
		t.Helper()
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
		before := cache.Stats()
		rep, err := runner.RunChapter(context.Background(), path, &runner.Options{Cache: cache, Engine: "go", Short: true})
		require.NoError(t, err)
		return rep, delta(before, cache.Stats())
	}
	base := bookText{prose: "Prose.", add: "10"}
	_, st := run(base)
	assert.Equal(t, int64(4), st.Stores)
	edited := base
	edited.add = "20"
	rep, st := run(edited)
	assert.Equal(t, int64(2), st.Hits)
	assert.Equal(t, int64(2), st.Misses)
	assert.Equal(t, "f2 21\n", rep.Result("f2").Stdout)
	assert.Equal(t, "f3 21\n", rep.Result("f3").Stdout)
	assert.Equal(t, "go", rep.Result("f3").Engine)
	assert.False(t, rep.Failed())
}
