package runner

import (
	"context"
	"regexp"
	"time"

	"github.com/concurrency101/book/runner/chapter"
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

// Options configure a run. The zero value runs with the interpreter, a 10s
// timeout per cell, and tells no one of its progress.
type Options struct {
	Engine    string         // "yaegi" (default), "go" or "both"
	Timeout   time.Duration  // per cell, unless the cell says; default 10s
	Run       *regexp.Regexp // if set, only cells whose name matches run
	Update    bool           // rewrite golden outputs in the chapter file
	OutputCap int            // bytes kept per cell and stream; default 1 MiB
	MemLimit  int64          // bytes a worker may use; default 2 GiB
	NoRewrite bool           // run cells under the interpreter exactly as written
	Count     int            // rounds per batch of timed runs; default 5
	Strict    bool           // an inconclusive timing expectation fails
	Short     bool           // skip timing checks (go test -short, testing.Short())
	// Progress, if set, is told of each cell as it is done and of the
	// timing expectations; Command prints them through package report.
	Progress func(Progress)

	// WorkerCmd is the executable started as the worker; by default the
	// running program itself, which must call MaybeWorker early.
	WorkerCmd string
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
