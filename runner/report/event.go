package report

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/timing"
)

// An Event is one line of the -json report. It is test2json's TestEvent
// (go doc cmd/test2json): a chapter is a package (Package, its path), a
// cell is a test (Test, its name), a timing expectation a test named
// expect/L<line>; Action is start, run, output, pass, fail or skip, and
// Output and Elapsed are go test's. The other fields are the book's, which
// tools made for go test -json ignore.
type Event struct {
	Time    time.Time `json:"Time"`
	Action  string    `json:"Action"`
	Package string    `json:"Package,omitempty"`
	Test    string    `json:"Test,omitempty"`
	Elapsed *float64  `json:"Elapsed,omitempty"` // seconds; set on pass, fail and skip, as go test does
	Output  string    `json:"Output,omitempty"`  // one line (a longer one in pieces), with its newline

	// The book's fields. Line is the cell's fence or the expectation's
	// line (on run and on the result); Kind is program, test, fragment or
	// expect; Stream says which stream a line of a cell's output was
	// written to.
	Line   int    `json:"Line,omitempty"`
	Kind   string `json:"Kind,omitempty"`
	Engine string `json:"Engine,omitempty"` // yaegi or go
	Stream string `json:"Stream,omitempty"` // stdout or stderr
	// A cell's result: its CPU time (seconds), how its run failed, its
	// failure kind and why its check failed (diffs included).
	CPU      float64  `json:"CPU,omitempty"`
	Error    string   `json:"Error,omitempty"`
	FailKind string   `json:"FailKind,omitempty"`
	Problems []string `json:"Problems,omitempty"`
	// Reason says why: the reason of an expectation's verdict.
	Reason string `json:"Reason,omitempty"`
	// Routed says why a cell ran under the Go toolchain (Engine "go")
	// when the interpreter would have run it: see chapter.Result.Routed.
	Routed string `json:"Routed,omitempty"`

	// An expectation's result (timing.ExpectResult): the line as written,
	// its verdict (pass, fail, inconclusive or skip), the ratio with its
	// 90% confidence interval, the paired ratios and the load during each
	// pair, the bound with its operator, the ideal, the cores they were
	// evaluated with, the chapter's record, and where it was measured.
	Expect     string          `json:"Expect,omitempty"`
	Verdict    string          `json:"Verdict,omitempty"`
	Ratio      float64         `json:"Ratio,omitempty"`
	Interval   []float64       `json:"Interval,omitempty"` // [low, high]
	Samples    []float64       `json:"Samples,omitempty"`
	Load       []float64       `json:"Load,omitempty"`
	Op         string          `json:"Op,omitempty"`
	Bound      float64         `json:"Bound,omitempty"`
	Ideal      float64         `json:"Ideal,omitempty"`
	Cores      int             `json:"Cores,omitempty"`
	CoresRange string          `json:"CoresRange,omitempty"`
	Recorded   float64         `json:"Recorded,omitempty"`
	RecordedOn string          `json:"RecordedOn,omitempty"`
	Machine    *timing.Machine `json:"Machine,omitempty"`

	// The notebook's fields, only in the events of the site's POST /__run
	// (runner.Kernel; cmd/run never sets them): on a cell's result, the
	// spans of its timing diagram (chapter.Region, times in nanoseconds
	// from the trace's start), and Stale, the later fragments of the
	// chapter whose code uses a name the run changed (declared or
	// assigned differently, or no longer), which the page marks stale.
	Spans []chapter.Region `json:"Spans,omitempty"`
	Stale []string         `json:"Stale,omitempty"`
}

// The actions of events (test2json's).
const (
	ActionStart  = "start"
	ActionRun    = "run"
	ActionOutput = "output"
	ActionPass   = "pass"
	ActionFail   = "fail"
	ActionSkip   = "skip"
)

// The Kind of an expectation's events, and of the test that holds a
// chapter's expectations.
const (
	KindExpect       = "expect"
	KindExpectations = "expectations"
)

// ExpectGroup is the test that holds a chapter's expectations, as their
// parent: go test always has one for a test named a/b, and readers such
// as gotestsum count on it.
const ExpectGroup = "expect"

// ExpectTest is the test name of the expectation at line: expect/L401.
func ExpectTest(line int) string { return fmt.Sprintf("%s/L%d", ExpectGroup, line) }

// maxOutput is the longest Output of an event, in bytes: test2json's
// limit, which keeps every event well under the 64 KiB line that
// bufio.Scanner, and so most readers, accept.
const maxOutput = 4096

// outputLines cuts text into the Output of events: lines with their
// newline (a last line without one gets one), longer ones in pieces cut
// at a character's boundary; invalid UTF-8 becomes U+FFFD, as test2json
// makes it.
func outputLines(text string) []string {
	text = strings.ToValidUTF8(text, "\uFFFD")
	var out []string
	for text != "" {
		line, rest, found := strings.Cut(text, "\n")
		if found || line != "" {
			line += "\n"
		}
		text = rest
		for len(line) > maxOutput {
			n := maxOutput
			for n > 0 && !utf8.RuneStart(line[n]) {
				n--
			}
			out = append(out, line[:n])
			line = line[n:]
		}
		out = append(out, line)
	}
	return out
}

// seconds returns d in seconds rounded to digits decimals, as go test
// reports a test's time (2) and a package's (3).
func seconds(d time.Duration, digits int) *float64 {
	p := math.Pow10(digits)
	s := math.Round(d.Seconds()*p) / p
	return &s
}

// testEvents builds a test's events: run, its output, go test's last
// line ("--- PASS: name (0.61s)"), and end, the result, whose Package,
// Test and Elapsed it fills.
type testEvents struct {
	pkg, test string
	events    []Event
}

func newTest(pkg, test string, run Event) *testEvents {
	t := &testEvents{pkg: pkg, test: test}
	run.Action, run.Package, run.Test = ActionRun, pkg, test
	t.events = append(t.events, run)
	t.output("", "=== RUN   "+test+"\n")
	return t
}

// output adds text, line by line, written to stream ("" for the runner's
// own lines).
func (t *testEvents) output(stream, text string) {
	for _, l := range outputLines(text) {
		t.events = append(t.events, Event{Action: ActionOutput, Package: t.pkg, Test: t.test, Output: l, Stream: stream})
	}
}

// message adds a message as go test prints a t.Error's: its first line
// indented by four spaces, the others by eight.
func (t *testEvents) message(text string) {
	text = strings.TrimRight(text, "\n")
	if text == "" {
		return
	}
	t.output("", "    "+strings.ReplaceAll(text, "\n", "\n        ")+"\n")
}

func (t *testEvents) end(res Event, elapsed time.Duration) []Event {
	word := map[string]string{ActionPass: "PASS", ActionFail: "FAIL", ActionSkip: "SKIP"}[res.Action]
	res.Package, res.Test, res.Elapsed = t.pkg, t.test, seconds(elapsed, 2)
	t.output("", fmt.Sprintf("--- %s: %s (%.2fs)\n", word, t.test, *res.Elapsed))
	return append(t.events, res)
}

// CellEvents returns the events of a cell's result: run, the lines it
// printed (standard output, then standard error), why it was skipped or
// its problems, go test's "--- FAIL:" line, and the result with the
// book's fields.
func CellEvents(ch *chapter.Chapter, c *chapter.Cell, res *chapter.Result) []Event {
	t := newTest(ch.Path, c.Name, Event{Line: c.Line, Kind: res.Kind})
	t.output("stdout", res.Stdout)
	t.output("stderr", res.Stderr)
	if res.Status == chapter.Skip {
		t.message(ch.Pos(c.Line) + ": " + res.Error)
	}
	for _, p := range res.Problems {
		t.message(p)
	}
	return t.end(Event{Action: string(res.Status), Line: c.Line, Kind: res.Kind, Engine: res.Engine,
		CPU: res.CPU.Seconds(), Error: res.Error, FailKind: string(res.FailKind), Problems: res.Problems, Routed: res.Routed}, res.Time)
}

// ExpectationsEvents returns the events of a chapter's expectations: a
// test named expect that runs each as a subtest (see ExpectEvents) and
// fails when one fails.
func ExpectationsEvents(ch *chapter.Chapter, xs []*timing.ExpectResult, m *timing.Machine) []Event {
	if len(xs) == 0 {
		return nil
	}
	t := newTest(ch.Path, ExpectGroup, Event{Kind: KindExpectations})
	res := Event{Action: ActionPass, Kind: KindExpectations}
	for _, x := range xs {
		t.events = append(t.events, ExpectEvents(ch, x, m)...)
		if x.Status == timing.ExpectFail {
			res.Action = ActionFail
		}
	}
	return t.end(res, 0)
}

// expectAction is the test2json action of an expectation's verdict: an
// inconclusive one is skipped (not decided, not a failure).
var expectAction = map[timing.ExpectStatus]string{timing.ExpectPass: ActionPass, timing.ExpectFail: ActionFail,
	timing.ExpectInconclusive: ActionSkip, timing.ExpectSkip: ActionSkip}

// ExpectEvents returns the events of an expectation's result: run, the
// lines the text report prints for it, go test's last line, and the
// result with the book's fields. m is where it was measured.
func ExpectEvents(ch *chapter.Chapter, x *timing.ExpectResult, m *timing.Machine) []Event {
	t := newTest(ch.Path, ExpectTest(x.Line), Event{Line: x.Line, Kind: KindExpect})
	t.message(fmt.Sprintf("%s: %s %s", ch.Pos(x.Line), x.Summary(), expectWord[x.Status]))
	if x.Reason != "" {
		t.message(ch.Pos(x.Line) + ": " + x.Reason)
	}
	if r := recordLine(x); r != "" {
		t.message(r)
	}
	res := Event{Action: expectAction[x.Status], Line: x.Line, Kind: KindExpect, Reason: x.Reason, Expect: x.Text,
		Verdict: string(x.Status), Ratio: x.Ratio, Samples: x.Samples, Load: x.Load, Op: x.Op, Bound: x.Bound,
		Ideal: x.Ideal, Cores: x.Cores, CoresRange: x.CoresRange, Recorded: x.Recorded, RecordedOn: x.RecordedOn, Machine: m}
	if x.High > 0 {
		res.Interval = []float64{x.Low, x.High}
	}
	return t.end(res, 0)
}

// expectWord is how the text report calls a verdict.
var expectWord = map[timing.ExpectStatus]string{timing.ExpectPass: "ok", timing.ExpectFail: "FAIL",
	timing.ExpectInconclusive: "inconclusive", timing.ExpectSkip: "skipped"}

// recordLine compares the ratio with the chapter's record, or is empty.
func recordLine(x *timing.ExpectResult) string {
	if x.Recorded > 0 && x.Ratio > 0 {
		return fmt.Sprintf("recorded %.2fx on %s; today %.0f%% of that", x.Recorded, x.RecordedOn, 100*x.Ratio/x.Recorded)
	}
	return ""
}

// chapterStatus is the word of a chapter's summary line: ok, FAIL, or ?
// for a chapter without Go cells.
func chapterStatus(rep *Report, err error) string {
	switch {
	case errors.Is(err, ErrNoCells):
		return "?"
	case err != nil || rep.Failed():
		return "FAIL"
	}
	return "ok"
}

// DoneEvents returns the events that end a chapter, as go test ends a
// package: its own messages (the chapter's problems, what stopped it),
// PASS or FAIL, go test's line ("ok  \tchapters/cpu.md\t1.203s"), and the
// chapter's result, with its messages as Problems; a chapter without Go
// cells is skipped.
func DoneEvents(rep *Report, err error) []Event {
	pkg := rep.Chapter
	var evs []Event
	out := func(text string) {
		for _, l := range outputLines(text) {
			evs = append(evs, Event{Action: ActionOutput, Package: pkg, Output: l})
		}
	}
	status := chapterStatus(rep, err)
	if status == "?" {
		out("?   \t" + pkg + "\t[no go cells]\n")
		return append(evs, Event{Action: ActionSkip, Package: pkg, Elapsed: seconds(0, 3)})
	}
	for _, n := range rep.Notes {
		out(n)
	}
	for _, e := range rep.Errors {
		out(e)
	}
	if err != nil {
		out(err.Error())
	}
	elapsed := seconds(rep.Time, 3)
	res := Event{Action: ActionPass, Package: pkg, Elapsed: elapsed, Engine: rep.Engine, Problems: rep.Errors}
	if err != nil {
		res.Problems = append(slices.Clip(res.Problems), err.Error())
	}
	if status == "FAIL" {
		res.Action = ActionFail
		out(fmt.Sprintf("FAIL\nFAIL\t%s\t%.3fs\n", pkg, *elapsed))
	} else {
		out(fmt.Sprintf("PASS\nok  \t%s\t%.3fs\n", pkg, *elapsed))
	}
	return append(evs, res)
}
