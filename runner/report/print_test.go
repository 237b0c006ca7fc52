package report

import (
	"encoding/json"
	"strings"
	"testing"

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
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 3, "one event per expectation")
	var ev Event
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &ev))
	assert.Equal(t, "expect", ev.Action)
	assert.Equal(t, 4, ev.Line)
	require.NotNil(t, ev.Expect)
	assert.Equal(t, timing.ExpectInconclusive, ev.Expect.Status)
	require.NotNil(t, ev.Machine)
	assert.Equal(t, 1.97, ev.Machine.Parallelism)
}
