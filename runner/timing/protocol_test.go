package timing

import (
	"context"
	"fmt"
	"math"
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

func TestJudgeRuns(t *testing.T) {
	e, err := chapter.ParseExpect(&chapter.Expect{Line: 9, Text: "speedup par over seq >= 0.8 * min(cores, 20) ideal min(cores, 20)"})
	require.NoError(t, err)
	flat, err := chapter.ParseExpect(&chapter.Expect{Line: 10, Text: "speedup par over seq <= 1.2"})
	require.NoError(t, err)
	rounds := func(seq, par time.Duration, freeSeq, freePar float64, n int) []round {
		var rs []round
		for i := 0; i < n; i++ {
			rs = append(rs, round{runs: map[string]timedRun{
				"seq": {wall: seq, free: freeSeq, others: 2 - freeSeq}, "par": {wall: par, free: freePar, others: 2 - freePar}}})
		}
		return rs
	}
	// An idle two-core machine: the verdict is decided.
	r, decided := judgeRuns(e, rounds(time.Second, 520*time.Millisecond, 1.95, 1.9, 5), 1.98, 2, 2)
	assert.Equal(t, ExpectPass, r.Status, r.Reason)
	assert.True(t, decided)
	r, decided = judgeRuns(e, rounds(time.Second, time.Second, 1.95, 1.9, 7), 1.98, 2, 2)
	assert.Equal(t, ExpectFail, r.Status, "a sequential 'parallel' cell on an idle machine")
	assert.True(t, decided)
	// Three rounds are too few for either verdict.
	r, decided = judgeRuns(e, rounds(time.Second, time.Second, 1.95, 1.9, 3), 1.98, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status)
	assert.False(t, decided, r.Reason)
	// Quiet, but the calibration found 1.6 cores' worth (a CPU quota, SMT):
	// either verdict could be the machine's doing.
	r, decided = judgeRuns(e, rounds(time.Second, 800*time.Millisecond, 1.9, 1.9, 7), 1.6, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status)
	assert.True(t, decided)
	assert.Contains(t, r.Reason, "between 1 and 2 usable cores")
	// Busy during every run: neither a failure nor a pass can be trusted
	// (load on the baseline made a sequential pool look 2x faster once).
	r, decided = judgeRuns(e, rounds(time.Second, 1800*time.Millisecond, 1.5, 1.6, 5), 1.98, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status)
	assert.True(t, decided, "a busy machine ends the measurement")
	assert.Contains(t, r.Reason, "0 of 5 rounds were quiet: the load alone can make or break the ratio")
	r, _ = judgeRuns(e, rounds(time.Second, 480*time.Millisecond, 1.5, 1.6, 5), 1.98, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status)
	assert.NotContains(t, r.Reason, "hypervisor")
	// Steal time is named: the host, not a process, took the cores.
	rs := rounds(time.Second, 520*time.Millisecond, 1.7, 1.7, 5)
	for _, rd := range rs {
		for k, tr := range rd.runs {
			tr.steal = 0.2
			rd.runs[k] = tr
		}
	}
	r, _ = judgeRuns(e, rs, 1.98, 2, 2)
	assert.Contains(t, r.Reason, "other processes kept 0.3 cores busy (the hypervisor took 0.20 of them: steal time)")
	// The quiet rounds decide when they are most: the busy ones are left out.
	rs = rounds(time.Second, time.Second, 1.5, 1.6, 12)
	for i := 0; i < 12; i += 2 {
		rs[i].runs = map[string]timedRun{"seq": {wall: time.Second, free: 1.95, others: 0.05}, "par": {wall: 990 * time.Millisecond, free: 1.95, others: 0.05}}
	}
	r, decided = judgeRuns(e, rs, 1.98, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status, "six quiet rounds are too few for a fail")
	assert.False(t, decided)
	rs = append(rs, rs[:2]...)
	r, decided = judgeRuns(e, rs, 1.98, 2, 2)
	assert.Equal(t, ExpectFail, r.Status, r.Reason)
	assert.True(t, decided)
	assert.Len(t, r.Samples, 7)
	assert.Equal(t, 1/0.99, r.Samples[0])
	assert.Equal(t, []float64{0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05}, r.Load)
	// Fewer than half quiet is not enough.
	r, _ = judgeRuns(e, rs[1:6], 1.98, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status, r.Reason)
	assert.Contains(t, r.Reason, "2 of 5 rounds were quiet")
	// Rounds that measured other cells are not counted.
	rs = rounds(time.Second, 520*time.Millisecond, 1.95, 1.9, 5)
	rs = append(rs, round{runs: map[string]timedRun{"other": {wall: time.Second}}})
	r, _ = judgeRuns(e, rs, 1.98, 2, 2)
	assert.Equal(t, ExpectPass, r.Status, r.Reason)
	assert.Len(t, r.Samples, 5)
	// A bound without cores is judged on the quiet rounds too.
	r, _ = judgeRuns(flat, rounds(time.Second, time.Second, 1.9, 1.9, 5), 1.98, 2, 2)
	assert.Equal(t, ExpectPass, r.Status)
	r, _ = judgeRuns(flat, rounds(time.Second, time.Second, 1.0, 1.33, 5), 1.98, 2, 2)
	assert.Equal(t, ExpectInconclusive, r.Status)
	assert.Contains(t, r.Reason, "other processes kept 1.0 cores busy")
	// Unknown load (no /proc/stat): the calibration's capacity decides.
	rs = rounds(time.Second, time.Second, 2, 2, 7)
	for _, rd := range rs {
		rd.runs["seq"], rd.runs["par"] = timedRun{wall: time.Second, free: math.NaN(), others: math.NaN()}, timedRun{wall: time.Second, free: math.NaN(), others: math.NaN()}
	}
	r, _ = judgeRuns(e, rs, 1.98, 2, 2)
	assert.Equal(t, ExpectFail, r.Status)
	// One usable core cannot show a parallel speedup.
	r, decided = judgeRuns(e, rounds(time.Second, time.Second, 1, 1, 3), 1, 1, 1)
	assert.Equal(t, ExpectInconclusive, r.Status)
	assert.True(t, decided)
	assert.Contains(t, r.Reason, "one usable core")
	// A timed run that failed fails the expectation.
	rs = rounds(time.Second, time.Second, 2, 2, 2)
	rs[1].runs["par"] = timedRun{wall: time.Second, problem: "timed run 2 of cell par failed: panic: boom"}
	r, decided = judgeRuns(e, rs, 2, 2, 2)
	assert.Equal(t, ExpectFail, r.Status)
	assert.True(t, decided)
	assert.Equal(t, "timed run 2 of cell par failed: panic: boom", r.Reason)
	assert.True(t, brokenRun(e, rs))
	assert.False(t, brokenRun(e, rs[:1]))

	// Values a cell reports: the ratio comes from one run's output.
	v, err := chapter.ParseExpect(&chapter.Expect{Line: 11, Text: `speedup "at once" over "in a row" in cl >= 3 ideal 4`})
	require.NoError(t, err)
	rs = nil
	for i := 0; i < 5; i++ {
		rs = append(rs, round{runs: map[string]timedRun{"cl": {wall: time.Second, stdout: fmt.Sprintf("in a row: 80ms\nat once: %dms\n", 20+i), free: 1.95, others: 0.05}}})
	}
	r, decided = judgeRuns(v, rs, 1.98, 2, 2)
	assert.Equal(t, ExpectPass, r.Status, r.Reason)
	assert.True(t, decided)
	assert.InDelta(t, 80.0/22, r.Ratio, 0.01)
	assert.Equal(t, `speedup "at once" over "in a row" in cl: 3.64x [3.33, 4.00] over 5 rounds (bound >= 3.00, ideal 4.00; 91% of ideal)`, r.Summary())
	rs[3].runs["cl"] = timedRun{wall: time.Second, stdout: "in a row: 80ms\n"}
	r, decided = judgeRuns(v, rs, 1.98, 2, 2)
	assert.Equal(t, ExpectFail, r.Status)
	assert.True(t, decided)
	assert.Equal(t, `a timed run of cell cl: no line of output starts with "at once"`, r.Reason)
	assert.True(t, brokenRun(v, rs), "a run that does not report its values needs no confirmation")
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
	defer func(c func(int) (float64, float64), o func(loadProbe, time.Duration) (float64, float64, bool)) {
		calibrateHook, othersHook = c, o
	}(calibrateHook, othersHook)
	calibrateHook = func(int) (float64, float64) { return 2, 2 }
	othersHook = func(loadProbe, time.Duration) (float64, float64, bool) { return 0.01, 0, true }

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
