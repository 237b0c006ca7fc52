package runner

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/concurrency101/book/runner/chapter"
)

// Timing expectations compare the wall-clock times of cells. A single run
// of each proves little on a shared machine, so the cells an expectation
// names are timed cells: after the run whose output is verified they run
// again in rounds (A B, then B A, ...), in batches of Count rounds, while
// no other timed cell runs anywhere on the machine, until the ratio of the
// pairs is known well enough to decide (chapter.Judge) or maxRounds are
// spent. Before each round a calibration measures how many
// cores the machine offers; during each run, the CPU time other processes
// took is read from /proc/stat. An expectation whose verdict depends on
// how many cores count as usable is inconclusive, not failed.

// snapTolerance is how far a measured parallelism may be from an integer
// and still count as that integer: an idle two-core machine measures 1.8
// to 2.0.
const snapTolerance = 0.25

// quietOthers is the most CPU other processes may take, in cores, during a
// timed run that counts as quiet: background daemons stay well under it,
// a compiler or a test binary goes over. It is small because a cell that
// uses every core loses whatever the others take (with 0.3, trials on two
// cores saw a correct pool at 1.40x).
const quietOthers = 0.15

// maxRounds is how many quiet rounds an expectation gets, at most, to be
// decided (chapter.Judge); a fail gets as many again to be confirmed.
// Undecided after that, it is inconclusive.
const maxRounds = 40

// confirmPause is how long the runner waits before the fresh rounds that
// confirm a fail, so that they do not fall in the same burst of noise.
const confirmPause = time.Second

// The machine measurements of the timed rounds; tests of the protocol
// replace them.
var (
	calibrateHook = calibrate
	othersHook    = loadProbe.others
)

// timingLockName is the file, in os.TempDir(), whose flock serializes timed
// cells across processes (go test runs packages in parallel).
const timingLockName = "concurrency101-book-timing.lock"

func (o *Options) count() int {
	if o.Count > 0 {
		return o.Count
	}
	return 5
}

// timingSkipped says why timing checks cannot run in this process, or "".
func (o *Options) timingSkipped() string {
	switch {
	case raceEnabled:
		return "timing checks skipped under the race detector"
	case o.Short:
		return "timing checks skipped in short mode"
	}
	return ""
}

// A timedRun is one timed execution of a cell.
type timedRun struct {
	wall    time.Duration
	stdout  string  // what the run printed, for the values a cell reports
	others  float64 // cores other processes kept busy meanwhile; NaN if unknown
	steal   float64 // of which the hypervisor took (steal); NaN if unknown
	free    float64 // what they left of the machine's CPUs
	problem string  // the run failed or printed something else
}

// A round is one run of every timed cell, with the calibration before it.
type round struct {
	parallelism, capacity float64
	runs                  map[string]timedRun
}

// checkTimings times the cells the expectations name and judges the
// expectations. run executes a cell again through its engine. results are
// the verified first runs. The returned machine is nil when nothing was
// timed.
func checkTimings(ctx context.Context, ch *chapter.Chapter, exps []*chapter.Expectation, results map[string]*chapter.Result,
	opts *Options, engine string, run func(*chapter.Cell) (*chapter.Result, error)) ([]*chapter.ExpectResult, *chapter.Machine, error) {
	out := make([]*chapter.ExpectResult, len(exps))
	skip := func(i int, reason string) {
		out[i] = exps[i].Result(chapter.ExpectSkip, reason)
	}
	timed := map[string]bool{}
	for i, e := range exps {
		if reason := opts.timingSkipped(); reason != "" {
			skip(i, reason)
			continue
		}
		for _, name := range e.Cells() {
			switch r := results[name]; {
			case out[i] != nil:
			case r == nil || r.Status == chapter.Skip:
				skip(i, "cell "+name+" did not run")
			case r.Status == chapter.Fail:
				skip(i, "cell "+name+" failed")
			}
		}
		if out[i] == nil && e.In != "" {
			// The verified run must report the values: a mistake
			// in the chapter is found before any timing.
			for _, label := range []string{e.Cell, e.Over} {
				if _, err := chapter.ReportedValue(results[e.In].Stdout, label); err != nil && out[i] == nil {
					out[i] = e.Result(chapter.ExpectFail, fmt.Sprintf("cell %s: %v", e.In, err))
				}
			}
		}
		if out[i] == nil {
			for _, name := range e.Cells() {
				timed[name] = true
			}
		}
	}
	if len(timed) == 0 {
		return out, nil, nil
	}
	var cells []*chapter.Cell
	for _, c := range ch.Cells {
		if timed[c.Name] {
			cells = append(cells, c)
		}
	}

	unlock, err := lockTiming(ctx)
	if err != nil {
		return out, nil, err
	}
	defer unlock()
	m := describeMachine(engine)
	procs := runtime.GOMAXPROCS(0)
	measure := func(first, n int, cells []*chapter.Cell) ([]round, error) {
		var rounds []round
		for k := first; k < first+n; k++ {
			rd := round{runs: map[string]timedRun{}}
			rd.parallelism, rd.capacity = calibrateHook(procs)
			for j := range cells {
				c := cells[j]
				if k%2 == 1 { // A B, B A: a drift of the machine's speed cancels out
					c = cells[len(cells)-1-j]
				}
				probe := startProbe()
				res, err := run(c)
				if err != nil {
					return nil, err
				}
				tr := timedRun{wall: res.Time, stdout: res.Stdout, others: math.NaN(), free: math.NaN(), steal: math.NaN()}
				if others, steal, ok := othersHook(probe, max(res.CPU, res.ProcessCPU)); ok {
					tr.others, tr.steal, tr.free = others, steal, float64(m.CPUs)-others
				}
				chapter.Verify(ch.Path, goldenFor(c, results[c.Name], opts.Update), res)
				if res.Status != chapter.Pass {
					tr.problem = fmt.Sprintf("timed run %d of cell %s failed: %s", k+1, c.Name, firstLine(strings.Join(append([]string{res.Error}, res.Problems...), "\n")))
				}
				rd.runs[c.Name] = tr
			}
			rounds = append(rounds, rd)
		}
		return rounds, nil
	}
	// The machine's capacity is the best the calibrations saw, counting
	// the cores other processes took from them.
	machine := func(rounds []round) (capacity float64, hi int) {
		parallelism := 0.0
		for _, rd := range rounds {
			capacity = max(capacity, rd.capacity)
			parallelism = max(parallelism, rd.parallelism)
		}
		capacity = min(capacity, float64(procs))
		m.Parallelism = math.Round(parallelism*100) / 100
		hi = clampCores(snapCeil(capacity), procs)
		m.Cores = hi
		return capacity, hi
	}

	// Rounds are measured in batches of Count until every expectation is
	// decided (see chapter.Judge) or has had maxRounds. A fail is decided
	// twice: after a pause, the expectation starts again on fresh rounds,
	// and only a fail there too is reported. Noise the probes cannot see
	// (another guest on the host) can sink a stretch of rounds; a program
	// that really lost its speedup fails again.
	type state struct {
		active bool
		from   int                   // the first round the verdict counts
		first  *chapter.ExpectResult // a fail being confirmed
	}
	st := make([]state, len(exps))
	for i := range exps {
		st[i].active = out[i] == nil
	}
	batch, limit := opts.count(), max(maxRounds, opts.count())
	var rounds []round
	pause := false
	for {
		need := map[string]bool{}
		for i, s := range st {
			if s.active {
				for _, name := range exps[i].Cells() {
					need[name] = true
				}
			}
		}
		if len(need) == 0 {
			break
		}
		var these []*chapter.Cell
		for _, c := range cells {
			if need[c.Name] {
				these = append(these, c)
			}
		}
		if pause {
			select {
			case <-ctx.Done():
				return out, nil, ctx.Err()
			case <-time.After(confirmPause):
			}
			pause = false
		}
		more, err := measure(len(rounds), batch, these)
		if err != nil {
			return out, nil, err
		}
		rounds = append(rounds, more...)
		capacity, hi := machine(rounds)
		for i := range st {
			s := &st[i]
			if !s.active {
				continue
			}
			r, decided := judgeRuns(exps[i], rounds[s.from:], capacity, hi, procs)
			switch {
			case decided && r.Status == chapter.ExpectFail && s.first == nil && !brokenRun(exps[i], rounds[s.from:]):
				s.first, s.from, pause = r, len(rounds), true
				continue
			case !decided && len(r.Samples) < limit && len(rounds)-s.from < 2*limit:
				continue
			}
			if s.first != nil {
				fresh := len(rounds) - s.from
				switch r.Status {
				case chapter.ExpectFail:
					r.Reason += fmt.Sprintf(" (confirmed over %d fresh rounds)", fresh)
				case chapter.ExpectPass:
					r.Reason = fmt.Sprintf("a first fail, %s, was not confirmed: %d fresh rounds passed", s.first.Summary(), fresh)
				default:
					r.Reason += fmt.Sprintf(" (after a first fail, %s, that %d fresh rounds did not confirm)", s.first.Summary(), fresh)
				}
			}
			out[i], s.active = r, false
		}
	}
	for i := range exps {
		if opts.Strict && out[i].Status == chapter.ExpectInconclusive {
			out[i].Status = chapter.ExpectFail
			out[i].Reason = "inconclusive (-strict): " + out[i].Reason
		}
	}
	return out, &m, nil
}

// judgeRuns judges one expectation on the rounds. Rounds during which
// other processes kept more than quietOthers cores busy are left out; when
// fewer than half the rounds were quiet the expectation is inconclusive.
// The fewest usable cores is what the load left during the runs (the
// median over rounds of the lesser of the pair), the most is the machine's
// capacity, hi. decided is false when more rounds may decide.
func judgeRuns(e *chapter.Expectation, rounds []round, capacity float64, hi, procs int) (*chapter.ExpectResult, bool) {
	type pair struct{ ratio, free, others, steal float64 }
	var all, quiet []pair
	for _, rd := range rounds {
		ratio, runs, problem, ok := roundRatio(e, rd)
		switch {
		case problem != "":
			return e.Result(chapter.ExpectFail, problem), true
		case !ok:
			continue // a round measuring other expectations' cells
		}
		p := pair{ratio: ratio, free: capacity, others: math.Inf(-1), steal: math.Inf(-1)}
		for _, tr := range runs {
			p.others, p.steal = max(p.others, tr.others), max(p.steal, tr.steal)
			if !math.IsNaN(tr.others) {
				p.free = min(p.free, tr.free)
			}
		}
		all = append(all, p)
		if math.IsNaN(p.others) || p.others <= quietOthers {
			quiet = append(quiet, p)
		}
	}
	// A verdict needs most rounds quiet: the load alone can make or break
	// a ratio.
	enough := len(quiet) > 0 && 2*len(quiet) >= len(all)
	use := quiet
	if !enough {
		use = all
	}
	var samples, free, others, steal []float64
	for _, p := range use {
		samples, free, others = append(samples, p.ratio), append(free, p.free), append(others, p.others)
		if !math.IsNaN(p.steal) {
			steal = append(steal, p.steal)
		}
	}
	lo := min(clampCores(snapFloor(chapter.Median(free)), procs), hi)
	r, decided := chapter.Judge(e, samples, lo, hi)
	for _, o := range others {
		r.Load = append(r.Load, math.Round(o*100)/100)
	}
	busy := ""
	if o := chapter.Median(others); !math.IsNaN(o) && o > quietOthers {
		busy = fmt.Sprintf("other processes kept %.1f cores busy", o)
		if st := chapter.Median(steal); st >= 0.05 {
			busy += fmt.Sprintf(" (the hypervisor took %.2f of them: steal time)", st)
		}
	}
	switch {
	case r.Status == chapter.ExpectSkip:
	case e.UsesCores() && hi == 1:
		r.Status, decided = chapter.ExpectInconclusive, true
		r.Reason = fmt.Sprintf("one usable core (GOMAXPROCS %d, measured capacity %.2f): a parallel speedup cannot show", procs, capacity)
	case !enough && len(all) > 0:
		// Load on the baseline's runs inflates the ratio, load on the
		// other cell's deflates it: neither verdict can be trusted.
		r.Status, decided = chapter.ExpectInconclusive, true
		r.Reason = fmt.Sprintf("%s; %d of %d rounds were quiet: the load alone can make or break the ratio", busy, len(quiet), len(all))
	case r.Status == chapter.ExpectInconclusive && busy != "":
		r.Reason += " (" + busy + ")"
	}
	return r, decided
}

// goldenFor returns the cell a timed run is verified against: the cell
// itself, or, with -update, the cell carrying the output its verified run
// printed, which -update is about to write.
func goldenFor(c *chapter.Cell, first *chapter.Result, update bool) *chapter.Cell {
	if !update || first == nil || c.Unchecked {
		return c
	}
	cc := *c
	cc.Outputs = nil
	for _, stream := range []string{"stdout", "stderr"} {
		text := first.Stdout
		if stream == "stderr" {
			text = first.Stderr
		}
		o := &chapter.Output{Stream: stream, Text: text}
		for _, old := range c.Outputs {
			if old.Stream == stream {
				o.Unordered = old.Unordered
			}
		}
		cc.Outputs = append(cc.Outputs, o)
	}
	return &cc
}

// roundRatio returns the expectation's ratio in one round, time(Over) /
// time(Cell) or, for values a cell reports, value(Over) / value(Cell) from
// the same run, with the runs it comes from. problem says why a run gives
// none; ok is false when the round did not measure the expectation.
func roundRatio(e *chapter.Expectation, rd round) (ratio float64, runs []timedRun, problem string, ok bool) {
	if e.In != "" {
		tr, ok := rd.runs[e.In]
		if !ok {
			return 0, nil, "", false
		}
		if tr.problem != "" {
			return 0, nil, tr.problem, true
		}
		a, err := chapter.ReportedValue(tr.stdout, e.Cell)
		if err == nil {
			var b float64
			if b, err = chapter.ReportedValue(tr.stdout, e.Over); err == nil && a <= 0 {
				err = fmt.Errorf("%q is %v: no ratio", e.Cell, a)
			}
			ratio = b / a
		}
		if err != nil {
			return 0, nil, fmt.Sprintf("a timed run of cell %s: %v", e.In, err), true
		}
		return ratio, []timedRun{tr}, "", true
	}
	a, aok := rd.runs[e.Cell]
	b, bok := rd.runs[e.Over]
	if !aok || !bok {
		return 0, nil, "", false
	}
	for _, tr := range []timedRun{a, b} {
		if tr.problem != "" {
			return 0, nil, tr.problem, true
		}
	}
	return b.wall.Seconds() / a.wall.Seconds(), []timedRun{a, b}, "", true
}

// brokenRun reports whether a timed run of the expectation's cells failed
// or did not report its values: such a fail needs no confirmation.
func brokenRun(e *chapter.Expectation, rounds []round) bool {
	for _, rd := range rounds {
		if _, _, problem, _ := roundRatio(e, rd); problem != "" {
			return true
		}
	}
	return false
}

// snapFloor rounds a measured parallelism down to a core count, or to the
// nearest when it is within snapTolerance of it.
func snapFloor(p float64) int {
	if n := math.Round(p); math.Abs(p-n) <= snapTolerance {
		return int(n)
	}
	return int(math.Floor(p))
}

// snapCeil rounds up, or to the nearest within snapTolerance.
func snapCeil(p float64) int {
	if n := math.Round(p); math.Abs(p-n) <= snapTolerance {
		return int(n)
	}
	return int(math.Ceil(p))
}

func clampCores(n, procs int) int { return max(1, min(n, procs)) }

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// lockTiming takes the machine-wide lock of timed cells, waiting for other
// processes to release it, and returns its release.
func lockTiming(ctx context.Context) (func(), error) {
	path := filepath.Join(os.TempDir(), timingLockName)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, fmt.Errorf("timing lock: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("timing lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// compareWithRecord notes, in each result, the ratio the chapter's timing
// record holds for the same expectation and engine.
func compareWithRecord(t *chapter.Timings, engine string, res []*chapter.ExpectResult) {
	rec := t.Record(engine)
	if rec == nil {
		return
	}
	for _, r := range res {
		if old := rec.Find(r.Text); old != nil && old.Ratio > 0 {
			r.Recorded, r.RecordedOn = old.Ratio, rec.Machine.String()
		}
	}
}

// updateRecord stores today's measurements as the chapter's timing record
// for the engine, keeping the other engines' records.
func updateRecord(path string, t *chapter.Timings, m *chapter.Machine, count int, res []*chapter.ExpectResult) error {
	rec := &chapter.TimingRecord{Engine: m.Engine, Machine: *m, Date: time.Now().UTC().Truncate(time.Second), Count: count}
	for _, r := range res {
		if len(r.Samples) == 0 {
			continue
		}
		c := *r
		c.Recorded, c.RecordedOn = 0, ""
		rec.Expectations = append(rec.Expectations, &c)
	}
	if len(rec.Expectations) == 0 {
		return nil
	}
	t.Set(rec)
	return chapter.WriteTimings(path, t)
}

// timeChapter checks the chapter's timing expectations after its cells
// ran: problems in the expect lines become chapter errors, the results go
// into the report (and are printed), and with -update the measurements
// become the chapter's timing record. The error is for what stops the
// checks (the context ended, an engine failed).
func timeChapter(ctx context.Context, ch *chapter.Chapter, rep *chapter.Report, results map[string]*chapter.Result,
	opts *Options, engineFor func(string) (Engine, error)) error {
	exps, errs := chapter.ParseExpects(ch)
	for _, e := range errs {
		rep.Errors = append(rep.Errors, e.Error())
	}
	if len(exps) == 0 {
		return nil
	}
	engine := opts.engine()
	if engine == "both" {
		// Differential runs compare outputs; timings are the
		// interpreter's, the engine a reader's run uses by default.
		engine = "yaegi"
	}
	run := func(c *chapter.Cell) (*chapter.Result, error) {
		name := engine
		if c.Engine != "" {
			name = c.Engine
		}
		e, err := engineFor(name)
		if err != nil {
			return nil, err
		}
		res, err := e.Run(ctx, c)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return res, err
	}
	res, m, err := checkTimings(ctx, ch, exps, results, opts, engine, run)
	if err != nil {
		return err
	}
	rep.Expectations, rep.Machine = res, m
	if m != nil {
		t, err := chapter.ReadTimings(ch.Path)
		if err != nil {
			rep.Errors = append(rep.Errors, err.Error())
			t = &chapter.Timings{}
		}
		compareWithRecord(t, m.Engine, res)
		if opts.Update && err == nil {
			if err := updateRecord(ch.Path, t, m, opts.count(), res); err != nil {
				rep.Errors = append(rep.Errors, err.Error())
			}
		}
	}
	opts.report().expectations(ch, rep, opts.count())
	return nil
}
