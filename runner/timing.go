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
// Count more times, interleaved (A B, then B A, ...), while no other timed
// cell runs anywhere on the machine, and the expectation is judged on the
// median of the paired ratios. Before each round a calibration measures
// how many cores the machine offers; during each run, the CPU time other
// processes took is read from /proc/stat. An expectation whose verdict
// depends on how many cores count as usable is inconclusive, not failed.

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

// timingLockName is the file, in os.TempDir(), whose flock serializes timed
// cells across processes (go test runs packages in parallel).
const timingLockName = "concurrency101-book-timing.lock"

func (o *Options) count() int {
	if o.Count > 0 {
		return o.Count
	}
	return 3
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
	others  float64 // cores other processes kept busy meanwhile; NaN if unknown
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
		e := exps[i]
		out[i] = &chapter.ExpectResult{Line: e.Line, Text: e.Text, Cell: e.Cell, Over: e.Over, Op: e.Op, Status: chapter.ExpectSkip, Reason: reason}
	}
	timed := map[string]bool{}
	for i, e := range exps {
		if reason := opts.timingSkipped(); reason != "" {
			skip(i, reason)
			continue
		}
		for _, name := range []string{e.Cell, e.Over} {
			switch r := results[name]; {
			case out[i] != nil:
			case r == nil || r.Status == chapter.Skip:
				skip(i, "cell "+name+" did not run")
			case r.Status == chapter.Fail:
				skip(i, "cell "+name+" failed")
			}
		}
		if out[i] == nil {
			timed[e.Cell], timed[e.Over] = true, true
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
			rd.parallelism, rd.capacity = calibrate(procs)
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
				tr := timedRun{wall: res.Time, others: math.NaN(), free: math.NaN()}
				if others, ok := probe.others(res.CPU); ok {
					tr.others, tr.free = others, float64(m.CPUs)-others
				}
				chapter.Verify(ch.Path, c, res)
				if res.Status != chapter.Pass {
					tr.problem = fmt.Sprintf("timed run %d of cell %s failed: %s", k+1, c.Name, firstLine(strings.Join(append([]string{res.Error}, res.Problems...), "\n")))
				}
				rd.runs[c.Name] = tr
			}
			rounds = append(rounds, rd)
		}
		return rounds, nil
	}
	rounds, err := measure(0, opts.count(), cells)
	if err != nil {
		return out, nil, err
	}
	judge := func(rounds []round, which func(i int) bool) {
		// The machine's capacity is the best the calibrations saw,
		// counting the cores other processes took from them.
		capacity, parallelism := 0.0, 0.0
		for _, rd := range rounds {
			capacity = max(capacity, rd.capacity)
			parallelism = max(parallelism, rd.parallelism)
		}
		capacity = min(capacity, float64(procs))
		m.Parallelism = math.Round(parallelism*100) / 100
		hi := clampCores(snapCeil(capacity), procs)
		m.Cores = hi
		for i, e := range exps {
			if which(i) {
				out[i] = judgeRuns(e, rounds, capacity, hi, procs)
			}
		}
	}
	judge(rounds, func(i int) bool { return out[i] == nil })

	// A fail is confirmed before it is reported: the expectation's cells
	// run three times as many rounds again and the verdict is taken over all of
	// them. Noise the probes cannot see (another guest on the host) can
	// sink one batch; a program that really lost its speedup fails again.
	confirm := map[int]bool{}
	var again []*chapter.Cell
	for i, r := range out {
		if r.Status == chapter.ExpectFail && !strings.HasPrefix(r.Reason, "timed run") && timed[exps[i].Cell] {
			confirm[i] = true
		}
	}
	if len(confirm) > 0 {
		need := map[string]bool{}
		for i := range confirm {
			need[exps[i].Cell], need[exps[i].Over] = true, true
		}
		for _, c := range cells {
			if need[c.Name] {
				again = append(again, c)
			}
		}
		first := map[int]string{}
		for i := range confirm {
			first[i] = out[i].Summary()
		}
		extra, err := measure(len(rounds), 3*opts.count(), again)
		if err != nil {
			return out, nil, err
		}
		judge(append(rounds, extra...), func(i int) bool { return confirm[i] })
		for i := range confirm {
			if out[i].Status != chapter.ExpectFail {
				out[i].Reason = strings.TrimSpace(out[i].Reason + fmt.Sprintf(" (a first fail, %s, was not confirmed over %d more rounds)", first[i], len(extra)))
			} else {
				out[i].Reason += fmt.Sprintf(" (confirmed over %d more rounds)", len(extra))
			}
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
// fewer than half the rounds were quiet the expectation is inconclusive. The fewest usable cores is what
// the load left during the runs (the median over rounds of the lesser of
// the pair), the most is the machine's capacity, hi.
func judgeRuns(e *chapter.Expectation, rounds []round, capacity float64, hi, procs int) *chapter.ExpectResult {
	type pair struct{ ratio, free, others float64 }
	var all, quiet []pair
	for _, rd := range rounds {
		a, b := rd.runs[e.Cell], rd.runs[e.Over]
		for _, tr := range []timedRun{a, b} {
			if tr.problem != "" {
				return &chapter.ExpectResult{Line: e.Line, Text: e.Text, Cell: e.Cell, Over: e.Over, Op: e.Op,
					Status: chapter.ExpectFail, Reason: tr.problem}
			}
		}
		p := pair{ratio: b.wall.Seconds() / a.wall.Seconds(), free: capacity, others: max(a.others, b.others)}
		if !math.IsNaN(p.others) {
			p.free = min(capacity, a.free, b.free)
		}
		all = append(all, p)
		if math.IsNaN(p.others) || p.others <= quietOthers {
			quiet = append(quiet, p)
		}
	}
	// A verdict needs most rounds quiet: the median of one is noise.
	enough := len(quiet) > 0 && 2*len(quiet) >= len(all)
	use := quiet
	if !enough {
		use = all
	}
	var samples, free, others []float64
	for _, p := range use {
		samples, free, others = append(samples, p.ratio), append(free, p.free), append(others, p.others)
	}
	lo := min(clampCores(snapFloor(chapter.Median(free)), procs), hi)
	r := chapter.Judge(e, samples, lo, hi)
	for _, o := range others {
		r.Load = append(r.Load, math.Round(o*100)/100)
	}
	busy := ""
	if o := chapter.Median(others); !math.IsNaN(o) && o > quietOthers {
		busy = fmt.Sprintf("other processes kept %.1f cores busy", o)
	}
	switch {
	case r.Status == chapter.ExpectSkip:
	case e.UsesCores() && hi == 1:
		r.Status = chapter.ExpectInconclusive
		r.Reason = fmt.Sprintf("one usable core (GOMAXPROCS %d, measured capacity %.2f): a parallel speedup cannot show", procs, capacity)
	case !enough && len(all) > 0:
		// Load on the baseline's runs inflates the ratio, load on the
		// other cell's deflates it: neither verdict can be trusted.
		r.Status = chapter.ExpectInconclusive
		r.Reason = fmt.Sprintf("%s; %d of %d rounds were quiet: the load alone can make or break the ratio", busy, len(quiet), len(all))
	case r.Status == chapter.ExpectInconclusive && busy != "":
		r.Reason += " (" + busy + ")"
	}
	return r
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
