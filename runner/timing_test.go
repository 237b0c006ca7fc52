package runner

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/concurrency101/book/runner/timing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runTimed runs a fixture chapter (copied into a temporary directory, so
// -update writes there) with timing checks.
func runTimed(t *testing.T, fixture string, opts Options) (*report.Report, string) {
	t.Helper()
	if testing.Short() || timing.RaceEnabled {
		t.Skip("timing checks are skipped in short mode and under the race detector")
	}
	dst := filepath.Join(t.TempDir(), filepath.Base(fixture))
	src, err := os.ReadFile(fixture)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(dst, src, 0o644))
	var out bytes.Buffer
	opts.Progress = printProgress(&report.Printer{W: &out})
	rep, err := RunChapter(context.Background(), dst, &opts)
	require.NoError(t, err)
	for _, res := range rep.Results {
		if res.Kind == "file" { // runs in the programs built with it
			continue
		}
		require.Equal(t, chapter.Pass, res.Status, "cell %s: %s %v", res.Cell, res.Error, res.Problems)
	}
	return rep, out.String()
}

// lower is the result of the fixtures' lower-bound expectation.
func lower(t *testing.T, rep *report.Report) *timing.ExpectResult {
	require.Len(t, rep.Expectations, 3)
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
	tm, err := timing.ReadTimings(filepath.Join(filepath.Dir(rep.Chapter), "good.md"))
	require.NoError(t, err)
	rec := tm.Record("yaegi")
	require.NotNil(t, rec)
	assert.Equal(t, 2, rec.Count)
	assert.Len(t, rec.Expectations, 3)

	var buf bytes.Buffer
	rep2, err := RunChapter(context.Background(), rep.Chapter, &Options{Count: 1, Progress: printProgress(&report.Printer{W: &buf})})
	require.NoError(t, err)
	assert.Greater(t, rep2.Expectations[0].Recorded, 0.0)
	assert.Contains(t, buf.String(), "recorded ")

	rep, _ = runTimed(t, "testdata/timing/broken.md", Options{Count: 2})
	x := lower(t, rep)
	assert.NotEqual(t, timing.ExpectPass, x.Status, "a sequential pool must never pass: %s", x.Summary())
	t.Logf("broken: %s %s %s", x.Summary(), x.Status, x.Reason)
}

// TestTimingCompiled: the fixtures compiled (engine="go" cells) are timed
// under the toolchain, main's interval, and a sequential pool never
// passes there either.
func TestTimingCompiled(t *testing.T) {
	rep, _ := runTimed(t, "testdata/timing/good-go.md", Options{Count: 2})
	require.NotNil(t, rep.Machine)
	assert.Equal(t, "go", rep.Machine.Engine)
	for _, x := range rep.Expectations {
		assert.NotEmpty(t, x.Samples)
		t.Logf("good-go: %s %s %s", x.Summary(), x.Status, x.Reason)
	}
	rep, _ = runTimed(t, "testdata/timing/broken-go.md", Options{Count: 2})
	x := lower(t, rep)
	assert.NotEqual(t, timing.ExpectPass, x.Status, "a sequential pool must never pass: %s", x.Summary())
	t.Logf("broken-go: %s %s %s", x.Summary(), x.Status, x.Reason)
}

// TestTimingUpdate: with -update, the timed runs are checked against the
// output -update is about to write, not against the stale golden.
func TestTimingUpdate(t *testing.T) {
	if testing.Short() || timing.RaceEnabled {
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
}

// TestTimingSkipped: with Short the expectations are skipped, and say
// why; under the race detector they are skipped for that reason first.
func TestTimingSkipped(t *testing.T) {
	var out bytes.Buffer
	rep, err := RunChapter(context.Background(), "testdata/timing/good.md", &Options{Short: true, Progress: printProgress(&report.Printer{W: &out})})
	require.NoError(t, err)
	require.Len(t, rep.Expectations, 3)
	reason := "timing checks skipped in short mode"
	if timing.RaceEnabled {
		reason = "timing checks skipped under the race detector"
	}
	for _, x := range rep.Expectations {
		assert.Equal(t, timing.ExpectSkip, x.Status)
		assert.Equal(t, reason, x.Reason)
	}
	assert.Nil(t, rep.Machine)
	assert.False(t, rep.Failed())
	assert.Contains(t, out.String(), "good.md:77 speedup par over seq skipped\n")
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

// A trialRow is a row of the trials' table (README.md, "Timing
// expectations"): chapters checked under a background load.
type trialRow struct {
	name     string
	chapters []string // fixture paths; "cpu-seq" is chapters/cpu.md made sequential
	load     float64  // of one core, duty-cycled over 100ms; 0 none, 1 always busy
	idle     bool     // start each trial in a quiet moment
}

var trialRows = []trialRow{
	{name: "seq-idle", chapters: []string{"testdata/timing/broken.md"}, idle: true},
	{name: "seq-busy25", chapters: []string{"testdata/timing/broken.md"}, load: 0.25},
	{name: "good-idle", chapters: []string{"testdata/timing/good.md"}, idle: true},
	{name: "good-busy25", chapters: []string{"testdata/timing/good.md"}, load: 0.25},
	{name: "good-busy100", chapters: []string{"testdata/timing/good.md"}, load: 1},
	{name: "cpu-busy25", chapters: []string{"../chapters/cpu.md", "cpu-seq"}, load: 0.25},
	// The same fixtures compiled (cells engine="go"), with tasks large
	// enough for main's interval to outlast a round's noise.
	{name: "go-seq-idle", chapters: []string{"testdata/timing/broken-go.md"}, idle: true},
	{name: "go-seq-busy25", chapters: []string{"testdata/timing/broken-go.md"}, load: 0.25},
	{name: "go-good-idle", chapters: []string{"testdata/timing/good-go.md"}, idle: true},
	{name: "go-good-busy25", chapters: []string{"testdata/timing/good-go.md"}, load: 0.25},
	{name: "go-good-busy100", chapters: []string{"testdata/timing/good-go.md"}, load: 1},
}

// TestTimingTrials proves that the checks catch regressions and do not
// cry wolf, over many runs, idle and under a load the test starts itself:
//
//	BOOK_TIMING_TRIALS=20 BOOK_TIMING_ROW=seq-busy25 go test ./runner -run TestTimingTrials -v
//
// runs one row of the table (all rows without BOOK_TIMING_ROW) that many
// times; BOOK_TIMING_COUNT sets -count, BOOK_TIMING_ENGINE the engine.
// Each trial logs every expectation's verdict, ratio and interval, and
// the time the chapter's check took. The normal run has one trial of each
// fixture, in TestTimingChapter.
func TestTimingTrials(t *testing.T) {
	s := os.Getenv("BOOK_TIMING_TRIALS")
	if s == "" {
		t.Skip("set BOOK_TIMING_TRIALS=n to run n trials")
	}
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	opts := Options{Engine: os.Getenv("BOOK_TIMING_ENGINE")}
	if c := os.Getenv("BOOK_TIMING_COUNT"); c != "" {
		opts.Count, err = strconv.Atoi(c)
		require.NoError(t, err)
	}
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two cores")
	}
	only := os.Getenv("BOOK_TIMING_ROW")
	ran := false
	for _, row := range trialRows {
		if only != "" && row.name != only {
			continue
		}
		ran = true
		t.Run(row.name, func(t *testing.T) { runTrialRow(t, row, n, opts) })
	}
	if !ran {
		t.Fatalf("BOOK_TIMING_ROW=%s: no such row", only)
	}
}

// runTrialRow runs n trials of a row and checks what must hold whatever
// the count: a sequential pool never passes, a correct chapter never
// fails.
func runTrialRow(t *testing.T, row trialRow, n int, opts Options) {
	if row.load > 0 {
		startLoad(t, row.load)
	}
	for _, fixture := range row.chapters {
		path, broken := fixture, strings.Contains(fixture, "broken")
		if fixture == "cpu-seq" {
			path, broken = sequentialCPU(t), true
		}
		seen := map[string]map[timing.ExpectStatus]int{}
		verdictTook := map[string][]float64{}
		var texts []string // in the chapter's order
		var took []time.Duration
		engine := opts.Engine
		for i := 0; i < n; i++ {
			if row.idle {
				waitQuiet(t, time.Minute)
			}
			if o, ok := timing.OtherLoad(500 * time.Millisecond); ok {
				t.Logf("%s trial %d: before it, other processes (the row's load included) kept %.2f cores busy", filepath.Base(fixture), i+1, o)
			}
			t0 := time.Now()
			rep, _ := runTimed(t, path, opts)
			took = append(took, time.Since(t0))
			if rep.Machine != nil {
				engine = rep.Machine.Engine // engine="go" cells are timed compiled whatever opts say
			}
			for _, x := range rep.Expectations {
				if seen[x.Text] == nil {
					seen[x.Text] = map[timing.ExpectStatus]int{}
					texts = append(texts, x.Text)
				}
				seen[x.Text][x.Status]++
				verdictTook[x.Text] = append(verdictTook[x.Text], x.Took.Seconds())
				t.Logf("%s trial %d: %s %s after %.1fs (the trial %.1fs): %s; samples %.2f, ranges without load %.2f, load %.2f cores",
					filepath.Base(fixture), i+1, x.Summary(), x.Status, x.Took.Seconds(), took[i].Seconds(), x.Reason, x.Samples, x.Unloaded, x.Load)
				switch {
				case broken && x.Status == timing.ExpectPass && isClaim(x):
					t.Errorf("a sequential pool passed: %s", x.Summary())
				case !broken && x.Status == timing.ExpectFail:
					t.Errorf("a correct chapter failed: %s: %s", x.Summary(), x.Reason)
				}
			}
		}
		for _, text := range texts {
			counts, secs := seen[text], verdictTook[text]
			t.Logf("tally %s %s, engine %s, %d trials: %d pass, %d inconclusive, %d fail; verdict after %.1f-%.1fs (median %.1fs): %s",
				row.name, filepath.Base(fixture), engine, n, counts[timing.ExpectPass], counts[timing.ExpectInconclusive], counts[timing.ExpectFail],
				slices.Min(secs), slices.Max(secs), timing.Median(secs), text)
		}
		t.Logf("%s: the checks took %v", filepath.Base(fixture), took)
	}
}

// isClaim reports whether an expectation is one a sequential pool must
// not pass: a speed-up or parallelism of at least more than one.
func isClaim(x *timing.ExpectResult) bool {
	return x.Op == ">=" && x.Bound > 1.2
}

// sequentialCPU writes chapters/cpu.md with every runtime.GOMAXPROCS(0)
// replaced by 1 (its pools get one worker: the regression the chapter
// exists to catch) and returns its path.
func sequentialCPU(t *testing.T) string {
	src, err := os.ReadFile("../chapters/cpu.md")
	require.NoError(t, err)
	// n/n keeps the runtime import in use (the interpreter's rewrite
	// refuses min inside an expression).
	seq := bytes.ReplaceAll(src, []byte("runtime.GOMAXPROCS(0)"), []byte("runtime.GOMAXPROCS(0)/runtime.GOMAXPROCS(0)"))
	require.NotEqual(t, src, seq)
	path := filepath.Join(t.TempDir(), "cpu-seq.md")
	require.NoError(t, os.WriteFile(path, seq, 0o644))
	return path
}

// loadEnv makes the test binary a background load (see init): busy the
// given share of each 100ms on one core.
const loadEnv = "BOOK_TIMING_LOAD"

func init() {
	if s := os.Getenv(loadEnv); s != "" {
		duty, err := strconv.ParseFloat(s, 64)
		if err != nil {
			os.Exit(2)
		}
		busyLoop(duty, 30*time.Minute)
		os.Exit(0)
	}
}

// busyLoop keeps one core busy duty of each 100ms, for at most d.
func busyLoop(duty float64, d time.Duration) {
	runtime.GOMAXPROCS(1)
	const period = 100 * time.Millisecond
	busy := time.Duration(duty * float64(period))
	for end := time.Now().Add(d); time.Now().Before(end); {
		t0 := time.Now()
		for time.Since(t0) < busy {
			for i := 0; i < 1000; i++ {
				loadSink += i * i % 7
			}
		}
		if rest := period - time.Since(t0); rest > 0 {
			time.Sleep(rest)
		}
	}
}

var loadSink int

// startLoad starts the test binary again as a background load, stopped
// when the test ends (and killed with the test process, whatever
// happens).
func startLoad(t *testing.T, duty float64) {
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%g", loadEnv, duty))
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	// Let it settle, and say what the probes see of it.
	time.Sleep(300 * time.Millisecond)
	if o, ok := timing.OtherLoad(time.Second); ok {
		t.Logf("background load %.2f of a core; the probes see %.2f cores busy", duty, o)
	}
}

// waitQuiet waits, up to max, for a second during which other processes
// used less than a tenth of a core: on a shared machine, the trials that
// must show an idle machine's verdict start in a quiet moment (load that
// comes later is the checks' own business).
func waitQuiet(t *testing.T, max time.Duration) {
	for deadline := time.Now().Add(max); time.Now().Before(deadline); {
		if o, ok := timing.OtherLoad(time.Second); !ok || o < 0.1 {
			return
		}
	}
	t.Logf("the machine stayed busy for %v", max)
}
