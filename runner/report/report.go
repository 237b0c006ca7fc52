// Package report holds the outcome of running a chapter and prints it: text
// lines like go test's, or go test -json's events (Event), with GitHub
// Actions workflow commands under GitHub Actions (Annotation); from the
// events it makes a JUnit XML report (JUnit) and a Markdown summary
// (Summary). It is the one place that prints a run; the runner reports
// its progress to it and the site shows its Report.
package report

import (
	"errors"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/timing"
)

// ErrNoCells is reported for a chapter without Go cells: its summary line
// is "?", as go test's for a package without tests.
var ErrNoCells = errors.New("no go cells")

// Version numbers what a Report records; caches of reports (the
// site's) key on it, so a change of what is measured, or how, is not
// hidden behind reports made before. 2: timing verdicts by confidence
// interval (ExpectResult.Low, High), values a cell reports. 3: verdicts
// bounded by the load (ExpectResult.Unloaded), parallelism expectations,
// compiled cells timed over main.
const Version = 3

// A Report is the outcome of running one chapter: what the site shows and
// what the runner caches.
type Report struct {
	Chapter string            `json:"chapter"` // the chapter's path
	Engine  string            `json:"engine"`  // "yaegi", "go" or "both"
	Results []*chapter.Result `json:"results"`
	Time    time.Duration     `json:"time"`
	Errors  []string          `json:"errors,omitempty"` // chapter-level problems (parse errors, expectations)
	Notes   []string          `json:"notes,omitempty"`  // what -update wrote: blocks, timing records
	// Expectations are the timing expectations checked, in chapter order;
	// Machine is where they were measured (nil when nothing was timed).
	Expectations []*timing.ExpectResult `json:"expectations,omitempty"`
	Machine      *timing.Machine        `json:"machine,omitempty"`
}

// Result returns the result for the named cell, or nil.
func (r *Report) Result(cell string) *chapter.Result {
	for _, res := range r.Results {
		if res.Cell == cell {
			return res
		}
	}
	return nil
}

// Failed reports whether any cell or chapter-level check failed.
func (r *Report) Failed() bool {
	if len(r.Errors) > 0 {
		return true
	}
	for _, res := range r.Results {
		if res.Status == chapter.Fail {
			return true
		}
	}
	for _, x := range r.Expectations {
		if x.Status == timing.ExpectFail {
			return true
		}
	}
	return false
}
