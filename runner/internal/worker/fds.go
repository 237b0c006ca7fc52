package worker

import (
	"os"
	"sort"
	"strconv"
	"time"
)

// A complete program leaves nothing behind when it ends, as a process's
// exit releases what it held: the worker lists its open file descriptors
// before a program runs and again after it, and reports those the program
// left open (files, listeners, connections, pipes) in
// Response.LeftoverFDs; the runner then replaces the program worker, whose
// end closes them.

// openFDs returns the worker's open descriptors and what each refers to
// (the target of /proc/self/fd/N), or nil where /proc is not mounted.
func openFDs() map[int]string {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return nil
	}
	fds := make(map[int]string, len(entries))
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		target, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err != nil {
			continue // the descriptor ReadDir used, closed since
		}
		fds[n] = target
	}
	return fds
}

// runtimeFD reports whether a descriptor belongs to the Go runtime rather
// than to the program: the network poller's epoll and wake-up descriptors,
// created once, the first time a program uses the network.
func runtimeFD(target string) bool {
	return target == "anon_inode:[eventpoll]" || target == "anon_inode:[eventfd]"
}

// leftoverFDs returns the descriptors opened since before (as "N -> target",
// sorted), after a short grace for those a program's goroutines are
// closing.
func leftoverFDs(before map[int]string) []string {
	if before == nil {
		return nil
	}
	deadline := time.Now().Add(50 * time.Millisecond)
	for {
		var left []string
		for n, target := range openFDs() {
			if old, ok := before[n]; (!ok || old != target) && !runtimeFD(target) {
				left = append(left, strconv.Itoa(n)+" -> "+target)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			sort.Strings(left)
			return left
		}
		time.Sleep(2 * time.Millisecond)
	}
}
