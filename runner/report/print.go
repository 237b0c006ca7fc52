package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/timing"
)

// An Event is one line of the -json report, in the manner of go test -json.
// Action is "start" (a chapter begins), "pass", "fail" or "skip" for a cell
// (Cell set) or for a whole chapter (Cell empty, Output holding its
// chapter-level messages), "expect" for a timing expectation (Expect).
type Event struct {
	Time     time.Time `json:"Time"`
	Action   string    `json:"Action"`
	Chapter  string    `json:"Chapter"`
	Cell     string    `json:"Cell,omitempty"`
	Line     int       `json:"Line,omitempty"`
	Kind     string    `json:"Kind,omitempty"`   // program or fragment
	Engine   string    `json:"Engine,omitempty"` // yaegi or go
	Elapsed  float64   `json:"Elapsed,omitempty"`
	CPU      float64   `json:"CPU,omitempty"`
	Stdout   string    `json:"Stdout,omitempty"`
	Stderr   string    `json:"Stderr,omitempty"`
	Error    string    `json:"Error,omitempty"`    // how the run failed
	Problems []string  `json:"Problems,omitempty"` // why the check failed
	Output   string    `json:"Output,omitempty"`   // chapter-level messages
	// Expect is a timing expectation's result (Action "expect"), Machine
	// where it was measured.
	Expect  *timing.ExpectResult `json:"Expect,omitempty"`
	Machine *timing.Machine      `json:"Machine,omitempty"`
}

// A Printer prints a run as go test prints tests: a line per cell (ok,
// FAIL, and with Verbose skip), the problems and output of a failed cell
// in indented blocks, the timing expectations, a summary line per
// chapter; with JSON, one Event per line instead. The zero value discards
// everything.
type Printer struct {
	W       io.Writer // where the report goes; nil discards it
	JSON    bool      // one JSON event per line
	Verbose bool      // every cell's output, and skipped cells
}

func (p *Printer) w() io.Writer {
	if p.W == nil {
		return io.Discard
	}
	return p.W
}

func (p *Printer) event(e Event) {
	e.Time = time.Now()
	b, _ := json.Marshal(e)
	p.w().Write(append(b, '\n'))
}

// Start reports that the chapter at path begins (an event; no text line).
func (p *Printer) Start(path string) {
	if p.JSON {
		p.event(Event{Action: "start", Chapter: path})
	}
}

// SessionBroke starts the reason of a fragment skipped because an earlier
// fragment broke the session: such a skip is reported without -v, as a
// consequence of a failure.
const SessionBroke = "the session broke at "

// Cell reports one cell as soon as it is done.
func (p *Printer) Cell(ch *chapter.Chapter, c *chapter.Cell, res *chapter.Result) {
	if p.JSON {
		p.event(Event{Action: string(res.Status), Chapter: ch.Path, Cell: c.Name, Line: c.Line, Kind: res.Kind,
			Engine: res.Engine, Elapsed: res.Time.Seconds(), CPU: res.CPU.Seconds(), Stdout: res.Stdout,
			Stderr: res.Stderr, Error: res.Error, Problems: res.Problems})
		return
	}
	pos := ch.Pos(c.Line)
	switch res.Status {
	case chapter.Skip:
		if p.Verbose || strings.HasPrefix(res.Error, SessionBroke) {
			fmt.Fprintf(p.w(), "skip    %s %s (%s)\n", pos, c.Name, res.Error)
		}
		return
	case chapter.Pass:
		fmt.Fprintf(p.w(), "ok      %s %s (%.2fs)\n", pos, c.Name, res.Time.Seconds())
	default:
		fmt.Fprintf(p.w(), "FAIL    %s %s (%.2fs)\n", pos, c.Name, res.Time.Seconds())
	}
	if p.Verbose && c.Fails != nil && res.FailKind != "" {
		// What the expectation was checked against.
		fmt.Fprintf(p.w(), "    failed as expected (fails=%q): %s\n", c.Fails.String(), res.Error)
	}
	if p.Verbose || res.Status == chapter.Fail {
		if res.Stdout != "" && (p.Verbose || len(res.Problems) == 0 || !strings.Contains(strings.Join(res.Problems, ""), "output mismatch")) {
			p.block("stdout", res.Stdout)
		}
		if res.Stderr != "" {
			p.block("stderr", res.Stderr)
		}
	}
	for _, problem := range res.Problems {
		p.block("", problem)
	}
}

func (p *Printer) block(label, text string) {
	text = strings.ToValidUTF8(strings.TrimRight(text, "\n"), "\uFFFD")
	if label != "" {
		fmt.Fprintf(p.w(), "    %s:\n", label)
	}
	lines := strings.Split(text, "\n")
	const most = 200 // a report stays readable; -json carries everything
	if len(lines) > most {
		lines = append(lines[:most:most], fmt.Sprintf("[… %d more lines]", len(lines)-most))
	}
	for _, l := range lines {
		if len(l) > 2000 {
			l = l[:2000] + "[…]"
		}
		fmt.Fprintf(p.w(), "        %s\n", l)
	}
}

// Done prints a chapter's problems and summary line, as go test prints a
// package's; err is what stopped the chapter, if anything (ErrNoCells for
// a chapter without Go cells).
func (p *Printer) Done(rep *Report, err error) {
	var pass, fail, skip int
	for _, res := range rep.Results {
		switch res.Status {
		case chapter.Pass:
			pass++
		case chapter.Fail:
			fail++
		default:
			skip++
		}
	}
	status := "ok"
	switch {
	case errors.Is(err, ErrNoCells):
		status = "?"
	case err != nil || rep.Failed():
		status = "FAIL"
	}
	if p.JSON {
		action := map[string]string{"ok": "pass", "?": "skip", "FAIL": "fail"}[status]
		out := strings.Join(append(append([]string(nil), rep.Notes...), rep.Errors...), "\n")
		if err != nil {
			out = err.Error()
		}
		p.event(Event{Action: action, Chapter: rep.Chapter, Elapsed: rep.Time.Seconds(), Output: out})
		return
	}
	for _, n := range rep.Notes {
		fmt.Fprintln(p.w(), n)
	}
	for _, e := range rep.Errors {
		fmt.Fprintln(p.w(), e)
	}
	switch {
	case errors.Is(err, ErrNoCells):
		fmt.Fprintf(p.w(), "?       %s [no go cells]\n", rep.Chapter)
	case err != nil:
		fmt.Fprintf(p.w(), "%s\nFAIL    %s\n", err, rep.Chapter)
	default:
		counts := fmt.Sprintf("%d passed", pass)
		if fail > 0 {
			counts += fmt.Sprintf(", %d failed", fail)
		}
		if skip > 0 {
			counts += fmt.Sprintf(", %d skipped", skip)
		}
		if len(rep.Expectations) > 0 {
			counts += "; " + expectCounts(rep.Expectations)
		}
		fmt.Fprintf(p.w(), "%-4s    %s %d cells: %s (%.2fs)\n", status, rep.Chapter, len(rep.Results), counts, rep.Time.Seconds())
	}
}

// Expectations reports the chapter's timing expectations: where they were
// measured (m, nil when nothing was timed, in batches of count rounds),
// then one line each with the ratio, the bound and the ideal, and how it
// compares with the chapter's timing record.
func (p *Printer) Expectations(ch *chapter.Chapter, xs []*timing.ExpectResult, m *timing.Machine, count int) {
	if p.JSON {
		for _, x := range xs {
			p.event(Event{Action: "expect", Chapter: ch.Path, Line: x.Line, Expect: x, Machine: m})
		}
		return
	}
	if m != nil {
		fmt.Fprintf(p.w(), "timing  %s: batches of %d rounds on %s\n", ch.Path, count, m)
	}
	for _, x := range xs {
		status := map[timing.ExpectStatus]string{timing.ExpectPass: "ok", timing.ExpectFail: "FAIL",
			timing.ExpectInconclusive: "inconclusive", timing.ExpectSkip: "skipped"}[x.Status]
		fmt.Fprintf(p.w(), "expect  %s %s %s\n", ch.Pos(x.Line), x.Summary(), status)
		if x.Reason != "" { // a pass has one when a first fail was not confirmed
			fmt.Fprintf(p.w(), "        %s: %s\n", ch.Pos(x.Line), x.Reason)
		}
		if x.Recorded > 0 && x.Ratio > 0 {
			fmt.Fprintf(p.w(), "        recorded %.2fx on %s; today %.0f%% of that\n", x.Recorded, x.RecordedOn, 100*x.Ratio/x.Recorded)
		}
	}
}

// expectCounts summarizes expectation outcomes: "3 expectations: 2 ok, 1 inconclusive".
func expectCounts(xs []*timing.ExpectResult) string {
	n := map[timing.ExpectStatus]int{}
	for _, x := range xs {
		n[x.Status]++
	}
	s := fmt.Sprintf("%d expectations:", len(xs))
	sep := " "
	for _, st := range []struct {
		s    timing.ExpectStatus
		word string
	}{{timing.ExpectPass, "ok"}, {timing.ExpectFail, "failed"}, {timing.ExpectInconclusive, "inconclusive"}, {timing.ExpectSkip, "skipped"}} {
		if n[st.s] > 0 {
			s += fmt.Sprintf("%s%d %s", sep, n[st.s], st.word)
			sep = ", "
		}
	}
	return s
}

// Total prints the line that ends a run of several chapters, unless the
// report is JSON: "PASS 3 chapters, 40 cells, 0 failed (12.30s)".
func (p *Printer) Total(chapters, cells, failed int, ok bool, elapsed time.Duration) {
	if p.JSON {
		return
	}
	status := "PASS"
	if !ok {
		status = "FAIL"
	}
	fmt.Fprintf(p.w(), "%s %d chapters, %d cells, %d failed (%.2fs)\n", status, chapters, cells, failed, elapsed.Seconds())
}
