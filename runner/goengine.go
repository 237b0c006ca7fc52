package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/internal/stackdump"
	"github.com/concurrency101/book/runner/internal/tracespans"
	"github.com/concurrency101/book/runner/internal/worker"
	"golang.org/x/sys/unix"
)

// bookModule is the module path of this repository; cells import its
// dependencies (golang.org/x/sync).
const bookModule = "github.com/concurrency101/book"

// This file is the go engine, named as cells and flags name it
// (engine="go", -engine=go): it runs cells with the Go toolchain, which is
// the oracle for what a cell prints (see differ.go).

// goEngine runs cells with the installed Go toolchain: each cell becomes a
// program that is built in a temporary module (which requires this
// repository through a replace directive and uses a copy of its go.sum, so
// that no dependency is resolved afresh) and run as a process of its own.
//
// A fragment is run as one program made of the chapter's session so far:
// the imports and declarations of every fragment that succeeded, then, in
// func main, their statements in order, a fence, and the fragment's own
// statements. The output before the fence (the earlier fragments') is
// discarded. A declaration a later fragment replaced, and the references
// of earlier fragments to it, are renamed (redecl.go). //line directives
// keep compile errors, panics and goroutine dumps at the chapter's lines.
type goEngine struct {
	ch      *chapter.Chapter
	opts    *Options
	goCmd   string // the go command
	goroot  string // its GOROOT, "" if unknown
	dir     string // the temporary module
	scratch *scratchDir
	nonce   string // makes the fragments' fences unforgeable
	seq     int
	session []*goFragment // fragments that ran without failing
	// builds counts the go build invocations, for tests.
	builds int
	// programs holds the binaries of complete programs by source, kept
	// until Close: timed runs run the same program again and again, and a
	// build each time would dwarf a compiled cell's work.
	programs map[string]string
}

// A goFragment is a fragment cell cut into the places its pieces go in
// the assembled program.
type goFragment struct {
	cell    *chapter.Cell
	imports []goImport
	decls   []worker.Chunk
	stmts   []worker.Chunk // the statements, := turned into = where nothing is new
	defined []string       // variables the statements declare in func main's scope
	scope   *fragScope     // its session-level names (redecl.go)
	time    time.Duration
}

type goImport struct {
	spec worker.ImportSpec
	line int
}

func newGoEngine(ch *chapter.Chapter, opts *Options) (*goEngine, error) {
	goCmd, err := goCommand()
	if err != nil {
		return nil, err
	}
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	sd, err := newScratchDir("book-go-")
	if err != nil {
		return nil, err
	}
	dir := sd.path
	e := &goEngine{ch: ch, opts: opts, goCmd: goCmd, goroot: goRoot(goCmd), dir: dir, scratch: sd, nonce: newNonce()}
	if err := writeCellModule(dir, root); err != nil {
		sd.remove()
		return nil, err
	}
	return e, nil
}

func (e *goEngine) Name() string { return "go" }

func (e *goEngine) Close() error { return e.scratch.remove() }

// Run builds and runs one cell.
func (e *goEngine) Run(ctx context.Context, c *chapter.Cell) (*chapter.Result, error) {
	e.seq++
	res := newResult(c, e.Name())
	if c.Program || c.Test {
		// A test keeps its code: package testing's main runs it, and its
		// time is the test binary's.
		code, wrapped := c.Code, false
		if !c.Test {
			code, wrapped = renameMain(c.Code, c.Race)
		}
		if err := writeHooks(filepath.Join(e.dir, "cell"), wrapped); err != nil {
			return res, err
		}
		// A program of several files is built as go build builds a
		// package: each file under its name.
		files := map[string]string{}
		key := fmt.Sprint(c.Race, c.Test)
		for _, s := range c.Sources() {
			if s.Cell == c {
				s.Code = code
			}
			files[s.Name] = worker.LineDirective(e.ch.Path, s.Line, 1) + s.Code
			key += "\x00" + s.Name + "\x00" + files[s.Name]
		}
		bin := e.programs[key]
		if bin == "" {
			var err error
			if bin, err = e.build(ctx, files, c.Race, c.Test, res); err != nil || bin == "" {
				return res, err
			}
			if e.programs == nil {
				e.programs = map[string]string{}
			}
			e.programs[key] = bin
		}
		e.run(ctx, c, bin, false, 0, res)
		return res, ctx.Err()
	}
	f, err := e.fragment(c)
	if err != nil {
		res.FailKind, res.Error = chapter.FailCompile, err.Error()
		return res, nil
	}
	src, unused := e.assemble(f, nil), map[string]bool(nil)
	if err := writeHooks(filepath.Join(e.dir, "cell"), false); err != nil {
		return res, err
	}
	bin, err := e.build(ctx, map[string]string{"main.go": src}, c.Race, false, res)
	if err != nil {
		return res, err
	}
	if bin == "" && res.FailKind == chapter.FailCompile {
		// An import that no statement of the session uses is not an
		// error in a notebook (a later fragment may use it): drop those
		// and build again, or explain the errors that remain.
		unused = unusedImports(res.Error)
		if len(unused) > 0 && onlyUnusedImports(res.Error) {
			res = newResult(c, e.Name())
			if bin, err = e.build(ctx, map[string]string{"main.go": e.assemble(f, unused)}, c.Race, false, res); err != nil {
				return res, err
			}
		}
		if bin == "" {
			res.Error = e.explainCompile(dropUnusedImportErrors(res.Error), f)
			return res, nil
		}
	}
	var replay time.Duration
	for _, s := range e.session {
		replay += s.time
	}
	e.run(ctx, c, bin, true, replay, res)
	if res.FailKind == "" && ctx.Err() == nil {
		f.time = res.Time
		e.session = append(e.session, f)
	}
	return res, ctx.Err()
}

// fragment cuts a fragment cell into imports, declarations and statements.
// Statements run in one func main, where a variable a statement of the
// same fragment declares again must be assigned instead, and where every
// variable must be used. A name an earlier fragment declared is declared
// afresh (redecl.go); what the rule refuses is the error.
func (e *goEngine) fragment(c *chapter.Cell) (*goFragment, error) {
	f := &goFragment{cell: c}
	for _, ch := range worker.SplitFragment(c.Code, c.CodeLine) {
		switch ch.Kind {
		case "import":
			for _, s := range ch.Imports {
				f.imports = append(f.imports, goImport{s, ch.Line})
			}
		case "decl":
			f.decls = append(f.decls, ch)
		default:
			f.stmts = append(f.stmts, ch)
		}
	}
	f.scope = scopeOf(e.ch.Path, f.decls, f.stmts)
	known := map[string]bool{}
	for i := range f.stmts {
		code, defined := defineOnce(f.stmts[i].Code, known)
		for _, n := range defined {
			known[n] = true
			f.defined = append(f.defined, n)
		}
		f.stmts[i].Code = code
	}
	if err := checkRedeclare(e.session, f); err != nil {
		return nil, err
	}
	return f, nil
}

// defineOnce finds the variables that the top-level := statements of code
// declare, and turns into a plain assignment every := that declares no new
// variable (all on its left are known), which Go rejects in one scope. Code
// that does not parse is returned unchanged, for the compiler to report.
func defineOnce(code string, known map[string]bool) (string, []string) {
	const prefix = "package p; func _() {\n"
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", prefix+code+"\n}", parser.SkipObjectResolution)
	if err != nil {
		return code, nil
	}
	body := file.Decls[0].(*ast.FuncDecl).Body
	out := []byte(code)
	seen := map[string]bool{}
	var defined []string
	for _, st := range body.List {
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE {
			continue
		}
		fresh := false
		for _, l := range as.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok || id.Name == "_" {
				continue
			}
			if !known[id.Name] && !seen[id.Name] {
				fresh = true
				seen[id.Name] = true
				defined = append(defined, id.Name)
			}
		}
		if !fresh {
			off := fset.Position(as.TokPos).Offset - len(prefix)
			copy(out[off:], "= ") // same width: columns stay put
		}
	}
	return string(out), defined
}

// assemble writes the program that runs fragment f after the session,
// leaving out the imports in drop.
func (e *goEngine) assemble(f *goFragment, drop map[string]bool) string {
	path := e.ch.Path
	frags := append(append([]*goFragment(nil), e.session...), f)
	names := newRenamer(frags, false)
	var b strings.Builder
	b.WriteString("package main\n\nimport (")
	seen := map[string]bool{}
	for _, fr := range frags {
		for _, im := range fr.imports {
			key := im.spec.String()
			if seen[key] || drop[im.spec.Path] {
				continue
			}
			seen[key] = true
			b.WriteString(worker.LineDirective(path, im.line, 1))
			b.WriteString(key + "\n")
		}
	}
	b.WriteString(generated)
	b.WriteString("bookrt_os \"os\"\n")
	b.WriteString(")\n")
	for i, fr := range frags {
		for j, d := range fr.decls {
			b.WriteString(worker.LineDirective(path, d.Line, d.Col))
			b.WriteString(names.code(i, false, j) + "\n")
		}
	}
	b.WriteString(generated)
	fence := fence(e.nonce, 0, "fragment")
	// The fence starts the current fragment's output, the clock and the
	// execution trace; the work interval starts there (gowork.go), so that
	// the earlier fragments' replay is not counted.
	fmt.Fprintf(&b, `func bookrt_fence() {
	bookrt_begin()
	bookrt_os.Stdout.WriteString(%q)
	bookrt_os.Stderr.WriteString(%q)
`, fence, fence)
	b.WriteString("}\n\nfunc main() {\n")
	for i, fr := range frags {
		if fr == f {
			b.WriteString(generated + "bookrt_fence()\n")
		}
		for j, s := range fr.stmts {
			b.WriteString(worker.LineDirective(path, s.Line, s.Col))
			b.WriteString(names.code(i, true, j) + "\n")
		}
	}
	b.WriteString(generated)
	for i, fr := range frags {
		for _, n := range fr.defined {
			b.WriteString("_ = " + names.name(n, i) + "\n")
		}
	}
	b.WriteString("bookrt_end()\n}\n")
	return b.String()
}

// generated positions the runner's own code in a file that is not the
// chapter, so that an error in it is not blamed on the chapter.
const generated = "\n//line book-runner-generated.go:1:1\n"

// build compiles the package of the given files (name to source), beside
// the hooks, in place of the last cell's: with test, its test binary, as
// go test -c builds it (go vet's checks included, as go test runs them).
// It returns the binary, or "" with res holding the compile error; the
// error is for a toolchain that cannot run at all.
func (e *goEngine) build(ctx context.Context, files map[string]string, race, test bool, res *chapter.Result) (string, error) {
	cellDir := filepath.Join(e.dir, "cell")
	old, _ := filepath.Glob(filepath.Join(cellDir, "*.go"))
	for _, f := range old {
		if filepath.Base(f) != hooksFile {
			if err := os.Remove(f); err != nil {
				return "", err
			}
		}
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(cellDir, name), []byte(src), 0o644); err != nil {
			return "", err
		}
	}
	bin := filepath.Join(e.dir, "bin", fmt.Sprintf("cell%d", e.seq))
	args := []string{"build", "-o", bin}
	if test {
		args = []string{"test", "-c", "-o", bin}
	}
	if race {
		args = append(args, "-race")
	}
	args = append(args, "./cell")
	// The first build with -race compiles the standard library again.
	bctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(bctx, e.goCmd, args...)
	cmd.Dir = e.dir
	// GOTMPDIR: a build killed with the runner leaves its files in the
	// scratch directory, which the next run sweeps (scratch.go).
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly -buildvcs=false", "GOTMPDIR="+e.dir)
	if race {
		cmd.Env = append(cmd.Env, "CGO_ENABLED=1")
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	e.builds++
	err := cmd.Run()
	if err == nil {
		return bin, nil
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ctx.Err() != nil {
		return "", fmt.Errorf("go %s: %w", args[0], err)
	}
	res.FailKind, res.Error = chapter.FailCompile, e.chapterPaths(buildErrors(out.String()))
	return "", nil
}

// buildErrors keeps the compiler's messages from go build's output: the
// "# package" headers are not the reader's business.
func buildErrors(out string) string {
	var keep []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(l, "# ") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

var unusedImportRe = regexp.MustCompile(`(?m)^\S+: "([^"]+)" imported (?:as \S+ )?and not used$`)

func unusedImports(msg string) map[string]bool {
	m := map[string]bool{}
	for _, s := range unusedImportRe.FindAllStringSubmatch(msg, -1) {
		m[s[1]] = true
	}
	return m
}

func onlyUnusedImports(msg string) bool {
	return strings.TrimSpace(unusedImportRe.ReplaceAllString(msg, "")) == ""
}

func dropUnusedImportErrors(msg string) string {
	if onlyUnusedImports(msg) {
		return msg
	}
	return strings.TrimSpace(regexp.MustCompile(`\n+`).ReplaceAllString(unusedImportRe.ReplaceAllString(msg, ""), "\n"))
}

var undefinedRe = regexp.MustCompile(`undefined: (\w+)`)

// explainCompile adds a note to a compile error that comes from the way
// fragments are assembled: a variable declared with := by a statement lives
// in func main, where a declaration cannot see it.
func (e *goEngine) explainCompile(msg string, f *goFragment) string {
	where := map[string]string{}
	for _, fr := range append(append([]*goFragment(nil), e.session...), f) {
		for _, n := range fr.defined {
			where[n] = e.ch.Pos(fr.cell.Line)
		}
	}
	noted := map[string]bool{}
	var notes []string
	for _, m := range undefinedRe.FindAllStringSubmatch(msg, -1) {
		if at, ok := where[m[1]]; ok && !noted[m[1]] {
			noted[m[1]] = true
			notes = append(notes, fmt.Sprintf("note: %s is declared with := by a statement (cell at %s); the go engine runs statements inside func main, so a declaration cannot use it: declare it with var at the top level", m[1], at))
		}
	}
	if len(notes) == 0 {
		return msg
	}
	return msg + "\n" + strings.Join(notes, "\n")
}

// run executes a built cell, fills res, and kills what is left of the
// process group. With fenced, only what follows the fence is the cell's;
// replay is added to the timeout for the earlier fragments' statements.
func (e *goEngine) run(ctx context.Context, c *chapter.Cell, bin string, fenced bool, replay time.Duration, res *chapter.Result) {
	p := &goRun{
		traceFile: filepath.Join(e.dir, fmt.Sprintf("trace%d.out", e.seq)),
		fenceFile: filepath.Join(e.dir, fmt.Sprintf("fence%d", e.seq)),
		stdout:    newStream(e.opts.outputCap(), e.nonce),
		stderr:    newStream(e.opts.outputCap(), e.nonce),
		timeout:   e.opts.timeout(c),
	}
	if fenced {
		p.fence = fence(e.nonce, 0, "fragment")
	}
	if out := e.opts.Output; out != nil {
		defer tapStreams(p.stdout, p.stderr, p.fence, out)()
	}
	defer os.Remove(p.traceFile)
	defer os.Remove(p.fenceFile)
	if !c.Program {
		defer os.Remove(bin)
	}
	var args []string
	if c.Test {
		// What go test -v passes the test binary, but its -test.timeout:
		// the cell's timeout stops it (SIGQUIT, as for a program).
		args = []string{"-test.v=true", "-test.paniconexit0"}
		p.test = true
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = filepath.Join(e.dir, "work")
	cmd.Env = append(environWithout(workerEnv, "BOOK_TRACE"), "BOOK_FENCE="+p.fenceFile)
	if e.traced(c) {
		cmd.Env = append(cmd.Env, "BOOK_TRACE="+p.traceFile)
	}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// A grandchild holding the pipes open must not keep the cell running.
	cmd.WaitDelay = 2 * time.Second
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		res.FailKind, res.Error = chapter.FailCrash, "starting the program: "+err.Error()
		return
	}
	if !c.Race {
		// The data segment limit bounds the Go heap (the address space
		// limit would not: the runtime reserves far more than it uses);
		// the race detector's shadow memory would not fit under it.
		lim := uint64(e.opts.memLimit())
		_ = unix.Prlimit(cmd.Process.Pid, unix.RLIMIT_DATA, &unix.Rlimit{Cur: lim, Max: lim}, nil)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(p.timeout + replay)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		// SIGQUIT makes the Go runtime print every goroutine's stack,
		// which says where the cell was stuck; then the group goes.
		p.timedOut = true
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	case <-ctx.Done():
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		res.FailKind, res.Error = chapter.FailInterrupted, "interrupted"
	}
	end := time.Now()
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // leftovers of the group
	p.ps, p.start, p.end = cmd.ProcessState, t0, end
	e.collect(p, res)
}

// A goRun is one run of a built cell: where it writes, and how it went.
type goRun struct {
	traceFile, fenceFile string
	fence                string // "" for a program
	test                 bool   // a test binary, run as go test -v runs it
	stdout, stderr       *stream
	timeout              time.Duration
	timedOut             bool
	ps                   *os.ProcessState
	start, end           time.Time
}

// collect fills res from a finished run: its times (those of the
// fragment's own statements, when fenced), spans, output and ending.
func (e *goEngine) collect(p *goRun, res *chapter.Result) {
	res.Time = p.end.Sub(p.start)
	if p.ps != nil {
		res.CPU = p.ps.UserTime() + p.ps.SystemTime()
		res.ProcessCPU = res.CPU
	}
	workTimes(p.fenceFile, p.end, res)
	// A program that exits without returning from main leaves no trace
	// or a truncated one: its spans are what could be read.
	res.Spans, _, _ = tracespans.ReadFile(p.traceFile)
	p.stdout.closeWrite()
	p.stderr.closeWrite()
	out, t1 := p.stdout.after(p.fence)
	errOut, t2 := p.stderr.after(p.fence)
	res.Truncated = t1 || t2
	if res.FailKind == chapter.FailInterrupted {
		res.Stdout, res.Stderr = string(out), string(errOut)
		return
	}
	e.classify(res, p.ps, p.timedOut, p.timeout, string(out), string(errOut))
	if p.test {
		e.testFailure(res)
	}
	noteTruncation(res, e.opts.outputCap())
}

// failedTestRe matches go test -v's line for a failed top-level test.
var failedTestRe = regexp.MustCompile(`(?m)^--- FAIL: (\S+)`)

// testFailure reads the ending of a test binary, which exits with status
// 1 when a test failed: a race the detector found during a test (testing
// then fails the test) is the kind race, as in a program; other failures
// stay exit, their message naming the tests that failed, after the
// status: "exit status 1: failed: TestSum".
func (e *goEngine) testFailure(res *chapter.Result) {
	if res.FailKind != chapter.FailExit || res.Error != "exit status 1" {
		return
	}
	if strings.Contains(res.Stderr, "WARNING: DATA RACE") {
		res.FailKind = chapter.FailRace
		res.Error = "race: " + raceSummary(res.Stderr)
		res.Stderr = e.raceReport(res.Stderr)
		return
	}
	var names []string
	for _, m := range failedTestRe.FindAllStringSubmatch(res.Stdout, -1) {
		names = append(names, m[1])
	}
	if len(names) > 0 {
		res.Error += ": failed: " + strings.Join(names, ", ")
	}
}

var (
	sigquitRe  = regexp.MustCompile(`(?m)^SIGQUIT: quit$`)
	frameOffRe = regexp.MustCompile(`(?m)^(\s+\S+:\d+) \+0x[0-9a-f]+$`)
)

// classify sets how the program ended and what of its stderr is the
// cell's: the runtime's crash report is summarized in Error, not kept.
func (e *goEngine) classify(res *chapter.Result, ps *os.ProcessState, timedOut bool, timeout time.Duration, out, errOut string) {
	res.Stdout, res.Stderr = out, errOut
	status := -1
	var ws syscall.WaitStatus
	if ps != nil {
		ws, _ = ps.Sys().(syscall.WaitStatus)
		status = ps.ExitCode()
	}
	at, crash := crashReport(errOut)
	switch {
	case timedOut:
		dump := ""
		if loc := sigquitRe.FindStringIndex(errOut); loc != nil {
			res.Stderr, dump = errOut[:loc[0]], errOut[loc[0]:]
		}
		res.FailKind = chapter.FailTimeout
		res.Error = fmt.Sprintf("timeout after %v%s", timeout, e.blockedAt(dump))
	case status == 66 && strings.Contains(errOut, "WARNING: DATA RACE"):
		res.FailKind = chapter.FailRace
		res.Error = "race: " + raceSummary(errOut)
		res.Stderr = e.raceReport(errOut)
	case status == 0:
	case status == 2 && at >= 0:
		res.FailKind, res.Error = crashKind(crash), crash
		res.Stderr = errOut[:at]
		if strings.HasPrefix(crash, "fatal error: ") && strings.Contains(crash, "out of memory") {
			res.FailKind = chapter.FailMemory
			res.Error = fmt.Sprintf("memory limit exceeded: the limit is %d MiB", e.opts.memLimit()>>20)
			if j := strings.LastIndex(res.Stderr, "runtime: out of memory"); j >= 0 {
				res.Stderr = res.Stderr[:j]
			}
		}
	case status > 0:
		res.FailKind, res.Error = chapter.FailExit, fmt.Sprintf("exit status %d", status)
	case ws.Signaled():
		res.FailKind, res.Error = chapter.FailCrash, "the program was killed: "+ws.Signal().String()
	default:
		res.FailKind, res.Error = chapter.FailCrash, "the program ended abnormally: "+ps.String()
	}
}

// raceReport is the race detector's report as a golden output can show
// it: without the frames' code offsets (+0x37), and with the standard
// library's files under $GOROOT/src (the creators of a test's goroutines
// are package testing's), so that it does not depend on where Go is
// installed.
func (e *goEngine) raceReport(stderr string) string {
	stderr = frameOffRe.ReplaceAllString(stderr, "$1")
	if e.goroot != "" {
		stderr = strings.ReplaceAll(stderr, filepath.Join(e.goroot, "src")+string(filepath.Separator), "$GOROOT/src/")
	}
	return stderr
}

// blockedAt summarizes a goroutine dump: how many goroutines were in which
// state at which line of the chapter. Goroutines with no frame in the
// chapter (the runtime's own) are left out.
func (e *goEngine) blockedAt(dump string) string {
	counts := map[string]int{}
	for _, g := range stackdump.Parse(dump) {
		for _, f := range g.Frames {
			if line, ok := strings.CutPrefix(f.Pos, e.ch.Path+":"); ok && isDigits(line) {
				counts[g.State+" at "+f.Pos]++
				break
			}
		}
	}
	return stackdump.Hint(counts)
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

var raceAccessRe = regexp.MustCompile(`(?m)^(Read|Write|Previous read|Previous write) at 0x[0-9a-f]+ by (?:goroutine \d+|main goroutine):\n(?:\s+.*\n)*?\s+(\S+:\d+)`)

// raceSummary names the two accesses of the first race report, at the
// chapter's lines.
func raceSummary(stderr string) string {
	ms := raceAccessRe.FindAllStringSubmatch(stderr, 2)
	if len(ms) < 2 {
		return "data race"
	}
	return fmt.Sprintf("data race: %s at %s, %s at %s", strings.ToLower(ms[0][1]), ms[0][2], strings.ToLower(ms[1][1]), ms[1][2])
}

// traced reports whether cell c is traced for its timing diagram
// (tracespans.Wanted): a program by its source, a fragment by its own and
// the session's imports.
func (e *goEngine) traced(c *chapter.Cell) bool {
	src := c.Code
	for _, f := range e.session {
		for _, im := range f.imports {
			if !c.Program && im.spec.Path == "runtime/trace" {
				src = im.spec.String() + "\n" + src
			}
		}
	}
	return tracespans.Wanted(src)
}

func environWithout(keys ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(keys, k) {
			env = append(env, kv)
		}
	}
	return env
}

// goCommand finds the go command on $PATH.
func goCommand() (string, error) {
	p, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("the go engine needs the go command on $PATH")
	}
	return p, nil
}

// goRoot is the GOROOT of the go command, or "".
// It is asked once per go command and environment, not per chapter.
func goRoot(goCmd string) string {
	key := goCmd + "\x00" + os.Getenv("GOROOT") + "\x00" + os.Getenv("GOENV")
	if v, ok := goRoots.Load(key); ok {
		return v.(string)
	}
	cmd := exec.Command(goCmd, "env", "GOROOT")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOWORK=off")
	root := ""
	if out, err := cmd.Output(); err == nil {
		root = strings.TrimSpace(string(out))
	}
	goRoots.Store(key, root)
	return root
}

// goRoots memoizes goRoot.
var goRoots sync.Map // string -> string

// moduleRoot finds this repository: from the runner package's source
// location, else by walking up from the working directory.
func moduleRoot() (string, error) {
	var tries []string
	if _, file, _, ok := runtime.Caller(0); ok {
		tries = append(tries, filepath.Dir(filepath.Dir(file)))
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			tries = append(tries, d)
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	for _, d := range tries {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && modulePath(data) == bookModule {
			return d, nil
		}
	}
	return "", fmt.Errorf("the go engine needs the source of module %s (for go.mod and go.sum): not found above the working directory", bookModule)
}

func modulePath(gomod []byte) string {
	for _, l := range strings.Split(string(gomod), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "module" {
			p, err := strconv.Unquote(f[1])
			if err != nil {
				return f[1]
			}
			return p
		}
	}
	return ""
}

// writeCellModule creates the module that cells are built in: the
// repository's go.mod under another module path, so the same versions are
// selected, plus a requirement of the repository itself replaced by its
// directory, and the repository's go.sum.
func writeCellModule(dir, root string) error {
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, l := range strings.Split(string(gomod), "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) >= 2 && f[0] == "module":
			l = "module bookcells"
		case strings.Contains(l, "=> ./") || strings.Contains(l, "=> ../"):
			// A relative replacement is relative to the repository.
			before, after, _ := strings.Cut(l, "=> ")
			fs := strings.Fields(after)
			fs[0] = filepath.Join(root, fs[0])
			l = before + "=> " + strings.Join(fs, " ")
		}
		b.WriteString(l + "\n")
	}
	fmt.Fprintf(&b, "\nrequire %s v0.0.0-00010101000000-000000000000\n\nreplace %s => %s\n", bookModule, bookModule, root)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		return err
	}
	for _, d := range []string{"cell", "bin", "work"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	return nil
}
