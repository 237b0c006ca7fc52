package chapter

import (
	"time"

	"github.com/concurrency101/book/runner/timeline"
)

// Status is the outcome of a cell.
type Status string

// The statuses a cell can end with.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Skip Status = "skip"
)

// A Result is what running one cell produced and what verifying it found.
type Result struct {
	Cell     string        `json:"cell"`
	Line     int           `json:"line"`
	Kind     string        `json:"kind"` // "program" or "fragment"
	Engine   string        `json:"engine"`
	Status   Status        `json:"status"`
	Stdout   string        `json:"stdout,omitempty"`
	Stderr   string        `json:"stderr,omitempty"`
	Error    string        `json:"error,omitempty"`     // how the run failed: a compile error, "panic: …", "exit status 3", "timeout after 2s: …"
	FailKind FailKind      `json:"fail_kind,omitempty"` // "" when the run ended normally
	Problems []string      `json:"problems,omitempty"`  // why the check failed (mismatch with its diff, unexpected failure, …)
	Time     time.Duration `json:"time"`                // wall-clock time of the execution, compile excluded
	CPU      time.Duration `json:"cpu"`                 // CPU time (user+system) of the execution
	// ProcessCPU is the CPU time of the process that ran the cell, over
	// the whole request: compilation and the worker's own work included.
	// The load probes of timed runs subtract it from the machine's.
	ProcessCPU time.Duration   `json:"-"`
	Spans      []timeline.Span `json:"spans,omitempty"`
	Truncated  bool            `json:"truncated,omitempty"` // output exceeded the cap
	Other      *Result         `json:"other,omitempty"`     // with -engine=both, the go engine's result it was compared with
}

// ReportVersion numbers what a Report records; caches of reports (the
// site's) key on it, so a change of what is measured, or how, is not
// hidden behind reports made before. 2: timing verdicts by confidence
// interval (ExpectResult.Low, High), values a cell reports.
const ReportVersion = 2

// A Report is the outcome of running one chapter: what the site shows and
// what the runner caches.
type Report struct {
	Chapter string        `json:"chapter"` // the chapter's path
	Engine  string        `json:"engine"`  // "yaegi", "go" or "both"
	Results []*Result     `json:"results"`
	Time    time.Duration `json:"time"`
	Errors  []string      `json:"errors,omitempty"` // chapter-level problems (parse errors, expectations)
	// Expectations are the timing expectations checked, in chapter order;
	// Machine is where they were measured (nil when nothing was timed).
	Expectations []*ExpectResult `json:"expectations,omitempty"`
	Machine      *Machine        `json:"machine,omitempty"`
}

// Result returns the result for the named cell, or nil.
func (r *Report) Result(cell string) *Result {
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
		if res.Status == Fail {
			return true
		}
	}
	for _, x := range r.Expectations {
		if x.Status == ExpectFail {
			return true
		}
	}
	return false
}
