package runner

import (
	"fmt"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
)

// As Jupyter's "run all" stops at the first cell that fails, a fragment
// that fails unexpectedly (a compile error, a panic, a timeout the cell
// does not expect) breaks the chapter's session: the fragments after it
// would run against state it did not define, and print plausible wrong
// output, or one error per later cell for one mistake. They are skipped,
// each naming the cell that broke the session; complete programs, which
// do not use the session, still run. A fragment that fails only by its
// output, or fails the way it says (fails=), does not break it.

// sessionSkip returns the result of a fragment skipped because the session
// broke, or nil when c runs.
func (r *chapterRun) sessionSkip(c *chapter.Cell) *chapter.Result {
	if c.Program || r.broke == nil {
		return nil
	}
	b := r.broke
	return &chapter.Result{Cell: c.Name, Line: c.Line, Kind: kindName(c), Status: chapter.Skip,
		Error: fmt.Sprintf("%s%s (cell %s)", report.SessionBroke, r.ch.Pos(b.Line), b.Name)}
}

// noteSession records that fragment c broke the session when its result
// (or, with -engine=both, the toolchain's) ended in a way the cell does
// not say it ends.
func (r *chapterRun) noteSession(c *chapter.Cell, res *chapter.Result) {
	if c.Program || r.broke != nil || res == nil {
		return
	}
	for _, x := range []*chapter.Result{res, res.Other} {
		if x != nil && x.FailKind != "" && chapter.EndingProblem(r.ch.Path, c, x) != "" {
			r.broke = c
			return
		}
	}
}
