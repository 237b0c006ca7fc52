package chapter

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// Verify compares a cell's result with what the chapter says of it (golden
// outputs, expected failure) and sets r.Status and r.Problems.
func Verify(path string, c *Cell, r *Result) {
	r.Problems = nil
	if c.Invalid != nil {
		r.Problems, r.Status = []string{c.Invalid.Error()}, Fail
		return
	}
	pos := fmt.Sprintf("%s:%d", path, c.Line)
	if p := EndingProblem(path, c, r); p != "" {
		r.Problems = append(r.Problems, p)
	}
	for _, o := range c.Outputs {
		if r.FailKind == FailCompile && (c.Fails == nil || c.Fails.Kind != FailCompile) {
			break // nothing ran: the compile error says it all
		}
		got := r.Stdout
		if o.Stream == "stderr" {
			got = r.Stderr
		}
		if Match(samePath(path, o.Text), samePath(path, got), o.Unordered) {
			continue
		}
		what := "output mismatch"
		if o.Stream == "stderr" {
			what = "stderr mismatch"
		}
		if o.Unordered {
			what += " (unordered)"
		}
		r.Problems = append(r.Problems, fmt.Sprintf("%s: cell %s: %s\n%s%s", o.posIn(path), c.Name, what,
			Diff("want", o.Text, "got", got), unorderedHint(o, got)))
	}
	if r.Truncated && len(c.Outputs) > 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("%s: cell %s: output truncated: it exceeded the runner's cap", pos, c.Name))
	}
	r.Status = Pass
	if len(r.Problems) > 0 {
		r.Status = Fail
	}
}

// EndingProblem says how the way r ended differs from what the cell
// says of it (it fails, and how, or it runs to the end), or returns "".
func EndingProblem(path string, c *Cell, r *Result) string {
	pos := fmt.Sprintf("%s:%d", path, c.Line)
	switch {
	case c.Fails != nil && r.FailKind == "":
		return fmt.Sprintf("%s: cell %s: expected to fail (%s), but it ran to the end", pos, c.Name, c.Fails)
	case c.Fails != nil && r.FailKind != c.Fails.Kind:
		return fmt.Sprintf("%s: cell %s: expected a %s failure, got: %s", pos, c.Name, c.Fails.Kind, r.Error)
	case c.Fails != nil && c.Fails.Msg != "" && !strings.HasPrefix(Normalize(failMsg(r)), Normalize(c.Fails.Msg)):
		return fmt.Sprintf("%s: cell %s: failure message: want %q..., got %q", pos, c.Name, c.Fails.Msg, failMsg(r))
	case c.Fails == nil && r.FailKind != "":
		return fmt.Sprintf("%s: cell %s: %s", pos, c.Name, r.Error)
	}
	return ""
}

// unorderedHint suggests the unordered flag when an ordered block holds the
// lines the run printed, in another order: goroutines printing in the order
// the scheduler picks is the usual reason, and the flag is the remedy.
func unorderedHint(o *Output, got string) string {
	if o.Unordered || !Match(o.Text, got, true) {
		return ""
	}
	info := "output"
	if o.Stream == "stderr" {
		info += " stderr"
	}
	return fmt.Sprintf("\nhint: the same lines in another order: if their order is up to the scheduler, write the block as ```%s unordered", info)
}

// failMsg is the failure message without the kind the runner prefixed
// ("exit: exit status 3" is written fails="exit: exit status 3"), or the
// runtime's "fatal error: " (fails="fatal: all goroutines are asleep").
func failMsg(r *Result) string {
	if r.FailKind == FailFatal {
		return strings.TrimPrefix(r.Error, "fatal error: ")
	}
	return strings.TrimPrefix(r.Error, string(r.FailKind)+": ")
}

func (o *Output) posIn(path string) string { return fmt.Sprintf("%s:%d", path, o.Line) }

// OnlyMismatch reports whether the result failed only because its output
// differs from the golden one: the run itself behaved as the cell says.
func OnlyMismatch(c *Cell, r *Result) bool {
	if r.Truncated || c.Invalid != nil {
		return false
	}
	if c.Fails == nil {
		return r.FailKind == ""
	}
	return r.FailKind == c.Fails.Kind && (c.Fails.Msg == "" || strings.HasPrefix(Normalize(failMsg(r)), Normalize(c.Fails.Msg)))
}

// samePath writes every position in the chapter ("../chapters/cpu.md:42",
// "chapters/cpu.md:42") as its file name alone ("cpu.md:42"): a race report
// or a stack in an output block names the chapter as it was given to the
// run that wrote the block, and the chapter is the same from any working
// directory.
func samePath(path, text string) string {
	base := filepath.Base(path)
	if base == "." || base == "/" || !strings.Contains(text, base+":") {
		return text
	}
	re := regexp.MustCompile(`(^|[\s(])[^\s(]*` + regexp.QuoteMeta(base) + `:`)
	return re.ReplaceAllString(text, "${1}"+base+":")
}
