package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/scanner"
	"go/token"
	"os"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
)

// A Kernel is the live session of one chapter for the notebook of the
// site's preview server (go run ./cmd/site -serve), in Jupyter's words:
// it runs one cell at a time with code the reader edited in place of the
// chapter's, exactly as RunChapter would run that cell (the rewrite, the
// engine routing, the timeout, memory and output caps, verification
// against the chapter's golden output), and streams what the cell writes
// as it is written.
//
// A fragment runs in the kernel's session: the first time a fragment
// runs, the chapter's earlier fragments that have not run yet are
// replayed into the session first, once, their output discarded; a later
// declaration of a name replaces the earlier one, as in the chapter. A
// run whose context ends (the page's Stop, the page closed) kills the
// process that runs the cell at once (the interpreter's worker, the
// toolchain's program): the session is rebuilt in a new worker on the
// next run, as after a timeout. Restart discards the session. When the
// chapter's file changes, the session starts again from the new file.
//
// A Kernel runs one cell at a time: Run holds it for the whole run.
type Kernel struct {
	path string
	opts Options

	mu       sync.Mutex // held by Run and Restart
	ch       *chapter.Chapter
	run      *chapterRun
	replayed int               // the cells before this index have been considered for replay
	ran      map[string]string // code last run without failing, by fragment name

	sinkMu sync.Mutex
	sink   func(stream string, p []byte)
}

// NewKernel returns the kernel of the chapter at path; nothing starts
// before the first Run. opts.Progress, opts.Update and opts.Run are
// ignored, and engine both runs as auto: the page shows one run, the
// one auto would give (both's second run, under the toolchain, is for
// verifying chapters: go test ./...).
func NewKernel(path string, opts Options) *Kernel {
	opts.Progress, opts.Update, opts.Run = nil, false, nil
	if opts.Engine == "both" {
		opts.Engine = "auto"
	}
	k := &Kernel{path: path, opts: opts}
	k.opts.Output = func(stream string, p []byte) {
		k.sinkMu.Lock()
		f := k.sink
		k.sinkMu.Unlock()
		if f != nil {
			f(stream, p)
		}
	}
	return k
}

// Restart discards the session: the next run starts a new one, in which
// the earlier fragments are replayed again.
func (k *Kernel) Restart() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.reset()
}

// Close stops every process the kernel started.
func (k *Kernel) Close() { k.Restart() }

func (k *Kernel) reset() {
	if k.run != nil {
		k.run.close()
	}
	k.ch, k.run, k.replayed, k.ran = nil, nil, 0, nil
}

// load reads the chapter, and starts a new session when it changed.
func (k *Kernel) load() error {
	src, err := os.ReadFile(k.path)
	if err != nil {
		return err
	}
	if k.ch != nil && bytes.Equal(src, k.ch.Source) {
		return nil
	}
	k.reset()
	ch, err := chapter.ReadFile(k.path)
	if ch == nil {
		return err
	}
	rep := &report.Report{Chapter: k.path, Engine: k.opts.engine()}
	k.ch, k.ran = ch, map[string]string{}
	k.run = &chapterRun{ctx: context.Background(), ch: ch, opts: &k.opts, rep: rep,
		results: map[string]*chapter.Result{}, engines: map[string]Engine{}, failed: map[string]error{}}
	return nil
}

// ErrNoCell is the error of Run for a cell the chapter does not have, or
// cannot run (norun, invalid attributes).
var ErrNoCell = errors.New("no such cell")

// Run runs the cell of the chapter named name with code in place of its
// own, and tells emit of its events, in the -json event schema of cmd/run
// (report.Event), as the run goes: the cell's run event, its output in
// chunks as they are written (Stream stdout or stderr; a chunk is what
// one write gave, not a line), then its problems, go test's last line and
// the result, which carries the verdict against the chapter's golden
// output (a diff in Problems when the output differs), Elapsed, Engine,
// Spans and Stale. emit is called from one goroutine at a time. The error
// is for a run that could not happen (ErrNoCell, an unreadable chapter,
// an engine that cannot start); emit was then not called.
func (k *Kernel) Run(ctx context.Context, name, code string, emit func(report.Event)) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.load(); err != nil {
		return err
	}
	c := k.ch.Cell(name)
	if c == nil || c.NoRun || c.Invalid != nil {
		return fmt.Errorf("%s: cell %q: %w", k.path, name, ErrNoCell)
	}
	edited := *c
	edited.Code, edited.Program = code, isProgram(code)
	if !edited.Program {
		if err := k.replay(ctx, c); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	out := newChunker(k.path, name, emit)
	out.emit(report.Event{Action: report.ActionRun, Line: c.Line, Kind: kindName(&edited)})
	out.emit(report.Event{Action: report.ActionOutput, Output: "=== RUN   " + name + "\n"})
	res := k.execute(ctx, &edited, out)
	if !edited.Program && res.FailKind == "" {
		// The session holds the edit now: the later fragments that use
		// what it changed are stale, and the cell is not replayed.
		out.stale = k.stale(c, code)
		k.ran[name] = code
		k.replayed = max(k.replayed, k.index(c)+1)
	}
	out.finish(k.ch, &edited, res)
	return nil
}

// execute runs the edited cell with its output streamed into out, and
// verifies it.
func (k *Kernel) execute(ctx context.Context, c *chapter.Cell, out *chunker) *chapter.Result {
	k.sinkMu.Lock()
	k.sink = out.write
	k.sinkMu.Unlock()
	k.run.ctx = ctx
	res, err := k.run.execute(c)
	k.sinkMu.Lock()
	k.sink = nil
	k.sinkMu.Unlock()
	out.flush()
	k.run.ctx = context.Background()
	switch {
	case res == nil && ctx.Err() != nil:
		res = newResult(c, k.opts.engine())
		res.FailKind, res.Error = chapter.FailInterrupted, "stopped"
	case res == nil:
		res = newResult(c, k.opts.engine())
		res.FailKind, res.Error = chapter.FailCrash, err.Error()
	}
	if ctx.Err() != nil && res.FailKind == "" {
		res.FailKind, res.Error = chapter.FailInterrupted, "stopped"
	}
	if res.Status == "" {
		chapter.Verify(k.ch.Path, c, res)
		k.run.compareEngines(c, res)
	}
	return res
}

// replay runs, once per session, the chapter's fragments before c that
// have not run in it, their output discarded.
func (k *Kernel) replay(ctx context.Context, c *chapter.Cell) error {
	i := k.index(c)
	k.run.ctx = ctx
	defer func() { k.run.ctx = context.Background() }()
	for ; k.replayed < i; k.replayed++ {
		d := k.ch.Cells[k.replayed]
		if d.Program || d.NoRun || d.Invalid != nil {
			continue
		}
		if _, done := k.ran[d.Name]; done {
			continue
		}
		res, err := k.run.execute(d)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return err
		}
		if res.FailKind == "" {
			k.ran[d.Name] = d.Code
		}
	}
	return nil
}

func (k *Kernel) index(c *chapter.Cell) int {
	for i, d := range k.ch.Cells {
		if d == c {
			return i
		}
	}
	return len(k.ch.Cells)
}

// isProgram reports whether code is a complete program: its first token
// is the package clause.
func isProgram(code string) bool {
	var s scanner.Scanner
	fset := token.NewFileSet()
	src := []byte(code)
	s.Init(fset.AddFile("", -1, len(src)), src, nil, 0)
	_, tok, _ := s.Scan()
	return tok == token.PACKAGE
}

// A chunker turns what a cell writes into output events as it arrives,
// and emits them from its own goroutine, so that the engine's capture,
// which tells it under a lock, never waits for the page.
type chunker struct {
	pkg, test string
	send      func(report.Event)
	stale     []string

	mu      sync.Mutex
	queue   []chunk
	wake    chan struct{}
	done    chan struct{}
	stopped chan struct{}
	partial map[string][]byte // an incomplete UTF-8 sequence at the end of a stream, held back
	sent    map[string]*bytes.Buffer
}

type chunk struct {
	stream string
	data   []byte
}

func newChunker(pkg, test string, emit func(report.Event)) *chunker {
	o := &chunker{pkg: pkg, test: test, send: emit, wake: make(chan struct{}, 1), done: make(chan struct{}),
		stopped: make(chan struct{}), partial: map[string][]byte{},
		sent: map[string]*bytes.Buffer{"stdout": {}, "stderr": {}}}
	go o.loop()
	return o
}

func (o *chunker) emit(e report.Event) {
	e.Time, e.Package, e.Test = time.Now(), o.pkg, o.test
	o.send(e)
}

// write queues a chunk; it never blocks.
func (o *chunker) write(stream string, p []byte) {
	o.mu.Lock()
	o.queue = append(o.queue, chunk{stream, bytes.Clone(p)})
	o.mu.Unlock()
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

func (o *chunker) loop() {
	defer close(o.stopped)
	for {
		select {
		case <-o.wake:
			o.drain(false)
		case <-o.done:
			o.drain(true)
			return
		}
	}
}

// drain emits the queued chunks, each up to its last whole character.
func (o *chunker) drain(final bool) {
	o.mu.Lock()
	q := o.queue
	o.queue = nil
	o.mu.Unlock()
	for _, c := range q {
		data := append(o.partial[c.stream], c.data...)
		n := len(data)
		for i := 1; i <= utf8.UTFMax && i <= n; i++ {
			if utf8.RuneStart(data[n-i]) {
				if !utf8.FullRune(data[n-i:]) {
					n -= i
				}
				break
			}
		}
		o.partial[c.stream] = bytes.Clone(data[n:])
		o.text(c.stream, data[:n])
	}
	if final {
		for _, s := range []string{"stdout", "stderr"} {
			o.text(s, o.partial[s])
			o.partial[s] = nil
		}
	}
}

func (o *chunker) text(stream string, p []byte) {
	for len(p) > 0 {
		n := min(len(p), 4096)
		o.sent[stream].Write(p[:n])
		o.emit(report.Event{Action: report.ActionOutput, Output: string(p[:n]), Stream: stream})
		p = p[n:]
	}
}

// flush emits what is queued and stops the chunker's goroutine.
func (o *chunker) flush() {
	close(o.done)
	<-o.stopped
}

// finish emits the end of the cell's events: what of its final output
// was not streamed (a truncation notice), its problems, go test's last
// line and the result.
func (o *chunker) finish(ch *chapter.Chapter, c *chapter.Cell, res *chapter.Result) {
	for _, s := range []struct{ stream, text string }{{"stdout", res.Stdout}, {"stderr", res.Stderr}} {
		if rest, ok := bytes.CutPrefix([]byte(s.text), o.sent[s.stream].Bytes()); ok {
			o.text(s.stream, rest)
		}
	}
	evs := report.CellEvents(ch, c, res)
	for i, e := range evs {
		if i < 2 || e.Action == report.ActionOutput && e.Stream != "" {
			continue // the run, "=== RUN" and the output were sent already
		}
		if i == len(evs)-1 {
			e.Spans, e.Stale = res.Spans, o.stale
		}
		o.emit(e)
	}
}

// tapStreams streams to out what the segment that fence opens receives
// on each stream (see stream.tapAt); the function it returns stops it.
func tapStreams(stdout, stderr *stream, fence string, out func(string, []byte)) (untap func()) {
	stdout.tapAt(fence, func(p []byte) { out("stdout", p) })
	stderr.tapAt(fence, func(p []byte) { out("stderr", p) })
	return func() {
		stdout.tapAt("", nil)
		stderr.tapAt("", nil)
	}
}
