package timing

import (
	"fmt"
	"math"
	"time"

	"github.com/concurrency101/book/runner/chapter"
)

// This file is the load model of package runner's documentation ("Timing
// expectations", "Load"): how far other processes can have moved a
// measurement, so that a verdict weighs how much load there was, not just
// whether there was any.

// heavyDelay is the share of a run the load may have taken for the round
// to count: beyond it the run could have been twice as fast without the
// load, and the round says nothing about a factor of two.
const heavyDelay = 0.5

// loadDelay bounds how long other processes can have delayed a run of
// wall time wall, from what the run measured of itself (wait, the
// run-queue wait of its threads; steal, the hypervisor's steal meanwhile;
// each negative when unknown) and what the probe saw of the machine
// around it (s). A thread delays the run at most by how long it waited
// for a CPU or had its CPU stolen; waits of threads running side by side
// overlap, so their sum is an upper bound. That wait also counts the
// cell's own threads taking turns, which is the cell's doing, not the
// load's: the CPU time other processes used around the run bounds the
// delay too, and the lesser bound is taken. A run nothing is known of is
// taken as measured, as on a machine without /proc.
func loadDelay(wall, wait, steal time.Duration, s loadSample) time.Duration {
	d := time.Duration(math.MaxInt64)
	if s.ok {
		d = max(0, s.rest) + time.Second/clockTicks
	}
	if wait >= 0 {
		if steal < 0 {
			steal = s.steal
		}
		d = min(d, wait+max(0, steal))
	}
	if d == math.MaxInt64 {
		return 0
	}
	return min(d, wall)
}

// workFloor bounds from below how long a run of wall time wall would have
// taken without the load, from the CPU time of its busiest thread, the one
// that ran longest during the work (busyCPU; the run-queue wait of that
// thread, busyWait, and of all the process's threads, wait; each negative
// when unknown), the steal time and the probe's sample: a thread's
// instructions run one after another, so no number of idle cores could
// have ended the run before they had run. The load can have added to that
// thread's CPU time only what it did in place of, or while waiting for,
// threads the load held up (goroutines it took over from them, GC assists,
// spinning), at most as long as they were held up: the other threads'
// wait; and time stolen while the thread was counted running. A stolen
// instant stalls the one thread that was on that CPU, the busiest or
// another, so the machine's steal bounds both kinds of stolen time
// together; and all of it is at most what other processes (the hypervisor
// included) used. That is taken off. 0 when it cannot be known.
func workFloor(wall, busyCPU, busyWait, wait, steal time.Duration, s loadSample) time.Duration {
	if busyCPU <= 0 || busyWait < 0 || wait < busyWait {
		return 0
	}
	if steal < 0 {
		if !s.ok {
			return 0
		}
		steal = s.steal
	}
	heldUp := wait - busyWait + steal
	if s.ok {
		heldUp = min(heldUp, max(0, s.rest)+time.Second/clockTicks)
	}
	return min(wall, max(0, busyCPU-heldUp))
}

// A Sample is one round's measurement of an expectation: Ratio as
// measured, and the range [Low, High] in which the ratio without other
// processes' load lies, by the load model.
type Sample struct {
	Ratio, Low, High float64
	Heavy            bool // a run of the round may have lost more than heavyDelay to the load
}

// roundSample returns the expectation's measurement in one round, with
// the runs it comes from. problem says why a run gives none; ok is false
// when the round did not measure the expectation.
//
// A run's time without the load, W0, lies in [max(W - delay, floor), W]
// (unloaded). For speedup A over B, the ratio B0/A0 lies in [B0min/A,
// B/A0min]; for the parallelism of A, CPU/W0 lies in [CPU/A, CPU/A0min]
// (the CPU time a cell's work takes does not depend on the wait). Values
// a cell reports as durations are intervals inside its run, each delayed
// at most by the run's delay (main's floor says nothing of them); other
// values are taken as they are.
func roundSample(e *chapter.Expectation, rd round) (s Sample, runs []timedRun, problem string, ok bool) {
	switch {
	case e.In != "":
		tr, ok := rd.runs[e.In]
		if !ok {
			return s, nil, "", false
		}
		if tr.problem != "" {
			return s, nil, tr.problem, true
		}
		a, adur, err := reportedValue(tr.stdout, e.Cell)
		var b float64
		var bdur bool
		if err == nil {
			if b, bdur, err = reportedValue(tr.stdout, e.Over); err == nil && a <= 0 {
				err = fmt.Errorf("%q is %v: no ratio", e.Cell, a)
			}
		}
		if err != nil {
			return s, nil, fmt.Sprintf("a timed run of cell %s: %v", e.In, err), true
		}
		d := 0.0
		if adur && bdur {
			d = tr.delay.Seconds()
		}
		s = bracket(b, a, b-d, a-d)
		s.Heavy = tr.heavy()
		return s, []timedRun{tr}, "", true
	case e.Kind == "parallelism":
		tr, ok := rd.runs[e.Cell]
		if !ok {
			return s, nil, "", false
		}
		if tr.problem != "" {
			return s, nil, tr.problem, true
		}
		s = bracket(tr.cpu.Seconds(), tr.wall.Seconds(), tr.cpu.Seconds(), tr.unloaded())
		s.Heavy = tr.heavy()
		return s, []timedRun{tr}, "", true
	}
	a, aok := rd.runs[e.Cell]
	b, bok := rd.runs[e.Over]
	if !aok || !bok {
		return s, nil, "", false
	}
	for _, tr := range []timedRun{a, b} {
		if tr.problem != "" {
			return s, nil, tr.problem, true
		}
	}
	s = bracket(b.wall.Seconds(), a.wall.Seconds(), b.unloaded(), a.unloaded())
	s.Heavy = a.heavy() || b.heavy()
	return s, []timedRun{a, b}, "", true
}

// bracket returns the ratio b/a, with its range when without the load b
// would be at least b0 and a at least a0.
func bracket(b, a, b0, a0 float64) Sample {
	s := Sample{Ratio: b / a, Low: max(0, b0) / a, High: math.Inf(1)}
	if a0 > 0 {
		s.High = b / a0
	}
	return s
}

// unloaded returns the least the run would have taken without the load,
// in seconds: the wall time less the load's delay, or the floor of main's
// work when that is more.
func (tr timedRun) unloaded() float64 {
	return max(tr.wall-tr.delay, tr.floor).Seconds()
}

func (tr timedRun) heavy() bool {
	return tr.wall.Seconds()-tr.unloaded() > heavyDelay*tr.wall.Seconds()
}
