package worker

import (
	"fmt"
	"time"

	"github.com/concurrency101/book/runner/chapter"
)

// The runner talks to a worker process over two pipes of its own (file
// descriptors 3 and 4 in the worker), one JSON object per line, so that the
// worker's standard output and error carry nothing but what cells write.
// Each cell's output is delimited in both streams by fences that embed a
// random nonce, written before and after the cell runs.

// Env names the environment variable that makes a process a worker; its
// value is the fence nonce.
const Env = "BOOK_RUNNER_WORKER"

// A Request asks the worker to run one cell.
type Request struct {
	Seq     int           `json:"seq"`
	Path    string        `json:"path"`
	Program bool          `json:"program"`
	Code    string        `json:"code,omitempty"`   // a program's source
	Line    int           `json:"line,omitempty"`   // the program's first line in the chapter
	Chunks  []Chunk       `json:"chunks,omitempty"` // a fragment's pieces
	Timeout time.Duration `json:"timeout"`
	Rewrite bool          `json:"rewrite"`
	// LockMain locks a program's main goroutine to its thread, which
	// then stays the busiest thread of a sequential program
	// (Response.BusyCPU): for the timed runs of a speedup's baseline only,
	// since every time main blocks and wakes costs a switch of threads
	// (package runner's documentation, "Load").
	LockMain bool `json:"lock_main,omitempty"`
}

// A Response is the worker's account of one cell.
type Response struct {
	Seq        int              `json:"seq"`
	FailKind   chapter.FailKind `json:"fail_kind,omitempty"`
	Error      string           `json:"error,omitempty"`
	Time       time.Duration    `json:"time"`
	CPU        time.Duration    `json:"cpu"`
	ProcessCPU time.Duration    `json:"process_cpu"` // the worker's, from request to response
	// Wait is how long the worker's threads waited for a CPU during the
	// execution, summed over threads (schedstat), and Steal the machine's
	// steal time meanwhile; each -1 when unknown.
	Wait  time.Duration `json:"wait"`
	Steal time.Duration `json:"steal"`
	// BusyCPU and BusyWait are the CPU time and the run-queue wait of
	// the thread that ran longest during the execution (a sequential
	// program's main keeps one thread busy); each -1 when unknown.
	BusyCPU  time.Duration `json:"busy_cpu"`
	BusyWait time.Duration `json:"busy_wait"`
	Leftover int           `json:"leftover"` // goroutines still running after the cell
	// LeftoverFDs lists the descriptors a program left open ("N -> target"
	// as in /proc/self/fd), which the worker holds until it is replaced.
	LeftoverFDs []string         `json:"leftover_fds,omitempty"`
	Spans       []chapter.Region `json:"spans,omitempty"`
	Dropped     int              `json:"dropped,omitempty"`
	Fatal       bool             `json:"fatal,omitempty"`     // the worker exits after this response
	ExitCode    int              `json:"exit_code,omitempty"` // with Fatal, for os.Exit
	ReadyAfter  time.Duration    `json:"ready_after,omitempty"`

	// Refused, with FailKind compile, says that the interpreter cannot
	// run the cell faithfully, and why, in a few words: a construct the
	// rewrite refuses, an import the interpreter does not provide. The
	// runner routes such a cell to the Go toolchain (engine auto).
	Refused string `json:"refused,omitempty"`
}

// Fence is the marker written to both output streams at an edge ("start",
// "end") of the cell numbered seq. The go engine marks where a fragment's
// own output starts with one too.
func Fence(nonce string, seq int, edge string) string {
	return fmt.Sprintf("\x1e%s:%d:%s\x1f", nonce, seq, edge)
}

// FencePrefix is how every fence with this nonce starts.
func FencePrefix(nonce string) string { return "\x1e" + nonce }
