package runner

import (
	"regexp"
	"strings"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/internal/stackdump"
)

// What both engines read from how a cell's process ended: the result they
// fill, and the runtime's crash report in its standard error. Where the
// goroutines of a dump were is read by package stackdump.

// newResult is the result of cell c under the named engine before it ran.
func newResult(c *chapter.Cell, engine string) *chapter.Result {
	return &chapter.Result{Cell: c.Name, Line: c.Line, Engine: engine, Kind: kindName(c)}
}

// kindName is a result's Kind: "program", "test", "fragment" or "file".
func kindName(c *chapter.Cell) string {
	if c.File {
		return "file"
	}
	if c.Test {
		return "test"
	}
	if c.Program {
		return "program"
	}
	return "fragment"
}

// crashLine matches the first line of the runtime's crash report.
var crashLine = regexp.MustCompile(`(?m)^(?:panic: |fatal error: ).*$`)

// crashReport finds the runtime's crash report in a dead process's stderr:
// the offset of its "panic: " or "fatal error: " line (the last one before
// the goroutine dump: a panic during a panic prints several) and the line,
// or -1 when there is none.
func crashReport(stderr string) (at int, line string) {
	limit := len(stderr)
	if i := stackdump.Start(stderr); i >= 0 {
		limit = i
	}
	all := crashLine.FindAllStringIndex(stderr[:limit], -1)
	if len(all) == 0 {
		return -1, ""
	}
	loc := all[len(all)-1]
	return loc[0], stderr[loc[0]:loc[1]]
}

// crashKind is the kind of a crash report's first line: fatal for the
// runtime's "fatal error: ...", panic for a panic.
func crashKind(line string) chapter.FailKind {
	if strings.HasPrefix(line, "fatal error: ") {
		return chapter.FailFatal
	}
	return chapter.FailPanic
}
