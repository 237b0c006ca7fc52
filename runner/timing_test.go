package runner

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
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
		require.Equal(t, chapter.Pass, res.Status, "cell %s: %s %v", res.Cell, res.Error, res.Problems)
	}
	return rep, out.String()
}

// lower is the result of the fixtures' lower-bound expectation.
func lower(t *testing.T, rep *report.Report) *timing.ExpectResult {
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
	tm, err := timing.ReadTimings(filepath.Join(filepath.Dir(rep.Chapter), "good.md"))
	require.NoError(t, err)
	rec := tm.Record("yaegi")
	require.NotNil(t, rec)
	assert.Equal(t, 2, rec.Count)
	assert.Len(t, rec.Expectations, 2)

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
	require.Len(t, rep.Expectations, 2)
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
	count := func(fixture string, trials int, idle bool) map[timing.ExpectStatus]int {
		seen := map[timing.ExpectStatus]int{}
		for i := 0; i < trials; i++ {
			if idle {
				waitQuiet(t, time.Minute)
			}
			rep, _ := runTimed(t, fixture, Options{Count: runs})
			x := lower(t, rep)
			seen[x.Status]++
			t.Logf("%s trial %d: %s %s %s; samples %.2f, load %.2f", filepath.Base(fixture), i+1, x.Summary(), x.Status, x.Reason, x.Samples, x.Load)
			for _, y := range rep.Expectations {
				if y.Status == timing.ExpectFail && fixture == "testdata/timing/good.md" {
					t.Errorf("correct chapter failed: %s: %s", y.Summary(), y.Reason)
				}
			}
		}
		return seen
	}
	t.Run("broken", func(t *testing.T) {
		seen := count("testdata/timing/broken.md", n, true)
		t.Logf("broken.md, %d trials: %v", n, seen)
		assert.Zero(t, seen[timing.ExpectPass], "a sequential pool passed its speedup expectation")
	})
	t.Run("good", func(t *testing.T) {
		seen := count("testdata/timing/good.md", n, true)
		t.Logf("good.md, %d trials: %v", n, seen)
		assert.Zero(t, seen[timing.ExpectFail])
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
		assert.Zero(t, seen[timing.ExpectFail])
	})
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
