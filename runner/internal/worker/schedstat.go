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

// runQueueWait returns, by thread id, how long each of this process's
// threads has waited on a run queue (runnable, not running) since it
// started: the second field of /proc/self/task/TID/schedstat, in
// nanoseconds. ok is false where the kernel does not say (no procfs,
// schedstats disabled).
func runQueueWait() (waits map[string]time.Duration, ok bool) {
	dirs, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return nil, false
	}
	waits = make(map[string]time.Duration, len(dirs))
	for _, d := range dirs {
		data, err := os.ReadFile(filepath.Join("/proc/self/task", d.Name(), "schedstat"))
		if err != nil {
			continue // the thread ended meanwhile
		}
		f := strings.Fields(string(data))
		if len(f) < 2 {
			return nil, false
		}
		ns, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			return nil, false
		}
		waits[d.Name()] = time.Duration(ns)
	}
	return waits, len(waits) > 0
}

// waitSince returns the run-queue wait of this process's threads since
// before was read (runQueueWait): the sum over its threads, a thread
// started since counted from zero. -1 means unknown. A thread that ended
// meanwhile is not counted; the Go runtime keeps its threads.
func waitSince(before map[string]time.Duration, ok bool) time.Duration {
	after, ok2 := runQueueWait()
	if !ok || !ok2 {
		return -1
	}
	var sum time.Duration
	for tid, w := range after {
		sum += max(0, w-before[tid])
	}
	return sum
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
// since to a response: its threads' run-queue wait and the steal time.
type loadReading struct {
	waits map[string]time.Duration
	known bool
	steal int64
}

func readLoad() loadReading {
	waits, known := runQueueWait()
	return loadReading{waits: waits, known: known, steal: stealTicks()}
}

func (l loadReading) add(resp *Response) {
	if wait := waitSince(l.waits, l.known); wait >= 0 && resp.Wait >= 0 {
		resp.Wait += wait
	} else {
		resp.Wait = -1
	}
	if s := stealTicks(); s >= 0 && l.steal >= 0 && resp.Steal >= 0 {
		resp.Steal += time.Duration(s-l.steal) * (time.Second / 100)
	} else {
		resp.Steal = -1
	}
}

// A threadUse is what the kernel says of the calling thread: its CPU
// time and its run-queue wait, from /proc/thread-self/schedstat (the
// first two fields, in nanoseconds); ok is false where it does not say.
type threadUse struct {
	cpu, wait time.Duration
	ok        bool
}

func readThread() threadUse {
	data, err := os.ReadFile("/proc/thread-self/schedstat")
	if err != nil {
		return threadUse{}
	}
	f := strings.Fields(string(data))
	if len(f) < 2 {
		return threadUse{}
	}
	run, err1 := strconv.ParseInt(f[0], 10, 64)
	wait, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil {
		return threadUse{}
	}
	return threadUse{cpu: time.Duration(run), wait: time.Duration(wait), ok: true}
}

// addMain adds to a response what the thread locked to the piece's main
// goroutine used between before and after (readThread on that thread),
// or makes it unknown (-1).
func addMain(resp *Response, before, after threadUse) {
	if !before.ok || !after.ok || resp.MainCPU < 0 || resp.MainWait < 0 {
		resp.MainCPU, resp.MainWait = -1, -1
		return
	}
	resp.MainCPU += max(0, after.cpu-before.cpu)
	resp.MainWait += max(0, after.wait-before.wait)
}
