// Package worker is the child process of the runner's interpreter engine:
// it runs cells with yaegi, one request at a time, and reports on each
// (package runner starts it and reads what it says). It is the only
// package that imports the interpreter, so that the chapter parser, the
// site and the parent side of the runner never depend on it.
//
// A worker is the runner's own executable started again with Env set; the
// program calls MaybeServe (runner.MaybeWorker) first thing in main.
package worker

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"go/version"
	"io"
	"log"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/internal/stackdump"
	"github.com/concurrency101/book/runner/internal/tracespans"
	"github.com/concurrency101/book/runner/internal/worker/symbols"
	"github.com/concurrency101/book/runner/rewrite"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// MaybeServe turns the process into a worker and never returns when it was
// started as one by the runner (Env is set); otherwise it does nothing.
func MaybeServe() {
	nonce := os.Getenv(Env)
	if nonce == "" {
		return
	}
	os.Unsetenv(Env)
	os.Exit(serve(nonce))
}

// state is the worker's side of a chapter: the session interpreter
// for fragments and what the cells it ran changed.
type state struct {
	nonce   string
	out     *json.Encoder
	outMu   sync.Mutex
	session *interp.Interpreter
	imports map[string]bool // "name path" specs the session has
	exports interp.Exports
	keys    map[string]string // import path to its key in exports
	host    map[string]bool   // the worker's own goroutines
	rw      rewrite.Session   // what the session's pieces declared, for the rewrite
	baseEnv []string
	limit   int64

	// mu guards the cell's bookkeeping below and the end of the process:
	// whoever ends the worker (os.Exit in a cell, the memory limit, a
	// timeout) holds it until the process is gone, so that nothing is
	// reported after the last word.
	mu       sync.Mutex
	cur      int       // seq of the cell running, for exit and memory reports
	deadline int       // seq of the cell whose timeout is armed, 0 if none
	started  time.Time // when the cell's clock started
	cpu0     time.Duration
	rec      *tracespans.Recorder // the cell's execution trace, nil if untraced

	timersMu sync.Mutex
	timers   map[*interp.Interpreter]*timerWatch // see watchTimers
}

func serve(nonce string) int {
	in := os.NewFile(3, "requests")
	out := os.NewFile(4, "responses")
	if in == nil || out == nil {
		fmt.Fprintln(os.Stderr, "runner worker: control pipes missing")
		return 2
	}
	start := time.Now()
	w := &state{nonce: nonce, out: json.NewEncoder(out), imports: map[string]bool{}, baseEnv: os.Environ()}
	w.exports = exports()
	w.keys = exportKeys(w.exports)
	if s := os.Getenv("BOOK_MEMORY_LIMIT"); s != "" {
		fmt.Sscan(s, &w.limit)
	}
	if w.limit > 0 {
		debug.SetMemoryLimit(w.limit)
		go w.watchMemory()
	}
	w.host = goroutineIDs()
	// Log output of the host (not of cells) must never reach the streams.
	log.SetOutput(io.Discard)
	if err := w.send(Response{Seq: 0, ReadyAfter: time.Since(start)}); err != nil {
		return 2
	}
	dec := json.NewDecoder(bufio.NewReader(in))
	for {
		var req Request
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return 0
			}
			fmt.Fprintln(os.Stderr, "runner worker:", err)
			return 2
		}
		cpu := cpuTime()
		resp := w.run(&req)
		resp.ProcessCPU = cpuTime() - cpu
		if err := w.send(resp); err != nil || resp.Fatal {
			return resp.ExitCode
		}
	}
}

func (w *state) send(r Response) error {
	w.outMu.Lock()
	defer w.outMu.Unlock()
	return w.out.Encode(r)
}

// exports are the standard library's tables with the book's extra
// packages.
func exports() interp.Exports {
	ex := interp.Exports{}
	for k, v := range stdlib.Symbols {
		ex[k] = v
	}
	for k, v := range symbols.Symbols {
		ex[k] = v
	}
	for k, v := range printExports() {
		ex[k] = v
	}
	return ex
}

// overrides make os.Exit and log.Fatal end the worker the way they end a
// program, rather than panicking as the restricted tables do. They are
// loaded by a Use of their own, after the standard library's, whose Use
// installs the restricted versions.
func (w *state) overrides() interp.Exports {
	fatal := func(s string) {
		log.New(os.Stderr, "", log.LstdFlags).Output(3, s)
		w.exit(1)
	}
	return interp.Exports{
		"os/os": {"Exit": reflect.ValueOf(w.exit)},
		"log/log": {
			"Fatal":   reflect.ValueOf(func(v ...any) { fatal(fmt.Sprint(v...)) }),
			"Fatalf":  reflect.ValueOf(func(f string, v ...any) { fatal(fmt.Sprintf(f, v...)) }),
			"Fatalln": reflect.ValueOf(func(v ...any) { fatal(fmt.Sprintln(v...)) }),
		},
	}
}

// exit ends the worker as os.Exit ends a program: the runner is told the
// code, then the process exits.
func (w *state) exit(code int) {
	w.mu.Lock()
	resp := Response{Seq: w.cur, ExitCode: code}
	if code != 0 {
		resp.FailKind, resp.Error = chapter.FailExit, fmt.Sprintf("exit status %d", code)
	}
	w.end(resp)
}

// end writes the end fences of the cell resp is about, sends resp as the
// worker's last word, and exits with resp.ExitCode. w.mu must be held; it
// is never released.
func (w *state) end(resp Response) {
	w.fences(resp.Seq, "end")
	resp.Fatal = true
	resp.ProcessCPU = cpuTime() - w.cpu0
	_ = w.send(resp)
	os.Exit(resp.ExitCode)
}

// timeout ends the worker when the cell seq is still running at its
// deadline, after seeing where the cell's goroutines are stuck. The
// interpreter is never told to stop: its cancellation races with the
// running code (yaegi's ExecuteWithContext writes its results from two
// goroutines), and a worker whose cell timed out is replaced anyway, since
// interpreted goroutines may still run.
func (w *state) timeout(seq int, limit time.Duration) {
	hint := blockedHint(w.host)
	w.mu.Lock()
	if w.deadline != seq {
		w.mu.Unlock() // the cell ended in time
		return
	}
	spans, dropped := w.rec.Stop()
	w.end(Response{Seq: seq, FailKind: chapter.FailTimeout, Error: fmt.Sprintf("timeout after %v%s", limit, hint),
		Time: time.Since(w.started), Spans: spans, Dropped: dropped})
}

// begin starts the clocks of the cell seq, and the execution tracer when
// traced, and arms its deadline.
func (w *state) begin(seq int, limit time.Duration, traced bool) (disarm func()) {
	w.mu.Lock()
	w.rec = nil
	if traced {
		// Tracing fails only when a cell left the tracer on: no diagram.
		w.rec, _ = tracespans.Start()
	}
	w.cur, w.deadline, w.started, w.cpu0 = seq, seq, time.Now(), cpuTime()
	w.mu.Unlock()
	timer := time.AfterFunc(limit, func() { w.timeout(seq, limit) })
	return func() {
		timer.Stop()
		w.mu.Lock() // blocks for good when the worker is ending
		w.deadline = 0
		w.mu.Unlock()
	}
}

func (w *state) fences(seq int, edge string) {
	os.Stdout.WriteString(Fence(w.nonce, seq, edge))
	os.Stderr.WriteString(Fence(w.nonce, seq, edge))
}

// newInterp makes an interpreter that knows the packages in imports, or
// every package when imports is nil. Loading only what a program imports
// keeps a fresh interpreter cheap (4 ms instead of 7): see programExports.
func (w *state) newInterp(imports []string, prime bool) *interp.Interpreter {
	i := interp.New(interp.Options{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin, Env: os.Environ()})
	ex := w.exports
	if imports != nil {
		ex = programExports(w.exports, w.keys, imports)
	}
	if err := i.Use(ex); err != nil {
		panic(err) // the tables are built in; this cannot depend on input
	}
	if err := i.Use(w.overrides()); err != nil {
		panic(err)
	}
	if prime {
		primeInterp(i)
	}
	w.watchTimers(i)
	return i
}

// run executes one cell and restores what the cell may have changed of the
// process: the environment, GOMAXPROCS, the working directory.
func (w *state) run(req *Request) (resp Response) {
	resp.Seq = req.Seq
	procs := runtime.GOMAXPROCS(0)
	wd, _ := os.Getwd()
	base := runtime.NumGoroutine()
	var fds map[int]string
	if req.Program {
		fds = openFDs()
	}
	w.fences(req.Seq, "start")
	disarm := w.begin(req.Seq, req.Timeout, w.wantsTrace(req))
	defer func() {
		disarm()
		resp.Spans, resp.Dropped = w.rec.Stop()
		resp.Leftover = leftover(base)
		resp.LeftoverFDs = leftoverFDs(fds)
		w.fences(req.Seq, "end")
		runtime.GOMAXPROCS(procs)
		restoreEnv(w.baseEnv)
		if wd != "" {
			_ = os.Chdir(wd)
		}
	}()
	i, pieces := w.pieces(req)
	stopWatch := w.watchDeadlock(req.Seq, i, req.Program)
	for _, p := range pieces {
		if !w.runPiece(i, req, p, &resp) {
			break
		}
	}
	stopWatch()
	return resp
}

// wantsTrace reports whether the cell is traced (tracespans.Wanted): a
// program by its source, a fragment by its chunks and the imports the
// session already has, as the go engine decides.
func (w *state) wantsTrace(req *Request) bool {
	if req.Program {
		return tracespans.Wanted(req.Code)
	}
	var src strings.Builder
	for k := range w.imports {
		if strings.HasSuffix(k, `"runtime/trace"`) {
			src.WriteString(k + "\n")
		}
	}
	for _, c := range req.Chunks {
		src.WriteString(c.Code + "\n")
	}
	return tracespans.Wanted(src.String())
}

// pieces returns the interpreter a cell runs in and what it evaluates
// there: a program, whole, in an interpreter of its own; a fragment, chunk
// by chunk, in the session, without the imports the session has.
func (w *state) pieces(req *Request) (*interp.Interpreter, []piece) {
	if req.Program {
		i := w.newInterp(programImports(req.Code), req.LockMain)
		return i, []piece{{code: req.Code, line: req.Line, col: 1, kind: "file"}}
	}
	if w.session == nil {
		w.session = w.newInterp(nil, false)
	}
	var pieces []piece
	for _, c := range req.Chunks {
		code := c.Code
		if c.Kind == "import" {
			var fresh []string
			for _, s := range c.Imports {
				if !w.imports[s.String()] {
					fresh = append(fresh, s.String())
				}
			}
			if len(fresh) == 0 {
				continue
			}
			code = "import (" + strings.Join(fresh, "; ") + ")"
		}
		if c.Kind == "stmt" {
			code = WrapCompound(c, "_.go")
		}
		pieces = append(pieces, piece{code: code, line: c.Line, col: c.Col, kind: c.Kind, imports: c.Imports})
	}
	return w.session, pieces
}

// runPiece rewrites, compiles and executes one piece of a cell, adding its
// times to resp; it reports whether the cell goes on (the piece did not
// fail).
func (w *state) runPiece(i *interp.Interpreter, req *Request, p piece, resp *Response) bool {
	src := p.code
	if req.Rewrite {
		var err error
		if src, err = w.rewriteFor(p.kind, src); err != nil {
			resp.FailKind, resp.Error = chapter.FailCompile, positioned(req.Path, p.line, p.col, err)
			if strings.HasPrefix(p.code, "//line ") {
				// A program of several files (chapter.Concat) carries
				// its own directives, which the rewrite's positions
				// follow already.
				resp.Error = positioned(req.Path, 1, 1, err)
			}
			var r *rewrite.Refusal
			if errors.As(err, &r) {
				resp.Refused = r.Construct + ": " + r.Msg
			}
			return false
		}
	}
	// The interpreter scopes imports by file name, as Go does: the pieces
	// of a session must all be "_.go", the name it gives sources, or a
	// declaration cannot see an earlier piece's import.
	file := req.Path
	if !req.Program {
		file = "_.go"
		if err := w.rewriteImports(i); err != nil {
			resp.FailKind, resp.Error = chapter.FailCompile, positioned(req.Path, p.line, p.col, err)
			return false
		}
	}
	prog, err := compile(i, LineDirective(file, p.line, p.col)+src)
	if err != nil {
		resp.FailKind, resp.Error = chapter.FailCompile, inFile(err.Error(), req.Path)
		if m := missingImport.FindStringSubmatch(resp.Error); m != nil {
			resp.Error = fmt.Sprintf("%simport %q: the interpreter does not provide this package; add engine=\"go\" to the cell", m[1], m[2])
			resp.Refused = fmt.Sprintf("import %q: not in the interpreter", m[2])
		}
		return false
	}
	if p.kind == "import" {
		for _, s := range p.imports {
			w.imports[s.String()] = true
		}
	}
	r0 := time.Now()
	load := readLoad()
	kind, msg, d, cpu := execute(i, prog, req.LockMain && req.Program)
	load.add(resp, time.Since(r0)-d)
	resp.Time += d
	resp.CPU += cpu
	resp.FailKind, resp.Error = kind, msg
	return kind == ""
}

// programExports are the tables a program that imports the given paths is
// run with: those, and always fmt, because loading it is what makes the
// interpreter install its restricted standard library, io, because an
// untyped nil passed for an io.Reader (the body of http.NewRequest)
// crashes the interpreter when io is not loaded, and the rewrite's
// runtime package. keys maps an import path to its key in all.
func programExports(all interp.Exports, keys map[string]string, imports []string) interp.Exports {
	ex := interp.Exports{}
	for _, path := range append(imports, "fmt", "io", rewrite.RuntimePath) {
		if key := keys[path]; key != "" {
			ex[key] = all[key]
		}
	}
	return ex
}

// exportKeys maps each import path of the tables to its key ("path/name").
func exportKeys(ex interp.Exports) map[string]string {
	keys := map[string]string{}
	for key := range ex {
		if i := strings.LastIndexByte(key, '/'); i > 0 {
			keys[key[:i]] = key
		}
	}
	return keys
}

// rewriteImports evaluates in the session the imports that the rewritten
// pieces need (rewrite.Session.Imports), once.
func (w *state) rewriteImports(i *interp.Interpreter) error {
	for _, imp := range w.rw.Imports() {
		if w.imports[imp] {
			continue
		}
		prog, err := compile(i, imp)
		if err != nil {
			return err
		}
		if _, err := i.Execute(prog); err != nil {
			return err
		}
		w.imports[imp] = true
	}
	return nil
}

// programImports lists the import paths of a program; on a syntax error it
// returns what it could read, and the compiler reports the error.
func programImports(code string) []string {
	f, _ := parser.ParseFile(token.NewFileSet(), "", code, parser.ImportsOnly)
	paths := []string{}
	if f == nil {
		return paths
	}
	for _, imp := range f.Imports {
		if p, err := strconv.Unquote(imp.Path.Value); err == nil {
			paths = append(paths, p)
		}
	}
	return paths
}

// bareLineCol matches the start of a message that names a line and column
// but no file, as the interpreter writes them for "_.go".
var bareLineCol = regexp.MustCompile(`(?m)^(?:_\.go:)?(\d+:\d+: )`)

// missingImport matches the interpreter's error for an import it has no
// symbols for (it would look for the package's source in GOPATH).
var missingImport = regexp.MustCompile(`^(\S+:\d+:\d+: )?import "([^"]+)" error: unable to find source related to:`)

// inFile puts the chapter's path in front of positions without a file.
func inFile(msg, path string) string {
	return bareLineCol.ReplaceAllString(msg, path+":$1")
}

type piece struct {
	code, kind string
	line, col  int
	imports    []ImportSpec
}

// compile parses and type-checks src, turning an internal panic of the
// interpreter into an error.
func compile(i *interp.Interpreter, src string) (prog *interp.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the interpreter failed on this code: %v", r)
		}
	}()
	return i.Compile(src)
}

// execute runs a compiled piece and classifies how it ended. The context
// of ExecuteWithContext is never done (see timeout for why a cell is never
// cancelled); it is there because with one the interpreter runs channel
// operations the way it always ran the book's cells, its cancellable way.
// With lock (a speedup's baseline) the piece runs on a goroutine of its
// own, as ExecuteWithContext would run it (with the cancellable channel
// operations primeInterp set up), locked to its thread, so that the piece's
// main goroutine keeps one thread, the busiest, whose CPU time bounds the
// run's time without load from below (package runner's documentation,
// "Load"): unlocked, it moves between threads.
func execute(i *interp.Interpreter, prog *interp.Program, lock bool) (kind chapter.FailKind, msg string, wall, cpu time.Duration) {
	if !lock {
		c0 := cpuTime()
		t0 := time.Now()
		_, err := i.ExecuteWithContext(context.Background(), prog)
		kind, msg = failure(err)
		return kind, msg, time.Since(t0), cpuTime() - c0
	}
	c0 := cpuTime()
	t0 := time.Now()
	done := make(chan struct{})
	var err error
	go func() {
		// A cell that calls runtime.Goexit ends this goroutine locked:
		// its thread ends with it, and the deferred call still runs.
		runtime.LockOSThread()
		defer close(done)
		_, err = i.Execute(prog)
		runtime.UnlockOSThread()
	}()
	<-done
	wall = time.Since(t0)
	cpu = cpuTime() - c0
	kind, msg = failure(err)
	return kind, msg, wall, cpu
}

// failure classifies how an execution ended: "" when it returned.
func failure(err error) (chapter.FailKind, string) {
	if err == nil {
		return "", ""
	}
	var p interp.Panic
	if errors.As(err, &p) {
		return chapter.FailPanic, "panic: " + panicValue(p.Value)
	}
	return chapter.FailPanic, err.Error()
}

// primeInterp gives a fresh interpreter what ExecuteWithContext gives each
// execution, the channel that makes its channel operations cancellable,
// by executing an empty program that way, before anything is compiled
// (later, an empty program would run the program's main again). The
// context is never done, so the channel stays open for every later
// execution (execute).
func primeInterp(i *interp.Interpreter) {
	prog, err := i.Compile("")
	if err != nil {
		panic(err) // an empty source compiles; this cannot depend on input
	}
	if _, err := i.ExecuteWithContext(context.Background(), prog); err != nil {
		panic(err)
	}
}

// panicValue prints a panic value as the Go runtime does.
func panicValue(v any) string {
	if rv, ok := v.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		v = rv.Interface() // how the interpreter hands over some values
	}
	switch v := v.(type) {
	case error:
		if isRuntimeError(v) {
			return v.Error() + " [recovered]"
		}
		return v.Error()
	case fmt.Stringer:
		return v.String()
	case string:
		return v
	default:
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
			reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
			if rv.Type().PkgPath() == "" {
				return fmt.Sprint(v)
			}
			return fmt.Sprintf("%s(%v)", rv.Type(), v)
		}
		return fmt.Sprintf("(%T) %v", v, v)
	}
}

func isRuntimeError(err error) bool {
	_, ok := err.(runtime.Error)
	return ok
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// leftover counts the goroutines the cell started that are still running,
// after a short grace for those about to return.
func leftover(base int) int {
	deadline := time.Now().Add(20 * time.Millisecond)
	for {
		n := runtime.NumGoroutine() - base
		if n <= 0 || time.Now().After(deadline) {
			return max(n, 0)
		}
		time.Sleep(time.Millisecond)
	}
}

func allStacks() []byte {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		if len(buf) >= 64<<20 {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

func goroutineIDs() map[string]bool {
	ids := map[string]bool{}
	for _, g := range stackdump.Parse(string(allStacks())) {
		ids[g.ID] = true
	}
	return ids
}

// blockedHint summarizes where the goroutines a cell started are stuck.
func blockedHint(before map[string]bool) string {
	counts := map[string]int{}
	for _, g := range stackdump.Parse(string(allStacks())) {
		if before[g.ID] || len(g.Frames) == 0 || strings.HasSuffix(g.Frames[0].Func, ".allStacks") {
			continue // the worker's own, or the one taking this picture
		}
		state, fn := g.State, g.Frames[0].Func
		if strings.HasPrefix(fn, "sync.") || strings.HasPrefix(fn, "time.Sleep") || strings.HasPrefix(fn, "net.") {
			state = strings.ReplaceAll(strings.ReplaceAll(fn, "(*", ""), ")", "")
		}
		counts[state]++
	}
	return stackdump.Hint(counts)
}

func restoreEnv(env []string) {
	want := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		want[k] = v
	}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if w, ok := want[k]; !ok {
			os.Unsetenv(k)
		} else if w != v {
			os.Setenv(k, w)
		}
	}
	for k, v := range want {
		if _, ok := os.LookupEnv(k); !ok {
			os.Setenv(k, v)
		}
	}
}

// watchMemory ends the worker when the Go heap and stacks exceed the limit,
// so that a cell that allocates without end fails with a clear reason
// instead of taking the machine's memory.
func (w *state) watchMemory() {
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}, {Name: "/memory/classes/heap/free:bytes"}}
	for range time.Tick(10 * time.Millisecond) {
		metrics.Read(samples)
		used := int64(samples[0].Value.Uint64() - samples[1].Value.Uint64() - samples[2].Value.Uint64())
		if used > w.limit {
			w.mu.Lock()
			w.end(Response{Seq: w.cur, ExitCode: 3, FailKind: chapter.FailMemory,
				Error: fmt.Sprintf("memory limit exceeded: the cell used %d MiB, the limit is %d MiB", used>>20, w.limit>>20)})
		}
	}
}

// positioned puts a refusal of the rewrite (line:col relative to the
// piece) at the chapter's position.
func positioned(path string, line, col int, err error) string {
	var r *rewrite.Refusal
	if !errors.As(err, &r) {
		return fmt.Sprintf("%s:%d: %v", path, line, err)
	}
	c := r.Col
	if r.Line == 1 {
		c += col - 1
	}
	return fmt.Sprintf("%s:%d:%d: %s is not supported by the interpreter: %s; add engine=\"go\" to the cell",
		path, line+r.Line-1, c, r.Construct, r.Msg)
}

// rewriteFor gives a piece Go 1.22+ semantics under the interpreter (see
// package rewrite). A refusal is returned; a syntax error is not, so that
// the interpreter reports it with the chapter's positions.
func (w *state) rewriteFor(kind, src string) (string, error) {
	var out []byte
	var err error
	switch kind {
	case "file":
		if preLoopvar(src) {
			return src, nil // it asks for the old semantics, which are the interpreter's
		}
		out, err = rewrite.File([]byte(src))
	case "decl":
		out, err = w.rw.Decls([]byte(src))
	case "stmt":
		out, err = w.rw.Stmts([]byte(src))
	default:
		return src, nil
	}
	var r *rewrite.Refusal
	switch {
	case errors.As(err, &r):
		return "", err
	case err != nil:
		return src, nil
	}
	return string(out), nil
}

// preLoopvar reports whether a file's build constraint sets a language
// version before Go 1.22 (//go:build go1.21), which the toolchain honours by
// compiling the file with per-loop variables.
func preLoopvar(src string) bool {
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "package ") {
			return false
		}
		if !constraint.IsGoBuild(line) {
			continue
		}
		expr, err := constraint.Parse(line)
		if err != nil {
			return false
		}
		v := constraint.GoVersion(expr)
		return v != "" && version.Compare(v, "go1.22") < 0
	}
	return false
}
