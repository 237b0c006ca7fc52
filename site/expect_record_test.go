package site

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/concurrency101/book/runner/timing"
)

// TestExpectationRecord: where today's verdict is inconclusive or
// missing, the chapter's recorded ratio, its machine and date stand as
// the figure of record, with today's run beside it; a decided verdict
// shows today's run only.
func TestExpectationRecord(t *testing.T) {
	text := "speedup b over a >= 1.4 ideal 2"
	e := &chapter.Expect{Line: 16, Text: text}
	m := timing.Machine{CPUs: 2, GOMAXPROCS: 2, OS: "linux", Arch: "amd64", GoVersion: "go1.26.8", Engine: "yaegi"}
	records := &timing.Timings{}
	records.Set(&timing.TimingRecord{Engine: "yaegi", Machine: m, Date: time.Date(2026, 11, 25, 22, 57, 0, 0, time.UTC),
		Expectations: []*timing.ExpectResult{{Text: text, Status: timing.ExpectPass, Ratio: 1.87, Low: 1.8, High: 1.93}}})
	record := `<div class="expect-record">figure of record: <strong>1.87×</strong> (90% confidence 1.80–1.93), pass, on 2 cpus, GOMAXPROCS 2, linux/amd64, go1.26.8, engine yaegi, 2026-11-25</div>`

	today := &timing.ExpectResult{Line: 16, Text: text, Op: ">=", Status: timing.ExpectInconclusive, Ratio: 1.5,
		Samples: []float64{1.5, 1.5, 1.5, 1.5, 1.5}, Low: 1.3, High: 1.9, Bound: 1.4, Reason: "the load could explain the gap"}
	rep := &report.Report{Engine: "yaegi", Expectations: []*timing.ExpectResult{today}}
	item, ok := expectationItem(e, rep, records)
	assert.True(t, ok)
	assert.Contains(t, item, record+`<div class="expect-measure">measured <strong>1.50×</strong>`, "the record, then today's run")
	assert.Contains(t, item, `<div class="expect-reason">the load could explain the gap</div>`)

	// Missing: no report (the chapter did not run, or not this line).
	item, ok = expectationItem(e, nil, records)
	assert.False(t, ok)
	assert.Contains(t, item, record)

	// Decided today: today's figure only.
	today.Status, today.Reason = timing.ExpectPass, ""
	item, _ = expectationItem(e, rep, records)
	assert.NotContains(t, item, "figure of record")

	// Under -engine=both, each engine's result with its own record.
	goRes := *today
	goRes.Engine, goRes.Status = "go", timing.ExpectInconclusive
	rep.Expectations = append(rep.Expectations, &goRes)
	item, _ = expectationItem(e, rep, records)
	assert.Contains(t, item, `<span class="expect-engine">go</span>`)
	assert.NotContains(t, item, "figure of record", "no record of the go engine")
	// No record at all: nothing made up.
	item, _ = expectationItem(e, nil, &timing.Timings{})
	assert.NotContains(t, item, "figure of record")
}
