// Package timing checks a chapter's timing expectations: it times the
// cells they name in rounds, measures the machine (load probes from
// /proc/stat, a calibration of its parallelism), judges the paired ratios
// with confidence (Hodges-Lehmann, Wilcoxon signed-rank), and reads and
// writes the chapter's timing record (.timings.json). The protocol is
// specified in package runner's documentation, "Timing expectations": the
// comments here point there rather than repeat it.
//
// It runs cells through a function it is given, so it knows no engine and
// imports no interpreter.
package timing

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

// snapTolerance is how far a measured parallelism may be from an integer
// and still count as that integer: an idle two-core machine measures 1.8
// to 2.0.
const snapTolerance = 0.25

// quietOthers is the most CPU other processes may take, in cores, for the
// report to call the machine quiet: background daemons stay well under it,
// a compiler or a test binary goes over. Verdicts do not depend on it:
// the load model (load.go) weighs how much load there was.
const quietOthers = 0.15

// maxRounds is how many quiet rounds an expectation gets, at most, to be
// decided (Judge); a fail gets as many again to be confirmed.
const maxRounds = 40

// confirmPause is how long the protocol waits before the fresh rounds that
// confirm a fail, so that they do not fall in the same burst of noise.
const confirmPause = time.Second

// The machine measurements of the timed rounds; tests of the protocol
// replace them.
var (
	calibrateHook = calibrate
	sampleHook    = loadProbe.measure
)

// timingLockName is the file, in os.TempDir(), whose flock serializes timed
// cells across processes (go test runs packages in parallel).
const timingLockName = "concurrency101-book-timing.lock"

// Options configure Check and Record. The zero value works: batches of 5
// rounds, an inconclusive expectation is no failure, timed runs are
// verified against the chapter's golden output.
type Options struct {
	Count  int  // rounds per batch; default 5
	Strict bool // an inconclusive expectation fails
	Short  bool // skip the checks (go test -short)
	// Update verifies the timed runs against the output the verified run
	// printed, which -update is about to write, and makes Record store the
	// measurements as the chapter's timing record.
	Update bool
	// Engine names what runs the cells, in the Machine and the record;
	// default "yaegi".
	Engine string
}

// Rounds returns the rounds per batch: Count, or 5.
func (o *Options) Rounds() int {
	if o.Count > 0 {
		return o.Count
	}
	return 5
}

func (o *Options) engine() string {
	if o.Engine == "" {
		return "yaegi"
	}
	return o.Engine
}

// skipReason says why timing checks cannot run, or "".
func skipReason(race, short bool) string {
	switch {
	case race:
		return "timing checks skipped under the race detector"
	case short:
		return "timing checks skipped in short mode"
	}
	return ""
}

// A timedRun is one timed execution of a cell.
type timedRun struct {
	wall, cpu time.Duration
	delay     time.Duration // how long the load can have delayed the run, at most (loadDelay)
	floor     time.Duration // how long the run takes without the load, at least (workFloor); 0 unknown
	stdout    string        // what the run printed, for the values a cell reports
	others    float64       // cores other processes kept busy meanwhile; NaN if unknown
	steal     float64       // of which the hypervisor took (steal); NaN if unknown
	problem   string        // the run failed or printed something else
}

// A round is one run of every timed cell, with the calibration before it.
type round struct {
	parallelism, capacity float64
	runs                  map[string]timedRun
}

// Check times the cells the expectations name and judges the
// expectations, by the protocol of package runner's documentation
// ("Timing expectations"). verified holds the verified first runs by cell
// name; run executes a cell again. The returned machine is nil when
// nothing was timed. The error is for what stops the checks: the context
// ended, run failed.
func Check(ctx context.Context, ch *chapter.Chapter, exps []*chapter.Expectation, verified map[string]*chapter.Result,
	run func(*chapter.Cell) (*chapter.Result, error), opts Options) ([]*ExpectResult, *Machine, error) {
	return newProtocol(ch, exps, verified, run, opts, skipReason(RaceEnabled, opts.Short)).check(ctx)
}

// A protocol is one check of a chapter's expectations: the rounds measured
// so far and where each expectation stands.
type protocol struct {
	ch       *chapter.Chapter
	exps     []*chapter.Expectation
	verified map[string]*chapter.Result
	run      func(*chapter.Cell) (*chapter.Result, error)
	opts     Options
	skip     string // why no expectation is checked, or ""

	out     []*ExpectResult // the verdicts, by expectation; nil while open
	state   []expState      // by expectation
	cells   []*chapter.Cell // the timed cells, in chapter order
	rounds  []round
	machine Machine
	procs   int
	pause   bool      // the next batch waits confirmPause first
	start   time.Time // when the timed rounds started
}

// An expState is where one expectation stands.
type expState struct {
	active bool          // still measured
	from   int           // the first round its verdict counts
	first  *ExpectResult // a fail being confirmed
}

func newProtocol(ch *chapter.Chapter, exps []*chapter.Expectation, verified map[string]*chapter.Result,
	run func(*chapter.Cell) (*chapter.Result, error), opts Options, skip string) *protocol {
	return &protocol{ch: ch, exps: exps, verified: verified, run: run, opts: opts, skip: skip,
		out: make([]*ExpectResult, len(exps)), state: make([]expState, len(exps)), procs: runtime.GOMAXPROCS(0)}
}

// check runs the protocol: batches of rounds until every expectation is
// decided, a fail twice.
func (p *protocol) check(ctx context.Context) ([]*ExpectResult, *Machine, error) {
	if !p.screen() {
		return p.out, nil, nil
	}
	unlock, err := lockTiming(ctx)
	if err != nil {
		return p.out, nil, err
	}
	defer unlock()
	p.start = time.Now()
	p.machine = describeMachine(p.opts.engine())
	for {
		cells := p.needed()
		if len(cells) == 0 {
			break
		}
		if p.pause {
			select {
			case <-ctx.Done():
				return p.out, nil, ctx.Err()
			case <-time.After(confirmPause):
			}
			p.pause = false
		}
		more, err := p.measure(len(p.rounds), p.opts.Rounds(), cells)
		if err != nil {
			return p.out, nil, err
		}
		p.rounds = append(p.rounds, more...)
		p.judge()
	}
	if p.opts.Strict {
		for _, r := range p.out {
			if r.Status == ExpectInconclusive {
				r.Status, r.Reason = ExpectFail, "inconclusive (-strict): "+r.Reason
			}
		}
	}
	return p.out, &p.machine, nil
}

// screen settles the expectations that cannot be timed (checks skipped, a
// cell that failed, a value its verified run does not report) and
// collects the cells of the others. It reports whether any are left.
func (p *protocol) screen() bool {
	timed := map[string]bool{}
	for i, e := range p.exps {
		if p.skip != "" {
			p.out[i] = NewResult(e, ExpectSkip, p.skip)
			continue
		}
		for _, name := range e.Cells() {
			switch r := p.verified[name]; {
			case p.out[i] != nil:
			case r == nil || r.Status == chapter.Skip:
				p.out[i] = NewResult(e, ExpectSkip, "cell "+name+" did not run")
			case r.Status == chapter.Fail:
				p.out[i] = NewResult(e, ExpectSkip, "cell "+name+" failed")
			}
		}
		if p.out[i] == nil && e.In != "" {
			// The verified run must report the values: a mistake
			// in the chapter is found before any timing.
			for _, label := range []string{e.Cell, e.Over} {
				if _, err := ReportedValue(p.verified[e.In].Stdout, label); err != nil && p.out[i] == nil {
					p.out[i] = NewResult(e, ExpectFail, fmt.Sprintf("cell %s: %v", e.In, err))
				}
			}
		}
		if p.out[i] == nil {
			p.state[i].active = true
			for _, name := range e.Cells() {
				timed[name] = true
			}
		}
	}
	for _, c := range p.ch.Cells {
		if timed[c.Name] {
			p.cells = append(p.cells, c)
		}
	}
	return len(p.cells) > 0
}

// needed returns the cells the undecided expectations time, in chapter
// order.
func (p *protocol) needed() []*chapter.Cell {
	need := map[string]bool{}
	for i, s := range p.state {
		if s.active {
			for _, name := range p.exps[i].Cells() {
				need[name] = true
			}
		}
	}
	var cells []*chapter.Cell
	for _, c := range p.cells {
		if need[c.Name] {
			cells = append(cells, c)
		}
	}
	return cells
}

// measure runs n rounds of the cells, numbered from first, each after a
// calibration, in alternating order.
func (p *protocol) measure(first, n int, cells []*chapter.Cell) ([]round, error) {
	var rounds []round
	for k := first; k < first+n; k++ {
		rd := round{runs: map[string]timedRun{}}
		rd.parallelism, rd.capacity = calibrateHook(p.procs)
		for j := range cells {
			c := cells[j]
			if k%2 == 1 { // A B, B A: a drift of the machine's speed cancels out
				c = cells[len(cells)-1-j]
			}
			tr, err := p.timeRun(k, c)
			if err != nil {
				return nil, err
			}
			rd.runs[c.Name] = tr
		}
		rounds = append(rounds, rd)
	}
	return rounds, nil
}

// timeRun runs cell c once in round k, under a load probe, and verifies
// the run.
func (p *protocol) timeRun(k int, c *chapter.Cell) (timedRun, error) {
	probe := startProbe()
	res, err := p.run(c)
	if err != nil {
		return timedRun{}, err
	}
	s := sampleHook(probe, max(res.CPU, res.ProcessCPU))
	tr := timedRun{wall: res.Time, cpu: res.CPU, stdout: res.Stdout, delay: loadDelay(res.Time, res.Wait, res.Steal, s),
		floor: workFloor(res.Time, res.BusyCPU, res.BusyWait, res.Wait, res.Steal, s)}
	tr.others, tr.steal = s.cores()
	chapter.Verify(p.ch.Path, goldenFor(c, p.verified[c.Name], p.opts.Update), res)
	if res.Status != chapter.Pass {
		tr.problem = fmt.Sprintf("timed run %d of cell %s failed: %s", k+1, c.Name, firstLine(strings.Join(append([]string{res.Error}, res.Problems...), "\n")))
	}
	return tr, nil
}

// capacity is the best the calibrations saw, counting the cores other
// processes took from them, and the most cores it allows; it notes both
// in the machine.
func (p *protocol) capacity() (capacity float64, hi int) {
	parallelism := 0.0
	for _, rd := range p.rounds {
		capacity = max(capacity, rd.capacity)
		parallelism = max(parallelism, rd.parallelism)
	}
	capacity = min(capacity, float64(p.procs))
	p.machine.Parallelism = math.Round(parallelism*100) / 100
	hi = clampCores(snapCeil(capacity), p.procs)
	p.machine.Cores = hi
	return capacity, hi
}

// judge judges the undecided expectations on the rounds so far: each is
// decided, or starts over on fresh rounds to confirm a fail, or waits for
// another batch.
func (p *protocol) judge() {
	capacity, hi := p.capacity()
	limit := max(maxRounds, p.opts.Rounds())
	for i := range p.state {
		s := &p.state[i]
		if !s.active {
			continue
		}
		rounds := p.rounds[s.from:]
		r, decided := judgeRuns(p.exps[i], rounds, capacity, hi, p.procs)
		switch {
		case decided && r.Status == ExpectFail && s.first == nil && !brokenRun(p.exps[i], rounds):
			s.first, s.from, p.pause = r, len(p.rounds), true
			continue
		case !decided && len(r.Samples) < limit && len(rounds) < 2*limit:
			continue
		}
		if s.first != nil {
			confirmed(r, s.first, len(rounds))
		}
		r.Took = time.Since(p.start)
		p.out[i], s.active = r, false
	}
}

// confirmed notes in r, the verdict of fresh rounds, the first fail it
// confirms or not.
func confirmed(r, first *ExpectResult, fresh int) {
	switch r.Status {
	case ExpectFail:
		r.Reason += fmt.Sprintf(" (confirmed over %d fresh rounds)", fresh)
	case ExpectPass:
		r.Reason = fmt.Sprintf("a first fail, %s, was not confirmed: %d fresh rounds passed", first.Summary(), fresh)
	default:
		r.Reason += fmt.Sprintf(" (after a first fail, %s, that %d fresh rounds did not confirm)", first.Summary(), fresh)
	}
}

// judgeRuns judges one expectation on the rounds, each sample with the
// range the load model gives it (load.go), the heavy rounds left out
// unless they are most, with cores from the machine's capacity, as
// package runner's documentation says. decided is false when more rounds
// may decide.
func judgeRuns(e *chapter.Expectation, rounds []round, capacity float64, hi, procs int) (*ExpectResult, bool) {
	type pair struct {
		s             Sample
		others, steal float64
	}
	var all, light []pair
	for _, rd := range rounds {
		s, runs, problem, ok := roundSample(e, rd)
		switch {
		case problem != "":
			return NewResult(e, ExpectFail, problem), true
		case !ok:
			continue // a round measuring other expectations' cells
		}
		p := pair{s: s, others: math.Inf(-1), steal: math.Inf(-1)}
		for _, tr := range runs {
			p.others, p.steal = max(p.others, tr.others), max(p.steal, tr.steal)
		}
		all = append(all, p)
		if !s.Heavy {
			light = append(light, p)
		}
	}
	// A verdict needs most rounds light: a round in which the load may
	// have taken half a run says nothing about a factor of two.
	enough := len(light) > 0 && 2*len(light) >= len(all)
	use := light
	if !enough {
		use = all
	}
	var samples []Sample
	var others, steal []float64
	for _, p := range use {
		samples, others = append(samples, p.s), append(others, p.others)
		if !math.IsNaN(p.steal) {
			steal = append(steal, p.steal)
		}
	}
	lo := min(clampCores(snapFloor(capacity), procs), hi)
	r, decided := JudgeLoaded(e, samples, lo, hi)
	for _, o := range others {
		r.Load = append(r.Load, math.Round(o*100)/100)
	}
	busy := ""
	if o := Median(others); !math.IsNaN(o) && o > quietOthers {
		busy = fmt.Sprintf("other processes kept %.1f cores busy", o)
		if st := Median(steal); st >= 0.05 {
			busy += fmt.Sprintf(" (the hypervisor took %.2f of them: steal time)", st)
		}
	}
	switch {
	case r.Status == ExpectSkip:
	case e.UsesCores() && hi == 1:
		r.Status, decided = ExpectInconclusive, true
		r.Reason = fmt.Sprintf("one usable core (GOMAXPROCS %d, measured capacity %.2f): a parallel speedup cannot show", procs, capacity)
	case !enough && len(all) > 0:
		r.Status, decided = ExpectInconclusive, true
		r.Reason = fmt.Sprintf("in %d of %d rounds the load may have taken more than half a run", len(all)-len(light), len(all))
		if busy != "" {
			r.Reason = busy + "; " + r.Reason
		}
	case r.Status == ExpectInconclusive && busy != "":
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

// brokenRun reports whether a timed run of the expectation's cells failed
// or did not report its values: such a fail needs no confirmation.
func brokenRun(e *chapter.Expectation, rounds []round) bool {
	for _, rd := range rounds {
		if _, _, problem, _ := roundSample(e, rd); problem != "" {
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
