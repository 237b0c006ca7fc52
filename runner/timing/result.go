package timing

import (
	"fmt"
	"time"

	"github.com/concurrency101/book/runner/chapter"
)

// ExpectStatus is the outcome of an expectation.
type ExpectStatus string

// The outcomes of an expectation. Inconclusive means the machine could not
// show what the expectation needs (too few usable cores, other load): it is
// reported, not a failure, unless the runner is strict.
const (
	ExpectPass         ExpectStatus = "pass"
	ExpectFail         ExpectStatus = "fail"
	ExpectInconclusive ExpectStatus = "inconclusive"
	ExpectSkip         ExpectStatus = "skip"
)

// An ExpectResult is what checking one expectation found.
type ExpectResult struct {
	Line int    `json:"line"`
	Text string `json:"text"`
	Kind string `json:"kind,omitempty"` // "parallelism", or "" for speedup
	// Engine is the engine that ran the timed cells, when a run checks
	// the expectations under two (-engine=both); "" otherwise.
	Engine  string       `json:"engine,omitempty"`
	Cell    string       `json:"cell"`
	Over    string       `json:"over"`
	In      string       `json:"in,omitempty"`
	Op      string       `json:"op"`
	Status  ExpectStatus `json:"status"`
	Reason  string       `json:"reason,omitempty"`  // why it failed, is inconclusive or skipped
	Ratio   float64      `json:"ratio,omitempty"`   // of time(Over)/time(Cell) over the paired runs: see RatioEstimate
	Samples []float64    `json:"samples,omitempty"` // the paired ratios, in run order
	// Low and High bound the ratio with 90% confidence (5% each side,
	// see RatioEstimate); both 0 when the samples are too few.
	Low  float64   `json:"low,omitempty"`
	High float64   `json:"high,omitempty"`
	Load []float64 `json:"load,omitempty"` // cores other processes kept busy during each pair
	// Unloaded is, for each sample, the range in which the ratio without
	// other processes' load lies (package runner's documentation,
	// "Load"); a high end of 0 is unbounded. Low and High above are the
	// confidence bounds of these ranges' ends.
	Unloaded [][2]float64 `json:"unloaded,omitempty"`
	Bound    float64      `json:"bound,omitempty"` // at Cores
	Ideal    float64      `json:"ideal,omitempty"` // at Cores; 0 when the line names none
	Cores    int          `json:"cores,omitempty"` // the value of cores Bound and Ideal were evaluated with
	// CoresRange is the range of core counts the load during the runs
	// allows, when it is more than one value: "1-2".
	CoresRange string `json:"cores_range,omitempty"`
	// Recorded is the ratio in the chapter's timing record for the same
	// expectation and engine, 0 if none; RecordedOn describes its machine.
	Recorded   float64 `json:"recorded,omitempty"`
	RecordedOn string  `json:"recorded_on,omitempty"`
	// Took is how long the chapter's timing checks had run when this
	// verdict was reached (the machine-wide lock's wait excluded).
	Took time.Duration `json:"-"`
}

// Summary prints the measurement as the report shows it:
// "speedup cpu-pool over cpu-sync: 1.93x [1.88, 1.97] over 10 rounds (bound >= 1.60, ideal 2.00; 97% of ideal)",
// the bracket being the ratio's 90% confidence interval.
func (r *ExpectResult) Summary() string {
	s := fmt.Sprintf("speedup %s over %s", r.Cell, r.Over)
	unit := "x"
	switch {
	case r.Kind == "parallelism":
		s, unit = "parallelism "+r.Cell, ""
	case r.In != "":
		s = fmt.Sprintf("speedup %q over %q in %s", r.Cell, r.Over, r.In)
	}
	if r.Engine != "" {
		s += " (" + r.Engine + ")"
	}
	if len(r.Samples) == 0 {
		return s
	}
	s += fmt.Sprintf(": %.2f%s", r.Ratio, unit)
	if r.High > 0 {
		s += fmt.Sprintf(" [%.2f, %.2f]", r.Low, r.High)
	}
	rounds := "rounds"
	if len(r.Samples) == 1 {
		rounds = "round"
	}
	s += fmt.Sprintf(" over %d %s (bound %s %.2f", len(r.Samples), rounds, r.Op, r.Bound)
	if r.Ideal > 0 {
		s += fmt.Sprintf(", ideal %.2f; %.0f%% of ideal", r.Ideal, 100*r.Ratio/r.Ideal)
	}
	if r.CoresRange != "" {
		s += "; cores " + r.CoresRange
	}
	return s + ")"
}

// NewResult returns the result of checking e with a status and its reason.
func NewResult(e *chapter.Expectation, status ExpectStatus, reason string) *ExpectResult {
	r := newResult(e)
	r.Status, r.Reason = status, reason
	return r
}

// newResult starts the result of checking e.
func newResult(e *chapter.Expectation) *ExpectResult {
	r := &ExpectResult{Line: e.Line, Text: e.Text, Cell: e.Cell, Over: e.Over, In: e.In, Op: e.Op}
	if e.Kind == "parallelism" {
		r.Kind = e.Kind
	}
	return r
}
