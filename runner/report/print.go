package runner

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/concurrency101/book/runner/chapter"
)

// An Event is one line of the -json report, in the manner of go test -json.
// Action is "start" (a chapter begins), "pass", "fail" or "skip" for a cell
// (Cell set) or for a whole chapter (Cell empty), "output" for a chapter
// level message.
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
	Expect  *chapter.ExpectResult `json:"Expect,omitempty"`
	Machine *chapter.Machine      `json:"Machine,omitempty"`
}

type reporter struct {
	w       io.Writer
	json    bool
	verbose bool
}

func (o *Options) report() *reporter {
	w := o.Out
	if w == nil {
		w = io.Discard
	}
	return &reporter{w: w, json: o.JSON, verbose: o.Verbose}
}

func (r *reporter) event(e Event) {
	e.Time = time.Now()
	b, _ := json.Marshal(e)
	r.w.Write(append(b, '\n'))
}

func (r *reporter) start(path string) {
	if r.json {
		r.event(Event{Action: "start", Chapter: path})
	}
}

// cell reports one cell as soon as it is done.
func (r *reporter) cell(ch *chapter.Chapter, c *chapter.Cell, res *chapter.Result) {
	if r.json {
		r.event(Event{Action: string(res.Status), Chapter: ch.Path, Cell: c.Name, Line: c.Line, Kind: res.Kind,
			Engine: res.Engine, Elapsed: res.Time.Seconds(), CPU: res.CPU.Seconds(), Stdout: res.Stdout,
			Stderr: res.Stderr, Error: res.Error, Problems: res.Problems})
		return
	}
	pos := ch.Pos(c.Line)
	switch res.Status {
	case chapter.Skip:
		if r.verbose {
			fmt.Fprintf(r.w, "skip    %s %s (%s)\n", pos, c.Name, res.Error)
		}
		return
	case chapter.Pass:
		fmt.Fprintf(r.w, "ok      %s %s (%.2fs)\n", pos, c.Name, res.Time.Seconds())
	default:
		fmt.Fprintf(r.w, "FAIL    %s %s (%.2fs)\n", pos, c.Name, res.Time.Seconds())
	}
	if r.verbose || res.Status == chapter.Fail {
		if res.Stdout != "" && (r.verbose || len(res.Problems) == 0 || !strings.Contains(strings.Join(res.Problems, ""), "output mismatch")) {
			r.block("stdout", res.Stdout)
		}
		if res.Stderr != "" {
			r.block("stderr", res.Stderr)
		}
	}
	for _, p := range res.Problems {
		r.block("", p)
	}
}

func (r *reporter) block(label, text string) {
	text = strings.ToValidUTF8(strings.TrimRight(text, "\n"), "\uFFFD")
	if label != "" {
		fmt.Fprintf(r.w, "    %s:\n", label)
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
		fmt.Fprintf(r.w, "        %s\n", l)
	}
}

// chapterDone prints a chapter's summary line, as go test prints a
// package's.
func (r *reporter) chapterDone(rep *chapter.Report, err error) {
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
	case err == ErrNoCells:
		status = "?"
	case err != nil || rep.Failed():
		status = "FAIL"
	}
	if r.json {
		action := map[string]string{"ok": "pass", "?": "skip", "FAIL": "fail"}[status]
		out := strings.Join(rep.Errors, "\n")
		if err != nil {
			out = err.Error()
		}
		r.event(Event{Action: action, Chapter: rep.Chapter, Elapsed: rep.Time.Seconds(), Output: out})
		return
	}
	for _, e := range rep.Errors {
		fmt.Fprintln(r.w, e)
	}
	switch {
	case err == ErrNoCells:
		fmt.Fprintf(r.w, "?       %s [no go cells]\n", rep.Chapter)
	case err != nil:
		fmt.Fprintf(r.w, "%s\nFAIL    %s\n", err, rep.Chapter)
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
		fmt.Fprintf(r.w, "%-4s    %s %d cells: %s (%.2fs)\n", status, rep.Chapter, len(rep.Results), counts, rep.Time.Seconds())
	}
}

// expectations reports the chapter's timing expectations: where they were
// measured, then one line each with the ratio, the bound and the ideal,
// and how it compares with the chapter's timing record.
func (r *reporter) expectations(ch *chapter.Chapter, rep *chapter.Report, count int) {
	if r.json {
		for _, x := range rep.Expectations {
			r.event(Event{Action: "expect", Chapter: ch.Path, Line: x.Line, Expect: x, Machine: rep.Machine})
		}
		return
	}
	if rep.Machine != nil {
		fmt.Fprintf(r.w, "timing  %s: batches of %d rounds on %s\n", ch.Path, count, rep.Machine)
	}
	for _, x := range rep.Expectations {
		status := map[chapter.ExpectStatus]string{chapter.ExpectPass: "ok", chapter.ExpectFail: "FAIL",
			chapter.ExpectInconclusive: "inconclusive", chapter.ExpectSkip: "skipped"}[x.Status]
		fmt.Fprintf(r.w, "expect  %s %s %s\n", ch.Pos(x.Line), x.Summary(), status)
		if x.Reason != "" { // a pass has one when a first fail was not confirmed
			fmt.Fprintf(r.w, "        %s: %s\n", ch.Pos(x.Line), x.Reason)
		}
		if x.Recorded > 0 && x.Ratio > 0 {
			fmt.Fprintf(r.w, "        recorded %.2fx on %s; today %.0f%% of that\n", x.Recorded, x.RecordedOn, 100*x.Ratio/x.Recorded)
		}
	}
}

// expectCounts summarizes expectation outcomes: "3 expectations: 2 ok, 1 inconclusive".
func expectCounts(xs []*chapter.ExpectResult) string {
	n := map[chapter.ExpectStatus]int{}
	for _, x := range xs {
		n[x.Status]++
	}
	s := fmt.Sprintf("%d expectations:", len(xs))
	sep := " "
	for _, st := range []struct {
		s    chapter.ExpectStatus
		word string
	}{{chapter.ExpectPass, "ok"}, {chapter.ExpectFail, "failed"}, {chapter.ExpectInconclusive, "inconclusive"}, {chapter.ExpectSkip, "skipped"}} {
		if n[st.s] > 0 {
			s += fmt.Sprintf("%s%d %s", sep, n[st.s], st.word)
			sep = ", "
		}
	}
	return s
}
