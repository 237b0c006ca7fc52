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
	for _, l := range strings.Split(text, "\n") {
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
		fmt.Fprintf(r.w, "%-4s    %s %d cells: %s (%.2fs)\n", status, rep.Chapter, len(rep.Results), counts, rep.Time.Seconds())
	}
}
