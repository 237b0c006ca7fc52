package report

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/timing"
)

func TestExpectReport(t *testing.T) {
	ch := &chapter.Chapter{Path: "c.md"}
	rep := &Report{
		Machine: &timing.Machine{CPUs: 2, GOMAXPROCS: 2, Parallelism: 1.97, OS: "linux", Arch: "amd64", GoVersion: "go1.26.8", Engine: "yaegi", Yaegi: "v0.16.1"},
		Expectations: []*timing.ExpectResult{
			{Line: 3, Cell: "p", Over: "s", Op: ">=", Status: timing.ExpectPass, Ratio: 1.94, Samples: []float64{1.94, 1.9, 1.95, 1.96, 1.93}, Low: 1.9, High: 1.96, Bound: 1.6, Ideal: 2, Recorded: 1.95, RecordedOn: "2 cpus"},
			{Line: 4, Cell: "p", Over: "s", Op: ">=", Status: timing.ExpectInconclusive, Reason: "busy", Ratio: 1.3, Samples: []float64{1.3}, Bound: 1.6, CoresRange: "1-2"},
			{Line: 5, Cell: "p", Over: "s", Op: ">=", Status: timing.ExpectSkip, Reason: "cell p failed"},
		},
	}
	var b strings.Builder
	(&Printer{W: &b}).Expectations(ch, rep.Expectations, rep.Machine, 3)
	assert.Equal(t, `timing  c.md: batches of 3 rounds on 2 cpus, GOMAXPROCS 2, parallelism 1.97, linux/amd64, go1.26.8, engine yaegi v0.16.1
expect  c.md:3 speedup p over s: 1.94x [1.90, 1.96] over 5 rounds (bound >= 1.60, ideal 2.00; 97% of ideal) ok
        recorded 1.95x on 2 cpus; today 99% of that
expect  c.md:4 speedup p over s: 1.30x over 1 round (bound >= 1.60; cores 1-2) inconclusive
        c.md:4: busy
expect  c.md:5 speedup p over s skipped
        c.md:5: cell p failed
`, b.String())
	assert.Equal(t, "3 expectations: 1 ok, 1 inconclusive, 1 skipped", expectCounts(rep.Expectations))

	b.Reset()
	(&Printer{W: &b, JSON: true}).Expectations(ch, rep.Expectations, rep.Machine, 3)
	evs := decodeEvents(t, b.String())
	require.Len(t, evs, 1+2+3*6+2, "the machine; the test expect: run, === RUN, its subtests (run, === RUN, the measurement, its reason or record, --- PASS:, the result), --- PASS:, the result")
	assert.Equal(t, []string{"run", "output"}, actions(evs[1:3]))
	assert.Equal(t, "expect", evs[1].Test)
	assert.Equal(t, "=== RUN   expect\n", evs[2].Output)
	assert.Equal(t, "--- PASS: expect (0.00s)\n", evs[21].Output, "an inconclusive expectation is skipped, and does not fail its parent")
	assert.Equal(t, "pass", evs[22].Action)
	assert.Equal(t, "expectations", evs[22].Kind)
	assert.Equal(t, Event{Action: "output", Package: "c.md", Output: "timing  c.md: batches of 3 rounds on " + rep.Machine.String() + "\n"}, evs[0])
	x := evs[9:15]
	assert.Equal(t, []string{"run", "output", "output", "output", "output", "skip"}, actions(x))
	assert.Equal(t, "expect/L4", x[0].Test)
	assert.Equal(t, "    c.md:4: speedup p over s: 1.30x over 1 round (bound >= 1.60; cores 1-2) inconclusive\n", x[2].Output)
	assert.Equal(t, "    c.md:4: busy\n", x[3].Output)
	assert.Equal(t, "--- SKIP: expect/L4 (0.00s)\n", x[4].Output)
	res := x[5]
	assert.Equal(t, "inconclusive", res.Verdict)
	assert.Equal(t, "busy", res.Reason)
	assert.Equal(t, 4, res.Line)
	assert.Equal(t, "expect", res.Kind)
	require.NotNil(t, res.Elapsed)
	require.NotNil(t, res.Machine)
	assert.Equal(t, 1.97, res.Machine.Parallelism)
	first := evs[8]
	assert.Equal(t, "pass", first.Action)
	assert.Equal(t, []float64{1.9, 1.96}, first.Interval)
	assert.Equal(t, 1.94, first.Ratio)
	assert.Equal(t, 1.6, first.Bound)
	assert.Equal(t, ">=", first.Op)
	assert.Equal(t, 2.0, first.Ideal)
	assert.Equal(t, 1.95, first.Recorded)
}

// decodeEvents reads a -json report, without the events' times.
func decodeEvents(t *testing.T, s string) []Event {
	t.Helper()
	var evs []Event
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		var e Event
		require.NoError(t, json.Unmarshal([]byte(line), &e), line)
		require.False(t, e.Time.IsZero(), line)
		e.Time = time.Time{}
		evs = append(evs, e)
	}
	return evs
}

func actions(evs []Event) []string {
	var a []string
	for _, e := range evs {
		a = append(a, e.Action)
	}
	return a
}

// TestVerboseExpectedFailure: -v shows the failure an expected failure was
// checked against; without -v a passing cell is one line.
func TestVerboseExpectedFailure(t *testing.T) {
	ch, err := chapter.Parse("c.md", []byte("```{.go name=\"d\" fails=\"fatal: all goroutines\"}\npackage main\n\nfunc main() { select {} }\n```\n"))
	require.NoError(t, err)
	res := &chapter.Result{Cell: "d", Status: chapter.Pass, FailKind: chapter.FailFatal, Error: "fatal error: all goroutines are asleep - deadlock!"}
	var b strings.Builder
	(&Printer{W: &b, Verbose: true}).Cell(ch, ch.Cells[0], res)
	assert.Equal(t, "ok      c.md:1 d (0.00s)\n    failed as expected (fails=\"fatal: all goroutines\"): fatal error: all goroutines are asleep - deadlock!\n", b.String())
	b.Reset()
	(&Printer{W: &b}).Cell(ch, ch.Cells[0], res)
	assert.Equal(t, "ok      c.md:1 d (0.00s)\n", b.String())
}

// TestNotes: what -update wrote is printed before the chapter's errors
// and summary, and carried in the JSON event's output.
func TestNotes(t *testing.T) {
	rep := &Report{Chapter: "c.md", Notes: []string{"wrote c.md:7 output of cell a (new)"}, Errors: []string{"c.md:9: bad"}}
	var b strings.Builder
	(&Printer{W: &b}).Done(rep, nil)
	assert.True(t, strings.HasPrefix(b.String(), "wrote c.md:7 output of cell a (new)\nc.md:9: bad\nFAIL"), b.String())
	b.Reset()
	(&Printer{W: &b, JSON: true}).Done(rep, nil)
	assert.Contains(t, b.String(), `"Output":"wrote c.md:7 output of cell a (new)\n"}`+"\n"+`{`, "a note is an output event of the chapter, before its errors")
	assert.Less(t, strings.Index(b.String(), "wrote c.md:7"), strings.Index(b.String(), `"Output":"c.md:9: bad\n"`))
}
