// Package timeline records when the tasks of a program start and end, so that
// the book can draw a timing diagram from a real run.
//
// A cell marks a task with
//
//	defer timeline.Begin("worker 1", "job 7")()
//
// Outside the book's runner the calls only cost a clock read and a short
// critical section: nothing is printed and nothing changes the program's
// output. When the environment variable BOOK_TIMELINE names a file, every
// finished span is also appended to it as one JSON object per line; the
// runner's Go-toolchain engine reads the spans back that way, while its
// interpreter engine calls [Spans] directly.
package timeline

import (
	"encoding/json"
	"os"
	"sync"
	"time"
)

// Span is one task: the lane it ran in (a worker, a goroutine) and when it
// started and ended, measured from the start of the recording.
type Span struct {
	Lane  string        `json:"lane"`
	Label string        `json:"label,omitempty"`
	Start time.Duration `json:"start"`
	End   time.Duration `json:"end"`
}

// maxSpans bounds the memory a runaway loop can spend on recording.
const maxSpans = 10000

var (
	mu      sync.Mutex
	origin  = time.Now()
	spans   []Span
	dropped int
	sink    *os.File
	sinkErr bool
)

// Begin starts a span in lane and returns the function that ends it.
func Begin(lane, label string) (end func()) {
	mu.Lock()
	start := time.Since(origin)
	mu.Unlock()
	return func() {
		s := Span{Lane: lane, Label: label, Start: start}
		mu.Lock()
		defer mu.Unlock()
		s.End = time.Since(origin)
		if len(spans) >= maxSpans {
			dropped++
			return
		}
		spans = append(spans, s)
		writeSink(s)
	}
}

func writeSink(s Span) {
	if sink == nil && !sinkErr {
		path := os.Getenv("BOOK_TIMELINE")
		if path == "" {
			sinkErr = true
			return
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			sinkErr = true
			return
		}
		sink = f
	}
	if sink == nil {
		return
	}
	b, _ := json.Marshal(s)
	_, _ = sink.Write(append(b, '\n'))
}

// Reset forgets every span and restarts the clock.
func Reset() {
	mu.Lock()
	defer mu.Unlock()
	origin = time.Now()
	spans = nil
	dropped = 0
}

// Spans returns a copy of the spans finished since the last Reset, and how
// many were dropped once the recording was full.
func Spans() ([]Span, int) {
	mu.Lock()
	defer mu.Unlock()
	return append([]Span(nil), spans...), dropped
}
