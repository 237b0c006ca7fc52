package runner

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/internal/atomicfile"
	"github.com/concurrency101/book/runner/report"
	"github.com/concurrency101/book/runner/timing"
)

// Expand turns the command's arguments into chapter files: a directory
// stands for the .md files in it (not in its subdirectories).
func Expand(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			files = append(files, a)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".md") && e.Type()&fs.ModeType == 0 {
				files = append(files, filepath.Join(a, e.Name()))
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: no .md files", a)
		}
	}
	return files, nil
}

// RunChapter runs and verifies the chapter at path, and checks its timing
// expectations. It prints nothing: it tells opts.Progress of each step.
// The error is for what stops the chapter from being run at all (it
// cannot be read, it has no Go cells: report.ErrNoCells, an engine cannot
// start); problems of cells and of the chapter's text are in the report.
func RunChapter(ctx context.Context, path string, opts *Options) (*report.Report, error) {
	if opts == nil {
		opts = &Options{}
	}
	t0 := time.Now()
	rep := &report.Report{Chapter: path, Engine: opts.engine()}
	if opts.Update && opts.engine() == "yaegi" {
		return rep, errUpdateYaegi
	}
	ch, err := readChapter(path, rep)
	if err != nil {
		return rep, err
	}
	r := &chapterRun{ctx: ctx, ch: ch, opts: opts, rep: rep, results: map[string]*chapter.Result{}, engines: map[string]Engine{}, failed: map[string]error{}}
	defer r.close()
	if m := opts.mode(); m == "go" || m == "both" {
		// Every cell needs the toolchain: a toolchain that cannot run
		// stops the chapter before anything runs (or is written).
		if _, err := r.engineFor("go"); err != nil {
			return rep, err
		}
	}
	if err := r.runCells(); err != nil {
		return rep, err
	}
	rep.Time = time.Since(t0)
	if opts.Update && ctx.Err() == nil {
		r.update()
	}
	// Timing expectations are checked after every cell ran, so that their
	// timed runs happen in one stretch under the machine-wide lock.
	if err := r.checkTimings(); err != nil {
		return rep, err
	}
	rep.Time = time.Since(t0)
	return rep, nil
}

// A Progress is a step of RunChapter, told to Options.Progress as it
// happens: a cell done (Cell and Result set), or, once every cell is done,
// the chapter's timing expectations checked (Cell nil).
type Progress struct {
	Chapter *chapter.Chapter
	Cell    *chapter.Cell
	Result  *chapter.Result
	// Expectations are the results of the timing expectations, Machine
	// where they were measured (nil when nothing was timed), in batches
	// of Rounds rounds.
	Expectations []*timing.ExpectResult
	Machine      *timing.Machine
	Rounds       int
}

func (o *Options) progress(p Progress) {
	if o.Progress != nil {
		o.Progress(p)
	}
}

// readChapter parses the chapter at path. Problems of its text go into the
// report; the error is for a chapter that cannot be run.
func readChapter(path string, rep *report.Report) (*chapter.Chapter, error) {
	ch, err := chapter.ReadFile(path)
	if ch == nil {
		return nil, err
	}
	var perr chapter.ErrorList
	if errors.As(err, &perr) {
		for _, e := range perr {
			if e.Cell != nil {
				continue // the cell is kept and fails with it
			}
			rep.Errors = append(rep.Errors, e.Error())
		}
	} else if err != nil {
		return nil, err
	}
	if len(ch.Cells) == 0 && len(rep.Errors) == 0 {
		return nil, report.ErrNoCells
	}
	return ch, nil
}

// A chapterRun is one run of a chapter: its engines, started on first
// use, and the verified results of its cells.
type chapterRun struct {
	ctx     context.Context
	ch      *chapter.Chapter
	opts    *Options
	rep     *report.Report
	results map[string]*chapter.Result // by cell name
	engines map[string]Engine          // by engine name
	failed  map[string]error           // engines that could not start, by name
	routing                            // which engine runs which cell (differ.go)
	broke   *chapter.Cell              // the fragment that broke the session (session.go)
	// expCached are the verdicts of timing expectations restored from
	// the cache, expMachine where they were measured (cached.go).
	expCached  []*timing.ExpectResult
	expMachine *timing.Machine
}

// engineFor returns the named engine, started on first use; an engine
// that could not start is not tried again.
func (r *chapterRun) engineFor(name string) (Engine, error) {
	if e := r.engines[name]; e != nil {
		return e, nil
	}
	if err := r.failed[name]; err != nil {
		return nil, err
	}
	e, err := newEngine(name, r.ch, r.opts)
	if err != nil {
		r.failed[name] = err
		return nil, err
	}
	r.engines[name] = e
	return e, nil
}

func (r *chapterRun) close() {
	for _, e := range r.engines {
		e.Close()
	}
}

// runCells runs and verifies every cell in order, telling of each as it
// is done, unless -update is to write the chapter first.
func (r *chapterRun) runCells() error {
	for _, c := range r.ch.Cells {
		res, err := r.runCell(c)
		if err != nil {
			return err
		}
		r.results[c.Name] = res
		r.rep.Results = append(r.rep.Results, res)
		if !r.opts.Update {
			r.opts.progress(Progress{Chapter: r.ch, Cell: c, Result: res})
		}
	}
	return nil
}

// runCell runs and verifies one cell, or skips it.
func (r *chapterRun) runCell(c *chapter.Cell) (*chapter.Result, error) {
	if c.NoRun || r.opts.Run != nil && !r.opts.Run.MatchString(c.Name) {
		res := &chapter.Result{Cell: c.Name, Line: c.Line, Kind: kindName(c), Status: chapter.Skip, Error: "not selected by -run"}
		if c.NoRun {
			res.Error = "norun"
		}
		return res, nil
	}
	if c.Invalid != nil { // not run: its attributes are wrong
		res := &chapter.Result{Cell: c.Name, Line: c.Line, Kind: kindName(c)}
		chapter.Verify(r.ch.Path, c, res)
		return res, nil
	}
	if c.File { // runs in the programs built with it
		return &chapter.Result{Cell: c.Name, Line: c.Line, Kind: kindName(c), Status: chapter.Skip, Error: "file cell: " + usedBy(r.ch, c)}, nil
	}
	if res := r.sessionSkip(c); res != nil {
		return res, nil
	}
	res := r.restore(c)
	fresh := res == nil
	if fresh {
		var err error
		res, err = r.execute(c)
		if r.ctx.Err() != nil {
			return nil, r.ctx.Err()
		}
		if err != nil {
			return nil, err
		}
	}
	if res.Status == "" { // not already failed for want of an engine
		chapter.Verify(r.ch.Path, c, res)
		r.compareEngines(c, res)
	}
	r.noteSession(c, res)
	if cache := r.opts.cache(); fresh && cache != nil {
		cache.PutResult(r.ch, c, res)
	}
	return res, nil
}

// usedBy says which programs are built with file cell f.
func usedBy(ch *chapter.Chapter, f *chapter.Cell) string {
	var names []string
	for _, c := range ch.Cells {
		if slices.Contains(c.Uses, f) {
			names = append(names, c.Name)
		}
	}
	return "built into " + strings.Join(names, ", ")
}

// update writes the outputs of the run into the chapter, and marks the
// cells the engines disagree on engine="go", then tells of every cell:
// reported after writing, a mismatch that -update fixed passes, and a
// marked cell is reported with the toolchain's result.
func (r *chapterRun) update() {
	write, marks := r.toWrite()
	changed, err := update(r.ch, write, marks)
	if err != nil {
		r.rep.Errors = append(r.rep.Errors, err.Error())
	}
	for _, name := range changed {
		r.updated(r.ch.Cell(name), r.results[name])
	}
	r.rep.Notes = append(r.rep.Notes, updateNotes(r.ch)...)
	for _, c := range r.ch.Cells {
		r.opts.progress(Progress{Chapter: r.ch, Cell: c, Result: r.results[c.Name]})
	}
}

// checkTimings checks the chapter's timing expectations after its cells
// ran (package timing): problems in the expect lines become chapter
// errors, the results go into the report, and with -update the
// measurements become the chapter's timing record. The error is for what
// stops the checks (the context ended, an engine failed).
func (r *chapterRun) checkTimings() error {
	exps, errs := chapter.ParseExpects(r.ch)
	for _, e := range errs {
		r.rep.Errors = append(r.rep.Errors, e.Error())
	}
	if len(exps) == 0 {
		return nil
	}
	// Each timed cell runs again under the engine that ran it, and the
	// record is that engine's; differential runs check the speed claims
	// under the toolchain too: a reader runs the interpreter's cells with
	// go run.
	engines := []string{r.timedEngine(exps)}
	if r.opts.engine() == "both" && engines[0] != "go" {
		engines = append(engines, "go")
	}
	if len(engines) == 1 { // verdicts of two engines are not cached
		exps = r.cachedExpects(exps)
	}
	for _, name := range engines {
		if err := r.checkTimingsWith(name, exps, len(engines) > 1); err != nil {
			return err
		}
	}
	return nil
}

// baselines returns the cells the expectations compare others with, the
// cell after over in speedup A over B: a timed run of a baseline locks its
// main goroutine, whose CPU time bounds from below the time the run would
// take without load. That bound matters for a baseline only, since a
// speedup passes when even B's least time without the load over A's time
// as measured clears the bound; and a main that blocks and wakes often,
// as a pool's does, costs a locked program a switch of threads each time,
// and, with every CPU busy with its workers, a wait for a CPU (package
// runner's documentation, "Load").
func baselines(exps []*chapter.Expectation) map[string]bool {
	b := map[string]bool{}
	for _, e := range exps {
		if e.Kind == "speedup" && e.In == "" {
			b[e.Over] = true
		}
	}
	return b
}

// checkTimingsWith checks the expectations with the cells run by the named
// engine: "go" runs every cell under the toolchain, another name the
// engine that ran each cell; tagged marks the results with the engine,
// when there are results of two.
func (r *chapterRun) checkTimingsWith(engine string, exps []*chapter.Expectation, tagged bool) error {
	topts := timing.Options{Count: r.opts.Count, Strict: r.opts.Strict, Short: r.opts.Short, Update: r.opts.Update, Engine: engine}
	baseline := baselines(exps)
	run := func(c *chapter.Cell) (*chapter.Result, error) {
		name := r.engineOf(c)
		if engine == "go" {
			name = "go"
		}
		e, err := r.engineFor(name)
		if err != nil {
			return nil, err
		}
		ctx := r.ctx
		if baseline[c.Name] {
			ctx = lockMain(ctx)
		}
		res, err := e.Run(ctx, c)
		if r.ctx.Err() != nil {
			return nil, r.ctx.Err()
		}
		return res, err
	}
	var res []*timing.ExpectResult
	var m *timing.Machine
	if len(exps) > 0 {
		var err error
		if res, m, err = timing.Check(r.ctx, r.ch, exps, r.results, run, topts); err != nil {
			return err
		}
	}
	res = r.mergeCached(exps, res, m)
	if tagged {
		for _, x := range res {
			x.Engine = engine
		}
	}
	r.rep.Expectations = append(r.rep.Expectations, res...)
	if r.rep.Machine == nil {
		r.rep.Machine = m
	}
	if r.rep.Machine == nil {
		r.rep.Machine = r.expMachine
	}
	if m != nil {
		existed := topts.Update && recordedEngine(r.ch.Path, topts.Engine)
		if err := timing.Record(r.ch.Path, m, res, topts); err != nil {
			r.rep.Errors = append(r.rep.Errors, err.Error())
		} else if topts.Update {
			if note := timingNote(r.ch.Path, topts.Engine, existed, res); note != "" {
				r.rep.Notes = append(r.rep.Notes, note)
			}
		}
	}
	r.opts.progress(Progress{Chapter: r.ch, Expectations: res, Machine: m, Rounds: topts.Rounds()})
	return nil
}

func newEngine(name string, ch *chapter.Chapter, opts *Options) (Engine, error) {
	switch name {
	case "yaegi":
		return newInterpEngine(ch, opts)
	case "go":
		if err := checkToolchain(); err != nil {
			return nil, fmt.Errorf("the Go toolchain cannot run: %w", err)
		}
		return newGoEngine(ch, opts)
	}
	return nil, fmt.Errorf("unknown engine %q", name)
}

// update writes the given outputs into the chapter and marks the cells
// named in marks engine="go", under a lock on its directory so that two
// runs never interleave their writes, and only if the file is still what
// was run. It returns the cells it changed, none when nothing was written.
func update(ch *chapter.Chapter, results map[string]*chapter.Result, marks []string) ([]string, error) {
	src, changed, uerr := chapter.UpdateMarking(ch, results, marks)
	if len(changed) == 0 {
		return nil, uerr
	}
	dir := filepath.Dir(ch.Path)
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	if err := syscall.Flock(int(d.Fd()), syscall.LOCK_EX); err != nil {
		return nil, fmt.Errorf("%s: locking %s: %v", ch.Path, dir, err)
	}
	defer syscall.Flock(int(d.Fd()), syscall.LOCK_UN)
	atomicfile.RemoveStaleTemps(ch.Path)
	now, err := os.ReadFile(ch.Path)
	if err != nil {
		return nil, err
	}
	if string(now) != string(ch.Source) {
		return nil, fmt.Errorf("%s: the file changed while its cells ran: not updated", ch.Path)
	}
	if err := atomicfile.WriteFile(ch.Path, src); err != nil {
		return nil, fmt.Errorf("%s: %v", ch.Path, err)
	}
	return changed, uerr
}
