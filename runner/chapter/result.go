package chapter

import "time"

// Status is the outcome of a cell.
type Status string

// The statuses a cell can end with.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Skip Status = "skip"
)

// A Result is what running one cell produced and what verifying it found.
type Result struct {
	Cell     string        `json:"cell"`
	Line     int           `json:"line"`
	Kind     string        `json:"kind"` // "program", "test", "fragment" or "file"
	Engine   string        `json:"engine"`
	Status   Status        `json:"status"`
	Stdout   string        `json:"stdout,omitempty"`
	Stderr   string        `json:"stderr,omitempty"`
	Error    string        `json:"error,omitempty"`     // how the run failed: a compile error, "panic: …", "exit status 3", "timeout after 2s: …"
	FailKind FailKind      `json:"fail_kind,omitempty"` // "" when the run ended normally
	Problems []string      `json:"problems,omitempty"`  // why the check failed (mismatch with its diff, unexpected failure, …)
	Time     time.Duration `json:"time"`                // wall-clock time of the execution, compile excluded
	CPU      time.Duration `json:"cpu"`                 // CPU time (user+system) of the execution
	// ProcessCPU is the CPU time of the process that ran the cell, over
	// the whole request: compilation and the worker's own work included.
	// The load probes of timed runs subtract it from the machine's.
	ProcessCPU time.Duration `json:"-"`
	// Wait is how long the threads that ran the cell waited for a CPU
	// (runnable, not running) during the execution, summed over threads,
	// and Steal how much CPU time the hypervisor took from the machine
	// meanwhile (in ticks of 10ms); each is negative when unknown. The
	// timing checks bound the load's effect with them.
	Wait  time.Duration `json:"-"`
	Steal time.Duration `json:"-"`
	// BusyCPU and BusyWait are the CPU time and the run-queue wait of the
	// thread that ran longest during the execution (the work: main, under
	// the go engine); each is negative when unknown.
	BusyCPU   time.Duration `json:"-"`
	BusyWait  time.Duration `json:"-"`
	Spans     []Region      `json:"spans,omitempty"`
	Truncated bool          `json:"truncated,omitempty"` // output exceeded the cap
	Other     *Result       `json:"other,omitempty"`     // with -engine=both, the go engine's result it was compared with

	// Routed says why the cell ran under the Go toolchain when the run's
	// engine would have had the interpreter run it (engine auto): the
	// interpreter refused it, lacks an import it needs or cannot compile
	// it, the cell says engine="go" or race, -update marked it, or an
	// earlier fragment of the session ran under the toolchain.
	Routed string `json:"routed,omitempty"`
	// Refused, under the interpreter, with FailKind compile: the
	// interpreter cannot run the cell faithfully (a construct the rewrite
	// refuses, an import it does not provide), in a few words.
	Refused string `json:"refused,omitempty"`
}

// A Region is one bar of a timing diagram: a region the program marked with
// runtime/trace, read from the execution trace the runner took of the cell
// (runner/internal/tracespans). Lane names the goroutine that ran it, Label
// the region's type, and Start and End are measured from the start of the
// trace.
type Region struct {
	Lane  string        `json:"lane"`
	Label string        `json:"label,omitempty"`
	Start time.Duration `json:"start"`
	End   time.Duration `json:"end"`
}
