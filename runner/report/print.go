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

// A Printer prints a run as go test prints tests: a line per cell (ok,
// FAIL, and with Verbose skip), the problems and output of a failed cell
// in indented blocks, the timing expectations, a summary line per
// chapter; with JSON, the events of go test -json instead (see Event).
// With GitHub, it also prints GitHub Actions workflow commands (see
// Annotation). The zero value discards everything.
type Printer struct {
	W       io.Writer // where the report goes; nil discards it
	JSON    bool      // one JSON event per line
	Verbose bool      // every cell's output, and skipped cells
	// GitHub: under GitHub Actions, an ::error command for each failed
	// cell, expectation and chapter problem, a ::warning for each
	// inconclusive expectation; the text report in between is fenced by
	// ::stop-commands::, so that none of it is read as a command. With
	// JSON, the commands go to Commands (the command's standard error),
	// and nowhere when it is nil.
	GitHub   bool
	Commands io.Writer
	// Listen, if set, is given every event, with or without JSON (the
	// JUnit and summary writers read them).
	Listen func(Event)

	token   string // of ::stop-commands::
	stopped bool   // workflow commands are stopped
}

func (p *Printer) w() io.Writer {
	switch {
	case p.W == nil:
		return io.Discard
	case p.GitHub && !p.JSON:
		return stopWriter{p}
	}
	return p.W
}

// events tells whether the printer makes events.
func (p *Printer) events() bool { return p.JSON || p.Listen != nil }

func (p *Printer) emit(evs ...Event) {
	for _, e := range evs {
		e.Time = time.Now()
		if p.Listen != nil {
			p.Listen(e)
		}
		if p.JSON {
			b, _ := json.Marshal(e)
			p.w().Write(append(b, '\n'))
		}
	}
}

// Start reports that the chapter at path begins (an event; no text line).
func (p *Printer) Start(path string) {
	if p.events() {
		p.emit(Event{Action: ActionStart, Package: path})
	}
}

// SessionBroke starts the reason of a fragment skipped because an earlier
// fragment broke the session: such a skip is reported without -v, as a
// consequence of a failure.
const SessionBroke = "the session broke at "

// Cell reports one cell as soon as it is done.
func (p *Printer) Cell(ch *chapter.Chapter, c *chapter.Cell, res *chapter.Result) {
	if p.events() {
		p.emit(CellEvents(ch, c, res)...)
	}
	if !p.JSON {
		p.cellText(ch, c, res)
	}
	if res.Status == chapter.Fail {
		msg := strings.Join(res.Problems, "\n")
		if msg == "" {
			msg = res.Error
		}
		line := c.Line
		if len(res.Problems) > 0 {
			line = lineOf(ch.Path, res.Problems[0], c.Line)
		}
		p.annotate(Annotation{Level: "error", File: ch.Path, Line: line, Title: "cell " + c.Name, Message: msg})
	}
}

func (p *Printer) cellText(ch *chapter.Chapter, c *chapter.Cell, res *chapter.Result) {
	pos := ch.Pos(c.Line)
	switch res.Status {
	case chapter.Skip:
		if p.Verbose || strings.HasPrefix(res.Error, SessionBroke) {
			fmt.Fprintf(p.w(), "skip    %s %s (%s)\n", pos, c.Name, res.Error)
		}
		return
	case chapter.Pass:
		fmt.Fprintf(p.w(), "ok      %s %s (%.2fs%s)\n", pos, c.Name, res.Time.Seconds(), routed(res))
	default:
		fmt.Fprintf(p.w(), "FAIL    %s %s (%.2fs%s)\n", pos, c.Name, res.Time.Seconds(), routed(res))
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

// routed is what a cell's line says of a cell routed to the Go
// toolchain: ", go: <reason>".
func routed(res *chapter.Result) string {
	if res.Routed == "" {
		return ""
	}
	return ", go: " + res.Routed
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
	if p.events() {
		p.emit(DoneEvents(rep, err)...)
	}
	if !p.JSON {
		p.doneText(rep, err)
	}
	for _, e := range rep.Errors {
		p.annotate(Annotation{Level: "error", File: rep.Chapter, Line: lineOf(rep.Chapter, e, 0), Title: "chapter", Message: e})
	}
	if err != nil && !errors.Is(err, ErrNoCells) {
		p.annotate(Annotation{Level: "error", File: rep.Chapter, Line: lineOf(rep.Chapter, err.Error(), 0), Title: "chapter", Message: err.Error()})
	}
}

func (p *Printer) doneText(rep *Report, err error) {
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
		fmt.Fprintf(p.w(), "%-4s    %s %d cells: %s (%.2fs)\n", chapterStatus(rep, err), rep.Chapter, len(rep.Results), counts, rep.Time.Seconds())
	}
}

// Expectations reports the chapter's timing expectations: where they were
// measured (m, nil when nothing was timed, in batches of count rounds),
// then one line each with the ratio, the bound and the ideal, and how it
// compares with the chapter's timing record.
func (p *Printer) Expectations(ch *chapter.Chapter, xs []*timing.ExpectResult, m *timing.Machine, count int) {
	where := ""
	if m != nil {
		where = fmt.Sprintf("timing  %s: batches of %d rounds on %s\n", ch.Path, count, m)
	}
	if p.events() {
		if where != "" {
			p.emit(Event{Action: ActionOutput, Package: ch.Path, Output: where})
		}
		p.emit(ExpectationsEvents(ch, xs, m)...)
	}
	if !p.JSON && where != "" {
		fmt.Fprint(p.w(), where)
	}
	for _, x := range xs {
		if !p.JSON {
			fmt.Fprintf(p.w(), "expect  %s %s %s\n", ch.Pos(x.Line), x.Summary(), expectWord[x.Status])
			if x.Reason != "" { // a pass has one when a first fail was not confirmed
				fmt.Fprintf(p.w(), "        %s: %s\n", ch.Pos(x.Line), x.Reason)
			}
			if r := recordLine(x); r != "" {
				fmt.Fprintf(p.w(), "        %s\n", r)
			}
		}
		level := map[timing.ExpectStatus]string{timing.ExpectFail: "error", timing.ExpectInconclusive: "warning"}[x.Status]
		if level != "" {
			msg := x.Summary() + " " + expectWord[x.Status]
			if x.Reason != "" {
				msg += ": " + x.Reason
			}
			p.annotate(Annotation{Level: level, File: ch.Path, Line: x.Line, Title: expectTitle(x), Message: msg})
		}
	}
}

// expectTitle names an expectation: "speedup cpu-pool over cpu-sync".
func expectTitle(x *timing.ExpectResult) string {
	if x.In != "" {
		return fmt.Sprintf("speedup %q over %q in %s", x.Cell, x.Over, x.In)
	}
	return fmt.Sprintf("speedup %s over %s", x.Cell, x.Over)
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
