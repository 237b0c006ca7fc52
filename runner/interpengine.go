package runner

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/internal/worker"
)

// This file is the interpreter engine ("yaegi"), the parent's side of the
// worker processes that run cells with the interpreter: the interpreter
// itself is loaded only in the worker (package worker), never here.

// MaybeWorker turns the process into a worker and never returns when it was
// started as one by the runner. Programs and tests that use the runner call
// it first thing in main or TestMain.
func MaybeWorker() { worker.MaybeServe() }

// workerEnv marks a worker process (see worker.Env).
const workerEnv = worker.Env

// interpEngine runs cells in worker processes with the interpreter: one
// worker holds the chapter's session (fragments), another runs complete
// programs, so that a program that crashes or leaves goroutines behind never
// costs the session. A worker that dies (a panic in a goroutine, os.Exit,
// the memory limit), or that must be discarded (a timeout, a program that
// left goroutines running), is replaced; the session is rebuilt in a new
// worker by running the fragments that succeeded again, their output
// discarded.
type interpEngine struct {
	ch      *chapter.Chapter
	opts    *Options
	dir     string // the scratch working directory of the workers
	scratch *scratchDir
	sess    *workerProc      // runs fragments
	prog    *workerProc      // runs complete programs
	session []*chapter.Cell  // fragments that ran without failing
	pieces  [][]worker.Chunk // what the worker evaluated of each, for a replay
	types   *typeChecker     // Go's compile errors before a cell runs (typecheck.go)
	seq     int
	starts  int // workers started, for tests
	replays int // fragments run again to rebuild a session, for tests

	rebuild bool // a session is being rebuilt: its output is not told to Options.Output (kernel.go)
}

func newInterpEngine(ch *chapter.Chapter, opts *Options) (*interpEngine, error) {
	dir, err := newScratchDir("book-cells-")
	if err != nil {
		return nil, err
	}
	work := filepath.Join(dir.path, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		dir.remove()
		return nil, err
	}
	return &interpEngine{ch: ch, opts: opts, dir: work, scratch: dir, types: newTypeChecker(ch, opts, dir.path)}, nil
}

func (e *interpEngine) Name() string { return "yaegi" }

func (e *interpEngine) Close() error {
	for _, w := range []**workerProc{&e.sess, &e.prog} {
		if *w != nil {
			(*w).kill()
			*w = nil
		}
	}
	return e.scratch.remove()
}

func (e *interpEngine) Run(ctx context.Context, c *chapter.Cell) (*chapter.Result, error) {
	if c.Test {
		// A test needs package testing's main and a *testing.T, which
		// only go test provides: refused, as an import the interpreter
		// lacks is, before a worker starts.
		res := newResult(c, e.Name())
		res.FailKind, res.Refused = chapter.FailCompile, testReason
		res.Error = fmt.Sprintf("%s is a test: the interpreter does not run tests; go test runs it under -engine=auto or -engine=go", c.Title)
		return res, nil
	}
	if msg := e.types.check(c); msg != "" {
		res := newResult(c, e.Name())
		res.FailKind, res.Error = chapter.FailCompile, msg
		return res, nil
	}
	if res := e.joinFiles(c); res != nil {
		return res, nil
	}
	var pieces []worker.Chunk
	if !c.Program {
		pieces = e.types.chunks(c)
	}
	res, err := e.run(ctx, c, pieces)
	if res != nil {
		e.types.ran(c, res.FailKind == "")
	}
	return res, err
}

// joinFiles returns the failure of a program whose files cannot be read
// as one (chapter.Concat), before a worker is started for it; nil for any
// other cell. Files that import two packages under one name are a
// refusal, which auto routes to the toolchain.
func (e *interpEngine) joinFiles(c *chapter.Cell) *chapter.Result {
	if len(c.Uses) == 0 {
		return nil
	}
	_, err := chapter.Concat(e.ch.Path, c.Sources())
	if err == nil {
		return nil
	}
	res := newResult(c, e.Name())
	res.FailKind, res.Error = chapter.FailCompile, fmt.Sprintf("%s: %v", e.ch.Pos(c.Line), err)
	if errors.Is(err, chapter.ErrImportClash) {
		res.Refused = "files that import different packages under one name"
	}
	return res
}

// programCode is the source of a program for the interpreter, and its
// first line in the chapter: a program built with file cells is one file
// whose //line directives keep each file's lines those of the chapter
// (chapter.Concat; Run has refused the programs it cannot join).
func (e *interpEngine) programCode(c *chapter.Cell) (string, int) {
	if len(c.Uses) > 0 {
		if code, err := chapter.Concat(e.ch.Path, c.Sources()); err == nil {
			return code, c.CodeLine
		}
	}
	return c.Code, c.CodeLine
}

// run runs a cell that type-checks in a worker.
func (e *interpEngine) run(ctx context.Context, c *chapter.Cell, pieces []worker.Chunk) (*chapter.Result, error) {
	slot := &e.sess
	if c.Program {
		slot = &e.prog
	}
	if *slot == nil {
		w, err := e.start(ctx, !c.Program)
		if err != nil {
			return nil, err
		}
		*slot = w
	}
	res, resp := e.exec(ctx, *slot, c, pieces)
	if resp != nil && !c.Program && res.FailKind == "" {
		e.session = append(e.session, c)
		e.pieces = append(e.pieces, pieces)
	}
	if w := *slot; !w.alive() || resp == nil || resp.Fatal || c.Program && (resp.Leftover > 0 || len(resp.LeftoverFDs) > 0) {
		// A program's goroutines, files, listeners and connections end
		// with it, as at a process's exit; a worker in an unknown state is
		// not reused.
		w.kill()
		*slot = nil
	}
	return res, ctx.Err()
}

// start launches a worker, replaying the session into it if asked.
func (e *interpEngine) start(ctx context.Context, replay bool) (*workerProc, error) {
	w, err := startWorker(e.opts, e.dir)
	if err != nil {
		return nil, err
	}
	e.starts++
	if !replay {
		return w, nil
	}
	e.rebuild = true
	defer func() { e.rebuild = false }()
	for i, c := range e.session {
		e.replays++
		res, resp := e.exec(ctx, w, c, e.pieces[i])
		if resp == nil || res.FailKind != "" {
			w.kill()
			return nil, fmt.Errorf("%s: cell %s failed when the session was rebuilt in a new worker: %s", e.ch.Pos(c.Line), c.Name, res.Error)
		}
	}
	return w, nil
}

// exec sends one cell to the worker and collects its result; a fragment's
// pieces are its chunks as typeChecker.chunks gives them. resp is nil
// when the worker died or had to be stopped before it answered.
func (e *interpEngine) exec(ctx context.Context, w *workerProc, c *chapter.Cell, pieces []worker.Chunk) (*chapter.Result, *worker.Response) {
	e.seq++
	seq := e.seq
	timeout := e.opts.timeout(c)
	req := worker.Request{Seq: seq, Path: e.ch.Path, Program: c.Program, Timeout: timeout, Rewrite: !e.opts.NoRewrite, LockMain: locksMain(ctx)}
	if c.Program {
		req.Code, req.Line = e.programCode(c)
	} else {
		req.Chunks = pieces
	}
	res := newResult(c, e.Name())
	if out := e.opts.Output; out != nil && !e.rebuild {
		defer tapStreams(w.stdout, w.stderr, fence(w.nonce, seq, "start"), out)()
	}
	if err := w.send(&req); err != nil {
		res.FailKind, res.Error = chapter.FailCrash, "the worker is gone: "+err.Error()
		return res, nil
	}
	resp := e.await(ctx, w, seq, timeout, res)
	// Collect the cell's output between its fences. When the worker is
	// gone, what it wrote after the start fence is the cell's.
	deadline := time.Now().Add(2 * time.Second)
	if resp == nil {
		w.kill()
		deadline = time.Now().Add(5 * time.Second)
	}
	start, end := fence(w.nonce, seq, "start"), fence(w.nonce, seq, "end")
	var outs [2]string
	for i, s := range []*stream{w.stdout, w.stderr} {
		s.skip(start, deadline) // what came before is other cells' goroutines'
		data, trunc, _ := s.until(end, deadline)
		outs[i] = string(data)
		res.Truncated = res.Truncated || trunc
	}
	res.Stdout, res.Stderr = outs[0], cleanStderr(outs[1])
	noteTruncation(res, e.opts.outputCap())
	switch {
	case resp != nil:
		res.FailKind, res.Error, res.Refused = resp.FailKind, resp.Error, resp.Refused
		res.Time, res.CPU, res.ProcessCPU, res.Spans = resp.Time, resp.CPU, resp.ProcessCPU, resp.Spans
		res.Wait, res.Steal = resp.Wait, resp.Steal
		res.BusyCPU, res.BusyWait = resp.BusyCPU, resp.BusyWait
		switch resp.FailKind {
		case "", chapter.FailCompile, chapter.FailTimeout, chapter.FailMemory, chapter.FailExit, chapter.FailFatal:
		default:
			if resp.Error != "" {
				res.Error = string(resp.FailKind) + ": " + strings.TrimPrefix(resp.Error, string(resp.FailKind)+": ")
			}
		}
	case res.FailKind == "":
		// The worker died without a word: a panic in a goroutine or a fatal
		// runtime error. Its last words are on stderr.
		res.FailKind, res.Error = crashOf(outs[1], w.exitStatus())
		res.Stderr = cleanStderr(trimCrash(outs[1]))
	}
	return res, resp
}

// await waits for the worker's response about cell seq; it returns nil
// when the worker died, had to be killed, or the run was interrupted, and
// then says why in res.
func (e *interpEngine) await(ctx context.Context, w *workerProc, seq int, timeout time.Duration, res *chapter.Result) *worker.Response {
	// The worker enforces the timeout itself; the grace covers a worker
	// too stuck to do so (a goroutine blocked in native code, a runaway
	// allocation).
	hard := time.NewTimer(timeout + 2*time.Second)
	defer hard.Stop()
	var resp *worker.Response
	select {
	case r, ok := <-w.responses:
		if ok {
			resp = r
		}
	case <-hard.C:
		res.FailKind, res.Error = chapter.FailTimeout, fmt.Sprintf("timeout after %v: the worker did not stop the cell and was killed", timeout)
		w.kill()
	case <-ctx.Done():
		w.kill()
		res.FailKind, res.Error = chapter.FailInterrupted, "interrupted"
	}
	for resp != nil && resp.Seq != seq {
		// A late message about an earlier cell: skip it.
		r, ok := <-w.responses
		resp = r
		if !ok {
			resp = nil
		}
	}
	return resp
}

// yaegiTrace matches the interpreter's own trace lines of a panic, which a
// compiled program would not print.
var yaegiTrace = regexp.MustCompile(`(?m)^(?:\S+:)?\d+:\d+: panic: .*\(\.\.\.\)\n`)

// cleanStderr drops the interpreter's own trace lines from a cell's
// stderr.
func cleanStderr(s string) string { return yaegiTrace.ReplaceAllString(s, "") }

// crashOf reads the reason of a worker's death from its last stderr.
func crashOf(stderr string, status string) (kind chapter.FailKind, msg string) {
	at, line := crashReport(stderr)
	if at < 0 {
		return chapter.FailCrash, "the worker died (" + status + ") while the cell ran"
	}
	line = strings.TrimSuffix(line, " [recovered]")
	if reason, ok := strings.CutPrefix(line, "panic: "); ok {
		return chapter.FailPanic, "panic: " + strings.TrimPrefix(reason, "os.Exit")
	}
	return crashKind(line), line
}

// trimCrash removes the runtime's crash report (the panic line and the
// goroutine dump) from a dead worker's stderr: it shows the host's stacks,
// not the cell's.
func trimCrash(stderr string) string {
	if at, _ := crashReport(stderr); at >= 0 {
		return stderr[:at]
	}
	return stderr
}

// A workerProc is one worker process, seen from the runner.
type workerProc struct {
	cmd       *exec.Cmd
	nonce     string
	ctrl      *os.File // requests
	enc       *json.Encoder
	responses chan *worker.Response
	stdout    *stream
	stderr    *stream
	exited    chan struct{}
	waitErr   error
	ready     time.Duration
}

func startWorker(opts *Options, dir string) (*workerProc, error) {
	exe := opts.WorkerCmd
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, err
		}
	}
	w := &workerProc{nonce: newNonce(), responses: make(chan *worker.Response, 4), exited: make(chan struct{})}
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	respR, respW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, _ := os.Pipe()
	errR, errW, _ := os.Pipe()
	w.cmd = exec.Command(exe)
	w.cmd.Dir = dir
	w.cmd.Env = append(os.Environ(), workerEnv+"="+w.nonce, fmt.Sprintf("BOOK_MEMORY_LIMIT=%d", opts.memLimit()))
	w.cmd.Stdout, w.cmd.Stderr = outW, errW
	w.cmd.ExtraFiles = []*os.File{reqR, respW}
	w.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	t0 := time.Now()
	err = w.cmd.Start()
	for _, f := range []*os.File{reqR, respW, outW, errW} {
		f.Close()
	}
	if err != nil {
		reqW.Close()
		respR.Close()
		outR.Close()
		errR.Close()
		return nil, fmt.Errorf("starting the worker: %w", err)
	}
	w.ctrl = reqW
	w.enc = json.NewEncoder(reqW)
	w.stdout = newStream(opts.outputCap(), w.nonce)
	w.stderr = newStream(opts.outputCap(), w.nonce)
	go w.stdout.readFrom(outR)
	go w.stderr.readFrom(errR)
	go func() {
		w.waitErr = w.cmd.Wait()
		close(w.exited)
	}()
	go func() {
		defer close(w.responses)
		sc := bufio.NewScanner(respR)
		sc.Buffer(make([]byte, 64<<10), 64<<20)
		for sc.Scan() {
			var r worker.Response
			if json.Unmarshal(sc.Bytes(), &r) == nil {
				w.responses <- &r
			}
		}
		respR.Close()
	}()
	select {
	case r, ok := <-w.responses:
		if !ok {
			w.kill()
			data, _, _ := w.stderr.until("\x00never", time.Now().Add(time.Second))
			return nil, fmt.Errorf("the worker %s did not start (%s): %s (does the program call runner.MaybeWorker?)", exe, w.exitStatus(), strings.TrimSpace(string(data)))
		}
		w.ready = time.Since(t0)
		_ = r
	case <-time.After(20 * time.Second):
		w.kill()
		return nil, errors.New("the worker did not start within 20s")
	}
	return w, nil
}

func (w *workerProc) send(r *worker.Request) error { return w.enc.Encode(r) }

func (w *workerProc) alive() bool {
	select {
	case <-w.exited:
		return false
	default:
		return true
	}
}

// kill ends the worker and every process it started.
func (w *workerProc) kill() {
	if w.cmd.Process != nil && w.alive() {
		_ = syscall.Kill(-w.cmd.Process.Pid, syscall.SIGKILL)
	}
	w.ctrl.Close()
	select {
	case <-w.exited:
	case <-time.After(5 * time.Second):
	}
}

func (w *workerProc) exitStatus() string {
	select {
	case <-w.exited:
	case <-time.After(time.Second):
		return "still running"
	}
	if w.waitErr == nil {
		return "exit status 0"
	}
	return w.waitErr.Error()
}
