package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gotest.tools/gotestsum/testjson"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/timing"
)

// fixtureRun prints, through p, a run of three chapters: chapters/cpu.md
// with a cell that passes, one that fails, one that is skipped, and four
// timing expectations (ok, FAIL, inconclusive, skipped); chapters/x.md
// without Go cells; chapters/bad.md with a chapter-level problem.
func fixtureRun(p *Printer) {
	ch := &chapter.Chapter{Path: "chapters/cpu.md", Cells: []*chapter.Cell{
		{Name: "cpu-sync", Line: 6}, {Name: "cpu-pool", Line: 24}, {Name: "cpu-note", Line: 42}}}
	rep := &Report{Chapter: ch.Path, Engine: "yaegi", Time: 1203 * time.Millisecond, Results: []*chapter.Result{
		{Cell: "cpu-sync", Line: 6, Kind: "program", Engine: "yaegi", Status: chapter.Pass, Stdout: "sum = 3003\n", Time: 612 * time.Millisecond, CPU: 600 * time.Millisecond},
		{Cell: "cpu-pool", Line: 24, Kind: "program", Engine: "yaegi", Status: chapter.Fail, Stdout: "sum = 2997\n", Stderr: "warning\n", Time: 350 * time.Millisecond,
			Problems: []string{"chapters/cpu.md:38: cell cpu-pool: output mismatch\n--- want\n+++ got\n@@ -1,1 +1,1 @@\n-sum = 3003\n+sum = 2997"}},
		{Cell: "cpu-note", Line: 42, Kind: "program", Status: chapter.Skip, Error: "norun"},
	}}
	rep.Machine = &timing.Machine{CPUs: 2, GOMAXPROCS: 2, OS: "linux", Arch: "amd64", GoVersion: "go1.26.8", Engine: "yaegi"}
	rep.Expectations = []*timing.ExpectResult{
		{Line: 50, Text: "speedup cpu-pool over cpu-sync >= 1.6 ideal 2", Cell: "cpu-pool", Over: "cpu-sync", Op: ">=", Status: timing.ExpectPass, Ratio: 1.93, Low: 1.88, High: 1.97, Samples: []float64{1.9, 1.93, 1.95, 1.97, 1.88}, Bound: 1.6, Ideal: 2},
		{Line: 51, Cell: "cpu-sync", Over: "cpu-pool", Op: ">=", Status: timing.ExpectFail, Reason: "ratio under the bound", Ratio: 0.52, Samples: []float64{0.52}, Bound: 1},
		{Line: 52, Cell: "cpu-pool", Over: "cpu-sync", Op: ">=", Status: timing.ExpectInconclusive, Reason: "busy", Ratio: 1.3, Samples: []float64{1.3}, Bound: 1.6},
		{Line: 53, Cell: "cpu-note", Over: "cpu-sync", Op: ">=", Status: timing.ExpectSkip, Reason: "cell cpu-note did not run"},
	}
	p.Start(ch.Path)
	for i, c := range ch.Cells {
		p.Cell(ch, c, rep.Results[i])
	}
	p.Expectations(ch, rep.Expectations, rep.Machine, 5)
	p.Done(rep, nil)

	p.Start("chapters/x.md")
	p.Done(&Report{Chapter: "chapters/x.md"}, ErrNoCells)

	p.Start("chapters/bad.md")
	p.Done(&Report{Chapter: "chapters/bad.md", Errors: []string{`chapters/bad.md:3: expect: no cell named "x"`}}, nil)
	p.Close()
}

// TestJSONGotestsum reads the -json report with gotestsum's own parser
// (gotest.tools/gotestsum/testjson): the chapters are its packages, the
// cells and expectations its tests, each counted where it belongs, with
// its output, and gotestsum's testname format and summary read as for go
// test.
func TestJSONGotestsum(t *testing.T) {
	var out bytes.Buffer
	fixtureRun(&Printer{W: &out, JSON: true})
	var formatted bytes.Buffer
	h := &handler{format: testjson.NewEventFormatter(&formatted, "testname", testjson.FormatOptions{})}
	exec, err := testjson.ScanTestOutput(testjson.ScanConfig{Stdout: &out, Handler: h})
	require.NoError(t, err)
	assert.Empty(t, h.errs, "lines gotestsum could not read")

	assert.Equal(t, []string{"chapters/bad.md", "chapters/cpu.md", "chapters/x.md"}, exec.Packages())
	cpu := exec.Package("chapters/cpu.md")
	assert.Equal(t, testjson.ActionFail, cpu.Result())
	assert.Equal(t, 3+1+4, cpu.Total, "the cells, the test expect and its four subtests")
	assert.Equal(t, []string{"cpu-sync", "expect/L50"}, names(cpu.Passed))
	assert.Equal(t, []string{"cpu-pool", "expect/L51", "expect"}, names(cpu.Failed))
	assert.Equal(t, []string{"cpu-note", "expect/L52", "expect/L53"}, names(cpu.Skipped))
	assert.Equal(t, 1203*time.Millisecond, cpu.Elapsed())
	assert.Equal(t, 610*time.Millisecond, cpu.Passed[0].Elapsed)
	assert.Equal(t, []string{"=== RUN   cpu-pool\n", "sum = 2997\n", "warning\n",
		"    chapters/cpu.md:38: cell cpu-pool: output mismatch\n", "        --- want\n", "        +++ got\n",
		"        @@ -1,1 +1,1 @@\n", "        -sum = 3003\n", "        +sum = 2997\n", "--- FAIL: cpu-pool (0.35s)\n"},
		exec.OutputLines(cpu.Failed[0]))

	empty := exec.Package("chapters/x.md")
	assert.NotEqual(t, testjson.ActionFail, empty.Result())
	assert.True(t, empty.IsEmpty())
	bad := exec.Package("chapters/bad.md")
	assert.Equal(t, testjson.ActionFail, bad.Result())
	assert.True(t, bad.TestMainFailed(), "a chapter-level problem fails the chapter as a failing TestMain does a package")

	var summary bytes.Buffer
	testjson.PrintSummary(&summary, exec, testjson.SummarizeNone)
	assert.Contains(t, summary.String(), "DONE 8 tests, 3 skipped, 4 failures")
	f := formatted.String()
	for _, want := range []string{"PASS chapters/cpu.md.cpu-sync (0.61s)\n", "FAIL chapters/cpu.md.cpu-pool (0.35s)\n",
		"SKIP chapters/cpu.md.cpu-note (0.00s)\n", "PASS chapters/cpu.md.expect/L50 (0.00s)\n",
		"FAIL chapters/cpu.md.expect/L51 (0.00s)\n", "SKIP chapters/cpu.md.expect/L52 (0.00s)\n",
		"FAIL chapters/cpu.md.expect (0.00s)\n",
		"FAIL chapters/cpu.md\n", "EMPTY chapters/x.md\n", "FAIL chapters/bad.md\n"} {
		assert.Contains(t, f, want)
	}
}

// handler formats the events as gotestsum does and collects the lines it
// could not read.
type handler struct {
	format testjson.EventFormatter
	errs   []string
}

func (h *handler) Event(e testjson.TestEvent, exec *testjson.Execution) error {
	return h.format.Format(e, exec)
}

func (h *handler) Err(text string) error {
	h.errs = append(h.errs, text)
	return nil
}

func names(tcs []testjson.TestCase) []string {
	var n []string
	for _, tc := range tcs {
		n = append(n, tc.Test.Name())
	}
	return n
}

// TestJSONAsGoTest: a cell's events are go test -json's for a test, line
// for line, with the book's fields on run and on the result; a chapter
// ends as a package does.
func TestJSONAsGoTest(t *testing.T) {
	var out bytes.Buffer
	fixtureRun(&Printer{W: &out, JSON: true})
	evs := decodeEvents(t, out.String())
	two := 0.61
	assert.Equal(t, []Event{
		{Action: "start", Package: "chapters/cpu.md"},
		{Action: "run", Package: "chapters/cpu.md", Test: "cpu-sync", Line: 6, Kind: "program"},
		{Action: "output", Package: "chapters/cpu.md", Test: "cpu-sync", Output: "=== RUN   cpu-sync\n"},
		{Action: "output", Package: "chapters/cpu.md", Test: "cpu-sync", Output: "sum = 3003\n", Stream: "stdout"},
		{Action: "output", Package: "chapters/cpu.md", Test: "cpu-sync", Output: "--- PASS: cpu-sync (0.61s)\n"},
		{Action: "pass", Package: "chapters/cpu.md", Test: "cpu-sync", Elapsed: &two, Line: 6, Kind: "program", Engine: "yaegi", CPU: 0.6},
	}, evs[:6])
	skip := evs[indexOf(evs, func(e Event) bool { return e.Test == "cpu-note" && e.Action == "skip" })]
	require.NotNil(t, skip.Elapsed, "a skip has its Elapsed, 0 included, as go test's")
	assert.Equal(t, "norun", skip.Error)

	var tail []string
	for _, e := range evs {
		if e.Package == "chapters/cpu.md" && e.Test == "" && e.Action != "start" {
			tail = append(tail, e.Action+" "+e.Output)
		}
	}
	assert.Equal(t, []string{"output timing  chapters/cpu.md: batches of 5 rounds on 2 cpus, GOMAXPROCS 2, linux/amd64, go1.26.8, engine yaegi\n",
		"output FAIL\n", "output FAIL\tchapters/cpu.md\t1.203s\n", "fail "}, tail)
	last := evs[len(evs)-1]
	assert.Equal(t, "fail", last.Action)
	assert.Equal(t, []string{`chapters/bad.md:3: expect: no cell named "x"`}, last.Problems)
	x := evs[indexOf(evs, func(e Event) bool { return e.Package == "chapters/x.md" && e.Action == "output" })]
	assert.Equal(t, "?   \tchapters/x.md\t[no go cells]\n", x.Output)
	err := evs[indexOf(evs, func(e Event) bool { return e.Package == "chapters/bad.md" && e.Action == "output" })]
	assert.Equal(t, "chapters/bad.md:3: expect: no cell named \"x\"\n", err.Output)

	// A chapter stopped by an error says so.
	out.Reset()
	(&Printer{W: &out, JSON: true}).Done(&Report{Chapter: "c.md"}, errors.New("c.md: no such file"))
	evs = decodeEvents(t, out.String())
	assert.Equal(t, []string{"output", "output", "output", "fail"}, actions(evs))
	assert.Equal(t, "c.md: no such file\n", evs[0].Output)
	assert.Equal(t, []string{"c.md: no such file"}, evs[3].Problems)
}

// indexOf returns the index of the first event that matches, or -1.
func indexOf(evs []Event, match func(Event) bool) int {
	for i, e := range evs {
		if match(e) {
			return i
		}
	}
	return -1
}

// TestOutputLines: output is cut into lines with their newline, long lines
// into pieces of at most 4096 bytes at a character's boundary, invalid
// UTF-8 replaced; nothing is lost.
func TestOutputLines(t *testing.T) {
	assert.Nil(t, outputLines(""))
	assert.Equal(t, []string{"a\n", "\n", "b\n"}, outputLines("a\n\nb"))
	assert.Equal(t, []string{"x\uFFFDy\n"}, outputLines("x\xffy\n"))
	long := strings.Repeat("é", 3000) + "\n" // 6001 bytes
	parts := outputLines(long)
	require.Len(t, parts, 2)
	assert.Equal(t, 4096, len(parts[0]))
	assert.Equal(t, long, strings.Join(parts, ""))
	odd := "a" + strings.Repeat("é", 3000)
	parts = outputLines(odd)
	assert.Equal(t, 4095, len(parts[0]), "cut before a character, not inside it")
	assert.Equal(t, odd+"\n", strings.Join(parts, ""))
}
