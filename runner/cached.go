package runner

import (
	"slices"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/timing"
)

// Results from Options.Cache. A cell the cache has is not run: its stored
// result is verified against the chapter as it stands, as a fresh one is.
// A fragment restored so still belongs to the session: the engines are
// told of it as of a fragment they ran (the interpreter replays it into
// its worker before the next fragment it runs, the toolchain assembles
// it into the next fragment's program), so that editing fragment k
// re-runs k and the later fragments of its session only (their keys
// hold the code of the fragments before them), and they see the state
// the earlier ones made.

// restore returns the cached result of c, unverified, or nil when c runs.
func (r *chapterRun) restore(c *chapter.Cell) *chapter.Result {
	cache := r.opts.cache()
	if cache == nil {
		return nil
	}
	res, ok := cache.Result(r.ch, c)
	if !ok {
		return nil
	}
	if !c.Program && res.FailKind == "" && res.Error != notRun {
		r.adoptCached(c, res)
	}
	return res
}

// adoptCached brings the routing up to date with a fragment restored from
// the cache, as execute does with one that ran.
func (r *chapterRun) adoptCached(c *chapter.Cell, res *chapter.Result) {
	mode := r.opts.mode()
	if res.Engine == "go" {
		if res.Routed != "" && r.goFrag == nil && (mode == "auto" || mode == "both") {
			r.goFrag = c
		}
		r.pending = append(r.pending, adoptee{c, res.Time})
		return
	}
	r.yaegiPending = append(r.yaegiPending, c)
	if mode == "auto" || mode == "both" {
		d := res.Time
		if res.Other != nil {
			d = res.Other.Time
		}
		r.pending = append(r.pending, adoptee{c, d})
	}
}

// adopt adds a fragment restored from the cache to the session without
// running it: the worker that runs the next fragment replays it first.
// Its pieces are what the worker would have evaluated (typeChecker.chunks:
// the names the redeclaration rule gives replaced types written in).
func (e *interpEngine) adopt(c *chapter.Cell) {
	e.types.pending = nil
	if f, err := e.types.asm.fragment(c); err == nil {
		e.types.pending = f
	}
	pieces := e.types.chunks(c)
	e.types.ran(c, true)
	e.session = append(e.session, c)
	e.pieces = append(e.pieces, pieces)
	if e.sess != nil { // started before: a new one replays the session
		e.sess.kill()
		e.sess = nil
	}
}

// cachedExpects splits the expectations into those the cache has, kept in
// r.expCached, and those to check, which it returns.
func (r *chapterRun) cachedExpects(exps []*chapter.Expectation) []*chapter.Expectation {
	cache := r.opts.cache()
	if cache == nil {
		return exps
	}
	var todo []*chapter.Expectation
	for _, x := range exps {
		res, m, ok := cache.Expectation(r.ch, x)
		if !ok {
			todo = append(todo, x)
			continue
		}
		r.expCached = append(r.expCached, res)
		if r.expMachine == nil {
			r.expMachine = m
		}
	}
	return todo
}

// mergeCached stores the verdicts just checked (exps[i] is res[i]) and
// returns them with the cached ones, in the chapter's order.
func (r *chapterRun) mergeCached(exps []*chapter.Expectation, res []*timing.ExpectResult, m *timing.Machine) []*timing.ExpectResult {
	cache := r.opts.cache()
	if cache == nil || len(r.expCached) == 0 && m == nil {
		return res
	}
	if m != nil {
		for i, x := range res {
			if i < len(exps) && x != nil {
				cache.PutExpectation(r.ch, exps[i], x, m)
			}
		}
	}
	all := append(slices.Clone(res), r.expCached...)
	slices.SortStableFunc(all, func(a, b *timing.ExpectResult) int { return a.Line - b.Line })
	return all
}
