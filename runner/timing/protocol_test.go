package timing

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency101/book/runner/chapter"
)

func TestSnap(t *testing.T) {
	tests := []struct {
		p          float64
		floor, cei int
	}{
		{2.0, 2, 2}, {1.8, 2, 2}, {2.2, 2, 2}, {1.7, 1, 2}, {1.33, 1, 2}, {1.2, 1, 1}, {0.9, 1, 1}, {0.5, 0, 1}, {3.5, 3, 4},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.floor, snapFloor(tt.p), "snapFloor(%v)", tt.p)
		assert.Equal(t, tt.cei, snapCeil(tt.p), "snapCeil(%v)", tt.p)
	}
	assert.Equal(t, 1, clampCores(0, 2))
	assert.Equal(t, 2, clampCores(3, 2))
}

func TestLockTiming(t *testing.T) {
	unlock, err := lockTiming(context.Background())
	require.NoError(t, err)
	// flock locks belong to the open file, so a second open conflicts even
	// in the same process, as another go test binary's would.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = lockTiming(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded, "the lock must be exclusive")
	unlock()
	unlock2, err := lockTiming(context.Background())
	require.NoError(t, err, "the lock must be free once released")
	unlock2()
}

// run is a timed run of wall time w (ms) that the load can have delayed by
// up to d (ms), while other processes kept o cores busy.
func run(w, d int, o float64) timedRun {
	return timedRun{wall: time.Duration(w) * time.Millisecond, cpu: time.Duration(w) * time.Millisecond,
		delay: time.Duration(d) * time.Millisecond, others: o, steal: 0}
}

func TestJudgeRuns(t *testing.T) {
	e, err := chapter.ParseExpect(&chapter.Expect{Line: 9, Text: "speedup par over seq >= 0.8 * min(cores, 20) ideal min(cores, 20)"})
	require.NoError(t, err)
	flat, err := chapter.ParseExpect(&chapter.Expect{Line: 10, Text: "speedup par over seq <= 1.2"})
	require.NoError(t, err)
	rounds := func(seq, par timedRun, n int) []round {
		var rs []round
		for i := 0; i < n; i++ {
			rs = append(rs, round{runs: map[string]timedRun{"seq": seq, "par": par}})
		}
		return rs
	}
	// An idle two-core machine: the verdict is decided.
	r, decided := judgeRuns(e, rounds(run(1000, 0, 0), run(520, 0, 0), 5), 1.98, 2, 2)
	assert.Equal(t, ExpectPass, r.Status, r.Reason)
	assert.True(t, decided)
	r, decided = judgeRuns(e, rounds(run(1000, 0, 0), run(1000, 0, 0), 7), 1.98, 2, 2)
	assert.Equal(t, ExpectFail, r.Status, "a sequential 'parallel' cell on an idle machine")
	assert.True(t, decided)
	assert.Equal(t, "speedup 1.00x is not >= 1.60: over 7 rounds it is at most 1.00 (99% confidence)", r.Reason)
	// Three rounds are too few for either verdict.
	r, decided = judgeRuns(e, rounds(run(1000, 0, 0), run(1000, 0, 0), 3), 1.98, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status)
	assert.False(t, decided, r.Reason)
	// Quiet, but the calibration found 1.6 cores' worth (a CPU quota, SMT):
	// either verdict could be the machine's doing.
	r, decided = judgeRuns(e, rounds(run(1000, 0, 0), run(800, 0, 0), 7), 1.6, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status)
	assert.True(t, decided)
	assert.Contains(t, r.Reason, "between 1 and 2 usable cores")

	// Light load does not void a round: a quarter of a core took up to 60ms
	// of the pool's run and 20ms of the baseline's, which the least
	// favourable correction leaves at (1000-20)/560 = 1.75.
	r, decided = judgeRuns(e, rounds(run(1000, 20, 0.25), run(560, 60, 0.25), 5), 1.98, 2, 2)
	assert.Equal(t, ExpectPass, r.Status, r.Reason)
	assert.True(t, decided)
	assert.Equal(t, []float64{0.25, 0.25, 0.25, 0.25, 0.25}, r.Load)
	assert.InDelta(t, 1.75, r.Low, 0.01, "the interval includes the load's margin")
	// Nor does it save a regression: at most 1000/(1000-60) = 1.06.
	r, decided = judgeRuns(e, rounds(run(1000, 20, 0.25), run(1000, 60, 0.25), 7), 1.98, 2, 2)
	assert.Equal(t, ExpectFail, r.Status, r.Reason)
	assert.True(t, decided)
	// A load that could explain the gap: 1.50x as measured, but the pool
	// may have lost 250ms of its 667ms.
	rs := rounds(run(1000, 0, 0.4), run(667, 250, 0.4), 7)
	r, decided = judgeRuns(e, rs, 1.98, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status)
	assert.False(t, decided, "more rounds may still decide")
	assert.Contains(t, r.Reason, "the load could explain the gap: over 7 rounds the speedup is 1.50 as measured, between 1.50 and 2.40 without the load")
	assert.Contains(t, r.Reason, "(other processes kept 0.4 cores busy)")
	r, decided = judgeRuns(e, rounds(run(1000, 0, 0.4), run(667, 250, 0.4), 10), 1.98, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status)
	assert.True(t, decided, "more rounds narrow the confidence, not the load's margin")
	// Steal time is named: the host, not a process, took the cores.
	for _, rd := range rs {
		for k, tr := range rd.runs {
			tr.steal = 0.2
			rd.runs[k] = tr
		}
	}
	r, _ = judgeRuns(e, rs, 1.98, 2, 2)
	assert.Contains(t, r.Reason, "other processes kept 0.4 cores busy (the hypervisor took 0.20 of them: steal time)")
	// Heavy load during every run: a round in which the load may have
	// taken half a run says nothing about a factor of two.
	r, decided = judgeRuns(e, rounds(run(1000, 100, 1), run(1000, 600, 1), 5), 1.98, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status)
	assert.True(t, decided, "a busy machine ends the measurement")
	assert.Equal(t, "other processes kept 1.0 cores busy; in 5 of 5 rounds the load may have taken more than half a run", r.Reason)
	// The light rounds decide when they are most: the heavy ones are left
	// out.
	rs = rounds(run(1000, 0, 1), run(1000, 600, 1), 12)
	for i := 0; i < 12; i += 2 {
		rs[i].runs = map[string]timedRun{"seq": run(1000, 0, 0.05), "par": run(990, 0, 0.05)}
	}
	r, decided = judgeRuns(e, rs, 1.98, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status, "six light rounds are too few for a fail")
	assert.False(t, decided)
	rs = append(rs, rs[:2]...)
	r, decided = judgeRuns(e, rs, 1.98, 2, 2)
	assert.Equal(t, ExpectFail, r.Status, r.Reason)
	assert.True(t, decided)
	assert.Len(t, r.Samples, 7)
	assert.Equal(t, 1/0.99, r.Samples[0])
	assert.Equal(t, []float64{0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05}, r.Load)
	// Fewer than half light is not enough.
	r, _ = judgeRuns(e, rs[1:6], 1.98, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status, r.Reason)
	assert.Contains(t, r.Reason, "in 3 of 5 rounds the load may have taken more than half a run")
	// Rounds that measured other cells are not counted.
	rs = rounds(run(1000, 0, 0), run(520, 0, 0), 5)
	rs = append(rs, round{runs: map[string]timedRun{"other": run(1000, 0, 0)}})
	r, _ = judgeRuns(e, rs, 1.98, 2, 2)
	assert.Equal(t, ExpectPass, r.Status, r.Reason)
	assert.Len(t, r.Samples, 5)
	// A bound without cores: load on both cells, both corrections inside.
	r, _ = judgeRuns(flat, rounds(run(1000, 50, 0.3), run(1000, 50, 0.3), 5), 1.98, 2, 2)
	assert.Equal(t, ExpectPass, r.Status, r.Reason)
	r, _ = judgeRuns(flat, rounds(run(1000, 300, 0.6), run(1000, 300, 0.6), 10), 1.98, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status)
	assert.Contains(t, r.Reason, "the load could explain the gap")
	// One usable core cannot show a parallel speedup.
	r, decided = judgeRuns(e, rounds(run(1000, 0, 0), run(1000, 0, 0), 3), 1, 1, 1)
	assert.Equal(t, ExpectInconclusive, r.Status)
	assert.True(t, decided)
	assert.Contains(t, r.Reason, "one usable core")
	// A timed run that failed fails the expectation.
	rs = rounds(run(1000, 0, 0), run(1000, 0, 0), 2)
	rs[1].runs["par"] = timedRun{wall: time.Second, problem: "timed run 2 of cell par failed: panic: boom"}
	r, decided = judgeRuns(e, rs, 2, 2, 2)
	assert.Equal(t, ExpectFail, r.Status)
	assert.True(t, decided)
	assert.Equal(t, "timed run 2 of cell par failed: panic: boom", r.Reason)
	assert.True(t, brokenRun(e, rs))
	assert.False(t, brokenRun(e, rs[:1]))

	// Values a cell reports: the ratio comes from one run's output, the
	// run's delay bounding each duration's.
	v, err := chapter.ParseExpect(&chapter.Expect{Line: 11, Text: `speedup "at once" over "in a row" in cl >= 3 ideal 4`})
	require.NoError(t, err)
	rs = nil
	for i := 0; i < 5; i++ {
		tr := run(1000, 0, 0.05)
		tr.stdout = fmt.Sprintf("in a row: 80ms\nat once: %dms\n", 20+i)
		rs = append(rs, round{runs: map[string]timedRun{"cl": tr}})
	}
	r, decided = judgeRuns(v, rs, 1.98, 2, 2)
	assert.Equal(t, ExpectPass, r.Status, r.Reason)
	assert.True(t, decided)
	assert.InDelta(t, 80.0/22, r.Ratio, 0.01)
	assert.Equal(t, `speedup "at once" over "in a row" in cl: 3.64x [3.33, 4.00] over 5 rounds (bound >= 3.00, ideal 4.00; 91% of ideal)`, r.Summary())
	for _, rd := range rs {
		tr := rd.runs["cl"]
		tr.delay = 10 * time.Millisecond
		rd.runs["cl"] = tr
	}
	r, _ = judgeRuns(v, rs, 1.98, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status, "70ms over 22ms could be 3.2, or 80ms over 12ms: %s", r.Reason)
	assert.InDelta(t, 70.0/24, r.Unloaded[4][0], 0.01)
	assert.InDelta(t, 80.0/14, r.Unloaded[4][1], 0.01)
	rs[3].runs["cl"] = timedRun{wall: time.Second, stdout: "in a row: 80ms\n"}
	r, decided = judgeRuns(v, rs, 1.98, 2, 2)
	assert.Equal(t, ExpectFail, r.Status)
	assert.True(t, decided)
	assert.Equal(t, `a timed run of cell cl: no line of output starts with "at once"`, r.Reason)
	assert.True(t, brokenRun(v, rs), "a run that does not report its values needs no confirmation")
}

// TestJudgeParallelism: CPU time over wall time, the cores a cell kept
// busy, which load barely moves: a pool keeps 1.75 of two cores busy
// beside a quarter core of load, a sequential one 1.0 whatever the load.
func TestJudgeParallelism(t *testing.T) {
	e, err := chapter.ParseExpect(&chapter.Expect{Line: 3, Text: "parallelism par >= 0.7 * min(cores, 20) ideal min(cores, 20)"})
	require.NoError(t, err)
	rounds := func(tr timedRun, n int) []round {
		var rs []round
		for i := 0; i < n; i++ {
			rs = append(rs, round{runs: map[string]timedRun{"par": tr}})
		}
		return rs
	}
	pool := run(600, 60, 0.25)
	pool.cpu = 1050 * time.Millisecond
	r, decided := judgeRuns(e, rounds(pool, 5), 1.98, 2, 2)
	assert.Equal(t, ExpectPass, r.Status, r.Reason)
	assert.True(t, decided)
	assert.Equal(t, "parallelism par: 1.75 [1.75, 1.94] over 5 rounds (bound >= 1.40, ideal 2.00; 88% of ideal)", r.Summary())
	seq := run(1000, 60, 0.25)
	r, _ = judgeRuns(e, rounds(seq, 7), 1.98, 2, 2)
	assert.Equal(t, ExpectFail, r.Status, r.Reason)
	assert.Equal(t, "parallelism 1.00 is not >= 1.40: over 7 rounds it is at most 1.06 (99% confidence)", r.Reason)
	assert.Equal(t, "parallelism", r.Kind)
	// A hog on one core: the pool could have run three times as fast.
	hogged := run(900, 600, 1)
	hogged.cpu = 1200 * time.Millisecond
	r, _ = judgeRuns(e, rounds(hogged, 7), 1.98, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status, r.Reason)
}

// TestLoadDelay: the bound on how long the load delayed a run is the
// lesser of what the run's threads waited (plus steal) and what other
// processes used; a run nothing is known of is taken as measured.
func TestLoadDelay(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	tick := time.Second / clockTicks
	probe := func(rest, steal int) loadSample {
		return loadSample{wall: time.Second, rest: ms(rest), steal: ms(steal), ok: true}
	}
	assert.Equal(t, ms(40), loadDelay(ms(500), ms(30), ms(10), probe(500, 10)), "the threads waited 30ms and 10ms were stolen")
	assert.Equal(t, tick, loadDelay(ms(500), ms(400), 0, probe(0, 0)), "the cell's threads took turns: no other process to blame")
	assert.Equal(t, ms(100)+tick, loadDelay(ms(500), -1, -1, probe(100, 0)), "no schedstat: what the others used")
	assert.Equal(t, ms(50), loadDelay(ms(500), ms(30), -1, probe(500, 20)), "steal unknown to the run: the probe's")
	assert.Equal(t, ms(500), loadDelay(ms(500), ms(900), 0, probe(2000, 0)), "at most the run")
	assert.Equal(t, time.Duration(0), loadDelay(ms(500), -1, -1, loadSample{}), "nothing known")
	assert.Equal(t, ms(30), loadDelay(ms(500), ms(30), 0, loadSample{}), "no /proc/stat, but schedstat")
}

// TestJudgeLoadedConservative: whatever the ratios without load are,
// inside the ranges the samples give, a pass on the ranges is a pass on
// them and a fail on the ranges a fail on them.
func TestJudgeLoadedConservative(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, text := range []string{"speedup a over b >= 1.6", "speedup a over b <= 1.2"} {
		e, err := chapter.ParseExpect(&chapter.Expect{Text: text})
		require.NoError(t, err)
		seen := map[ExpectStatus]int{}
		for trial := 0; trial < 2000; trial++ {
			n := 5 + rng.IntN(20)
			center := 0.8 + rng.Float64()*1.4
			var samples []Sample
			var truth []float64
			for i := 0; i < n; i++ {
				r0 := center * math.Exp(rng.NormFloat64()*0.08)
				lo, hi := r0*(1-rng.Float64()*0.15), r0*(1+rng.Float64()*0.15)
				samples = append(samples, Sample{Ratio: lo + rng.Float64()*(hi-lo), Low: lo, High: hi})
				truth = append(truth, r0)
			}
			loaded, _ := JudgeLoaded(e, samples, 2, 2)
			exact, _ := Judge(e, truth, 2, 2)
			seen[loaded.Status]++
			switch loaded.Status {
			case ExpectPass, ExpectFail:
				require.Equal(t, loaded.Status, exact.Status, "%s: %v", text, samples)
			}
		}
		assert.Greater(t, seen[ExpectPass], 100, "%s: %v", text, seen)
		assert.Greater(t, seen[ExpectFail], 100, "%s: %v", text, seen)
		assert.Greater(t, seen[ExpectInconclusive], 100, "%s: %v", text, seen)
	}
}

// TestWorkFloor: the least a run would take without the load is main's
// CPU time, less what the load can have added to it: the time stolen,
// and what the other threads were held up (their wait and steal, at most
// what other processes used); unknown without main's figures.
func TestWorkFloor(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	tick := time.Second / clockTicks
	probe := func(rest, steal int) loadSample {
		return loadSample{wall: time.Second, rest: ms(rest), steal: ms(steal), ok: true}
	}
	assert.Equal(t, ms(385), workFloor(ms(450), ms(400), ms(40), ms(50), ms(5), probe(100, 5)),
		"400ms of main's CPU, less the others' 10ms wait and the 5ms stolen from main or from them")
	assert.Equal(t, ms(400)-tick, workFloor(ms(450), ms(400), 0, ms(500), 0, probe(0, 0)),
		"the others waited behind the cell's own threads: nothing else ran but a tick")
	assert.Equal(t, ms(300), workFloor(ms(300), ms(400), 0, 0, 0, probe(0, 0)), "at most the run")
	assert.Equal(t, time.Duration(0), workFloor(ms(450), ms(400), ms(10), ms(500), 0, probe(500, 0)), "held up longer than main ran")
	assert.Equal(t, ms(380), workFloor(ms(450), ms(400), 0, ms(10), -1, probe(100, 10)), "steal unknown to the run: the probe's")
	assert.Equal(t, time.Duration(0), workFloor(ms(450), ms(400), 0, ms(10), -1, loadSample{}), "steal unknown")
	assert.Equal(t, time.Duration(0), workFloor(ms(450), -1, -1, ms(10), 0, probe(0, 0)), "main not locked: unknown")
	assert.Equal(t, time.Duration(0), workFloor(ms(450), ms(400), ms(20), -1, 0, probe(0, 0)), "threads' wait unknown")
}

// simRun is a timed run drawn at random by the load model's assumptions
// (package runner's documentation, "Load"): the truth w0 (the run without
// the load), and what the kernel reports of the run with it.
func simRun(rng *rand.Rand, w0 time.Duration, busyShare float64) (tr timedRun, truth time.Duration) {
	frac := func(d time.Duration) time.Duration { return time.Duration(rng.Float64() * float64(d)) }
	tick := time.Second / clockTicks
	delay := frac(w0 * 3 / 10) // the load's delay
	steal := frac(delay / 4)   // part of it stolen by the hypervisor
	// Threads wait at least as long as the load delayed the run (less
	// what was stolen), plus what they wait behind each other.
	otherWait := frac(w0 / 10)
	busyWait := max(frac(w0/10), delay-steal-otherWait)
	// Other processes used at least the delay (less a tick: /proc/stat
	// counts ticks), and often more, on other cores.
	rest := max(0, delay-frac(tick)+frac(w0))
	// The busiest thread's CPU time without load, and what the load
	// added to it: work in place of threads it held up, at most as long
	// as they were held up, and stolen time counted as running. A stolen
	// instant stalls one thread, the busiest (counted running) or another
	// (held up): the steal is split between them. All of it is at most
	// what the load used.
	busy0 := time.Duration(busyShare * float64(w0))
	stealBusy := frac(steal)
	extra := min(frac(otherWait+steal-stealBusy)+stealBusy, rest+tick)
	wall := w0 + delay
	res := &chapter.Result{Time: wall, BusyCPU: min(busy0+extra, wall), BusyWait: busyWait, Wait: busyWait + otherWait, Steal: steal}
	s := loadSample{wall: wall, rest: rest, steal: steal, ok: true}
	tr = timedRun{wall: wall, cpu: res.BusyCPU, delay: loadDelay(wall, res.Wait, res.Steal, s),
		floor: workFloor(wall, res.BusyCPU, res.BusyWait, res.Wait, res.Steal, s)}
	return tr, w0
}

// TestLoadModelConservative: runs drawn by the load model's assumptions
// (simRun) keep their time without the load inside the range the model
// gives them, and an expectation judged on those ranges passes or fails
// only when it does on the true ratios.
func TestLoadModelConservative(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	for _, text := range []string{"speedup a over b >= 1.6", "speedup a over b <= 1.2"} {
		e, err := chapter.ParseExpect(&chapter.Expect{Text: text})
		require.NoError(t, err)
		seen := map[ExpectStatus]int{}
		for trial := 0; trial < 1500; trial++ {
			n := 5 + rng.IntN(15)
			center := 0.8 + rng.Float64()*1.4
			var samples []Sample
			var truth []float64
			for i := 0; i < n; i++ {
				b0 := ms(300 + rng.Float64()*200)
				a0 := time.Duration(float64(b0) / (center * math.Exp(rng.NormFloat64()*0.05)))
				// b is sequential (one thread does its work), a a
				// pool whose busiest thread did little or most of it,
				// or either way round.
				bShare, aShare := 0.97, 0.01+0.9*rng.Float64()
				if rng.IntN(2) == 0 {
					bShare, aShare = aShare, bShare
				}
				ra, a0 := simRun(rng, a0, aShare)
				rb, b0 := simRun(rng, b0, bShare)
				for _, x := range []struct {
					tr timedRun
					w0 time.Duration
				}{{ra, a0}, {rb, b0}} {
					require.LessOrEqual(t, x.tr.unloaded(), x.w0.Seconds()+1e-9, "a run's range must hold its time without load: %+v, truth %v", x.tr, x.w0)
				}
				s, _, _, ok := roundSample(e, round{runs: map[string]timedRun{"a": ra, "b": rb}})
				require.True(t, ok)
				samples = append(samples, s)
				truth = append(truth, b0.Seconds()/a0.Seconds())
			}
			loaded, _ := JudgeLoaded(e, samples, 2, 2)
			exact, _ := Judge(e, truth, 2, 2)
			seen[loaded.Status]++
			if loaded.Status == ExpectPass || loaded.Status == ExpectFail {
				require.Equal(t, exact.Status, loaded.Status, "%s: %v", text, samples)
			}
		}
		assert.Greater(t, seen[ExpectPass], 50, "%s: %v", text, seen)
		assert.Greater(t, seen[ExpectFail], 50, "%s: %v", text, seen)
		t.Logf("%s: %v", text, seen)
	}
}

// TestConfirmFail: rounds are measured in batches until the verdict is
// decided, and a fail is decided twice, the second time on fresh rounds. A
// stretch of rounds sunk by noise the probes cannot see passes on
// confirmation; a cell that really lost its speedup fails again. The timed
// runs are faked (their wall times given) so only the protocol is under
// test.
func TestConfirmFail(t *testing.T) {
	src := "```{.go name=\"seq\"}\npackage main\n\nfunc main() {}\n```\n\n```{.go name=\"par\"}\npackage main\n\nfunc main() {}\n```\n\n" +
		"```expect\nspeedup par over seq >= 1.5\n```\n"
	ch, err := chapter.Parse("c.md", []byte(src))
	require.NoError(t, err)
	exps, errs := chapter.ParseExpects(ch)
	require.Empty(t, errs)
	results := map[string]*chapter.Result{"seq": {Status: chapter.Pass}, "par": {Status: chapter.Pass}}
	// An idle two-core machine.
	defer func(c func(int) (float64, float64), o func(loadProbe, time.Duration) loadSample) {
		calibrateHook, sampleHook = c, o
	}(calibrateHook, sampleHook)
	calibrateHook = func(int) (float64, float64) { return 2, 2 }
	sampleHook = func(loadProbe, time.Duration) loadSample {
		return loadSample{wall: time.Second, rest: 10 * time.Millisecond, ok: true}
	}

	// fake returns par's wall time for its n-th run; seq always takes
	// 10ms.
	fake := func(speed func(n int) float64) (func(*chapter.Cell) (*chapter.Result, error), *int) {
		n := 0
		return func(c *chapter.Cell) (*chapter.Result, error) {
			d := 10 * time.Millisecond
			if c.Name == "par" {
				d = time.Duration(float64(d) / speed(n))
				n++
			}
			return &chapter.Result{Cell: c.Name, Time: d}, nil
		}, &n
	}
	// speeds: v for the first n runs, then w.
	speeds := func(v float64, n int, w float64) func(int) float64 {
		return func(i int) float64 {
			if i < n {
				return v
			}
			return w
		}
	}
	// The protocol runs with no skip reason: under the race detector too,
	// since the timed runs are fakes.
	strict := false
	check := func(speed func(int) float64, runs int, want ExpectStatus, reason string) {
		t.Helper()
		run, n := fake(speed)
		t0 := time.Now()
		out, m, err := newProtocol(ch, exps, results, run, Options{Count: 5, Strict: strict}, "").check(context.Background())
		require.NotNil(t, m, "a machine is described when cells were timed")
		require.NoError(t, err)
		assert.Equal(t, runs, *n, "runs of par")
		assert.Equal(t, want, out[0].Status, out[0].Reason)
		assert.Contains(t, out[0].Reason, reason)
		if strings.Contains(reason, "fresh rounds") {
			assert.GreaterOrEqual(t, time.Since(t0), confirmPause, "the fresh rounds come after a pause")
		}
	}
	// A clear speedup passes on the first batch.
	check(speeds(1.9, 0, 1.9), 5, ExpectPass, "")
	// Two batches sunk: a first fail (7 of 7 below needs two batches of
	// five), then five fresh rounds pass.
	check(speeds(1.1, 10, 1.9), 15, ExpectPass, "was not confirmed: 5 fresh rounds passed")
	// A real regression fails twice: ten rounds, then ten fresh.
	check(speeds(1.1, 0, 1.1), 20, ExpectFail, "(confirmed over 10 fresh rounds)")
	// A ratio on the bound stays open: 40 rounds, then inconclusive.
	// (Ratios spread symmetrically, in log, about the bound.)
	check(func(i int) float64 {
		x := 0.02 * float64(i/2%7+1)
		if i%2 == 1 {
			x = -x
		}
		return 1.5 * math.Exp(x)
	}, 40, ExpectInconclusive, "40 rounds do not decide")
	// With -strict, what stays open fails.
	strict = true
	check(func(i int) float64 {
		x := 0.02 * float64(i/2%7+1)
		if i%2 == 1 {
			x = -x
		}
		return 1.5 * math.Exp(x)
	}, 40, ExpectFail, "inconclusive (-strict): 40 rounds do not decide")
}

// TestSkipReason: the race detector and -short each skip the checks, and
// Check says why in every expectation.
func TestSkipReason(t *testing.T) {
	assert.Equal(t, "", skipReason(false, false))
	assert.Equal(t, "timing checks skipped in short mode", skipReason(false, true))
	assert.Equal(t, "timing checks skipped under the race detector", skipReason(true, false))
	assert.Equal(t, "timing checks skipped under the race detector", skipReason(true, true))

	src := "```{.go name=\"a\"}\npackage main\n\nfunc main() {}\n```\n\n```{.go name=\"b\"}\npackage main\n\nfunc main() {}\n```\n\n" +
		"```expect\nspeedup a over b >= 1\n```\n"
	ch, err := chapter.Parse("c.md", []byte(src))
	require.NoError(t, err)
	exps, errs := chapter.ParseExpects(ch)
	require.Empty(t, errs)
	results := map[string]*chapter.Result{"a": {Status: chapter.Pass}, "b": {Status: chapter.Pass}}
	run := func(c *chapter.Cell) (*chapter.Result, error) {
		t.Errorf("cell %s ran: the checks are skipped", c.Name)
		return &chapter.Result{}, nil
	}
	out, m, err := Check(context.Background(), ch, exps, results, run, Options{Short: true})
	require.NoError(t, err)
	assert.Nil(t, m, "nothing was timed")
	require.Len(t, out, 1)
	assert.Equal(t, ExpectSkip, out[0].Status)
	assert.Equal(t, skipReason(RaceEnabled, true), out[0].Reason)
}

// TestGoldenFor: with -update, timed runs are verified against the output
// the verified run printed, which -update is about to write.
func TestGoldenFor(t *testing.T) {
	c := &chapter.Cell{Name: "c", Outputs: []*chapter.Output{{Stream: "stdout", Text: "old", Unordered: true}}}
	first := &chapter.Result{Stdout: "new\n", Stderr: "warn\n"}
	assert.Same(t, c, goldenFor(c, first, false))
	g := goldenFor(c, first, true)
	require.Len(t, g.Outputs, 2)
	assert.Equal(t, chapter.Output{Stream: "stdout", Text: "new\n", Unordered: true}, *g.Outputs[0])
	assert.Equal(t, chapter.Output{Stream: "stderr", Text: "warn\n"}, *g.Outputs[1])
	assert.Equal(t, "old", c.Outputs[0].Text, "the chapter's cell is not changed")
}
