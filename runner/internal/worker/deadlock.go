package worker

import (
	"context"
	"reflect"
	"runtime"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/internal/stackdump"
	"github.com/traefik/yaegi/interp"
)

// The Go runtime stops a program whose goroutines are all blocked with
// nothing left to wake them ("fatal error: all goroutines are asleep -
// deadlock!"). In a worker the runtime cannot: the worker's own goroutines
// (the request loop, the memory watch) are not the cell's. So the worker
// watches the cell's goroutines itself, conservatively: it reports a
// deadlock only when every goroutine the cell and the session's earlier
// fragments started is blocked on a channel, a select or package sync,
// twice in a row deadlockEvery apart, no goroutine sleeps, waits for I/O or
// in a system call, and no timer the cell made can still fire. Where it
// cannot tell, the cell runs to its timeout, as a Go program with a live
// timer or listener does.

// deadlockMsg is what the Go runtime says of a deadlock.
const deadlockMsg = "fatal error: all goroutines are asleep - deadlock!"

// deadlockEvery is how often the watcher looks at the cell's goroutines.
const deadlockEvery = 20 * time.Millisecond

// deadlockMaxGoroutines bounds the goroutines whose stacks the watcher
// reads: above it, a dump costs more than the check is worth, and the cell
// runs to its timeout.
const deadlockMaxGoroutines = 10000

// blockedStates are the wait reasons of a goroutine that only another
// goroutine can wake (the runtime's waitReason strings).
var blockedStates = map[string]bool{
	"chan receive": true, "chan send": true,
	"chan receive (nil chan)": true, "chan send (nil chan)": true,
	"select": true, "select (no cases)": true,
	"sync.Mutex.Lock": true, "sync.RWMutex.Lock": true, "sync.RWMutex.RLock": true,
	"sync.WaitGroup.Wait": true, "sync.Cond.Wait": true, "semacquire": true,
}

// A timerWatch records the timers an interpreter's cells made, through
// the functions of packages time and context that make them. A timer that
// can be reset (time.Timer, time.AfterFunc) or that ticks (time.Ticker,
// time.Tick) may fire at any later time: the watch then never reports a
// deadlock. time.After and context deadlines fire once, at a known time.
type timerWatch struct {
	mu      sync.Mutex
	forever bool      // a timer that may fire at any later time was made
	horizon time.Time // the latest deadline of the others
}

// quiet reports whether no timer made through the watch can fire anymore.
func (t *timerWatch) quiet() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.forever && time.Now().After(t.horizon)
}

func (t *timerWatch) until(at time.Time) {
	t.mu.Lock()
	if at.After(t.horizon) {
		t.horizon = at
	}
	t.mu.Unlock()
}

func (t *timerWatch) always() {
	t.mu.Lock()
	t.forever = true
	t.mu.Unlock()
}

// exports are the timer-making functions of time and context, recording
// into t; an interpreter Uses them after the standard library's tables.
func (t *timerWatch) exports() interp.Exports {
	ctx := func(parent context.Context, d time.Duration) {
		at := time.Now().Add(d)
		if dl, ok := parent.Deadline(); ok && dl.Before(at) {
			at = dl
		}
		t.until(at)
	}
	return interp.Exports{
		"time/time": {
			"After":     reflect.ValueOf(func(d time.Duration) <-chan time.Time { t.until(time.Now().Add(d)); return time.After(d) }),
			"AfterFunc": reflect.ValueOf(func(d time.Duration, f func()) *time.Timer { t.always(); return time.AfterFunc(d, f) }),
			"NewTimer":  reflect.ValueOf(func(d time.Duration) *time.Timer { t.always(); return time.NewTimer(d) }),
			"NewTicker": reflect.ValueOf(func(d time.Duration) *time.Ticker { t.always(); return time.NewTicker(d) }),
			"Tick":      reflect.ValueOf(func(d time.Duration) <-chan time.Time { t.always(); return time.Tick(d) }),
		},
		"context/context": {
			"WithTimeout": reflect.ValueOf(func(p context.Context, d time.Duration) (context.Context, context.CancelFunc) {
				ctx(p, d)
				return context.WithTimeout(p, d)
			}),
			"WithTimeoutCause": reflect.ValueOf(func(p context.Context, d time.Duration, cause error) (context.Context, context.CancelFunc) {
				ctx(p, d)
				return context.WithTimeoutCause(p, d, cause)
			}),
			"WithDeadline": reflect.ValueOf(func(p context.Context, at time.Time) (context.Context, context.CancelFunc) {
				ctx(p, time.Until(at))
				return context.WithDeadline(p, at)
			}),
			"WithDeadlineCause": reflect.ValueOf(func(p context.Context, at time.Time, cause error) (context.Context, context.CancelFunc) {
				ctx(p, time.Until(at))
				return context.WithDeadlineCause(p, at, cause)
			}),
		},
	}
}

// watchTimers gives interpreter i a timer watch of its own (a program's
// interpreter is fresh; the session's lives as long as the worker).
func (w *state) watchTimers(i *interp.Interpreter) {
	t := &timerWatch{}
	if err := i.Use(t.exports()); err != nil {
		panic(err) // built in: cannot depend on input
	}
	w.timersMu.Lock()
	if w.timers == nil {
		w.timers = map[*interp.Interpreter]*timerWatch{}
	}
	w.timers[i] = t
	w.timersMu.Unlock()
}

// watchDeadlock watches the cell seq, run in interpreter i, until the
// returned function is called, and ends the worker with Go's deadlock
// error if the cell's goroutines are all blocked for good.
func (w *state) watchDeadlock(seq int, i *interp.Interpreter, program bool) (stop func()) {
	w.timersMu.Lock()
	t := w.timers[i]
	if program {
		delete(w.timers, i) // the program's interpreter is not used again
	}
	w.timersMu.Unlock()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		self := currentGoroutine()
		tick := time.NewTicker(deadlockEvery)
		defer tick.Stop()
		last := ""
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			now := ""
			if t == nil || t.quiet() {
				now = w.allBlocked(self)
			}
			if now != "" && now == last {
				w.deadlocked(seq)
				return
			}
			last = now
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// deadlocked ends the worker with Go's deadlock error as the cell's
// failure, unless the cell has ended meanwhile.
func (w *state) deadlocked(seq int) {
	w.mu.Lock()
	if w.deadline != seq {
		w.mu.Unlock()
		return
	}
	spans, dropped := w.rec.Stop()
	w.end(Response{Seq: seq, FailKind: chapter.FailFatal, Error: deadlockMsg, ExitCode: 2,
		Time: time.Since(w.started), Spans: spans, Dropped: dropped})
}

// sched samples the scheduler's counts: a cheap first look, before the
// stacks are read.
var sched = []metrics.Sample{
	{Name: "/sched/goroutines/running:goroutines"},
	{Name: "/sched/goroutines/runnable:goroutines"},
	{Name: "/sched/goroutines/not-in-go:goroutines"},
}

// allBlocked returns a picture of the cell's goroutines (each one's id and
// wait reason) when every one is blocked on a channel, a select or package
// sync, and "" when one may still run or be woken by something other than
// another goroutine. The goroutines of the worker (host) and the watcher
// itself (self) are not the cell's.
func (w *state) allBlocked(self string) string {
	metrics.Read(sched)
	for i, s := range sched {
		n := s.Value.Uint64()
		if i == 0 && n > 1 || i > 0 && n > 0 { // the watcher runs
			return ""
		}
	}
	if runtime.NumGoroutine() > deadlockMaxGoroutines {
		return ""
	}
	var pic []string
	for _, g := range stackdump.Parse(string(allStacks())) {
		if w.host[g.ID] || g.ID == self {
			continue
		}
		if !blockedStates[g.State] {
			return ""
		}
		pic = append(pic, g.ID+" "+g.State)
	}
	if len(pic) == 0 {
		return "" // nothing of the cell's runs: it has ended
	}
	sort.Strings(pic)
	return strings.Join(pic, "\n")
}

// currentGoroutine returns the id of the calling goroutine.
func currentGoroutine() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	id, _, _ := strings.Cut(strings.TrimPrefix(string(buf), "goroutine "), " ")
	return id
}
