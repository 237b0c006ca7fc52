package worker

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// This file reads how long the worker's threads waited for a CPU, which
// the timing checks use to bound how much other processes could have
// delayed a cell (package runner's documentation, "Timing expectations").

// A threadTime is what the kernel says of one thread since it started: its
// CPU time and how long it waited on a run queue (runnable, not running),
// the first two fields of /proc/self/task/TID/schedstat, in nanoseconds.
type threadTime struct{ run, wait time.Duration }

// threadTimes returns the times of each of this process's threads, by
// thread id. ok is false where the kernel does not say (no procfs,
// schedstats disabled).
func threadTimes() (threads map[string]threadTime, ok bool) {
	dirs, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return nil, false
	}
	threads = make(map[string]threadTime, len(dirs))
	for _, d := range dirs {
		data, err := os.ReadFile(filepath.Join("/proc/self/task", d.Name(), "schedstat"))
		if err != nil {
			continue // the thread ended meanwhile
		}
		f := strings.Fields(string(data))
		if len(f) < 2 {
			return nil, false
		}
		run, err1 := strconv.ParseInt(f[0], 10, 64)
		wait, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, false
		}
		threads[d.Name()] = threadTime{run: time.Duration(run), wait: time.Duration(wait)}
	}
	return threads, len(threads) > 0
}

// since returns what this process's threads did since before was read
// (threadTimes), a thread started since counted from zero: the sum of
// their run-queue waits, and the CPU time and wait of the busiest thread,
// the one that ran longest. A thread that ended meanwhile is not counted;
// the Go runtime keeps its threads. ok is false when either reading is
// unknown.
func since(before map[string]threadTime, known bool) (wait time.Duration, busiest threadTime, ok bool) {
	after, ok2 := threadTimes()
	if !known || !ok2 {
		return 0, threadTime{}, false
	}
	for tid, t := range after {
		d := threadTime{run: max(0, t.run-before[tid].run), wait: max(0, t.wait-before[tid].wait)}
		wait += d.wait
		if d.run > busiest.run {
			busiest = d
		}
	}
	return wait, busiest, true
}

// stealTicks returns the machine's steal time (the hypervisor's), in
// ticks of /proc/stat, or -1.
func stealTicks() int64 {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return -1
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return -1
	}
	n, err := strconv.ParseInt(f[8], 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// A loadReading is taken before a piece executes; add adds what happened
// since to a response: its threads' run-queue wait, the CPU time and wait
// of its busiest thread, and the steal time. The readings take time
// outside the piece's execution (outside: from the start of the first to
// the end of the second, less the execution), which the busiest thread may
// have spent: it is taken off, so that its CPU time is never more than it
// spent on the piece.
type loadReading struct {
	threads map[string]threadTime
	known   bool
	steal   int64
}

func readLoad() loadReading {
	threads, known := threadTimes()
	return loadReading{threads: threads, known: known, steal: stealTicks()}
}

func (l loadReading) add(resp *Response, outside time.Duration) {
	if wait, busiest, ok := since(l.threads, l.known); ok && resp.Wait >= 0 && resp.BusyCPU >= 0 {
		resp.Wait += wait
		resp.BusyCPU += max(0, busiest.run-outside)
		resp.BusyWait += busiest.wait
	} else {
		resp.Wait, resp.BusyCPU, resp.BusyWait = -1, -1, -1
	}
	if s := stealTicks(); s >= 0 && l.steal >= 0 && resp.Steal >= 0 {
		resp.Steal += time.Duration(s-l.steal) * (time.Second / 100)
	} else {
		resp.Steal = -1
	}
}
