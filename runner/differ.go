package runner

import (
	"context"
	"fmt"

	"github.com/concurrency101/book/runner/chapter"
)

// With -engine=both every cell runs under the interpreter and under the Go
// toolchain, and a cell whose two runs disagree fails: the compiled program
// is the oracle for what a cell prints, and the interpreter's known
// deviations (per-loop loop variables, deferred arguments read late, …)
// must not slip into a chapter's golden output. A cell that demands
// engine="go" runs only under go.

// runCell runs c with the named engine, or, for "both", with the
// interpreter and then the toolchain; the interpreter's result is returned
// with the toolchain's in its Other field.
func runCell(ctx context.Context, name string, c *chapter.Cell, engineFor func(string) (Engine, error)) (*chapter.Result, error) {
	if name != "both" {
		e, err := engineFor(name)
		if err != nil {
			return nil, err
		}
		return e.Run(ctx, c)
	}
	y, err := engineFor("yaegi")
	if err != nil {
		return nil, err
	}
	res, err := y.Run(ctx, c)
	if err != nil || ctx.Err() != nil {
		return res, err
	}
	g, err := engineFor("go")
	if err != nil {
		return nil, err
	}
	other, err := g.Run(ctx, c)
	if err != nil || ctx.Err() != nil {
		return res, err
	}
	res.Other = other
	return res, nil
}

// compareEngines verifies the toolchain's result of a cell run under both
// engines (for the record) and compares it with the interpreter's, which
// the chapter has verified; a disagreement is a problem of the cell.
func compareEngines(path string, c *chapter.Cell, res *chapter.Result) {
	if res.Other == nil {
		return
	}
	chapter.Verify(path, c, res.Other)
	probs := divergence(c, res, res.Other)
	if p := chapter.EndingProblem(path, c, res.Other); p != "" && c.Fails != nil {
		// An expected failure is checked under both engines: the cell's
		// promise is about Go, not about the interpreter.
		res.Problems = append(res.Problems, "under the go engine: "+p)
		res.Status = chapter.Fail
	}
	for _, p := range probs {
		res.Problems = append(res.Problems, fmt.Sprintf("%s:%d: cell %s: engines disagree: %s", path, c.Line, c.Name, p))
	}
	if len(probs) > 0 {
		res.Status = chapter.Fail
	}
}

// agreed returns the results that -update may write: it never records an
// output the two engines disagree on.
func agreed(ch *chapter.Chapter, results map[string]*chapter.Result) map[string]*chapter.Result {
	out := make(map[string]*chapter.Result, len(results))
	for name, r := range results {
		c := ch.Cell(name)
		if r != nil && r.Other != nil && c != nil && len(divergence(c, r, r.Other)) > 0 {
			continue
		}
		out[name] = r
	}
	return out
}

// divergence lists how the interpreter's result y differs from the
// toolchain's result g, with the comparison rules of golden outputs: the
// normalization, and the cell's unordered flag for each stream. A stream
// without an output block is compared in order. Outputs are not compared
// when both runs timed out, nor for an unchecked cell; how each ended
// still is.
func divergence(c *chapter.Cell, y, g *chapter.Result) []string {
	var probs []string
	if !sameEnding(y, g) {
		probs = append(probs, fmt.Sprintf("the cell ends differently\n    yaegi: %s\n    go:    %s", ending(y), ending(g)))
	}
	if y.FailKind == chapter.FailTimeout && g.FailKind == chapter.FailTimeout || c.Unchecked {
		// How far each got is a matter of speed; an unchecked cell's
		// output differs between any two runs.
		return probs
	}
	for _, s := range []struct {
		name     string
		yo, gout string
	}{{"stdout", y.Stdout, g.Stdout}, {"stderr", y.Stderr, g.Stderr}} {
		unordered := false
		if o := c.Output(s.name); o != nil {
			unordered = o.Unordered
		}
		if chapter.Match(s.yo, s.gout, unordered) {
			continue
		}
		what := s.name + " differs"
		if unordered {
			what += " (unordered)"
		}
		probs = append(probs, what+"\n"+chapter.Diff("yaegi", s.yo, "go", s.gout))
	}
	return probs
}

// sameEnding reports whether two runs ended the same way. The messages of
// a failure are not compared (the interpreter words runtime errors and
// compile errors its own way). A deadlock is fatal under both engines: the
// worker detects it as the Go runtime does (package worker).
func sameEnding(y, g *chapter.Result) bool {
	return y.FailKind == g.FailKind
}

func ending(r *chapter.Result) string {
	if r.FailKind == "" {
		return "ran to the end"
	}
	return string(r.FailKind) + " (" + r.Error + ")"
}
