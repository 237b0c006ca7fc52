package chapter

// A FailKind is how a cell's run ended when it did not run to the end; the
// empty FailKind means it did. Both engines report these kinds, and a cell
// expects one of them with fails="KIND".
type FailKind string

// The ways a run ends. Compile through Memory are the cell's doing and may
// be expected; Crash and Interrupted are conditions of the runner.
const (
	FailCompile FailKind = "compile" // the cell does not build
	FailPanic   FailKind = "panic"   // a panic, in any goroutine
	// FailFatal: a fatal error of the Go runtime ("fatal error: all
	// goroutines are asleep - deadlock!", "fatal error: concurrent map
	// writes"), which no recover stops.
	FailFatal   FailKind = "fatal"
	FailExit    FailKind = "exit"    // os.Exit or log.Fatal with a non-zero status
	FailTimeout FailKind = "timeout" // the cell's timeout passed
	FailRace    FailKind = "race"    // the race detector found a data race
	FailMemory  FailKind = "memory"  // the cell exceeded the memory limit
	// FailCrash: the process that ran the cell died without a reason the
	// runner can read (killed by a signal, the worker lost). A cell
	// cannot expect it: it is the runner's failure as much as the cell's.
	FailCrash FailKind = "crash"
	// FailInterrupted: the run was stopped (Ctrl-C, a cancelled context)
	// before the cell ended; it says nothing of the cell.
	FailInterrupted FailKind = "interrupted"
)

// expectable classifies every FailKind: whether fails="KIND" accepts it.
// A kind missing here is neither expectable nor listed in FailKinds, which
// a test catches.
var expectable = map[FailKind]bool{
	FailCompile:     true,
	FailPanic:       true,
	FailFatal:       true,
	FailExit:        true,
	FailTimeout:     true,
	FailRace:        true,
	FailMemory:      true,
	FailCrash:       false,
	FailInterrupted: false,
}

// FailKinds lists every FailKind, in the order the documentation gives them.
var FailKinds = []FailKind{FailCompile, FailPanic, FailFatal, FailExit, FailTimeout, FailRace, FailMemory, FailCrash, FailInterrupted}

// FailureKinds lists the values the fails attribute accepts: the expectable
// FailKinds, in the order of FailKinds.
var FailureKinds = expectableKinds()

func expectableKinds() []string {
	var kinds []string
	for _, k := range FailKinds {
		if expectable[k] {
			kinds = append(kinds, string(k))
		}
	}
	return kinds
}

// Expectable reports whether a cell may say it fails this way
// (fails="KIND").
func (k FailKind) Expectable() bool { return expectable[k] }
