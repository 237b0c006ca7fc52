package runner

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/concurrency101/book/runner/chapter"
)

// Which engine runs a cell, and how the two engines are compared. The Go
// toolchain is the oracle for what a cell prints; the interpreter runs
// the cells it runs faithfully, much faster.
//
// Under engine auto, a cell runs under the interpreter unless it says
// engine="go" (or race), or the interpreter cannot run it: the rewrite
// refuses a construct, an import is not in its tables, it does not
// compile. Such a cell is routed to the toolchain, and its result says why
// (Result.Routed). A fragment the toolchain ran is part of the session
// from then on, so the later fragments of the chapter run under the
// toolchain too, in the session it assembles (the interpreter's fragments
// included), and the notebook's semantics hold.
//
// Under engine both (go test ./...) cells are routed the same way, and a
// cell the interpreter runs is run under the toolchain too: a cell whose
// two runs disagree fails, since the interpreter's deviations must not
// slip into a chapter's golden output. -update runs as both, writes only
// what the toolchain printed, and marks the cells the engines disagree on
// engine="go".

// routing is what a chapter run knows of which engine runs which cell.
type routing struct {
	goFrag  *chapter.Cell // the first fragment the toolchain ran for the session, if any
	pending []adoptee     // fragments the interpreter ran and the go engine has not seen
	marks   []string      // with -update, the cells to mark engine="go"
	noted   bool          // the chapter's error says that the toolchain cannot run
	// yaegiPending are fragments restored from the cache that the
	// interpreter's session must hold before it runs another (cached.go).
	yaegiPending []*chapter.Cell
}

// An adoptee is a fragment the interpreter ran without failing, which the
// go engine's session must hold before it runs a later fragment.
type adoptee struct {
	c    *chapter.Cell
	time time.Duration
}

// notRun is the Error of a cell that needs the toolchain when it cannot
// run.
const notRun = "not run: the Go toolchain cannot run"

// execute runs c on the engine the mode and the cell say.
func (r *chapterRun) execute(c *chapter.Cell) (*chapter.Result, error) {
	mode := r.opts.mode()
	switch {
	case mode == "go":
		return r.onGo(c, "")
	case c.Engine == "go":
		return r.onGo(c, cellReason(c))
	case c.Test && mode != "yaegi":
		return r.onGo(c, testReason)
	case mode == "yaegi":
		return r.onYaegi(c)
	case !c.Program && r.goFrag != nil:
		return r.onGo(c, fmt.Sprintf("after the fragment at line %d, which ran under go", r.goFrag.Line))
	}
	y, err := r.onYaegi(c)
	if err != nil {
		return nil, err
	}
	if y.FailKind == chapter.FailCompile {
		return r.reroute(c, y)
	}
	if mode == "both" {
		g, err := r.onGo(c, "")
		if err != nil {
			return nil, err
		}
		y.Other = g
	} else if !c.Program && y.FailKind == "" {
		r.pending = append(r.pending, adoptee{c, y.Time})
	}
	return y, nil
}

// reroute runs under the toolchain a cell the interpreter did not build.
// When the toolchain builds it, the cell is routed there; when it does not
// either, the toolchain's compile error is the cell's, reported once. When
// the toolchain cannot run, the interpreter's result stands.
func (r *chapterRun) reroute(c *chapter.Cell, y *chapter.Result) (*chapter.Result, error) {
	g, err := r.onGo(c, routedReason(y))
	if err != nil {
		return nil, err
	}
	switch {
	case g.Error == notRun:
		return y, nil
	case g.FailKind == chapter.FailCompile:
		g.Routed = ""
	}
	return g, nil
}

func (r *chapterRun) onYaegi(c *chapter.Cell) (*chapter.Result, error) {
	e, err := r.engineFor("yaegi")
	if err != nil {
		return nil, err
	}
	if ie, ok := e.(*interpEngine); ok {
		for _, p := range r.yaegiPending {
			ie.adopt(p)
		}
		r.yaegiPending = nil
	}
	return e.Run(r.ctx, c)
}

// onGo runs c under the toolchain, for the reason given ("" when the mode
// runs every cell there). A fragment the toolchain ran for a reason joins
// the session, which the toolchain runs from then on. When the toolchain
// cannot start, the cell fails unrun, and the chapter says why, once.
func (r *chapterRun) onGo(c *chapter.Cell, reason string) (*chapter.Result, error) {
	e, err := r.engineFor("go")
	if err != nil {
		return r.notRun(c, reason, err), nil
	}
	if g, ok := e.(*goEngine); ok {
		for _, a := range r.pending {
			g.adopt(a.c, a.time)
		}
		r.pending = nil
	}
	res, err := e.Run(r.ctx, c)
	if err != nil {
		return res, err
	}
	res.Routed = reason
	if m := r.opts.mode(); reason != "" && !c.Program && res.FailKind == "" && r.goFrag == nil && (m == "auto" || m == "both") {
		r.goFrag = c
	}
	return res, nil
}

// notRun is the result of a cell that needs the toolchain when it cannot
// start; the chapter's errors say why, once.
func (r *chapterRun) notRun(c *chapter.Cell, reason string, err error) *chapter.Result {
	if !r.noted {
		r.noted = true
		r.rep.Errors = append(r.rep.Errors, fmt.Sprintf("%s: %v; the cells that need it are not run (-engine=yaegi runs the others without it)", r.ch.Path, err))
	}
	res := newResult(c, "go")
	res.Routed, res.Status, res.Error = reason, chapter.Fail, notRun
	why := "it needs the Go toolchain"
	if reason != "" {
		why += " (" + reason + ")"
	}
	res.Problems = []string{fmt.Sprintf("%s: cell %s: not run: %s, which cannot run here", r.ch.Pos(c.Line), c.Name, why)}
	return res
}

// adopt adds a fragment the interpreter ran without failing to the
// session, without running it: the next fragment's program runs it first.
func (e *goEngine) adopt(c *chapter.Cell, d time.Duration) {
	f, err := e.fragment(c)
	if err != nil {
		return
	}
	f.time = d
	e.session = append(e.session, f)
}

// testReason is why a test cell runs under the toolchain: only go test
// runs a test.
const testReason = "a test: go test"

// cellReason is why a cell that says so runs under the toolchain.
func cellReason(c *chapter.Cell) string {
	if c.Race {
		return "race"
	}
	return `engine="go"`
}

// lineColPrefix matches the position in front of a compile error.
var lineColPrefix = regexp.MustCompile(`^\S+:\d+:\d+: `)

// routedReason is why a cell the interpreter did not build is routed: its
// refusal, or the first line of its compile error.
func routedReason(y *chapter.Result) string {
	if y.Refused != "" {
		return y.Refused
	}
	msg, _, _ := strings.Cut(y.Error, "\n")
	msg = lineColPrefix.ReplaceAllString(msg, "")
	if len(msg) > 100 {
		msg = msg[:97] + "..."
	}
	return "the interpreter cannot compile it: " + msg
}

// compareEngines verifies the toolchain's result of a cell run under both
// engines (for the record) and compares it with the interpreter's, which
// the chapter has verified; a disagreement is a problem of the cell, and
// -update marks the cell engine="go" (unless NoMark).
func (r *chapterRun) compareEngines(c *chapter.Cell, res *chapter.Result) {
	if res.Other == nil {
		return
	}
	chapter.Verify(r.ch.Path, c, res.Other)
	probs := divergence(c, res, res.Other)
	if p := chapter.EndingProblem(r.ch.Path, c, res.Other); p != "" && c.Fails != nil {
		// An expected failure is checked under both engines: the cell's
		// promise is about Go, not about the interpreter.
		res.Problems = append(res.Problems, "under the go engine: "+p)
		res.Status = chapter.Fail
	}
	for _, p := range probs {
		res.Problems = append(res.Problems, fmt.Sprintf("%s:%d: cell %s: engines disagree: %s", r.ch.Path, c.Line, c.Name, p))
	}
	if len(probs) > 0 {
		res.Status = chapter.Fail
		if r.opts.Update && !r.opts.NoMark {
			r.marks = append(r.marks, c.Name)
		}
	}
}

// toWrite returns what -update writes: the output the toolchain printed,
// for every cell the toolchain ran alone, the interpreter agreed on, or
// that is marked; and the cells to mark.
func (r *chapterRun) toWrite() (map[string]*chapter.Result, []string) {
	write := map[string]*chapter.Result{}
	for name, res := range r.results {
		c := r.ch.Cell(name)
		switch {
		case res == nil || c == nil || res.Error == notRun:
		case res.Engine == "go":
			write[name] = res
		case res.Other != nil && (slices.Contains(r.marks, name) || len(divergence(c, res, res.Other)) == 0):
			write[name] = res.Other
		}
	}
	return write, r.marks
}

// updated fixes the result of a cell -update changed: a marked cell is
// reported with the toolchain's result and a note showing how the engines
// disagreed; a mismatch the new output fixes passes.
func (r *chapterRun) updated(c *chapter.Cell, res *chapter.Result) {
	if c == nil || res == nil {
		return
	}
	var note string
	if slices.Contains(r.marks, c.Name) && res.Other != nil {
		note = fmt.Sprintf("%s: cell %s: marked engine=\"go\": the interpreter disagrees with the toolchain, whose output is written\n%s",
			r.ch.Pos(c.Line), c.Name, strings.Join(divergence(c, res, res.Other), "\n"))
		*res = *res.Other
		res.Routed = `marked engine="go"`
	}
	for _, x := range []*chapter.Result{res, res.Other} {
		if x != nil && x.Status == chapter.Fail && chapter.OnlyMismatch(c, x) {
			x.Status, x.Problems = chapter.Pass, nil
		}
	}
	if note != "" {
		res.Problems = append(res.Problems, note)
	}
}

// engineOf is the engine that ran c in this run, which runs it again when
// it is timed: the interpreter for a cell both ran.
func (r *chapterRun) engineOf(c *chapter.Cell) string {
	if res := r.results[c.Name]; res != nil && res.Engine != "" && res.Error != notRun {
		return res.Engine
	}
	if c.Engine != "" || r.opts.mode() == "go" {
		return "go"
	}
	return "yaegi"
}

// timedEngine names the engine of the chapter's timing record: that of
// the cells its expectations time ("yaegi+go" for a mix).
func (r *chapterRun) timedEngine(exps []*chapter.Expectation) string {
	seen := map[string]bool{}
	for _, x := range exps {
		for _, name := range x.Cells() {
			if c := r.ch.Cell(name); c != nil {
				seen[r.engineOf(c)] = true
			}
		}
	}
	switch {
	case len(seen) > 1:
		return "yaegi+go"
	case seen["go"]:
		return "go"
	}
	return "yaegi"
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

// chapterPaths undoes what the go command does to a file name it prints
// (a //line directive's too) when the name relative to its working
// directory, the temporary module, is shorter: "../x/c.md:3:1: ..." is
// the chapter's "/tmp/x/c.md:3:1: ...".
func (e *goEngine) chapterPaths(msg string) string {
	abs, err := filepath.Abs(e.ch.Path)
	if err != nil {
		return msg
	}
	rel, err := filepath.Rel(e.dir, abs)
	if err != nil || rel == e.ch.Path {
		return msg
	}
	return strings.ReplaceAll(msg, rel+":", e.ch.Path+":")
}
