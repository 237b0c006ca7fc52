package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
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

func TestCalibrate(t *testing.T) {
	n := runtime.GOMAXPROCS(0)
	t0 := time.Now()
	p, capacity := calibrate(n)
	assert.Less(t, time.Since(t0), 2*time.Second)
	assert.Greater(t, p, 0.3)
	assert.LessOrEqual(t, p, float64(n))
	assert.GreaterOrEqual(t, capacity, p-1e-9, "capacity adds the others' cores to the parallelism")
	t.Logf("parallelism %.2f, capacity %.2f of %d", p, capacity, n)
}

func TestBusyCPU(t *testing.T) {
	if _, err := os.Stat("/proc/stat"); err != nil {
		t.Skip("no /proc/stat")
	}
	probe := startProbe()
	// This process's own spinning is not the others' load.
	for t0 := time.Now(); time.Since(t0) < 50*time.Millisecond; {
		_ = spin(1000)
	}
	others, _, ok := probe.others(0)
	require.True(t, ok)
	assert.GreaterOrEqual(t, others, 0.0)
	assert.LessOrEqual(t, others, float64(runtime.NumCPU()))
	// Declaring 10s of CPU as ours leaves nothing for the others.
	others, _, _ = probe.others(10 * time.Second)
	assert.Equal(t, 0.0, others)

	// Another process spinning for 300ms is seen: about one core, less
	// the tick of doubt.
	hog := exec.Command("sh", "-c", "while :; do :; done")
	require.NoError(t, hog.Start())
	probe = startProbe()
	time.Sleep(300 * time.Millisecond)
	others, _, ok = probe.others(0)
	_ = syscall.Kill(hog.Process.Pid, syscall.SIGKILL)
	_ = hog.Wait()
	require.True(t, ok)
	assert.Greater(t, others, 0.6, "a busy process next to us")
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
	assert.Equal(t, chapter.ExpectPass, r.Status, r.Reason)
	assert.True(t, decided)
	r, decided = judgeRuns(e, rounds(time.Second, time.Second, 1.95, 1.9, 7), 1.98, 2, 2)
	assert.Equal(t, chapter.ExpectFail, r.Status, "a sequential 'parallel' cell on an idle machine")
	assert.True(t, decided)
	// Three rounds are too few for either verdict.
	r, decided = judgeRuns(e, rounds(time.Second, time.Second, 1.95, 1.9, 3), 1.98, 2, 2)
	assert.Equal(t, chapter.ExpectInconclusive, r.Status)
	assert.False(t, decided, r.Reason)
	// Quiet, but the calibration found 1.6 cores' worth (a CPU quota, SMT):
	// either verdict could be the machine's doing.
	r, decided = judgeRuns(e, rounds(time.Second, 800*time.Millisecond, 1.9, 1.9, 7), 1.6, 2, 2)
	assert.Equal(t, chapter.ExpectInconclusive, r.Status)
	assert.True(t, decided)
	assert.Contains(t, r.Reason, "between 1 and 2 usable cores")
	// Busy during every run: neither a failure nor a pass can be trusted
	// (load on the baseline made a sequential pool look 2x faster once).
	r, decided = judgeRuns(e, rounds(time.Second, 1800*time.Millisecond, 1.5, 1.6, 5), 1.98, 2, 2)
	assert.Equal(t, chapter.ExpectInconclusive, r.Status)
	assert.True(t, decided, "a busy machine ends the measurement")
	assert.Contains(t, r.Reason, "0 of 5 rounds were quiet: the load alone can make or break the ratio")
	r, _ = judgeRuns(e, rounds(time.Second, 480*time.Millisecond, 1.5, 1.6, 5), 1.98, 2, 2)
	assert.Equal(t, chapter.ExpectInconclusive, r.Status)
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
	assert.Equal(t, chapter.ExpectInconclusive, r.Status, "six quiet rounds are too few for a fail")
	assert.False(t, decided)
	rs = append(rs, rs[:2]...)
	r, decided = judgeRuns(e, rs, 1.98, 2, 2)
	assert.Equal(t, chapter.ExpectFail, r.Status, r.Reason)
	assert.True(t, decided)
	assert.Len(t, r.Samples, 7)
	assert.Equal(t, 1/0.99, r.Samples[0])
	assert.Equal(t, []float64{0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05}, r.Load)
	// Fewer than half quiet is not enough.
	r, _ = judgeRuns(e, rs[1:6], 1.98, 2, 2)
	assert.Equal(t, chapter.ExpectInconclusive, r.Status, r.Reason)
	assert.Contains(t, r.Reason, "2 of 5 rounds were quiet")
	// Rounds that measured other cells are not counted.
	rs = rounds(time.Second, 520*time.Millisecond, 1.95, 1.9, 5)
	rs = append(rs, round{runs: map[string]timedRun{"other": {wall: time.Second}}})
	r, _ = judgeRuns(e, rs, 1.98, 2, 2)
	assert.Equal(t, chapter.ExpectPass, r.Status, r.Reason)
	assert.Len(t, r.Samples, 5)
	// A bound without cores is judged on the quiet rounds too.
	r, _ = judgeRuns(flat, rounds(time.Second, time.Second, 1.9, 1.9, 5), 1.98, 2, 2)
	assert.Equal(t, chapter.ExpectPass, r.Status)
	r, _ = judgeRuns(flat, rounds(time.Second, time.Second, 1.0, 1.33, 5), 1.98, 2, 2)
	assert.Equal(t, chapter.ExpectInconclusive, r.Status)
	assert.Contains(t, r.Reason, "other processes kept 1.0 cores busy")
	// Unknown load (no /proc/stat): the calibration's capacity decides.
	rs = rounds(time.Second, time.Second, 2, 2, 7)
	for _, rd := range rs {
		rd.runs["seq"], rd.runs["par"] = timedRun{wall: time.Second, free: math.NaN(), others: math.NaN()}, timedRun{wall: time.Second, free: math.NaN(), others: math.NaN()}
	}
	r, _ = judgeRuns(e, rs, 1.98, 2, 2)
	assert.Equal(t, chapter.ExpectFail, r.Status)
	// One usable core cannot show a parallel speedup.
	r, decided = judgeRuns(e, rounds(time.Second, time.Second, 1, 1, 3), 1, 1, 1)
	assert.Equal(t, chapter.ExpectInconclusive, r.Status)
	assert.True(t, decided)
	assert.Contains(t, r.Reason, "one usable core")
	// A timed run that failed fails the expectation.
	rs = rounds(time.Second, time.Second, 2, 2, 2)
	rs[1].runs["par"] = timedRun{wall: time.Second, problem: "timed run 2 of cell par failed: panic: boom"}
	r, decided = judgeRuns(e, rs, 2, 2, 2)
	assert.Equal(t, chapter.ExpectFail, r.Status)
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
	assert.Equal(t, chapter.ExpectPass, r.Status, r.Reason)
	assert.True(t, decided)
	assert.InDelta(t, 80.0/22, r.Ratio, 0.01)
	assert.Equal(t, `speedup "at once" over "in a row" in cl: 3.64x [3.33, 4.00] over 5 rounds (bound >= 3.00, ideal 4.00; 91% of ideal)`, r.Summary())
	rs[3].runs["cl"] = timedRun{wall: time.Second, stdout: "in a row: 80ms\n"}
	r, decided = judgeRuns(v, rs, 1.98, 2, 2)
	assert.Equal(t, chapter.ExpectFail, r.Status)
	assert.True(t, decided)
	assert.Equal(t, `a timed run of cell cl: no line of output starts with "at once"`, r.Reason)
	assert.True(t, brokenRun(v, rs), "a run that does not report its values needs no confirmation")
}

// runTimed runs a fixture chapter (copied into a temporary directory, so
// -update writes there) with timing checks.
func runTimed(t *testing.T, fixture string, opts Options) (*chapter.Report, string) {
	t.Helper()
	if testing.Short() || raceEnabled {
		t.Skip("timing checks are skipped in short mode and under the race detector")
	}
	dst := filepath.Join(t.TempDir(), filepath.Base(fixture))
	src, err := os.ReadFile(fixture)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(dst, src, 0o644))
	var out bytes.Buffer
	opts.Out = &out
	rep, err := RunChapter(context.Background(), dst, &opts)
	require.NoError(t, err)
	for _, res := range rep.Results {
		require.Equal(t, chapter.Pass, res.Status, "cell %s: %s %v", res.Cell, res.Error, res.Problems)
	}
	return rep, out.String()
}

// lower is the result of the fixtures' lower-bound expectation.
func lower(t *testing.T, rep *chapter.Report) *chapter.ExpectResult {
	require.Len(t, rep.Expectations, 2)
	return rep.Expectations[0]
}

func TestTimingChapter(t *testing.T) {
	rep, out := runTimed(t, "testdata/timing/good.md", Options{Count: 2, Update: true})
	require.NotNil(t, rep.Machine)
	assert.Equal(t, "yaegi", rep.Machine.Engine)
	assert.Contains(t, out, "timing  ")
	assert.Contains(t, out, "expect  ")
	for _, x := range rep.Expectations {
		// That a correct pool never fails is TestTimingTrials' claim: on
		// a shared VM one decided trial in about fifteen still does, from
		// contention /proc/stat does not show, too often for every go test.
		assert.NotEmpty(t, x.Samples)
		assert.Equal(t, len(x.Samples), len(x.Load))
		t.Logf("good: %s %s %s", x.Summary(), x.Status, x.Reason)
	}
	assert.Regexp(t, `speedup par over seq: \d+\.\d\dx( \[\d+\.\d\d, \d+\.\d\d\])? over \d+ rounds \(bound >= \d\.\d\d, ideal \d\.\d\d; \d+% of ideal`, out)
	// -update wrote the record; the next run compares with it.
	tm, err := chapter.ReadTimings(filepath.Join(filepath.Dir(rep.Chapter), "good.md"))
	require.NoError(t, err)
	rec := tm.Record("yaegi")
	require.NotNil(t, rec)
	assert.Equal(t, 2, rec.Count)
	assert.Len(t, rec.Expectations, 2)

	var buf bytes.Buffer
	rep2, err := RunChapter(context.Background(), rep.Chapter, &Options{Count: 1, Out: &buf})
	require.NoError(t, err)
	assert.Greater(t, rep2.Expectations[0].Recorded, 0.0)
	assert.Contains(t, buf.String(), "recorded ")

	rep, _ = runTimed(t, "testdata/timing/broken.md", Options{Count: 2})
	x := lower(t, rep)
	assert.NotEqual(t, chapter.ExpectPass, x.Status, "a sequential pool must never pass: %s", x.Summary())
	t.Logf("broken: %s %s %s", x.Summary(), x.Status, x.Reason)
}

// TestTimingUpdate: with -update, the timed runs are checked against the
// output -update is about to write, not against the stale golden.
func TestTimingUpdate(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing checks are skipped in short mode and under the race detector")
	}
	src, err := os.ReadFile("testdata/timing/good.md")
	require.NoError(t, err)
	stale := bytes.ReplaceAll(src, []byte("```output\n299999 300035\n```"), []byte("```output\n0 0\n```"))
	require.NotEqual(t, src, stale)
	path := filepath.Join(t.TempDir(), "good.md")
	require.NoError(t, os.WriteFile(path, stale, 0o644))
	rep, err := RunChapter(context.Background(), path, &Options{Count: 1, Update: true})
	require.NoError(t, err)
	require.NotEmpty(t, rep.Expectations)
	for _, x := range rep.Expectations {
		assert.NotContains(t, x.Reason, "mismatch")
		assert.NotEmpty(t, x.Samples, "%s: %s", x.Status, x.Reason)
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(src), string(got), "-update restored the goldens")

	c := &chapter.Cell{Name: "c", Outputs: []*chapter.Output{{Stream: "stdout", Text: "old", Unordered: true}}}
	first := &chapter.Result{Stdout: "new\n", Stderr: "warn\n"}
	assert.Same(t, c, goldenFor(c, first, false))
	g := goldenFor(c, first, true)
	require.Len(t, g.Outputs, 2)
	assert.Equal(t, chapter.Output{Stream: "stdout", Text: "new\n", Unordered: true}, *g.Outputs[0])
	assert.Equal(t, chapter.Output{Stream: "stderr", Text: "warn\n"}, *g.Outputs[1])
	assert.Equal(t, "old", c.Outputs[0].Text, "the chapter's cell is not changed")
}

func TestTimingSkipped(t *testing.T) {
	var out bytes.Buffer
	rep, err := RunChapter(context.Background(), "testdata/timing/good.md", &Options{Short: true, Out: &out})
	require.NoError(t, err)
	require.Len(t, rep.Expectations, 2)
	for _, x := range rep.Expectations {
		assert.Equal(t, chapter.ExpectSkip, x.Status)
		assert.Equal(t, "timing checks skipped in short mode", x.Reason)
	}
	assert.Nil(t, rep.Machine)
	assert.False(t, rep.Failed())
	assert.Contains(t, out.String(), "good.md:77 speedup par over seq skipped\n")
}

func TestTimingStrict(t *testing.T) {
	e, err := chapter.ParseExpect(&chapter.Expect{Text: "speedup par over seq >= 0.8 * cores"})
	require.NoError(t, err)
	rs := []round{{runs: map[string]timedRun{"seq": {wall: time.Second, free: 1, others: 1}, "par": {wall: time.Second, free: 1.3, others: 0.7}}}}
	r, _ := judgeRuns(e, rs, 2, 2, 2)
	require.Equal(t, chapter.ExpectInconclusive, r.Status)
	rep := &chapter.Report{Expectations: []*chapter.ExpectResult{r}}
	assert.False(t, rep.Failed(), "inconclusive is not a failure")
	r.Status = chapter.ExpectFail
	assert.True(t, rep.Failed(), "a failed expectation fails the chapter")
}

func TestExpectErrorsReported(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/timing/good.md")
	require.NoError(t, err)
	src = bytes.Replace(src, []byte("speedup par over seq <="), []byte("speedup par over sequ <="), 1)
	path := filepath.Join(dir, "bad.md")
	require.NoError(t, os.WriteFile(path, src, 0o644))
	rep, err := RunChapter(context.Background(), path, &Options{Short: true})
	require.NoError(t, err)
	assert.Equal(t, []string{path + `:78: expect: no cell named "sequ"`}, rep.Errors)
	assert.True(t, rep.Failed())
}

// TestTimingTrials proves that the checks catch regressions and do not
// cry wolf, over many runs: BOOK_TIMING_TRIALS=20 go test ./runner -run
// TestTimingTrials -v runs each fixture that many times, idle and with
// another process keeping a core busy; BOOK_TIMING_COUNT sets -count. The normal run has one trial of
// each fixture, in TestTimingChapter.
func TestTimingTrials(t *testing.T) {
	s := os.Getenv("BOOK_TIMING_TRIALS")
	if s == "" {
		t.Skip("set BOOK_TIMING_TRIALS=n to run n trials")
	}
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	runs := 0 // the runner's default, unless BOOK_TIMING_COUNT says
	if c := os.Getenv("BOOK_TIMING_COUNT"); c != "" {
		runs, err = strconv.Atoi(c)
		require.NoError(t, err)
	}
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two cores")
	}
	count := func(fixture string, trials int, idle bool) map[chapter.ExpectStatus]int {
		seen := map[chapter.ExpectStatus]int{}
		for i := 0; i < trials; i++ {
			if idle {
				waitQuiet(t, time.Minute)
			}
			rep, _ := runTimed(t, fixture, Options{Count: runs})
			x := lower(t, rep)
			seen[x.Status]++
			t.Logf("%s trial %d: %s %s %s; samples %.2f, load %.2f", filepath.Base(fixture), i+1, x.Summary(), x.Status, x.Reason, x.Samples, x.Load)
			for _, y := range rep.Expectations {
				if y.Status == chapter.ExpectFail && fixture == "testdata/timing/good.md" {
					t.Errorf("correct chapter failed: %s: %s", y.Summary(), y.Reason)
				}
			}
		}
		return seen
	}
	t.Run("broken", func(t *testing.T) {
		seen := count("testdata/timing/broken.md", n, true)
		t.Logf("broken.md, %d trials: %v", n, seen)
		assert.Zero(t, seen[chapter.ExpectPass], "a sequential pool passed its speedup expectation")
	})
	t.Run("good", func(t *testing.T) {
		seen := count("testdata/timing/good.md", n, true)
		t.Logf("good.md, %d trials: %v", n, seen)
		assert.Zero(t, seen[chapter.ExpectFail])
	})
	t.Run("loaded", func(t *testing.T) {
		// Another process keeps one core busy throughout.
		hog := exec.Command("sh", "-c", "while :; do :; done")
		require.NoError(t, hog.Start())
		defer func() {
			_ = syscall.Kill(hog.Process.Pid, syscall.SIGKILL)
			_ = hog.Wait()
		}()
		seen := count("testdata/timing/good.md", n, false)
		t.Logf("good.md with one core busy, %d trials: %v", n, seen)
		assert.Zero(t, seen[chapter.ExpectFail])
	})
}

// waitQuiet waits, up to max, for a second during which other processes
// used less than a tenth of a core: on a shared machine, the trials that
// must show an idle machine's verdict start in a quiet moment (load that
// comes later is the checks' own business).
func waitQuiet(t *testing.T, max time.Duration) {
	for deadline := time.Now().Add(max); time.Now().Before(deadline); {
		p := startProbe()
		time.Sleep(time.Second)
		if o, _, ok := p.others(0); !ok || o < 0.1 {
			return
		}
	}
	t.Logf("the machine stayed busy for %v", max)
}

func TestExpectReport(t *testing.T) {
	ch := &chapter.Chapter{Path: "c.md"}
	rep := &chapter.Report{
		Machine: &chapter.Machine{CPUs: 2, GOMAXPROCS: 2, Parallelism: 1.97, OS: "linux", Arch: "amd64", GoVersion: "go1.26.8", Engine: "yaegi", Yaegi: "v0.16.1"},
		Expectations: []*chapter.ExpectResult{
			{Line: 3, Cell: "p", Over: "s", Op: ">=", Status: chapter.ExpectPass, Ratio: 1.94, Samples: []float64{1.94, 1.9, 1.95, 1.96, 1.93}, Low: 1.9, High: 1.96, Bound: 1.6, Ideal: 2, Recorded: 1.95, RecordedOn: "2 cpus"},
			{Line: 4, Cell: "p", Over: "s", Op: ">=", Status: chapter.ExpectInconclusive, Reason: "busy", Ratio: 1.3, Samples: []float64{1.3}, Bound: 1.6, CoresRange: "1-2"},
			{Line: 5, Cell: "p", Over: "s", Op: ">=", Status: chapter.ExpectSkip, Reason: "cell p failed"},
		},
	}
	var b strings.Builder
	(&Options{Out: &b}).report().expectations(ch, rep, 3)
	assert.Equal(t, `timing  c.md: batches of 3 rounds on 2 cpus, GOMAXPROCS 2, parallelism 1.97, linux/amd64, go1.26.8, engine yaegi v0.16.1
expect  c.md:3 speedup p over s: 1.94x [1.90, 1.96] over 5 rounds (bound >= 1.60, ideal 2.00; 97% of ideal) ok
        recorded 1.95x on 2 cpus; today 99% of that
expect  c.md:4 speedup p over s: 1.30x over 1 round (bound >= 1.60; cores 1-2) inconclusive
        c.md:4: busy
expect  c.md:5 speedup p over s skipped
        c.md:5: cell p failed
`, b.String())
	assert.Equal(t, "3 expectations: 1 ok, 1 inconclusive, 1 skipped", expectCounts(rep.Expectations))

	b.Reset()
	(&Options{Out: &b, JSON: true}).report().expectations(ch, rep, 3)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 3, "one event per expectation")
	var ev Event
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &ev))
	assert.Equal(t, "expect", ev.Action)
	assert.Equal(t, 4, ev.Line)
	require.NotNil(t, ev.Expect)
	assert.Equal(t, chapter.ExpectInconclusive, ev.Expect.Status)
	require.NotNil(t, ev.Machine)
	assert.Equal(t, 1.97, ev.Machine.Parallelism)
}

// TestConfirmFail: rounds are measured in batches until the verdict is
// decided, and a fail is decided twice, the second time on fresh rounds. A
// stretch of rounds sunk by noise the probes cannot see passes on
// confirmation; a cell that really lost its speedup fails again. The timed
// runs are faked (their wall times given) so only the protocol is under
// test.
func TestConfirmFail(t *testing.T) {
	src := "```go name=\"seq\"\npackage main\n\nfunc main() {}\n```\n\n```go name=\"par\"\npackage main\n\nfunc main() {}\n```\n\n" +
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
	check := func(speed func(int) float64, runs int, want chapter.ExpectStatus, reason string) {
		t.Helper()
		run, n := fake(speed)
		t0 := time.Now()
		out, _, err := checkTimings(context.Background(), ch, exps, results, &Options{Count: 5}, "yaegi", run)
		require.NoError(t, err)
		assert.Equal(t, runs, *n, "runs of par")
		assert.Equal(t, want, out[0].Status, out[0].Reason)
		assert.Contains(t, out[0].Reason, reason)
		if strings.Contains(reason, "fresh rounds") {
			assert.GreaterOrEqual(t, time.Since(t0), confirmPause, "the fresh rounds come after a pause")
		}
	}
	// A clear speedup passes on the first batch.
	check(speeds(1.9, 0, 1.9), 5, chapter.ExpectPass, "")
	// Two batches sunk: a first fail (7 of 7 below needs two batches of
	// five), then five fresh rounds pass.
	check(speeds(1.1, 10, 1.9), 15, chapter.ExpectPass, "was not confirmed: 5 fresh rounds passed")
	// A real regression fails twice: ten rounds, then ten fresh.
	check(speeds(1.1, 0, 1.1), 20, chapter.ExpectFail, "(confirmed over 10 fresh rounds)")
	// A ratio on the bound stays open: 40 rounds, then inconclusive.
	// (Ratios spread symmetrically, in log, about the bound.)
	check(func(i int) float64 {
		x := 0.02 * float64(i/2%7+1)
		if i%2 == 1 {
			x = -x
		}
		return 1.5 * math.Exp(x)
	}, 40, chapter.ExpectInconclusive, "40 rounds do not decide")
}
