// Package tracespans turns the runtime's execution trace of a cell into the
// spans of its timing diagram.
//
// A cell marks its tasks with the standard library alone:
//
//	trace.WithRegion(ctx, "request 1", func() { ... })
//
// (runtime/trace; outside a trace the call only runs the function). For a
// cell that imports runtime/trace the runner turns the tracer on while the
// cell runs: the interpreter's worker with a [Recorder], the go engine's
// generated main with trace.Start to a file. [Read] then makes one span per
// region: its goroutine is the lane, its type the label, and its times are
// measured from the start of the trace.
package tracespans

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	rtrace "runtime/trace"
	"slices"
	"strings"
	"sync"

	"github.com/concurrency101/book/runner/chapter"
	"golang.org/x/exp/trace"
)

// MaxSpans bounds the spans kept of one trace; the others are counted as
// dropped, so that a runaway loop does not make a diagram of megabytes.
const MaxSpans = 10000

// Wanted reports whether the runner should trace a cell: its source
// imports runtime/trace and does not start the tracer itself (trace.Start
// would fail with the runner's trace running, changing what the cell does).
func Wanted(src string) bool {
	return strings.Contains(src, `"runtime/trace"`) && !ownTraceRe.MatchString(src)
}

var ownTraceRe = regexp.MustCompile(`\btrace\.Start\(`)

// Read parses an execution trace and returns its regions as spans, in order
// of their start, and how many it dropped beyond MaxSpans. A region still
// open when the trace ended is left out. A trace cut short (the program
// exited without stopping the tracer) yields the spans read before the
// cut, with the error.
func Read(r io.Reader) ([]chapter.Region, int, error) {
	tr, err := trace.NewReader(r)
	if err != nil {
		return nil, 0, fmt.Errorf("reading the execution trace: %w", err)
	}
	type key struct {
		g   trace.GoID
		typ string
	}
	open := map[key][]trace.Time{} // a goroutine's regions nest: a stack per type
	var spans []chapter.Region
	var origin trace.Time
	dropped := 0
	for first := true; ; first = false {
		ev, err := tr.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			err = fmt.Errorf("reading the execution trace: %w", err)
			return sorted(spans), dropped, err
		}
		if first {
			origin = ev.Time()
		}
		switch ev.Kind() {
		case trace.EventRegionBegin:
			k := key{ev.Goroutine(), ev.Region().Type}
			open[k] = append(open[k], ev.Time())
		case trace.EventRegionEnd:
			k := key{ev.Goroutine(), ev.Region().Type}
			stack := open[k]
			if len(stack) == 0 {
				continue // begun before the trace started
			}
			start := stack[len(stack)-1]
			open[k] = stack[:len(stack)-1]
			if len(spans) >= MaxSpans {
				dropped++
				continue
			}
			spans = append(spans, chapter.Region{
				Lane:  fmt.Sprintf("goroutine %d", k.g),
				Label: k.typ,
				Start: start.Sub(origin),
				End:   ev.Time().Sub(origin),
			})
		}
	}
	return sorted(spans), dropped, nil
}

func sorted(spans []chapter.Region) []chapter.Region {
	slices.SortStableFunc(spans, func(a, b chapter.Region) int {
		return cmp.Compare(a.Start, b.Start)
	})
	return spans
}

// ReadFile reads the trace a program wrote to path; a missing or empty
// file (the program never started the tracer) has no spans and no error.
func ReadFile(path string) ([]chapter.Region, int, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(data) == 0) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	return Read(bytes.NewReader(data))
}

// A Recorder traces the process into memory, for the interpreter's
// worker, where a cell runs in the worker's own process. Stop may be
// called more than once and from another goroutine (a cell that timed
// out): the first call has the spans.
type Recorder struct {
	mu  sync.Mutex
	buf *bytes.Buffer
}

// Start turns the tracer on. It fails when the process is already being
// traced (a cell that started the tracer itself and never stopped it).
func Start() (*Recorder, error) {
	rec := &Recorder{buf: new(bytes.Buffer)}
	if err := rtrace.Start(rec.buf); err != nil {
		return nil, err
	}
	return rec, nil
}

// Stop turns the tracer off and returns the spans of the trace. A nil
// Recorder has none.
func (rec *Recorder) Stop() ([]chapter.Region, int) {
	if rec == nil {
		return nil, 0
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.buf == nil {
		return nil, 0
	}
	rtrace.Stop()
	spans, dropped, _ := Read(rec.buf)
	rec.buf = nil
	return spans, dropped
}
