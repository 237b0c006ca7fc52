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
// A run's time without the load, W0, lies in [W - delay, W]. For
// speedup A over B, the ratio B0/A0 lies in [(B - delayB)/A, B/(A -
// delayA)]; for the parallelism of A, CPU/W0 lies in [CPU/A, CPU/(A -
// delayA)] (the CPU time a cell's work takes does not depend on the
// wait). Values a cell reports as durations are intervals inside its run,
// each delayed at most by the run's delay; other values are taken as
// they are.
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
		s = bracket(b, a, d, d)
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
		s = bracket(tr.cpu.Seconds(), tr.wall.Seconds(), 0, tr.delay.Seconds())
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
	s = bracket(b.wall.Seconds(), a.wall.Seconds(), b.delay.Seconds(), a.delay.Seconds())
	s.Heavy = a.heavy() || b.heavy()
	return s, []timedRun{a, b}, "", true
}

// bracket returns the ratio b/a, with its range when b may be too long by
// up to db and a by up to da.
func bracket(b, a, db, da float64) Sample {
	s := Sample{Ratio: b / a, Low: max(0, b-db) / a, High: math.Inf(1)}
	if a > da {
		s.High = b / (a - da)
	}
	return s
}

func (tr timedRun) heavy() bool {
	return tr.delay.Seconds() > heavyDelay*tr.wall.Seconds()
}
