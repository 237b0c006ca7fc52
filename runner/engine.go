package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/timing"
)

// An Engine runs the cells of one chapter, in order. The interpreter engine
// runs them in a worker process; the Go toolchain engine builds them.
type Engine interface {
	// Name is "yaegi" or "go".
	Name() string
	// Run executes one cell and returns its result, never nil; verification
	// is the caller's. A failure of the cell is in the result; an error is
	// returned only when the engine itself cannot go on.
	Run(ctx context.Context, c *chapter.Cell) (*chapter.Result, error)
	// Close stops everything the engine started.
	Close() error
}

// Options configure a run. The zero value runs with engine auto (the
// interpreter, the Go toolchain for what it cannot run faithfully), a 10s
// timeout per cell, and tells no one of its progress.
type Options struct {
	Engine    string         // "auto" (default), "yaegi", "go" or "both"
	Timeout   time.Duration  // per cell, unless the cell says; default 10s
	Run       *regexp.Regexp // if set, only cells whose name matches run
	Update    bool           // rewrite golden outputs in the chapter file
	NoMark    bool           // with Update, report the cells the engines disagree on instead of marking them engine="go"
	OutputCap int            // bytes kept per cell and stream; default 1 MiB
	MemLimit  int64          // bytes a worker may use; default 2 GiB
	NoRewrite bool           // run cells under the interpreter exactly as written
	Count     int            // rounds per batch of timed runs; default 5
	Strict    bool           // an inconclusive timing expectation fails
	Short     bool           // skip timing checks (go test -short, testing.Short())
	// Progress, if set, is told of each cell as it is done and of the
	// timing expectations; Command prints them through package report.
	Progress func(Progress)
	// Output, if set, is told of what a cell writes to its standard
	// output and error ("stdout", "stderr") as it is written, within the
	// output cap; the runs that rebuild a session are not told. The
	// notebook (Kernel) streams it into the page. It must not block.
	Output func(stream string, p []byte)

	// Cache, if set, gives the results of cells and the verdicts of
	// timing expectations that an earlier run found for the same inputs
	// (package cellcache): a cell it has is verified, not run again, and
	// what runs and passes is stored in it. Not used with Update.
	Cache ResultCache

	// WorkerCmd is the executable started as the worker; by default the
	// running program itself, which must call MaybeWorker early.
	WorkerCmd string
}

// A ResultCache keeps cell results and timing verdicts between runs
// (package cellcache implements it). Result returns a cell's result as
// the engine produced it, before verification; PutResult is given a
// verified result that passed.
type ResultCache interface {
	Result(ch *chapter.Chapter, c *chapter.Cell) (*chapter.Result, bool)
	PutResult(ch *chapter.Chapter, c *chapter.Cell, res *chapter.Result)
	Expectation(ch *chapter.Chapter, x *chapter.Expectation) (*timing.ExpectResult, *timing.Machine, bool)
	PutExpectation(ch *chapter.Chapter, x *chapter.Expectation, res *timing.ExpectResult, m *timing.Machine)
}

// cache is the cache a run uses: none with Update, which must measure.
func (o *Options) cache() ResultCache {
	if o.Update {
		return nil
	}
	return o.Cache
}

func (o *Options) timeout(c *chapter.Cell) time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	if o.Timeout > 0 {
		return o.Timeout
	}
	return 10 * time.Second
}

func (o *Options) outputCap() int {
	if o.OutputCap > 0 {
		return o.OutputCap
	}
	return 1 << 20
}

func (o *Options) memLimit() int64 {
	if o.MemLimit > 0 {
		return o.MemLimit
	}
	return 2 << 30
}

// engine is the engine the options name, "auto" by default.
func (o *Options) engine() string {
	if o.Engine == "" {
		return "auto"
	}
	return o.Engine
}

// mode is how cells are run: "yaegi" and "go" run every cell on that
// engine (but a cell that says engine="go"); "auto" routes each cell to
// the interpreter or the toolchain; "both" routes them as auto does and
// runs the interpreter's cells under the toolchain too, to compare. An
// -update runs in mode both, whatever the engine but yaegi.
func (o *Options) mode() string {
	if o.Update {
		return "both"
	}
	return o.engine()
}

// errUpdateYaegi refuses -update -engine=yaegi.
var errUpdateYaegi = errors.New("-update -engine=yaegi: -update writes the output the Go toolchain prints, when the interpreter agrees, so it runs both engines; drop -engine=yaegi")

// toolchainChecks memoizes checkToolchain by the environment it depends on.
var toolchainChecks sync.Map // string -> error (or nil)

// checkToolchain says why the Go toolchain cannot build cells on this
// machine, or returns nil: the go command must be on $PATH, find its
// GOROOT, and have a build cache it can write. The answer is remembered
// for the same environment.
func checkToolchain() error {
	key := strings.Join([]string{os.Getenv("PATH"), os.Getenv("GOROOT"), os.Getenv("GOCACHE"), os.Getenv("GOENV"), os.Getenv("HOME"), os.Getenv("XDG_CACHE_HOME")}, "\x00")
	if err, ok := toolchainChecks.Load(key); ok {
		err, _ := err.(error)
		return err
	}
	err := toolchainProblem()
	toolchainChecks.Store(key, err)
	return err
}

func toolchainProblem() error {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("the go command is not on $PATH (%s)", os.Getenv("PATH"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "env", "GOROOT", "GOCACHE")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOWORK=off")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("%s env: %s", goCmd, msg)
	}
	goroot, cache, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if _, err := os.Stat(filepath.Join(goroot, "src", "runtime")); err != nil {
		return fmt.Errorf("%s: GOROOT %s holds no standard library", goCmd, goroot)
	}
	if cache == "" || cache == "off" {
		return fmt.Errorf("%s has no build cache (GOCACHE=%q), which go build needs", goCmd, os.Getenv("GOCACHE"))
	}
	if err := os.MkdirAll(cache, 0o777); err != nil {
		return fmt.Errorf("the build cache %s cannot be written: %v", cache, err)
	}
	f, err := os.CreateTemp(cache, "book-check-")
	if err != nil {
		return fmt.Errorf("the build cache %s cannot be written: %v", cache, err)
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// lockMainKey marks the context of a run whose main goroutine is locked.
type lockMainKey struct{}

// lockMain returns ctx marked so that the interpreter locks a program's
// main goroutine to its thread, which then stays its busiest thread, the
// floor of the run's time without load (package runner's documentation,
// "Load"): the timing checks ask it for the baselines of speedups only,
// since a main that blocks and wakes often costs a locked program a switch
// of threads, and a CPU to switch to, each time.
func lockMain(ctx context.Context) context.Context {
	return context.WithValue(ctx, lockMainKey{}, true)
}

// locksMain reports whether ctx was marked by lockMain.
func locksMain(ctx context.Context) bool { v, _ := ctx.Value(lockMainKey{}).(bool); return v }
